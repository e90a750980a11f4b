"""Private MariaDB and RabbitMQ servers (session-scoped) on free 127.0.0.1
ports in a temporary directory, plus helpers that start the app's API and
workers as real subprocesses against them."""
import base64
import hashlib
import json
import os
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.parse
import urllib.request

import pytest

WORKLOAD = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
HERE = os.path.dirname(os.path.abspath(__file__))
PYTHON = "/usr/bin/python3"  # Debian's, with python3-flask & co.
sys.path.insert(0, WORKLOAD)
sys.dont_write_bytecode = True  # no __pycache__ in the shipped fractals/

import pymysql  # noqa: E402
import kombu  # noqa: E402


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def need(binary, package, extra=("/usr/sbin", "/usr/lib/rabbitmq/bin")):
    path = shutil.which(binary) or next(
        (os.path.join(d, binary) for d in extra if os.access(os.path.join(d, binary), os.X_OK)), None)
    if not path:
        pytest.fail("%s not found: install the Debian package %s (apt-get install %s)"
                    % (binary, package, package), pytrace=False)
    return path


def wait_for(what, fn, timeout=30.0, proc=None, log=None):
    """Call fn until it returns a true value; fail after timeout or if proc dies."""
    end = time.time() + timeout
    err = None
    while time.time() < end:
        if proc is not None and proc.poll() is not None:
            break
        try:
            v = fn()
            if v:
                return v
        except Exception as e:  # noqa: BLE001 - anything means "not yet"
            err = e
        time.sleep(0.1)
    tail = ""
    if log and os.path.exists(log):
        with open(log, errors="replace") as f:
            tail = "".join(f.readlines()[-20:])
    pytest.fail("%s not ready after %.0fs (last error: %r)%s\n%s" % (
        what, timeout, err, " (process exited %s)" % proc.returncode if proc and proc.poll() is not None
        else "", tail), pytrace=False)


class Proc:
    """A subprocess in its own session, output to a log file."""

    def __init__(self, argv, log, env=None, cwd=None):
        self.log = log
        self.out = open(log, "ab")
        self.p = subprocess.Popen(argv, stdout=self.out, stderr=subprocess.STDOUT, env=env, cwd=cwd,
                                  stdin=subprocess.DEVNULL, start_new_session=True)
        self.pid = self.p.pid

    def poll(self):
        return self.p.poll()

    @property
    def returncode(self):
        return self.p.returncode

    def text(self):
        with open(self.log, errors="replace") as f:
            return f.read()

    def kill(self, sig=signal.SIGKILL):
        if self.p.poll() is None:
            try:
                os.killpg(self.p.pid, sig)
            except ProcessLookupError:
                pass

    def stop(self, timeout=15):
        self.kill(signal.SIGTERM)
        try:
            self.p.wait(timeout)
        except subprocess.TimeoutExpired:
            self.kill(signal.SIGKILL)
            self.p.wait(5)
        self.out.close()


# ---------------------------------------------------------------- MariaDB

