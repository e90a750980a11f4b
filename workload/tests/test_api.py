"""The API's endpoints against real MariaDB and RabbitMQ (no worker)."""
import base64
import hashlib
import io
import uuid as uuidlib

import kombu
import pytest
from PIL import Image

import os

from conftest import MariaDB, free_port, http, wait_for
from fractals.queue import QUEUE

GOOD = dict(width=32, height=24, iterations=16, xa=-2.0, xb=2.0, ya=-1.5, yb=1.5)


def png(w, h, colour=(10, 20, 30)):
    buf = io.BytesIO()
    Image.new("RGB", (w, h), colour).save(buf, format="PNG")
    return buf.getvalue()


def test_index(api):
    status, body = api.call("GET", "/")
    assert status == 200 and body["name"] == "fractals"


def test_health_ok(api):
    assert api.call("GET", "/v1/health") == (200, {"status": "ok", "database": "ok"})


def test_create_and_show(api):
    status, rec = api.call("POST", "/v1/fractal", GOOD)
    assert status == 201
    uuidlib.UUID(rec["uuid"])
    for k, v in GOOD.items():
        assert rec[k] == v
    assert rec["checksum"] is None and rec["size"] is None and rec["generated_by"] is None
    assert rec["created_at"].endswith("Z")
    status, got = api.call("GET", "/v1/fractal/" + rec["uuid"])
    assert status == 200 and got == rec


def test_create_publishes_persistent_task(api, rabbitmq):
    u = str(uuidlib.uuid4())
    api.create(uuid=u.upper())  # any UUID spelling, stored canonical
    with kombu.Connection(api.queue_url) as conn:
        q = QUEUE(conn.default_channel)
        q.declare()
        found = None
        for _ in range(1000):  # unacked messages go back to the queue on close
            m = q.get(no_ack=False, accept=["json"])
            if m is None or m.payload["uuid"] == u:
                found = m
                break
        assert found is not None, "task not in the queue"
        assert found.payload == dict(GOOD, uuid=u)
        assert found.properties.get("delivery_mode") == 2
    out = rabbitmq.rabbitmqctl("list_queues", "-q", "-p", "shared", "name", "durable")
    assert "fractals\ttrue" in out


def test_create_given_uuid_and_duplicate(api):
    u = str(uuidlib.uuid4())
    assert api.create(uuid=u)["uuid"] == u
    status, body = api.call("POST", "/v1/fractal", dict(GOOD, uuid=u))
    assert status == 409 and body["field"] == "uuid"


BAD = [
    ("width", {"width": 0}), ("width", {"width": 2049}), ("width", {"width": 1.5}),
    ("width", {"width": "32"}), ("width", {"width": True}), ("width", {"width": None}),
    ("height", {"height": -1}), ("height", {"height": 10 ** 30}),
    ("iterations", {"iterations": 0}), ("iterations", {"iterations": 1025}),
    ("xa", {"xa": "a"}), ("xa", {"xa": float("nan")}), ("xa", {"xa": 1e400}),
    ("xb", {"xb": float("inf")}), ("xb", {"xb": -2.5}),  # xb <= xa
    ("ya", {"ya": 1000.0}), ("yb", {"yb": [1]}), ("yb", {"yb": -1.5}),  # yb == ya
    ("uuid", {"uuid": "not-a-uuid"}), ("uuid", {"uuid": 12}),
    ("colour", {"colour": "red"}),
]


@pytest.mark.parametrize("field,change", BAD, ids=["%s-%r" % b for b in BAD])
def test_create_bad_field(api, field, change):
    body = dict(GOOD, **change)
    if change.get(field, 0) is None:
        del body[field]  # missing
    status, err = api.call("POST", "/v1/fractal", body)
    assert status == 400, err
    assert err["field"] == field
    assert field in err["error"]


@pytest.mark.parametrize("raw", [b"not json", b"[1, 2]", b"", b"\xff\xfe"])
def test_create_not_json(api, raw):
    status, err = api.call("POST", "/v1/fractal", raw=raw)
    assert status == 400 and err["field"] == "body"


def test_unknown_and_bad_uuid_paths(api):
    u = str(uuidlib.uuid4())
    for method, path in (("GET", u), ("GET", u + "/image"), ("DELETE", u), ("PUT", u)):
        status, err = api.call(method, "/v1/fractal/" + path, {} if method == "PUT" else None)
        assert status == 404 and "error" in err, (method, path)
    status, err = api.call("GET", "/v1/fractal/nope")
    assert status == 400 and err["field"] == "uuid"
    assert api.call("GET", "/v2/nothing")[0] == 404
    assert api.call("PATCH", "/v1/fractal")[0] == 405


def test_image_404_before_render_then_put_and_idempotence(api):
    rec = api.create()
    u = rec["uuid"]
    status, err = api.call("GET", "/v1/fractal/%s/image" % u)
    assert status == 404 and "not rendered" in err["error"]
    data = png(32, 24)
    result = {"image": base64.b64encode(data).decode(), "duration": 0.5, "generated_by": "w1"}
    status, stored = api.call("PUT", "/v1/fractal/" + u, result)
    assert status == 200, stored
    assert stored["checksum"] == hashlib.sha256(data).hexdigest()
    assert stored["size"] == len(data) and stored["generated_by"] == "w1" and stored["duration"] == 0.5
    status, img = api.call("GET", "/v1/fractal/%s/image" % u)
    assert status == 200 and img == data
    # a second store changes nothing and says so
    other = {"image": base64.b64encode(png(32, 24, (1, 2, 3))).decode(), "duration": 1, "generated_by": "w2"}
    status, err = api.call("PUT", "/v1/fractal/" + u, other)
    assert status == 409 and err["fractal"]["generated_by"] == "w1"
    assert api.call("GET", "/v1/fractal/" + u)[1] == stored
    assert api.call("GET", "/v1/fractal/%s/image" % u)[1] == data


