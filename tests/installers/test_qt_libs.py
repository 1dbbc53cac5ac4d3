"""scripts/check-qt-libs.sh names the Debian packages of the X libraries Qt's window plugin lacks here."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="the xcb plugin is Linux's")
def test_the_check_names_exactly_the_missing_libraries_and_their_packages():
    import PySide6

    qt = Path(PySide6.__file__).parent / "Qt"
    missing = set()
    for library in (qt / "plugins" / "platforms" / "libqxcb.so", qt / "lib" / "libQt6XcbQpa.so.6"):
        out = subprocess.run(["ldd", str(library)], capture_output=True, text=True, check=True).stdout
        missing |= set(re.findall(r"^\s*(\S+) => not found", out, flags=re.M))
    check = subprocess.run(["bash", "scripts/check-qt-libs.sh", sys.executable], cwd=ROOT, capture_output=True,
                           text=True)
    if not missing:
        assert check.returncode == 0 and check.stderr == ""
        return
    assert check.returncode == 1
    install = re.search(r"sudo apt-get install (.+)", check.stderr).group(1).split()
    for library in missing:  # libxcb-icccm.so.4 -> libxcb-icccm4, libxkbcommon-x11.so.0 -> libxkbcommon-x11-0
        assert library in check.stderr
        stem = re.fullmatch(r"(lib[\w.+-]+?)\.so\.\d+", library).group(1)
        assert any(p.lower().replace("-", "").startswith(stem.lower().replace("-", "")) for p in install), install
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert all(package in readme for package in install)  # the README's apt-get line has them too
