"""What the desktop build stamps on its output: the .exe's version resource, the .ico's sizes, macOS's minimum."""

from __future__ import annotations

import ast
import importlib.util
import struct
import sys
import tomllib
from pathlib import Path

from PIL import Image

from installers.buildinfo import minimum_macos, version_tuple, windows_version_file

ROOT = Path(__file__).resolve().parents[2]
VERSION = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]["version"]


def _calls(tree: ast.AST) -> dict[str, list[ast.Call]]:
    found: dict[str, list[ast.Call]] = {}
    for node in ast.walk(tree):
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Name):
            found.setdefault(node.func.id, []).append(node)
    return found


def test_the_exe_version_resource_carries_pyprojects_version(tmp_path):
    path = windows_version_file(VERSION, tmp_path / "version.txt")
    calls = _calls(ast.parse(path.read_text(encoding="utf-8")))
    ffi = calls["FixedFileInfo"][0]
    numbers = {kw.arg: ast.literal_eval(kw.value) for kw in ffi.keywords if kw.arg in ("filevers", "prodvers")}
    assert numbers == {"filevers": version_tuple(VERSION), "prodvers": version_tuple(VERSION)}
    strings = {ast.literal_eval(c.args[0]): ast.literal_eval(c.args[1]) for c in calls["StringStruct"]}
    assert strings["FileVersion"] == strings["ProductVersion"] == VERSION
    assert strings["ProductName"] == "Feltbog" and strings["OriginalFilename"] == "Feltbog.exe"
    assert version_tuple("1.2.3rc4") == (1, 2, 3, 4) and version_tuple("2.0") == (2, 0, 0, 0)
    if sys.platform == "win32":  # PyInstaller's own reader (it needs the Windows API)
        from PyInstaller.utils.win32.versioninfo import load_version_info_from_text_file

        info = load_version_info_from_text_file(str(path))
        assert (info.ffi.fileVersionMS >> 16, info.ffi.fileVersionMS & 0xFFFF) == version_tuple(VERSION)[:2]


def _macho(minimum: tuple[int, int]) -> bytes:
    """A 64-bit Mach-O header with one LC_BUILD_VERSION command for macOS."""
    command = struct.pack("<IIIIII", 0x32, 24, 1, (minimum[0] << 16) | (minimum[1] << 8), 0, 0)
    header = struct.pack("<IiiIIIII", 0xFEEDFACF, 0x0100000C, 0, 6, 1, len(command), 0, 0)
    return header + command


def test_the_macos_minimum_is_the_newest_any_bundled_library_needs(tmp_path):
    qt = tmp_path / "QtCore"
    qt.write_bytes(_macho((13, 0)))
    arm, intel = _macho((15, 0)), _macho((14, 2))
    # A universal binary: the fat header, then each architecture's image at its offset.
    fat = struct.pack(">II", 0xCAFEBABE, 2) + struct.pack(">5I", 0x0100000C, 0, 4096, len(arm), 12)
    fat += struct.pack(">5I", 0x01000007, 3, 8192, len(intel), 12)
    fat = fat.ljust(4096, b"\0") + arm.ljust(4096, b"\0") + intel
    bindings = tmp_path / "QtGui.abi3.so"
    bindings.write_bytes(fat)
    text = tmp_path / "README"
    text.write_bytes(b"\xca\xfe\xba\xbe not a binary")
    assert minimum_macos([qt, text]) == "13.0"
    assert minimum_macos([qt, bindings, text, tmp_path / "missing"]) == "15.0"
    assert minimum_macos([text]) == "11.0"  # nothing says: the floor
    spec = (ROOT / "installers" / "feltbog.spec").read_text(encoding="utf-8")
    assert '"LSMinimumSystemVersion": MINIMUM_MACOS' in spec and "version=version_file" in spec


def test_the_ico_holds_every_size_windows_asks_for(qapp, tmp_path):
    loader = importlib.util.spec_from_file_location("make_icons", ROOT / "installers" / "make_icons.py")
    make_icons = importlib.util.module_from_spec(loader)
    loader.loader.exec_module(make_icons)
    path = tmp_path / "feltbog.ico"
    make_icons.write_ico(path)
    sizes = {16, 24, 32, 48, 64, 128, 256}
    for ico in (path, ROOT / "resources" / "icons" / "feltbog.ico"):  # also the committed one
        with Image.open(ico) as image:
            assert {w for w, _h in image.info["sizes"]} == sizes
    with Image.open(path) as image:
        image.size = (16, 16)  # each size is its own drawing, not the 256 one shrunk by Windows
        small = image.convert("RGBA")
        assert small.size == (16, 16) and small.getbbox() is not None
