"""End to end: API + worker subprocesses against real MariaDB and RabbitMQ."""
import hashlib
import io
import os
import signal
import time

import kombu
from PIL import Image

from conftest import HERE, wait_for
from fractals.queue import QUEUE

HOOKED = os.path.join(HERE, "hooked_worker.py")


def events(path):
    if not os.path.exists(path):
        return []
    with open(path) as f:
        return [tuple(line.split()) for line in f if line.strip()]


def rendered(api, uuid):
    status, rec = api.call("GET", "/v1/fractal/" + uuid)
    return rec if status == 200 and rec["checksum"] else None


def queue_counts(rabbitmq, vhost):
    """(ready, unacked) messages in the fractals queue."""
    out = rabbitmq.rabbitmqctl("list_queues", "-q", "-p", vhost, "name", "messages_ready",
                               "messages_unacknowledged")
    for line in out.splitlines():
        f = line.split()
        if f and f[0] == "fractals":
            return int(f[1]), int(f[2])
    return None


def check_image(api, rec):
    status, png = api.call("GET", "/v1/fractal/%s/image" % rec["uuid"])
    assert status == 200
    assert hashlib.sha256(png).hexdigest() == rec["checksum"] and len(png) == rec["size"]
    img = Image.open(io.BytesIO(png))
    img.load()
    assert img.format == "PNG" and img.size == (rec["width"], rec["height"])


def test_render_many_with_two_workers(stack, base_dir, rabbitmq):
    api = stack.api("e2e")
    sizes = [(64, 48, 64), (80, 60, 128), (1, 1, 1), (33, 17, 256), (120, 90, 32), (50, 50, 200)]
    recs = [api.create(width=w, height=h, iterations=i) for w, h, i in sizes]
    gone = api.create()
    assert api.call("DELETE", "/v1/fractal/" + gone["uuid"])[0] == 204
    log = os.path.join(base_dir, "e2e-events.log")
    workers = [stack.worker(n, api, HOOKED, {"FRACTALS_TEST_LOG": log, "FRACTALS_TEST_NAME": n})
               for n in ("w1", "w2")]
    done = wait_for("all rendered", lambda: all(rendered(api, r["uuid"]) for r in recs) and
                    [rendered(api, r["uuid"]) for r in recs], 30)
    wait_for("all stored", lambda: sum(e[1] == "stored" for e in events(log)) >= len(recs), 10)
    for rec in done:
        assert rec["generated_by"] in ("w1", "w2") and rec["duration"] >= 0
        check_image(api, rec)
    ev = events(log)
    for rec in recs:  # rendered and stored exactly once each
        assert [e[1] for e in ev if e[2] == rec["uuid"]].count("render-start") == 1
        assert [e[1] for e in ev if e[2] == rec["uuid"]].count("stored") == 1
    assert not [e for e in ev if e[2] == gone["uuid"]]  # deleted before: dropped, not rendered
    wait_for("deleted task dropped", lambda: sum(
        ("fractal %s: deleted, dropped" % gone["uuid"]) in w.proc.text() for w in workers) == 1, 10)
    wait_for("queue empty", lambda: queue_counts(rabbitmq, "e2e") == (0, 0), 10)
    # one log line per task, without secrets
    logs = "".join(w.proc.text() for w in workers)
    for rec in recs:
        assert logs.count("fractal %s: rendered" % rec["uuid"]) == 1
    assert rabbitmq.password not in logs

    # the broker drops every connection: the workers reconnect and go on
    rabbitmq.rabbitmqctl("close_all_connections", "-p", "e2e", "test: broker lost")
    wait_for("reconnected", lambda: all(w.proc.text().count("waiting for tasks") >= 2 for w in workers), 20)
    with kombu.Connection(api.queue_url) as conn:  # poison tasks are dropped, not crash-looped
        producer = conn.Producer()
        producer.publish("x", exchange=QUEUE.exchange, routing_key="fractals", serializer="pickle")
        producer.publish({"uuid": "../etc"}, exchange=QUEUE.exchange, routing_key="fractals")
    again = api.create(width=40, height=30)
    check_image(api, wait_for("rendered after reconnect", lambda: rendered(api, again["uuid"]), 20))
    wait_for("queue empty", lambda: queue_counts(rabbitmq, "e2e") == (0, 0), 10)
    logs = "".join(w.proc.text() for w in workers)
    assert "dropping undecodable task" in logs and "dropping malformed task {'uuid': '../etc'}" in logs
    for w in workers:
        assert w.proc.poll() is None
        w.proc.stop()
        assert w.proc.returncode == 0  # SIGTERM: clean exit


