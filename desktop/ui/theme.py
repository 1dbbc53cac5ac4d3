"""The style sheet for the system's light or dark mode.

``feltbog.qss`` is written for a light window; when the palette Qt gets from
the operating system is dark, ``feltbog-dark.qss`` is added after it so
titles, banners and table headers keep readable text. A palette change while
the app runs (the user switches the system to dark mode) re-applies it.
"""

from __future__ import annotations

from PySide6.QtCore import QEvent, QObject
from PySide6.QtGui import QColor, QGuiApplication, QPalette
from PySide6.QtWidgets import QApplication

from desktop.paths import resource

MIN_LINK_CONTRAST = 4.5  # WCAG AA for text: a link against the background it is written on
DARK_LINK = QColor(138, 180, 248)  # the light blue of dark themes (Windows 11, macOS, GNOME)
DARK_LINK_VISITED = QColor(197, 138, 249)


def is_dark(palette: QPalette) -> bool:
    """True when the window background is darker than its text (dark mode)."""
    return palette.color(QPalette.ColorRole.Window).lightness() < palette.color(
        QPalette.ColorRole.WindowText).lightness()


def contrast(a: QColor, b: QColor) -> float:
    """WCAG's contrast ratio of two colours, 1 (none) to 21 (black on white)."""

    def luminance(color: QColor) -> float:
        def linear(channel: float) -> float:
            return channel / 12.92 if channel <= 0.04045 else ((channel + 0.055) / 1.055) ** 2.4

        return 0.2126 * linear(color.redF()) + 0.7152 * linear(color.greenF()) + 0.0722 * linear(color.blueF())

    light, dark = sorted((luminance(a), luminance(b)), reverse=True)
    return (light + 0.05) / (dark + 0.05)


def readable_links(palette: QPalette) -> QPalette | None:
    """The palette with link colours that read on its windows, or None if they already do.

    Rich-text links (a company's address, the help texts) take the palette's
    Link colour, which a style sheet cannot set. A dark palette that keeps
    Qt's default dark blue (some desktops, a palette set by hand) shows them
    almost black on black; those get the light blue the dark themes use.
    """
    if not is_dark(palette):
        return None
    if contrast(palette.color(QPalette.ColorRole.Link), palette.color(QPalette.ColorRole.Base)) >= MIN_LINK_CONTRAST:
        return None
    mended = QPalette(palette)
    mended.setColor(QPalette.ColorRole.Link, DARK_LINK)
    mended.setColor(QPalette.ColorRole.LinkVisited, DARK_LINK_VISITED)
    return mended


def stylesheet(dark: bool) -> str:
    """The app's style sheet for light or dark mode."""
    sheet = resource("styles", "feltbog.qss").read_text(encoding="utf-8")
    if dark:
        sheet += "\n" + resource("styles", "feltbog-dark.qss").read_text(encoding="utf-8")
    return sheet


class ThemeKeeper(QObject):
    """Applies the style sheet now and again whenever the application palette turns light or dark."""

    def __init__(self, app: QApplication) -> None:
        super().__init__(app)
        self.app = app
        self.dark: bool | None = None
        self.apply()
        app.installEventFilter(self)

    def apply(self) -> None:
        """Set the style sheet if the palette's lightness changed since the last time, and readable links."""
        palette = QGuiApplication.palette()
        dark = is_dark(palette)
        if dark != self.dark:
            self.dark = dark
            self.app.setStyleSheet(stylesheet(dark))
        mended = readable_links(palette)
        if mended is not None:
            self.app.setPalette(mended)  # another palette change: apply() finds the links readable then

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if watched is self.app and event.type() == QEvent.Type.ApplicationPaletteChange:
            self.apply()
        return False
