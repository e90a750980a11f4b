"""Julia set renderer (as faafo): c = -0.8+0.156i, z <- z*z + c over the plane
xa..xb x ya..yb, each pixel coloured by the number of iterations before |z| > 2."""
import io

from PIL import Image

C = complex(-0.8, 0.156)


def palette(iterations):
    """RGB bytes for each iteration count i (faafo's colours)."""
    return [bytes((i % 8 * 32, i % 16 * 16, i % 32 * 8)) for i in range(iterations)]


def julia(width, height, iterations, xa, xb, ya, yb):
    """The fractal as an RGB PIL image."""
    colours = palette(iterations)
    last = iterations - 1
    cr, ci = C.real, C.imag
    dx = (xb - xa) / max(width - 1, 1)
    dy = (yb - ya) / max(height - 1, 1)
    xs = [xa + x * dx for x in range(width)]
    out = bytearray()
    for y in range(height):
        zy0 = ya + y * dy
        row = []
        for zx0 in xs:
            zx, zy = zx0, zy0
            i = 0
            # plain floats instead of complex: about twice as fast in CPython
            while i < last:
                zx2, zy2 = zx * zx, zy * zy
                if zx2 + zy2 > 4.0:
                    break
                zx, zy = zx2 - zy2 + cr, 2.0 * zx * zy + ci
                i += 1
            row.append(colours[i])
        out += b"".join(row)
    return Image.frombytes("RGB", (width, height), bytes(out))


def render_png(width, height, iterations, xa, xb, ya, yb):
    buf = io.BytesIO()
    julia(width, height, iterations, xa, xb, ya, yb).save(buf, format="PNG", optimize=False)
    return buf.getvalue()