class MariaDB:
    def __init__(self, base):
        self.dir = os.path.join(base, "mariadb")
        self.datadir = os.path.join(self.dir, "data")
        self.socket = os.path.join(self.dir, "mysqld.sock")
        self.port = free_port()
        self.password = secrets.token_urlsafe(12) + "@/:%"  # URL-quoted in the app's URL
        os.makedirs(self.dir)
        install = need("mariadb-install-db", "mariadb-server")
        mariadbd = need("mariadbd", "mariadb-server")
        r = subprocess.run([install, "--no-defaults", "--datadir=" + self.datadir, "--user=root",
                            "--auth-root-authentication-method=normal", "--skip-test-db"],
                           stdout=subprocess.PIPE, stderr=subprocess.STDOUT, timeout=120)
        if r.returncode:
            pytest.fail("mariadb-install-db failed:\n" + r.stdout.decode(errors="replace")[-3000:], pytrace=False)
        self.mariadbd = mariadbd
        self.start()
        self.root_sql("CREATE USER 'fractals'@'127.0.0.1' IDENTIFIED BY %s", (self.password,))

    def start(self):
        self.proc = Proc([self.mariadbd, "--no-defaults", "--datadir=" + self.datadir, "--socket=" + self.socket,
                          "--port=%d" % self.port, "--bind-address=127.0.0.1", "--skip-log-bin", "--user=root",
                          "--pid-file=" + os.path.join(self.dir, "mysqld.pid"), "--innodb-buffer-pool-size=32M",
                          "--skip-name-resolve", "--max-connections=200"],
                         os.path.join(self.dir, "mariadbd.log"))
        wait_for("MariaDB", lambda: self.root().close() or True, 30, self.proc, self.proc.log)

    def root(self):
        return pymysql.connect(unix_socket=self.socket, user="root", password="", autocommit=True,
                               connect_timeout=2)

    def root_sql(self, sql, args=None):
        conn = self.root()
        try:
            with conn.cursor() as c:
                c.execute(sql, args)
                return c.fetchall()
        finally:
            conn.close()

    def new_database(self, name):
        """A fresh database the app user owns; returns the app's [database] url."""
        self.root_sql("DROP DATABASE IF EXISTS `%s`" % name)
        self.root_sql("CREATE DATABASE `%s`" % name)
        self.root_sql("GRANT ALL ON `%s`.* TO 'fractals'@'127.0.0.1'" % name)
        return "mysql://fractals:%s@127.0.0.1:%d/%s" % (
            urllib.parse.quote(self.password, safe=""), self.port, name)

    def stop(self):
        self.proc.stop(30)


# ---------------------------------------------------------------- RabbitMQ

# made at boot; others are added with rabbitmqctl when asked for
VHOSTS = ("/", "shared", "paging", "e2e", "killrender", "killack", "termrender", "cli")


