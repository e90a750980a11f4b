"""Configuration errors: one clear line naming section.key, non-zero exit,
no traceback, no password."""
import os
import subprocess

import pytest

from conftest import PYTHON, app_env, write_config
from fractals.config import mask_url

PW = "Sup3rSecretPw"
DB = "mysql://fractals:%s@127.0.0.1:3306/fractals" % PW
MQ = "amqp://fractals:%s@127.0.0.1:5672/" % PW
GOOD_API = {"api": {"bind": "127.0.0.1", "port": "8080"}, "database": {"url": DB}, "queue": {"url": MQ}}
GOOD_WORKER = {"queue": {"url": MQ}, "worker": {"api_url": "http://127.0.0.1:8080"}}


def run(module, config_path):
    return subprocess.run([PYTHON, "-m", module], env=app_env(config_path), stdout=subprocess.PIPE,
                          stderr=subprocess.PIPE, timeout=20, universal_newlines=True)


def without(sections, section, key):
    out = {s: dict(kv) for s, kv in sections.items()}
    del out[section][key]
    return out


def changed(sections, section, key, value):
    out = {s: dict(kv) for s, kv in sections.items()}
    out[section][key] = value
    return out


CASES = [
    ("fractals.api", without(GOOD_API, "database", "url"), "[database] url is missing"),
    ("fractals.api", without(GOOD_API, "queue", "url"), "[queue] url is missing"),
    ("fractals.api", {"api": {"port": "80"}, "queue": {"url": MQ}}, "[database] url is missing"),
    ("fractals.api", changed(GOOD_API, "api", "port", "http"), "[api] port"),
    ("fractals.api", changed(GOOD_API, "api", "port", "70000"), "[api] port"),
    ("fractals.api", changed(GOOD_API, "database", "url", "postgres://u:%s@h/db" % PW), "[database] url"),
    ("fractals.api", changed(GOOD_API, "database", "url", "mysql://u:%s@h/" % PW), "[database] url"),
    ("fractals.api", changed(GOOD_API, "database", "url", "mysql://u:%s@h:99x/db" % PW), "[database] url"),
    ("fractals.api", changed(GOOD_API, "queue", "url", "http://u:%s@h/" % PW), "[queue] url"),
    ("fractals.worker", without(GOOD_WORKER, "worker", "api_url"), "[worker] api_url is missing"),
    ("fractals.worker", without(GOOD_WORKER, "queue", "url"), "[queue] url is missing"),
    ("fractals.worker", changed(GOOD_WORKER, "worker", "api_url", "ftp://x"), "[worker] api_url"),
]


@pytest.mark.parametrize("module,sections,expected", CASES, ids=[c[2] + "-" + c[0] for c in CASES])
def test_config_error(tmp_path, module, sections, expected):
    r = run(module, write_config(str(tmp_path / "f.conf"), sections))
    assert r.returncode == 2
    assert expected in r.stderr
    assert len(r.stderr.strip().splitlines()) == 1, r.stderr
    assert "Traceback" not in r.stderr and PW not in r.stderr + r.stdout


def test_missing_and_unreadable_and_garbled_file(tmp_path):
    r = run("fractals.api", str(tmp_path / "nope.conf"))
    assert r.returncode == 2 and "cannot read config file %s" % (tmp_path / "nope.conf") in r.stderr
    bad = tmp_path / "bad.conf"
    bad.write_text("url = mysql://x:%s@h/db\n[api\n" % PW)
    r = run("fractals.worker", str(bad))
    assert r.returncode == 2 and "invalid config file" in r.stderr
    assert len(r.stderr.strip().splitlines()) == 1 and PW not in r.stderr and "Traceback" not in r.stderr


def test_default_path(monkeypatch):
    from fractals import config
    monkeypatch.delenv("FRACTALS_CONFIG", raising=False)
    with pytest.raises(config.ConfigError) as e:
        if os.path.exists(config.DEFAULT_PATH):
            pytest.skip("this machine has a real config")
        config.load()
    assert "/etc/fractals/fractals.conf" in str(e.value)


def test_mask_url():
    assert mask_url("amqp://u:%s@h:5672/" % PW) == "amqp://u:***@h:5672/"
    assert mask_url("mysql://u:p%40ss@h/db") == "mysql://u:***@h/db"
    assert mask_url("http://10.0.0.1:80") == "http://10.0.0.1:80"


def test_database_url_decoding(tmp_path):
    from fractals import config
    write_config(str(tmp_path / "c.conf"), {"database": {"url": "mysql://us%40r:p%40ss%2Fw@db.example:3307/fr"}})
    assert config.load(str(tmp_path / "c.conf")).database() == dict(
        host="db.example", port=3307, user="us@r", password="p@ss/w", database="fr")
    write_config(str(tmp_path / "c.conf"), {"database": {"url": "mysql://u:p@db/fr"}})
    assert config.load(str(tmp_path / "c.conf")).database()["port"] == 3306


def test_api_port_in_use(tmp_path):
    import socket
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        s.listen(1)
        cfg = changed(GOOD_API, "api", "port", str(s.getsockname()[1]))
        r = run("fractals.api", write_config(str(tmp_path / "f.conf"), cfg))
    assert r.returncode == 2 and "cannot listen on 127.0.0.1:" in r.stderr and "Traceback" not in r.stderr
    assert PW not in r.stderr
