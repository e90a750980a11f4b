"""Runs fractals.worker with test-only hooks (this file is never shipped):
  FRACTALS_TEST_LOG           file getting "<name> render-start|render-done|stored <uuid>" lines
  FRACTALS_TEST_RENDER_DELAY  seconds to sleep at the start of each render
  FRACTALS_TEST_STORE_DELAY   seconds to sleep after a store, before the ack"""
import os
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

from fractals import render, worker  # noqa: E402

NAME = os.environ.get("FRACTALS_TEST_NAME", str(os.getpid()))
RENDER_DELAY = float(os.environ.get("FRACTALS_TEST_RENDER_DELAY", "0"))
STORE_DELAY = float(os.environ.get("FRACTALS_TEST_STORE_DELAY", "0"))


def note(event, what):
    with open(os.environ["FRACTALS_TEST_LOG"], "a") as f:
        f.write("%s %s %s\n" % (NAME, event, what))


real_render, real_call, real_process = render.render_png, worker.Api.call, worker.Worker.process
current = [None]


def process(self, uuid):
    current[0] = uuid
    return real_process(self, uuid)


def render_png(width, height, iterations, xa, xb, ya, yb):
    what = current[0]
    note("render-start", what)
    time.sleep(RENDER_DELAY)
    png = real_render(width, height, iterations, xa, xb, ya, yb)
    note("render-done", what)
    return png


def call(self, method, path, body=None):
    status, ans = real_call(self, method, path, body)
    if method == "PUT" and status == 200:
        note("stored", path.rsplit("/", 1)[1])
        time.sleep(STORE_DELAY)
    return status, ans


render.render_png = render_png
worker.Api.call = call
worker.Worker.process = process
sys.exit(worker.main())
