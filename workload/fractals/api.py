"""The REST API (Flask), faafo-compatible under /v1/fractal."""
import base64
import binascii
import hashlib
import logging
import math
import socket
import socketserver
import struct
import sys
import threading
import uuid as uuidlib
from wsgiref.simple_server import WSGIRequestHandler, WSGIServer

import pymysql
from flask import Flask, Response, jsonify, request
from werkzeug.exceptions import HTTPException, RequestEntityTooLarge

from . import config as cfgmod
from .db import Database, Duplicate

log = logging.getLogger("fractals.api")

# Limits (documented in README.md). 2048x2048 keeps a PNG under MariaDB's
# default 16 MiB max_allowed_packet; larger renders take too long in Python.
INTS = {"width": (1, 2048), "height": (1, 2048), "iterations": (1, 1024)}
FLOATS = ("xa", "xb", "ya", "yb")
COORD = 100.0
MAX_PER_PAGE = 100
PNG_MAGIC = b"\x89PNG\r\n\x1a\n"


class Invalid(Exception):
    def __init__(self, field, error):
        Exception.__init__(self, error)
        self.field, self.error = field, error


def error(code, msg, field=None, **extra):
    body = {"error": msg}
    if field:
        body["field"] = field
    body.update(extra)
    resp = jsonify(body)
    resp.status_code = code
    return resp


def record(row):
    out = {k: v for k, v in row.items() if k != "image"}
    for k in ("created_at", "updated_at"):
        if out.get(k) is not None:
            out[k] = out[k].isoformat() + "Z"
    return out


def check_uuid(value, field="uuid"):
    if not isinstance(value, str):
        raise Invalid(field, "%s must be a UUID string" % field)
    try:
        return str(uuidlib.UUID(value))
    except ValueError:
        raise Invalid(field, "%s must be a UUID like 123e4567-e89b-12d3-a456-426614174000" % field)


def number(body, field, lo, hi, integer):
    v = body.get(field)
    kind = "an integer" if integer else "a number"
    if v is None:
        raise Invalid(field, "%s is required: %s in %s..%s" % (field, kind, lo, hi))
    ok = isinstance(v, int) if integer else isinstance(v, (int, float))
    if isinstance(v, bool) or not ok or (isinstance(v, float) and not math.isfinite(v)) \
            or not lo <= v <= hi:
        raise Invalid(field, "%s must be %s in %s..%s, got %s" % (field, kind, lo, hi, repr(v)[:40]))
    return v if integer else float(v)


def validate_new(body):
    rec = {f: number(body, f, lo, hi, True) for f, (lo, hi) in INTS.items()}
    for f in FLOATS:
        rec[f] = number(body, f, -COORD, COORD, False)
    if rec["xa"] >= rec["xb"]:
        raise Invalid("xb", "xb must be greater than xa")
    if rec["ya"] >= rec["yb"]:
        raise Invalid("yb", "yb must be greater than ya")
    unknown = sorted(set(body) - set(rec) - {"uuid"})
    if unknown:
        raise Invalid(unknown[0], "unknown field %s; allowed: uuid, %s" % (
            unknown[0], ", ".join(list(INTS) + list(FLOATS))))
    rec["uuid"] = check_uuid(body["uuid"]) if body.get("uuid") is not None else str(uuidlib.uuid4())
    return rec


def validate_result(body, row):
    img = body.get("image")
    try:
        if not isinstance(img, str):
            raise ValueError
        png = base64.b64decode(img, validate=True)
    except (ValueError, binascii.Error):
        raise Invalid("image", "image must be a base64-encoded PNG")
    if len(png) < 33 or png[:8] != PNG_MAGIC or png[12:16] != b"IHDR":
        raise Invalid("image", "image must be a base64-encoded PNG")
    w, h = struct.unpack(">II", png[16:24])
    if (w, h) != (row["width"], row["height"]):
        raise Invalid("image", "image is %dx%d, the fractal is %dx%d" % (w, h, row["width"], row["height"]))
    duration = number(body, "duration", 0, 1e9, False)
    by = body.get("generated_by")
    if not isinstance(by, str) or not 0 < len(by) <= 255:
        raise Invalid("generated_by", "generated_by must be a string of 1..255 characters")
    return png, duration, by


