"""The style sheet for the system's light or dark mode.

``feltbog.qss`` is written for a light window; when the palette Qt gets from
the operating system is dark, ``feltbog-dark.qss`` is added after it so
titles, banners and table headers keep readable text. A palette change while
the app runs (the user switches the system to dark mode) re-applies it.
"""

from __future__ import annotations

from PySide6.QtCore import QEvent, QObject
from PySide6.QtGui import QGuiApplication, QPalette
from PySide6.QtWidgets import QApplication

from desktop.paths import resource


def is_dark(palette: QPalette) -> bool:
    """True when the window background is darker than its text (dark mode)."""
    return palette.color(QPalette.ColorRole.Window).lightness() < palette.color(
        QPalette.ColorRole.WindowText).lightness()


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
        """Set the style sheet if the palette's lightness changed since the last time."""
        dark = is_dark(QGuiApplication.palette())
        if dark != self.dark:
            self.dark = dark
            self.app.setStyleSheet(stylesheet(dark))

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if watched is self.app and event.type() == QEvent.Type.ApplicationPaletteChange:
            self.apply()
        return False
