"""MariaDB access with pymysql: one short-lived connection per request (no pool
to go stale across DB restarts; connecting on the private network is cheap)."""
import datetime
import logging
import threading
import time

import pymysql

log = logging.getLogger("fractals.db")

FIELDS = ("uuid", "width", "height", "iterations", "xa", "xb", "ya", "yb", "checksum",
          "size", "duration", "generated_by", "created_at", "updated_at")

SCHEMA = """CREATE TABLE IF NOT EXISTS fractal (
  uuid CHAR(36) NOT NULL PRIMARY KEY,
  width INT NOT NULL, height INT NOT NULL, iterations INT NOT NULL,
  xa DOUBLE NOT NULL, xb DOUBLE NOT NULL, ya DOUBLE NOT NULL, yb DOUBLE NOT NULL,
  checksum CHAR(64) NULL, size INT NULL, duration DOUBLE NULL,
  generated_by VARCHAR(255) NULL, image LONGBLOB NULL,
  created_at DATETIME(6) NOT NULL, updated_at DATETIME(6) NOT NULL,
  KEY created (created_at, uuid)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4"""

COLS = ", ".join(FIELDS)


class Duplicate(Exception):
    pass


def now():
    return datetime.datetime.now(datetime.timezone.utc).replace(tzinfo=None)


class Database:
    def __init__(self, params, connect_timeout=3):
        self.params = dict(params, connect_timeout=connect_timeout, read_timeout=30,
                           write_timeout=30, charset="utf8mb4", autocommit=True)
        self.schema_ready = False
        self.lock = threading.Lock()

    def connect(self):
        conn = pymysql.connect(**self.params)
        if not self.schema_ready:
            with self.lock:
                if not self.schema_ready:
                    with conn.cursor() as c:
                        c.execute(SCHEMA)
                    self.schema_ready = True
        return conn

    def run(self, fn):
        conn = self.connect()
        try:
            with conn.cursor(pymysql.cursors.DictCursor) as c:
                return fn(c)
        finally:
            conn.close()

    def wait_ready(self, stop=None, max_delay=10):
        """Retry until the database answers and the schema exists (start order
        of the servers does not matter)."""
        delay = 0.5
        while not (stop and stop.is_set()):
            try:
                self.ping()
                log.info("database ready at %s:%s/%s", self.params["host"], self.params["port"],
                         self.params["database"])
                return True
            except pymysql.Error as e:
                log.warning("database not ready (%s), retrying in %.0fs", e.args[-1] if e.args else e, delay)
                time.sleep(delay)
                delay = min(delay * 2, max_delay)
        return False

    def ping(self):
        return self.run(lambda c: c.execute("SELECT 1"))

    def insert(self, rec):
        t = now()
        rec = dict(rec, checksum=None, size=None, duration=None, generated_by=None,
                   created_at=t, updated_at=t)
        try:
            self.run(lambda c: c.execute("INSERT INTO fractal (%s) VALUES (%s)" % (
                COLS, ", ".join(["%s"] * len(FIELDS))), [rec[f] for f in FIELDS]))
        except pymysql.err.IntegrityError:
            raise Duplicate(rec["uuid"])
        return rec

    def get(self, uuid):
        def q(c):
            c.execute("SELECT %s FROM fractal WHERE uuid=%%s" % COLS, (uuid,))
            return c.fetchone()
        return self.run(q)

    def page(self, offset, limit):
        def q(c):
            c.execute("SELECT COUNT(*) AS n FROM fractal")
            n = c.fetchone()["n"]
            c.execute("SELECT %s FROM fractal ORDER BY created_at, uuid LIMIT %%s OFFSET %%s" % COLS,
                      (limit, offset))
            return n, c.fetchall()
        return self.run(q)

    def image(self, uuid):
        def q(c):
            c.execute("SELECT image FROM fractal WHERE uuid=%s", (uuid,))
            return c.fetchone()
        row = self.run(q)
        return None if row is None else (row["image"] or b"")

    def delete(self, uuid):
        return self.run(lambda c: c.execute("DELETE FROM fractal WHERE uuid=%s", (uuid,)))

    def store(self, uuid, image, checksum, duration, generated_by):
        """Store a result once: returns True if stored now, False if it was
        already rendered (unchanged), None if there is no such fractal."""
        def q(c):
            n = c.execute("UPDATE fractal SET image=%s, checksum=%s, size=%s, duration=%s, "
                          "generated_by=%s, updated_at=%s WHERE uuid=%s AND checksum IS NULL",
                          (image, checksum, len(image), duration, generated_by, now(), uuid))
            if n:
                return True
            c.execute("SELECT 1 FROM fractal WHERE uuid=%s", (uuid,))
            return False if c.fetchone() else None
        return self.run(q)
