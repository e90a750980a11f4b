"""The `fractals` CLI (bin/fractals) against a running API and worker."""
import hashlib
import os
import re
import subprocess

import pytest
from PIL import Image

from conftest import PYTHON, WORKLOAD, app_env, free_port, wait_for

BIN = os.path.join(WORKLOAD, "bin", "fractals")


def cli(*args, url=None):
    env = app_env("/nonexistent")
    env.pop("FRACTALS_API_URL", None)
    if url:
        env["FRACTALS_API_URL"] = url
    return subprocess.run([PYTHON, BIN] + list(args), env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                          universal_newlines=True, timeout=60)


@pytest.fixture(scope="module")
def cli_api(stack):
    api = stack.api("cli")
    stack.worker("cliworker", api)
    return api


def test_create_list_show_get_image_delete(cli_api, tmp_path):
    url = cli_api.url
    r = cli("--url", url, "create", "--tasks", "3", "--width", "64", "--height", "48", "--iterations", "50")
    assert r.returncode == 0, r.stderr
    uuids = re.findall(r"created ([0-9a-f-]{36}) \(64x48, 50 iterations\)", r.stdout)
    assert len(uuids) == 3
    r = cli("create", "--width", "40", "--height", "30", url=url)  # URL from $FRACTALS_API_URL
    assert r.returncode == 0
    uuids.append(re.findall(r"created ([0-9a-f-]{36})", r.stdout)[0])

    def all_rendered():
        r = cli("--url", url, "list", "--per-page", "100")
        return r.returncode == 0 and r.stdout.count("rendered") == 4 and r.stdout
    out = wait_for("rendered", all_rendered, 30)
    assert "page 1 of 1, 4 fractals" in out and all(u in out for u in uuids)

    r = cli("--url", url, "show", uuids[0])
    assert r.returncode == 0
    fields = dict(re.findall(r"^(\w+):\s*(.*)$", r.stdout, re.M))
    assert fields["uuid"] == uuids[0] and fields["width"] == "64" and fields["generated_by"] == "cliworker"

    out = str(tmp_path / "f.png")
    r = cli("--url", url, "get-image", uuids[0], "-o", out)
    assert r.returncode == 0 and "wrote %s" % out in r.stdout
    with open(out, "rb") as f:
        assert hashlib.sha256(f.read()).hexdigest() == fields["checksum"]
    assert Image.open(out).size == (64, 48)

    r = cli("--url", url, "delete", uuids[0])
    assert r.returncode == 0 and "deleted" in r.stdout
    r = cli("--url", url, "show", uuids[0])
    assert r.returncode == 1 and "HTTP 404" in r.stderr and "Traceback" not in r.stderr


def test_random_parameters_in_faafo_ranges(cli_api):
    r = cli("--url", cli_api.url, "create", "--tasks", "2", "--iterations", "1", "--width", "8")
    assert r.returncode == 0
    for u in re.findall(r"created ([0-9a-f-]{36})", r.stdout):
        rec = cli_api.call("GET", "/v1/fractal/" + u)[1]
        assert 256 <= rec["height"] <= 1024 and -3 <= rec["xa"] <= -1 and 1 <= rec["xb"] <= 3
        assert -1.5 <= rec["ya"] <= -0.5 and 0.5 <= rec["yb"] <= 1.5
        cli_api.call("DELETE", "/v1/fractal/" + u)


def test_errors(cli_api):
    r = cli("--url", cli_api.url, "create", "--width", "0")
    assert r.returncode == 1 and "HTTP 400" in r.stderr and "width" in r.stderr
    r = cli("--url", cli_api.url, "get-image", "not-a-uuid")
    assert r.returncode == 1 and "HTTP 400" in r.stderr
    r = cli("--url", "http://127.0.0.1:%d" % free_port(), "list")
    assert r.returncode == 1 and "cannot reach the API at http://127.0.0.1:" in r.stderr
    assert "Traceback" not in r.stderr
    r = cli("frobnicate")
    assert r.returncode == 2
