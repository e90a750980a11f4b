"""One INI file (/etc/fractals/fractals.conf, or $FRACTALS_CONFIG) for every part."""
import configparser
import logging
import os
import sys
from urllib.parse import unquote, urlsplit

DEFAULT_PATH = "/etc/fractals/fractals.conf"


class ConfigError(Exception):
    pass


def mask_url(url):
    """The URL with its password replaced by ***, for logs and messages."""
    try:
        p = urlsplit(url)
        if p.password is None:
            return url
        host = p.netloc.rpartition("@")[2]
        return p._replace(netloc="%s:***@%s" % (p.username or "", host)).geturl()
    except ValueError:
        return "<unparsable url>"


class Config:
    def __init__(self, path=None):
        self.path = path or os.environ.get("FRACTALS_CONFIG") or DEFAULT_PATH
        self.cp = configparser.ConfigParser(interpolation=None)
        try:
            with open(self.path, encoding="utf-8") as f:
                self.cp.read_file(f)
        except OSError as e:
            raise ConfigError("cannot read config file %s: %s" % (self.path, e.strerror or e))
        except configparser.Error as e:
            msg = str(e).splitlines()[0]
            raise ConfigError("invalid config file %s: %s" % (self.path, msg))

    def get(self, section, key, default=None):
        try:
            v = self.cp.get(section, key).strip()
        except (configparser.NoSectionError, configparser.NoOptionError):
            v = ""
        if v:
            return v
        if default is None:
            raise ConfigError("[%s] %s is missing in %s" % (section, key, self.path))
        return default

    def error(self, section, key, what):
        return ConfigError("[%s] %s in %s: %s" % (section, key, self.path, what))

    def port(self, section, key, default=None):
        v = self.get(section, key, default)
        if not str(v).isdigit() or not 1 <= int(v) <= 65535:
            raise self.error(section, key, "must be a port number 1..65535, not %r" % v)
        return int(v)

    def url(self, section, key, schemes):
        v = self.get(section, key)
        try:
            p = urlsplit(v)
            p.port  # raises ValueError on a bad port
        except ValueError:
            raise self.error(section, key, "not a valid URL: %s" % mask_url(v))
        if p.scheme not in schemes or not p.hostname:
            raise self.error(section, key, "must look like %s://[user:password@]host[:port]/..., got %s"
                             % (schemes[0], mask_url(v)))
        return v

    def database(self):
        """pymysql.connect() keyword arguments from [database] url."""
        url = self.url("database", "url", ("mysql", "mysql+pymysql", "mariadb"))
        p = urlsplit(url)
        db = unquote(p.path.lstrip("/"))
        if not p.username or not db or "/" in db:
            raise self.error("database", "url", "must be mysql://user:password@host[:port]/database, got %s"
                             % mask_url(url))
        return dict(host=p.hostname, port=p.port or 3306, user=unquote(p.username),
                    password=unquote(p.password or ""), database=db)

    def queue_url(self):
        return self.url("queue", "url", ("amqp", "amqps", "pyamqp"))


def load(path=None):
    return Config(path)


def fail(err, code=2):
    """Print a one-line error (no traceback) and exit."""
    print("fractals: %s" % err, file=sys.stderr)
    sys.exit(code)


def setup_logging():
    logging.basicConfig(level=os.environ.get("FRACTALS_LOG_LEVEL", "INFO").upper(),
                        format="%(asctime)s %(name)s %(levelname)s %(message)s", stream=sys.stderr)
    # amqp/kombu log connection URLs at DEBUG only; keep them quiet in any case
    for name in ("amqp", "kombu"):
        logging.getLogger(name).setLevel(logging.WARNING)