def create_app(db, publisher):
    app = Flask("fractals")
    app.config["MAX_CONTENT_LENGTH"] = 32 * 1024 * 1024  # base64 of a 2048x2048 PNG fits

    def body_json():
        if (request.content_length or 0) > app.config["MAX_CONTENT_LENGTH"]:
            raise RequestEntityTooLarge()
        body = request.get_json(force=True, silent=True)
        if not isinstance(body, dict):
            raise Invalid("body", "the request body must be a JSON object")
        return body

    def find(uuid):
        row = db.get(check_uuid(uuid))
        if row is None:
            raise NotFound(uuid)
        return row

    class NotFound(Exception):
        pass

    @app.errorhandler(Invalid)
    def _bad(e):
        return error(400, e.error, e.field)

    @app.errorhandler(NotFound)
    def _nf(e):
        return error(404, "no fractal %s" % e.args[0])

    @app.errorhandler(pymysql.Error)
    def _dberr(e):
        log.error("database error: %s", e)
        return error(503, "database unavailable")

    @app.errorhandler(HTTPException)
    def _http(e):
        return error(e.code, e.description or e.name)

    @app.route("/")
    def index():
        return jsonify(name="fractals", version=1, endpoints=[
            "GET /v1/health", "GET|POST /v1/fractal", "GET|PUT|DELETE /v1/fractal/<uuid>",
            "GET /v1/fractal/<uuid>/image"])

    @app.route("/v1/health")
    def health():
        try:
            db.ping()
        except Exception as e:
            log.warning("health: database error: %s", e)
            return error(503, "database unavailable", status="error", database="error")
        return jsonify(status="ok", database="ok")

    @app.route("/v1/fractal", methods=["POST"])
    def create():
        rec = validate_new(body_json())
        try:
            rec = db.insert(rec)
        except Duplicate:
            return error(409, "fractal %s already exists" % rec["uuid"], "uuid")
        task = {k: rec[k] for k in ("uuid", "width", "height", "iterations", "xa", "xb", "ya", "yb")}
        try:
            publisher.publish(task)
        except Exception as e:
            log.error("cannot queue fractal %s: %s", rec["uuid"], e)
            db.delete(rec["uuid"])
            return error(503, "task queue unavailable")
        log.info("created fractal %s", rec["uuid"])
        return jsonify(record(rec)), 201

    @app.route("/v1/fractal", methods=["GET"])
    def listing():
        page = per_page = None
        try:
            page = int(request.args.get("page", "1"))
            per_page = int(request.args.get("per_page", "10"))
        except ValueError:
            pass
        if page is None or not 1 <= page <= 10 ** 6:
            raise Invalid("page", "page must be an integer in 1..1000000")
        if per_page is None or not 1 <= per_page <= MAX_PER_PAGE:
            raise Invalid("per_page", "per_page must be an integer in 1..%d" % MAX_PER_PAGE)
        n, rows = db.page((page - 1) * per_page, per_page)
        return jsonify(objects=[record(r) for r in rows], num_results=n, page=page,
                       total_pages=(n + per_page - 1) // per_page)

    @app.route("/v1/fractal/<uuid>", methods=["GET"])
    def show(uuid):
        return jsonify(record(find(uuid)))

    @app.route("/v1/fractal/<uuid>/image")
    def image(uuid):
        png = db.image(check_uuid(uuid))
        if png is None:
            raise NotFound(uuid)
        if not png:
            return error(404, "fractal %s is not rendered yet" % uuid)
        return Response(png, mimetype="image/png")

    @app.route("/v1/fractal/<uuid>", methods=["DELETE"])
    def delete(uuid):
        if not db.delete(check_uuid(uuid)):
            raise NotFound(uuid)
        log.info("deleted fractal %s", uuid)
        return "", 204

    @app.route("/v1/fractal/<uuid>", methods=["PUT"])
    def store(uuid):
        row = find(uuid)
        if row["checksum"]:
            return error(409, "fractal %s is already rendered" % row["uuid"], fractal=record(row))
        png, duration, by = validate_result(body_json(), row)
        done = db.store(row["uuid"], png, hashlib.sha256(png).hexdigest(), duration, by)
        if done is None:
            raise NotFound(uuid)
        row = db.get(row["uuid"])
        if not done:
            return error(409, "fractal %s is already rendered" % row["uuid"], fractal=record(row))
        log.info("stored fractal %s (%d bytes, %.2fs, by %s)", row["uuid"], row["size"], duration, by)
        return jsonify(record(row))

    return app


class Server(socketserver.ThreadingMixIn, WSGIServer):
    """The standard library's WSGI server with a thread per request. Chosen over
    werkzeug.serving.run_simple: its API is the same on Python 3.10-3.12, it
    does not depend on Werkzeug 2.0-3.0 internals, and prints no dev warning."""
    daemon_threads = True
    allow_reuse_address = True


class Handler(WSGIRequestHandler):
    def log_message(self, fmt, *args):  # access log through logging, not bare stderr
        line = fmt % args
        if "GET /v1/health " not in line or '" 200 ' not in line:  # not the monitor's every probe
            log.info("%s %s", self.address_string(), line)


def main():
    cfgmod.setup_logging()
    try:
        cfg = cfgmod.load()
        bind = cfg.get("api", "bind", "0.0.0.0")
        port = cfg.port("api", "port", "80")
        db = Database(cfg.database())
        qurl = cfg.queue_url()
    except cfgmod.ConfigError as e:
        cfgmod.fail(e)
    from .queue import Publisher
    app = create_app(db, Publisher(qurl))
    if ":" in bind:
        Server.address_family = socket.AF_INET6
    try:
        server = Server((bind, port), Handler)
    except OSError as e:
        cfgmod.fail("cannot listen on %s:%d: %s" % (bind, port, e.strerror))
    server.set_app(app)
    log.info("listening on %s:%d, database %s:%s/%s, queue %s", bind, port, db.params["host"],
             db.params["port"], db.params["database"], cfgmod.mask_url(qurl))
    # The database may come up after us: serve at once (health says 503 until
    # it answers) and create the schema as soon as it is reachable.
    threading.Thread(target=db.wait_ready, daemon=True).start()
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    return 0


if __name__ == "__main__":
    sys.exit(main())
