"""The server installs without Qt: from its lock file into a fresh venv, as the Docker image does.

The install downloads the locked wheels (hash-checked), so it needs the package index, as CI has.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import socket
import subprocess
import sys
import time
import tomllib
from pathlib import Path

import httpx
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

ROOT = Path(__file__).resolve().parents[2]
LOCKS = ROOT / "requirements"


def _pinned(lock: Path) -> set[str]:
    """The package names a lock file pins."""
    names = set()
    for line in lock.read_text(encoding="utf-8").splitlines():
        if line and not line.startswith((" ", "#", "-")) and "==" in line:
            names.add(canonicalize_name(line.split("==")[0].split("[")[0]))
    return names


def _declared(*extras: str) -> set[str]:
    """The packages pyproject.toml asks for: the core and the given extras (following feltbog[...] in them)."""
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    wanted, seen, names = list(extras), set(), {canonicalize_name(Requirement(r).name) for r in project["dependencies"]}
    while wanted:
        extra = wanted.pop()
        seen.add(extra)
        for text in project["optional-dependencies"][extra]:
            requirement = Requirement(text)
            if requirement.name == "feltbog":
                wanted.extend(e for e in requirement.extras if e not in seen)
            else:
                names.add(canonicalize_name(requirement.name))
    return names


def test_every_lock_pins_what_pyproject_declares():
    sets = {"server": ["server"], "desktop": ["desktop"], "app": ["desktop", "server"], "test": ["test"],
            "dev": ["test", "dev"]}
    for name, extras in sets.items():
        missing = _declared(*extras) - _pinned(LOCKS / f"{name}.txt")
        assert not missing, f"requirements/{name}.txt lacks {sorted(missing)}: run scripts/lock.sh"
    server = _pinned(LOCKS / "server.txt")
    assert not {n for n in server if n.startswith(("pyside6", "shiboken"))}
    assert "pyside6-essentials" in _pinned(LOCKS / "desktop.txt")


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def test_the_server_installs_into_a_fresh_venv_without_pyside6_and_serves(tmp_path):
    # A copy of the sources, so the build leaves nothing in the checkout.
    source = tmp_path / "src"
    source.mkdir()
    for name in ("pyproject.toml", "README.md"):
        shutil.copy(ROOT / name, source / name)
    ignore = shutil.ignore_patterns("__pycache__", "*.pyc")
    for name in ("desktop", "server"):
        shutil.copytree(ROOT / name, source / name, ignore=ignore)
    venv = tmp_path / "venv"
    subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True)
    python = venv / ("Scripts/python.exe" if os.name == "nt" else "bin/python")
    pip = [str(python), "-m", "pip", "install", "--quiet", "--disable-pip-version-check"]
    # Exactly what installers/server/Dockerfile runs.
    subprocess.run([*pip, "--require-hashes", "--only-binary=:all:", "-r", str(LOCKS / "server.txt")], check=True)
    subprocess.run([*pip, "--no-deps", str(source)], check=True)
    installed = subprocess.run([str(python), "-m", "pip", "list", "--format=freeze"], check=True,
                               capture_output=True, text=True).stdout.lower()
    assert "fastapi==" in installed and "structlog==" in installed
    assert "pyside6" not in installed and "shiboken6" not in installed
    env = {key: value for key, value in os.environ.items() if key != "PYTHONPATH"}  # not the checkout's copy
    check = subprocess.run([str(python), "-c", "import importlib.util, server.app; "
                            "print(importlib.util.find_spec('PySide6'), server.app.__file__)"],
                           cwd=tmp_path, env=env, check=True, capture_output=True, text=True).stdout
    assert check.startswith("None ") and str(venv) in check  # the installed copy, not the checkout
    # And it runs: migrations (packaged with it) on a new SQLite file, then ready.
    port = _free_port()
    env.update(FELTBOG_SERVER_DB=f"sqlite:///{tmp_path / 'server.sqlite'}", FELTBOG_PORT=str(port))
    proc = subprocess.Popen([str(python), "-m", "server"], cwd=tmp_path, env=env, stdout=subprocess.PIPE,
                            stderr=subprocess.STDOUT)
    try:
        deadline = time.monotonic() + 60
        while True:
            with contextlib.suppress(httpx.HTTPError):
                reply = httpx.get(f"http://127.0.0.1:{port}/readyz", timeout=1)
                break
            assert proc.poll() is None and time.monotonic() < deadline, proc.stdout.read().decode()
            time.sleep(0.2)
        assert reply.status_code == 200 and reply.json()["database"] == "ok"
    finally:
        proc.terminate()
        proc.wait(20)