def test_worker_killed_mid_render_is_redelivered_and_rendered_once(stack, base_dir, rabbitmq):
    api = stack.api("killrender")
    log = os.path.join(base_dir, "killrender-events.log")
    a = stack.worker("slow", api, HOOKED, {"FRACTALS_TEST_LOG": log, "FRACTALS_TEST_NAME": "slow",
                                           "FRACTALS_TEST_RENDER_DELAY": "60"})
    rec = api.create(width=64, height=64, iterations=64)
    wait_for("slow worker rendering", lambda: ("slow", "render-start", rec["uuid"]) in events(log), 15)
    assert queue_counts(rabbitmq, "killrender") == (0, 1)  # delivered, not acked
    a.proc.kill(signal.SIGKILL)
    a.proc.p.wait(5)
    b = stack.worker("fast", api, HOOKED, {"FRACTALS_TEST_LOG": log, "FRACTALS_TEST_NAME": "fast"})
    done = wait_for("rendered by the second worker", lambda: rendered(api, rec["uuid"]), 20)
    wait_for("stored", lambda: ("fast", "stored", rec["uuid"]) in events(log), 10)
    assert done["generated_by"] == "fast"
    check_image(api, done)
    wait_for("acked", lambda: queue_counts(rabbitmq, "killrender") == (0, 0), 10)
    assert events(log) == [("slow", "render-start", rec["uuid"]), ("fast", "render-start", rec["uuid"]),
                           ("fast", "render-done", rec["uuid"]), ("fast", "stored", rec["uuid"])]
    b.proc.stop()


def test_worker_killed_after_store_before_ack_is_not_rendered_again(stack, base_dir, rabbitmq):
    api = stack.api("killack")
    log = os.path.join(base_dir, "killack-events.log")
    a = stack.worker("a", api, HOOKED, {"FRACTALS_TEST_LOG": log, "FRACTALS_TEST_NAME": "a",
                                        "FRACTALS_TEST_STORE_DELAY": "60"})
    rec = api.create(width=48, height=32, iterations=64)
    wait_for("stored by a", lambda: ("a", "stored", rec["uuid"]) in events(log), 15)
    assert queue_counts(rabbitmq, "killack") == (0, 1)
    a.proc.kill(signal.SIGKILL)
    a.proc.p.wait(5)
    b = stack.worker("b", api, HOOKED, {"FRACTALS_TEST_LOG": log, "FRACTALS_TEST_NAME": "b"})
    wait_for("redelivered task skipped", lambda: "fractal %s: already rendered by a, skipped" % rec["uuid"]
             in b.proc.text(), 15)
    wait_for("acked", lambda: queue_counts(rabbitmq, "killack") == (0, 0), 10)
    assert [e[:2] for e in events(log)] == [("a", "render-start"), ("a", "render-done"), ("a", "stored")]
    assert rendered(api, rec["uuid"])["generated_by"] == "a"
    b.proc.stop()


def test_sigterm_mid_render_requeues_the_task(stack, base_dir, rabbitmq):
    api = stack.api("termrender")
    log = os.path.join(base_dir, "termrender-events.log")
    a = stack.worker("t1", api, HOOKED, {"FRACTALS_TEST_LOG": log, "FRACTALS_TEST_NAME": "t1",
                                         "FRACTALS_TEST_RENDER_DELAY": "60"})
    rec = api.create()
    wait_for("rendering", lambda: ("t1", "render-start", rec["uuid"]) in events(log), 15)
    t = time.time()
    a.proc.stop()
    assert a.proc.returncode == 0 and time.time() - t < 15  # does not wait for the 60 s render
    wait_for("requeued", lambda: queue_counts(rabbitmq, "termrender") == (1, 0), 10)
    assert rendered(api, rec["uuid"]) is None


def test_broker_has_no_guest_user(rabbitmq):
    users = rabbitmq.rabbitmqctl("list_users", "-q").split()
    assert "fractals" in users and "guest" not in users
