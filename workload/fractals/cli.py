"""The `fractals` command line client of the API."""
import argparse
import hashlib
import json
import os
import random
import sys
import urllib.error
import urllib.request

from .config import mask_url

# faafo's ranges for random fractals
RANGES = {"width": (256, 1024), "height": (256, 1024), "iterations": (128, 512),
          "xa": (-3.0, -1.0), "xb": (1.0, 3.0), "ya": (-1.5, -0.5), "yb": (0.5, 1.5)}


class CliError(Exception):
    pass


class Client:
    def __init__(self, url, timeout=30):
        self.url, self.timeout = url.rstrip("/"), timeout

    def call(self, method, path, body=None, raw=False):
        data = None if body is None else json.dumps(body).encode()
        req = urllib.request.Request(self.url + path, data=data, method=method,
                                     headers={"Content-Type": "application/json"})
        try:
            with urllib.request.urlopen(req, timeout=self.timeout) as r:
                out = r.read()
        except urllib.error.HTTPError as e:
            try:
                msg = json.loads(e.read()).get("error") or e.reason
            except (ValueError, AttributeError):
                msg = e.reason
            raise CliError("%s %s: HTTP %d: %s" % (method, path, e.code, msg))
        except (OSError, ValueError) as e:
            raise CliError("cannot reach the API at %s: %s" % (mask_url(self.url), getattr(e, "reason", e)))
        if raw:
            return out
        try:
            return json.loads(out) if out else None
        except ValueError:
            raise CliError("%s %s: the answer is not JSON" % (method, path))


def show(rec):
    for k in ("uuid", "width", "height", "iterations", "xa", "xb", "ya", "yb", "checksum", "size",
              "duration", "generated_by", "created_at", "updated_at"):
        print("%-13s %s" % (k + ":", "" if rec.get(k) is None else rec[k]))


def cmd_create(c, a):
    for _ in range(a.tasks):
        body = {}
        for k, (lo, hi) in RANGES.items():
            v = getattr(a, k)
            if v is None:
                v = random.randint(lo, hi) if isinstance(lo, int) else round(random.uniform(lo, hi), 4)
            body[k] = v
        rec = c.call("POST", "/v1/fractal", body)
        print("created %s (%dx%d, %d iterations)" % (rec["uuid"], rec["width"], rec["height"], rec["iterations"]))


def cmd_list(c, a):
    r = c.call("GET", "/v1/fractal?page=%d&per_page=%d" % (a.page, a.per_page))
    print("%-36s  %-9s  %5s  %-9s  %s" % ("uuid", "size", "iter", "state", "generated_by"))
    for f in r["objects"]:
        print("%-36s  %-9s  %5d  %-9s  %s" % (f["uuid"], "%dx%d" % (f["width"], f["height"]), f["iterations"],
                                            "rendered" if f["checksum"] else "pending", f["generated_by"] or ""))
    print("page %d of %d, %d fractals" % (r["page"], r["total_pages"], r["num_results"]))


def cmd_show(c, a):
    show(c.call("GET", "/v1/fractal/" + a.uuid))


def cmd_delete(c, a):
    c.call("DELETE", "/v1/fractal/" + a.uuid)
    print("deleted %s" % a.uuid)


def cmd_get_image(c, a):
    rec = c.call("GET", "/v1/fractal/" + a.uuid)
    png = c.call("GET", "/v1/fractal/%s/image" % a.uuid, raw=True)
    if rec.get("checksum") and hashlib.sha256(png).hexdigest() != rec["checksum"]:
        raise CliError("the image of %s does not match its checksum" % a.uuid)
    out = a.output or "%s.png" % rec["uuid"]
    try:
        with open(out, "wb") as f:
            f.write(png)
    except OSError as e:
        raise CliError("cannot write %s: %s" % (out, e.strerror))
    print("wrote %s (%d bytes)" % (out, len(png)))


def parser():
    p = argparse.ArgumentParser(prog="fractals", description="Client of the Fractals API.")
    p.add_argument("--url", default=os.environ.get("FRACTALS_API_URL", "http://localhost"),
                   help="API base URL (default: $FRACTALS_API_URL or http://localhost)")
    sub = p.add_subparsers(dest="command", metavar="COMMAND")
    sub.required = True
    s = sub.add_parser("create", help="create fractals (random parameters unless given)")
    s.add_argument("--tasks", type=int, default=1, help="how many (default 1)")
    for k, (lo, hi) in RANGES.items():
        s.add_argument("--" + k, type=type(lo), help="default: random in %s..%s" % (lo, hi))
    s.set_defaults(fn=cmd_create)
    s = sub.add_parser("list", help="list fractals")
    s.add_argument("--page", type=int, default=1)
    s.add_argument("--per-page", type=int, default=20)
    s.set_defaults(fn=cmd_list)
    for name, fn, text in (("show", cmd_show, "show a fractal"), ("delete", cmd_delete, "delete a fractal"),
                           ("get-image", cmd_get_image, "save a fractal's PNG")):
        s = sub.add_parser(name, help=text)
        s.add_argument("uuid")
        if name == "get-image":
            s.add_argument("-o", "--output", help="file (default: <uuid>.png)")
        s.set_defaults(fn=fn)
    return p


def main(argv=None):
    a = parser().parse_args(argv)
    try:
        a.fn(Client(a.url), a)
    except CliError as e:
        print("fractals: error: %s" % e, file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        return 130
    return 0
