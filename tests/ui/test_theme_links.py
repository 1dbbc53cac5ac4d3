"""Links stay readable in dark mode (the company's address, help texts): the theme mends the palette's link colour."""

from __future__ import annotations

from PySide6.QtGui import QColor, QGuiApplication, QPalette

from desktop.ui.theme import MIN_LINK_CONTRAST, ThemeKeeper, contrast, readable_links
from tests.ui.story_helpers import dark_palette


def _contrast(palette: QPalette) -> float:
    return contrast(palette.color(QPalette.ColorRole.Link), palette.color(QPalette.ColorRole.Base))


def test_a_dark_palette_with_qts_dark_blue_links_gets_light_ones():
    palette = dark_palette()
    palette.setColor(QPalette.ColorRole.Link, QColor(0, 0, 255))  # Qt's default, on near-black
    assert _contrast(palette) < MIN_LINK_CONTRAST
    mended = readable_links(palette)
    assert mended is not None and _contrast(mended) >= MIN_LINK_CONTRAST
    assert mended.color(QPalette.ColorRole.Window) == palette.color(QPalette.ColorRole.Window)  # nothing else


def test_the_contrast_is_wcags():
    assert round(contrast(QColor(0, 0, 0), QColor(255, 255, 255)), 1) == 21.0
    assert contrast(QColor(10, 10, 10), QColor(10, 10, 10)) == 1.0


def test_light_palettes_and_dark_ones_with_readable_links_are_left_alone():
    light = QPalette()
    for role, color in ((QPalette.ColorRole.Window, QColor(239, 239, 239)),
                        (QPalette.ColorRole.Base, QColor(255, 255, 255)),
                        (QPalette.ColorRole.WindowText, QColor(0, 0, 0)), (QPalette.ColorRole.Link, QColor(0, 0, 255))):
        light.setColor(role, color)
    assert readable_links(light) is None  # light: Qt's blue reads on white
    palette = dark_palette()
    palette.setColor(QPalette.ColorRole.Link, QColor(120, 190, 255))  # what the OS's dark palette sets
    assert readable_links(palette) is None


def test_the_app_switching_to_dark_mode_gets_readable_links(qapp):
    existing = qapp.findChild(ThemeKeeper)
    keeper = existing or ThemeKeeper(qapp)
    before, sheet = qapp.palette(), qapp.styleSheet()
    try:
        palette = dark_palette()
        palette.setColor(QPalette.ColorRole.Link, QColor(0, 0, 255))
        qapp.setPalette(palette)  # the OS turns dark; the keeper hears the palette change
        qapp.processEvents()
        assert keeper.dark
        assert _contrast(QGuiApplication.palette()) >= MIN_LINK_CONTRAST
    finally:
        qapp.setPalette(before)
        qapp.processEvents()
    assert not keeper.dark
    if existing is None:  # leave the application as the other tests found it
        qapp.removeEventFilter(keeper)
        keeper.setParent(None)
        keeper.deleteLater()
        qapp.setStyleSheet(sheet)
