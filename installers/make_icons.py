"""Render resources/icons/feltbog.svg into feltbog.ico (Windows) and feltbog.icns (macOS).

Run before PyInstaller: ``python installers/make_icons.py``. Uses Qt's SVG
renderer and Qt's image writers (ICO everywhere; ICNS where Qt's image
format plugin has it, else a PNG set for iconutil on macOS).
"""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from PySide6.QtCore import Qt  # noqa: E402
from PySide6.QtGui import QGuiApplication, QImage, QPainter  # noqa: E402
from PySide6.QtSvg import QSvgRenderer  # noqa: E402

ICONS = Path(__file__).resolve().parent.parent / "resources" / "icons"


def render(size: int) -> QImage:
    image = QImage(size, size, QImage.Format.Format_ARGB32)
    image.fill(Qt.GlobalColor.transparent)
    painter = QPainter(image)
    QSvgRenderer(str(ICONS / "feltbog.svg")).render(painter)
    painter.end()
    return image


def main() -> int:
    QGuiApplication.instance() or QGuiApplication(sys.argv)
    render(256).save(str(ICONS / "feltbog.ico"), "ICO")
    render(512).save(str(ICONS / "feltbog.png"), "PNG")
    if sys.platform == "darwin":
        iconset = Path(tempfile.mkdtemp()) / "feltbog.iconset"
        iconset.mkdir()
        for size in (16, 32, 128, 256, 512):
            render(size).save(str(iconset / f"icon_{size}x{size}.png"))
            render(size * 2).save(str(iconset / f"icon_{size}x{size}@2x.png"))
        subprocess.run(["iconutil", "-c", "icns", str(iconset), "-o", str(ICONS / "feltbog.icns")], check=True)
    print("icons written to", ICONS)
    return 0


if __name__ == "__main__":
    sys.exit(main())
