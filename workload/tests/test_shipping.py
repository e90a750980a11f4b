"""What ships: size budget, unit files, the CLI entry script."""
import configparser
import os
import py_compile
import shutil
import subprocess

from conftest import WORKLOAD

UNITS = os.path.join(WORKLOAD, "systemd")
BUDGET = 40 * 1024


def shipped():
    files = [os.path.join(WORKLOAD, "bin", "fractals")]
    for d in ("fractals", "systemd"):
        for name in sorted(os.listdir(os.path.join(WORKLOAD, d))):
            if name.endswith((".py", ".service")):
                files.append(os.path.join(WORKLOAD, d, name))
    return files


def test_size_budget():
    total = sum(os.path.getsize(f) for f in shipped())
    assert total < BUDGET, "shipped files are %d bytes, budget %d" % (total, BUDGET)


def test_python_compiles(tmp_path):
    for f in shipped():
        if not f.endswith(".service"):
            py_compile.compile(f, cfile=str(tmp_path / "x.pyc"), doraise=True)


def test_cli_script():
    path = os.path.join(WORKLOAD, "bin", "fractals")
    with open(path) as f:
        assert f.readline() == "#!/usr/bin/python3\n"
    assert os.access(path, os.X_OK)


def unit(name):
    cp = configparser.ConfigParser(strict=False, interpolation=None)
    cp.optionxform = str
    with open(os.path.join(UNITS, name)) as f:
        cp.read_file(f)
    return cp


def test_units_required_keys():
    for name, module in (("fractals-api.service", "fractals.api"), ("fractals-worker.service", "fractals.worker")):
        u = unit(name)
        s = u["Service"]
        assert s["User"] == "fractals" and s["Group"] == "fractals"
        assert s["ExecStart"] == "/usr/bin/python3 -m " + module
        assert s["Restart"] == "on-failure" and s["RestartSec"] == "2"
        assert "network-online.target" in u["Unit"]["After"]
        assert u["Install"]["WantedBy"] == "multi-user.target"
        with open(os.path.join(UNITS, name)) as f:
            text = f.read()
        assert "Environment=PYTHONPATH=/usr/local/lib/fractals\n" in text
        assert "password" not in text.lower() and "://" not in text
    assert unit("fractals-api.service")["Service"]["AmbientCapabilities"] == "CAP_NET_BIND_SERVICE"


def test_units_verify():
    tool = shutil.which("systemd-analyze")
    if not tool:
        return  # required keys are checked above
    r = subprocess.run([tool, "verify"] + [os.path.join(UNITS, n) for n in sorted(os.listdir(UNITS))],
                       stdout=subprocess.PIPE, stderr=subprocess.STDOUT, universal_newlines=True, timeout=60)
    assert r.returncode == 0, r.stdout
    assert "fractals-" not in r.stdout, r.stdout  # no warnings about our units


def test_python_310_syntax():
    import ast
    for f in shipped():
        if not f.endswith(".service"):
            with open(f) as fh:
                ast.parse(fh.read(), f, feature_version=(3, 10))