@pytest.mark.parametrize("field,change", [
    ("image", {"image": "%%%"}), ("image", {"image": base64.b64encode(b"GIF89a....").decode()}),
    ("image", {"image": None}), ("image", "wrong-size"),
    ("image", {"image": base64.b64encode(b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR").decode()}),
    ("duration", {"duration": -1}), ("duration", {"duration": "x"}),
    ("generated_by", {"generated_by": ""}), ("generated_by", {"generated_by": "x" * 256}),
])
def test_put_bad_field(api, field, change):
    u = api.create()["uuid"]
    body = {"image": base64.b64encode(png(32, 24)).decode(), "duration": 1.0, "generated_by": "w"}
    if change == "wrong-size":
        body["image"] = base64.b64encode(png(24, 32)).decode()
    else:
        body.update(change)
    status, err = api.call("PUT", "/v1/fractal/" + u, body)
    assert status == 400 and err["field"] == field, err
    assert api.call("GET", "/v1/fractal/" + u)[1]["checksum"] is None


def test_delete(api):
    u = api.create()["uuid"]
    assert api.call("DELETE", "/v1/fractal/" + u) == (204, b"")
    assert api.call("GET", "/v1/fractal/" + u)[0] == 404
    assert api.call("DELETE", "/v1/fractal/" + u)[0] == 404


def test_paging(stack):
    a = stack.api("paging")  # its own empty database
    assert a.call("GET", "/v1/fractal")[1] == {"objects": [], "num_results": 0, "page": 1, "total_pages": 0}
    made = [a.create()["uuid"] for _ in range(7)]
    status, p1 = a.call("GET", "/v1/fractal?per_page=3")
    assert status == 200
    assert (p1["num_results"], p1["page"], p1["total_pages"]) == (7, 1, 3)
    seen = [o["uuid"] for o in p1["objects"]]
    for page in (2, 3):
        status, p = a.call("GET", "/v1/fractal?page=%d&per_page=3" % page)
        assert p["page"] == page and p["total_pages"] == 3
        seen += [o["uuid"] for o in p["objects"]]
    assert seen == made  # oldest first, each once
    assert a.call("GET", "/v1/fractal?page=4&per_page=3")[1]["objects"] == []
    assert len(a.call("GET", "/v1/fractal")[1]["objects"]) == 7  # default per_page 10
    for q, field in (("page=0", "page"), ("page=x", "page"), ("page=%d" % 10 ** 30, "page"), ("per_page=0", "per_page"),
                     ("per_page=101", "per_page")):
        status, err = a.call("GET", "/v1/fractal?" + q)
        assert status == 400 and err["field"] == field


def test_health_503_bad_database(stack, mariadb, rabbitmq):
    dead = "mysql://fractals:secret@127.0.0.1:%d/nothing" % stack.mariadb.port
    wrong_password = dead.replace("secret", "wrong")
    for i, url in enumerate((dead.replace(str(mariadb.port), str(free_port())), wrong_password)):
        a = stack.api("baddb%d" % i, db_url=url, queue_url=rabbitmq.url("/"))
        status, body = a.call("GET", "/v1/health")
        assert status == 503 and body["database"] == "error"
        status, body = a.call("POST", "/v1/fractal", GOOD)
        assert status == 503 and body["error"] == "database unavailable"
        log = a.proc.text()
        assert ":secret@" not in log and ":wrong@" not in log


def test_health_follows_database_down_and_up(stack, rabbitmq):
    """A second private MariaDB that we stop and start: an API started before
    its database serves once it is up (503 -> 200), and 503 again when it stops."""
    other = MariaDB(os.path.join(stack.base, "db2"))
    try:
        url = other.new_database("f")
        other.stop()
        a = stack.api("dbstop", db_url=url, queue_url=rabbitmq.url("/"))
        assert a.call("GET", "/v1/health")[0] == 503
        other.start()
        wait_for("health 200", lambda: a.call("GET", "/v1/health")[0] == 200, 20)
        assert a.create()["width"] == 32  # schema created once the database came up
        other.stop()
        assert a.call("GET", "/v1/health")[0] == 503
    finally:
        other.stop()


def test_create_503_when_queue_unreachable(stack):
    a = stack.api("badq", queue_url="amqp://fractals:Qu3uePassw0rd@127.0.0.1:%d/" % free_port())
    status, body = a.call("POST", "/v1/fractal", GOOD, timeout=30)
    assert status == 503 and "queue" in body["error"]
    assert "Qu3uePassw0rd" not in a.proc.text() and "fractals:***@127.0.0.1" in a.proc.text()
    assert a.call("GET", "/v1/fractal")[1]["num_results"] == 0  # not left half-created


def test_body_too_large(api):
    """Refused from its Content-Length, before reading it."""
    import http.client
    import json
    u = api.create()["uuid"]
    conn = http.client.HTTPConnection("127.0.0.1", api.port, timeout=10)
    conn.putrequest("PUT", "/v1/fractal/" + u)
    conn.putheader("Content-Type", "application/json")
    conn.putheader("Content-Length", str(33 * 1024 * 1024))
    conn.endheaders(b'{"image": "AAAA')
    r = conn.getresponse()
    assert r.status == 413 and "error" in json.loads(r.read())
    conn.close()
    assert api.call("GET", "/v1/fractal/" + u)[1]["checksum"] is None
