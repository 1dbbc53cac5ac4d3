"""Render resources/icons/feltbog.svg into feltbog.ico (Windows) and feltbog.icns (macOS).

Run before PyInstaller: ``python installers/make_icons.py``. Qt's SVG renderer draws every size
itself (a 16-pixel icon drawn at 16 pixels is sharper than a 256-pixel one scaled down); Pillow
packs them into one multi-size ``.ico`` (Explorer, the taskbar and the Start menu each pick their
size; Qt's own ICO writer keeps only one). macOS: a PNG set for ``iconutil``.
"""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from PySide6.QtCore import Qt
from PySide6.QtGui import QGuiApplication, QImage, QPainter
from PySide6.QtSvg import QSvgRenderer

ICONS = Path(__file__).resolve().parent.parent / "resources" / "icons"
ICO_SIZES = (16, 24, 32, 48, 64, 128, 256)


def render(size: int) -> QImage:
    image = QImage(size, size, QImage.Format.Format_ARGB32)
    image.fill(Qt.GlobalColor.transparent)
    painter = QPainter(image)
    QSvgRenderer(str(ICONS / "feltbog.svg")).render(painter)
    painter.end()
    return image


def write_ico(path: Path) -> None:
    """One .ico holding every size in ICO_SIZES, each rendered at its own size."""
    from PIL import Image

    with tempfile.TemporaryDirectory() as folder:
        images = []
        for size in ICO_SIZES:
            png = Path(folder) / f"{size}.png"
            render(size).save(str(png), "PNG")
            images.append(Image.open(png).convert("RGBA"))
            images[-1].load()
    largest = images[-1]
    largest.save(path, format="ICO", sizes=[(s, s) for s in ICO_SIZES], append_images=images[:-1])


def main() -> int:
    QGuiApplication.instance() or QGuiApplication(sys.argv)
    write_ico(ICONS / "feltbog.ico")
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
