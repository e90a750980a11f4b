"""The worker: takes tasks from RabbitMQ, renders them, stores the PNG through
the API and only then acks; a redelivered task already rendered (or deleted) is
acked without rendering, so each fractal is rendered and stored once."""
import base64
import json
import logging
import signal
import socket
import sys
import time
import urllib.error
import urllib.request
import uuid as uuidlib

from kombu.mixins import ConsumerMixin

from . import config as cfgmod
from . import render
from .queue import QUEUE, connection

log = logging.getLogger("fractals.worker")


class Transient(Exception):
    """The API could not be reached or answered 5xx: try again later."""


class Api:
    def __init__(self, url, timeout=30):
        self.url, self.timeout = url.rstrip("/"), timeout

    def call(self, method, path, body=None):
        """(status, JSON body) for 2xx and 4xx answers; Transient otherwise."""
        data = None if body is None else json.dumps(body).encode()
        req = urllib.request.Request(self.url + path, data=data, method=method,
                                     headers={"Content-Type": "application/json"})
        try:
            with urllib.request.urlopen(req, timeout=self.timeout) as r:
                status, raw = r.status, r.read()
        except urllib.error.HTTPError as e:
            status, raw = e.code, e.read()
        except (OSError, ValueError) as e:  # URLError, timeouts, resets
            raise Transient("API %s unreachable: %s" % (self.url, getattr(e, "reason", e)))
        if status >= 500:
            raise Transient("API %s %s answered %d" % (method, path, status))
        try:
            return status, json.loads(raw or b"{}")
        except ValueError:
            return status, {}


class Worker(ConsumerMixin):
    def __init__(self, conn, api, name):
        self.connection, self.api, self.name = conn, api, name
        self.rendering = False

    def get_consumers(self, Consumer, channel):
        return [Consumer(queues=[QUEUE], callbacks=[self.on_message], accept=["json"], prefetch_count=1,
                         on_decode_error=self.on_decode_error)]

    def on_decode_error(self, message, exc):
        log.error("dropping undecodable task (%s)", exc)
        message.reject()

    def on_connection_error(self, exc, interval):
        log.warning("broker %s unreachable (%s), retrying in %ss",
                    cfgmod.mask_url(self.connection.as_uri()), exc, interval)

    def on_connection_revived(self):
        log.info("connected to broker %s", cfgmod.mask_url(self.connection.as_uri()))

    def on_consume_ready(self, connection, channel, consumers, **kwargs):
        log.info("worker %s waiting for tasks", self.name)

    def on_message(self, body, message):
        uuid = body.get("uuid") if isinstance(body, dict) else None
        try:
            uuid = str(uuidlib.UUID(uuid))
        except (TypeError, ValueError, AttributeError):
            log.error("dropping malformed task %r", body)
            return message.ack()
        try:
            outcome = self.process(uuid)
        except Transient as e:
            log.warning("fractal %s: %s; requeued", uuid, e)
            time.sleep(5)
            return message.requeue()
        except Exception:  # a bug or a poison task: drop it rather than crash-loop
            log.exception("fractal %s: failed, dropped", uuid)
            return message.reject()
        message.ack()  # only now: the result is stored (or not needed)
        log.info("fractal %s: %s", uuid, outcome)

    def process(self, uuid):
        status, rec = self.api.call("GET", "/v1/fractal/" + uuid)
        if status == 404:
            return "deleted, dropped"
        if status != 200:
            return "dropped: API answered %d to GET: %s" % (status, rec.get("error"))
        if rec.get("checksum"):
            return "already rendered by %s, skipped" % rec.get("generated_by")
        t = time.time()
        self.rendering = True
        try:
            png = render.render_png(*[rec[k] for k in ("width", "height", "iterations", "xa", "xb", "ya", "yb")])
        finally:
            self.rendering = False
        duration = round(time.time() - t, 3)
        body = {"image": base64.b64encode(png).decode(), "duration": duration, "generated_by": self.name}
        for attempt in range(5):  # a render is costly: retry the store a few times
            try:
                status, ans = self.api.call("PUT", "/v1/fractal/" + uuid, body)
                break
            except Transient as e:
                if attempt == 4:
                    raise
                log.warning("fractal %s: storing failed (%s), retrying", uuid, e)
                time.sleep(2 ** attempt)
        what = "rendered %dx%dx%d in %.2fs" % (rec["width"], rec["height"], rec["iterations"], duration)
        if status == 200:
            return what + ", stored (%d bytes)" % len(png)
        if status == 409:
            return what + ", but it was already stored by %s" % ans.get("fractal", {}).get("generated_by")
        if status == 404:
            return what + ", but it was deleted meanwhile; dropped"
        return what + ", dropped: API answered %d: %s" % (status, ans.get("error"))


def main():
    cfgmod.setup_logging()
    logging.getLogger("kombu.mixins").setLevel(logging.ERROR)
    try:
        cfg = cfgmod.load()
        qurl = cfg.queue_url()
        api_url = cfg.url("worker", "api_url", ("http", "https"))
        name = cfg.get("worker", "name", socket.gethostname())
    except cfgmod.ConfigError as e:
        cfgmod.fail(e)
    worker = Worker(connection(qurl), Api(api_url), name)

    def stop(signum, frame):
        worker.should_stop = True
        if worker.rendering:  # the unacked task goes back to the queue
            raise SystemExit(0)
    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)
    log.info("worker %s starting: broker %s, API %s", name, cfgmod.mask_url(qurl), cfgmod.mask_url(api_url))
    worker.run()
    return 0


if __name__ == "__main__":
    sys.exit(main())