class RabbitMQ:
    def __init__(self, base, n):
        self.dir = os.path.join(base, "rabbitmq")
        for d in ("home", "mnesia", "log"):
            os.makedirs(os.path.join(self.dir, d))
        self.port, dist, self.epmd_port = free_port(), free_port(), free_port()
        self.password = secrets.token_urlsafe(16)
        server = need("rabbitmq-server", "rabbitmq-server", ("/usr/lib/rabbitmq/bin",))
        # use the real script, not /usr/sbin's wrapper that su's to the rabbitmq user
        server = "/usr/lib/rabbitmq/bin/rabbitmq-server" if os.path.exists(
            "/usr/lib/rabbitmq/bin/rabbitmq-server") else server
        self.ctl = need("rabbitmqctl", "rabbitmq-server", ("/usr/lib/rabbitmq/bin",))
        self.ctl = "/usr/lib/rabbitmq/bin/rabbitmqctl" if os.path.exists(
            "/usr/lib/rabbitmq/bin/rabbitmqctl") else self.ctl
        self.epmd = need("epmd", "erlang-base", ("/usr/lib/erlang/bin",))
        conf = os.path.join(self.dir, "rabbitmq.conf")
        # Users, vhosts and permissions are loaded at boot (one rabbitmqctl call
        # costs an Erlang VM start): the only user is ours, no guest is created.
        salt = secrets.token_bytes(4)
        pw_hash = base64.b64encode(salt + hashlib.sha256(salt + self.password.encode()).digest()).decode()
        defs = os.path.join(self.dir, "definitions.json")
        with open(defs, "w") as f:
            json.dump({"users": [{"name": "fractals", "password_hash": pw_hash, "tags": "administrator",
                                  "hashing_algorithm": "rabbit_password_hashing_sha256"}],
                       "vhosts": [{"name": v} for v in VHOSTS],
                       "permissions": [{"user": "fractals", "vhost": v, "configure": ".*", "write": ".*",
                                        "read": ".*"} for v in VHOSTS]}, f)
        with open(conf, "w") as f:
            f.write("listeners.tcp.default = 127.0.0.1:%d\nloopback_users = none\n"
                    "load_definitions = %s\ndisk_free_limit.absolute = 1MB\n" % (self.port, defs))
        with open(os.path.join(self.dir, "enabled_plugins"), "w") as f:
            f.write("[].\n")  # no management plugin
        open(os.path.join(self.dir, "rabbitmq-env.conf"), "w").close()
        self.env = dict(os.environ, HOME=os.path.join(self.dir, "home"), RABBITMQ_NODE_PORT=str(self.port),
                        RABBITMQ_NODE_IP_ADDRESS="127.0.0.1",
                        RABBITMQ_NODENAME="fractals-test-%d@localhost" % n,
                        RABBITMQ_MNESIA_BASE=os.path.join(self.dir, "mnesia"),
                        RABBITMQ_LOG_BASE=os.path.join(self.dir, "log"), RABBITMQ_CONFIG_FILE=conf,
                        RABBITMQ_ENABLED_PLUGINS_FILE=os.path.join(self.dir, "enabled_plugins"),
                        RABBITMQ_CONF_ENV_FILE=os.path.join(self.dir, "rabbitmq-env.conf"),
                        RABBITMQ_ADVANCED_CONFIG_FILE=os.path.join(self.dir, "advanced.config"),
                        RABBITMQ_PID_FILE=os.path.join(self.dir, "rabbitmq.pid"),
                        RABBITMQ_DIST_PORT=str(dist), ERL_EPMD_PORT=str(self.epmd_port))
        self.proc = Proc([server], os.path.join(self.dir, "server.log"), env=self.env, cwd=self.dir)

    def wait(self):
        def login():
            with kombu.Connection(self.url("/"), connect_timeout=1) as c:
                c.ensure_connection(max_retries=0)
                return True
        wait_for("RabbitMQ", login, 60, self.proc, self.proc.log)

    def url(self, vhost="/"):
        return "amqp://fractals:%s@127.0.0.1:%d/%s" % (self.password, self.port,
                                                        urllib.parse.quote(vhost, safe="") if vhost != "/" else "")

    def rabbitmqctl(self, *args):
        r = subprocess.run([self.ctl] + list(args), env=self.env, stdout=subprocess.PIPE,
                           stderr=subprocess.STDOUT, timeout=60)
        assert r.returncode == 0, r.stdout.decode(errors="replace")
        return r.stdout.decode(errors="replace")

    def new_vhost(self, name):
        """An empty virtual host for one test's queue; returns the app's [queue] url."""
        if name in VHOSTS:
            return self.url(name)
        self.rabbitmqctl("add_vhost", name)
        self.rabbitmqctl("set_permissions", "-p", name, "fractals", ".*", ".*", ".*")
        return self.url(name)

    def stop(self):
        self.proc.stop(30)
        subprocess.run([self.epmd, "-port", str(self.epmd_port), "-kill"], env=self.env,
                       stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, timeout=10)


# ---------------------------------------------------------------- app processes

def http(method, url, body=None, raw=None, timeout=10):
    """(status, parsed JSON or bytes) without raising on 4xx/5xx."""
    data = raw if raw is not None else (None if body is None else json.dumps(body).encode())
    req = urllib.request.Request(url, data=data, method=method, headers={"Content-Type": "application/json"})
    try:
        with urllib.request.urlopen(req, timeout=timeout) as r:
            status, out, ctype = r.status, r.read(), r.headers.get("Content-Type", "")
    except urllib.error.HTTPError as e:
        status, out, ctype = e.code, e.read(), e.headers.get("Content-Type", "")
    if "json" in ctype and out:
        return status, json.loads(out)
    return status, out


def write_config(path, sections):
    with open(path, "w") as f:
        for sec, kv in sections.items():
            f.write("[%s]\n" % sec)
            for k, v in kv.items():
                f.write("%s = %s\n" % (k, v))
    os.chmod(path, 0o600)
    return path


