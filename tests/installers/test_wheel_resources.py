"""``pip install .`` carries the app's resources: the wheel holds the translation, the styles, the icons and the
fonts, and desktop/paths.py finds them in an installed environment with no checkout around it (issue 20, part 5).

The wheel is built from a copy of the sources (the build needs setuptools from the package index, as CI has).
Installing it with its dependencies (PySide6) would take minutes, so the installed venv gets Feltbog alone:
enough for desktop.paths and the self-test's resource check, which need nothing but the standard library.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
DATA = "share/feltbog/resources"


def _build_wheel(tmp_path: Path) -> Path:
    source = tmp_path / "src"
    source.mkdir()
    for name in ("pyproject.toml", "README.md"):
        shutil.copy(ROOT / name, source / name)
    ignore = shutil.ignore_patterns("__pycache__", "*.pyc", "*.ts")
    for name in ("desktop", "server", "resources"):
        shutil.copytree(ROOT / name, source / name, ignore=ignore)
    out = tmp_path / "wheel"
    subprocess.run([sys.executable, "-m", "pip", "wheel", "--no-deps", "--quiet", "--disable-pip-version-check",
                    "-w", str(out), str(source)], check=True)
    (wheel,) = out.glob("feltbog-*.whl")
    return wheel


def test_the_wheel_carries_the_resources_and_an_installed_app_finds_them(tmp_path):
    wheel = _build_wheel(tmp_path)
    names = set(zipfile.ZipFile(wheel).namelist())
    data = {n.split(f"/data/{DATA}/", 1)[1] for n in names if f".data/data/{DATA}/" in n}
    expected = {"translations/feltbog_da.qm", "styles/feltbog.qss", "styles/feltbog-dark.qss", "icons/feltbog.svg",
                "icons/feltbog.png", "icons/feltbog.ico", "fonts/DejaVuSans.ttf", "fonts/DejaVuSans-Bold.ttf"}
    assert expected <= data, sorted(expected - data)
    assert not any(n.endswith(".ts") for n in names)  # the translators' source stays in the checkout

    venv = tmp_path / "venv"
    subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True)
    python = venv / ("Scripts/python.exe" if os.name == "nt" else "bin/python")
    elsewhere = tmp_path / "elsewhere"  # no checkout here, nor on the path (pip would see its egg-info)
    elsewhere.mkdir()
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "FELTBOG_RESOURCES")}
    subprocess.run([str(python), "-m", "pip", "install", "--no-deps", "--quiet", "--disable-pip-version-check",
                    str(wheel)], cwd=elsewhere, env=env, check=True)
    probe = ("import desktop.paths as p, desktop.selftest as s, pathlib; print(p.__file__); "
             "print(p.resources_dir()); print(s._check_resources(pathlib.Path('.')))")
    lines = subprocess.run([str(python), "-c", probe], cwd=elsewhere, env=env, capture_output=True, text=True,
                           check=True).stdout.splitlines()
    assert Path(lines[0]).is_relative_to(venv)  # the installed copy, not this checkout
    assert Path(lines[1]) == venv / DATA
    assert lines[2] == f"resources: found in {venv / DATA}"
