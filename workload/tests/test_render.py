"""The renderer: same picture as faafo's complex-number loop, fast enough."""
import io
import time

from PIL import Image

from fractals.render import julia, render_png


def faafo(width, height, iterations, xa, xb, ya, yb):
    """faafo's JuliaSet loop, verbatim in spirit (complex numbers, putpixel)."""
    img = Image.new("RGB", (width, height))
    c = complex(-0.8, 0.156)
    for y in range(height):
        zy = y * (yb - ya) / max(height - 1, 1) + ya
        for x in range(width):
            zx = x * (xb - xa) / max(width - 1, 1) + xa
            z = zx + zy * 1j
            for i in range(iterations):
                if abs(z) > 2.0:
                    break
                z = z * z + c
            img.putpixel((x, y), (i % 8 * 32, i % 16 * 16, i % 32 * 8))
    return img


def test_matches_faafo():
    for args in ((40, 30, 64, -2.0, 2.0, -1.5, 1.5), (17, 23, 255, -0.5, 0.25, -0.3, 0.9), (1, 1, 1, -1, 1, -1, 1)):
        mine, theirs = list(julia(*args).getdata()), list(faafo(*args).getdata())
        # the float loop may differ from abs() in the last bit at the escape radius
        assert sum(a != b for a, b in zip(mine, theirs)) <= len(mine) // 200


def test_png_and_speed():
    t = time.process_time()  # CPU time: not fooled by a busy machine
    png = render_png(256, 256, 256, -1.5, 1.5, -1.0, 1.0)
    assert time.process_time() - t < 2.0
    img = Image.open(io.BytesIO(png))
    assert img.format == "PNG" and img.size == (256, 256) and img.mode == "RGB"
    assert len(set(img.getdata())) > 10  # not a blank picture