def app_env(config, **extra):
    # an outer PYTHONPATH stays (to test other library versions, see README.md)
    path = os.pathsep.join([WORKLOAD] + ([os.environ["PYTHONPATH"]] if os.environ.get("PYTHONPATH") else []))
    env = dict(os.environ, PYTHONPATH=path, FRACTALS_CONFIG=config, PYTHONUNBUFFERED="1",
               PYTHONDONTWRITEBYTECODE="1")
    env.update(extra)
    return env


class Api:
    def __init__(self, workdir, name, db_url, queue_url):
        self.port = free_port()
        self.url = "http://127.0.0.1:%d" % self.port
        self.db_url, self.queue_url = db_url, queue_url
        self.config = write_config(os.path.join(workdir, name + ".conf"), {
            "api": {"bind": "127.0.0.1", "port": self.port}, "database": {"url": db_url},
            "queue": {"url": queue_url}})
        self.proc = Proc([PYTHON, "-m", "fractals.api"], os.path.join(workdir, name + ".log"),
                         env=app_env(self.config))
        wait_for("API " + name, lambda: http("GET", self.url + "/")[0] == 200, 40, self.proc, self.proc.log)

    def call(self, method, path, body=None, **kw):
        return http(method, self.url + path, body, **kw)

    def create(self, **kw):
        body = dict(width=32, height=24, iterations=16, xa=-2.0, xb=2.0, ya=-1.5, yb=1.5)
        body.update(kw)
        status, rec = self.call("POST", "/v1/fractal", body)
        assert status == 201, rec
        return rec


class Worker:
    def __init__(self, workdir, name, api, queue_url, script=None, env=None):
        self.name = name
        self.config = write_config(os.path.join(workdir, name + ".conf"), {
            "queue": {"url": queue_url}, "worker": {"api_url": api.url, "name": name}})
        argv = [PYTHON, script] if script else [PYTHON, "-m", "fractals.worker"]
        self.proc = Proc(argv, os.path.join(workdir, name + ".log"), env=app_env(self.config, **(env or {})))


class Stack:
    """Starts APIs and workers, each with its own database and vhost, and stops
    them all at the end of the session."""

    def __init__(self, base, mariadb, rabbitmq):
        self.base, self.mariadb, self.rabbitmq = base, mariadb, rabbitmq
        self.procs = []
        self.n = 0

    def api(self, name=None, db_url=None, queue_url=None):
        self.n += 1
        name = name or "api%d" % self.n
        db_url = db_url or self.mariadb.new_database("fractals_%s" % name)
        queue_url = queue_url or self.rabbitmq.new_vhost(name)
        a = Api(self.base, name, db_url, queue_url)
        self.procs.append(a.proc)
        return a

    def worker(self, name, api, script=None, env=None):
        w = Worker(self.base, name, api, api.queue_url, script, env)
        self.procs.append(w.proc)
        return w

    def stop(self):
        for p in self.procs:
            p.kill(signal.SIGTERM)
        for p in self.procs:
            p.stop()


@pytest.fixture(scope="session")
def base_dir():
    d = tempfile.mkdtemp(prefix="fractals-test-")  # short: unix socket paths are limited
    yield d
    if not os.environ.get("FRACTALS_KEEP_TEST_DIR"):
        shutil.rmtree(d, ignore_errors=True)


@pytest.fixture(scope="session")
def servers(base_dir):
    """Both servers, started side by side."""
    r = RabbitMQ(base_dir, os.getpid())
    try:
        m = MariaDB(base_dir)
        try:
            r.wait()
            yield m, r
        finally:
            m.proc.kill(signal.SIGTERM)
            r.proc.kill(signal.SIGTERM)
            m.stop()
    finally:
        r.stop()


@pytest.fixture(scope="session")
def mariadb(servers):
    return servers[0]


@pytest.fixture(scope="session")
def rabbitmq(servers):
    return servers[1]


@pytest.fixture(scope="session")
def stack(base_dir, mariadb, rabbitmq):
    s = Stack(base_dir, mariadb, rabbitmq)
    yield s
    s.stop()


@pytest.fixture(scope="session")
def api(stack):
    """One API shared by the endpoint tests (no worker consumes its queue)."""
    return stack.api("shared")
