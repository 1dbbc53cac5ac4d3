"""Keys that mean the same in every field of the app."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QKeyEvent


def opens_list(event: QKeyEvent) -> bool:
    """F4 or Alt+Down: drop down a field's list or calendar, as Windows' own combo boxes do."""
    alt = event.modifiers() & Qt.KeyboardModifier.AltModifier
    return event.key() == Qt.Key.Key_F4 or bool(alt and event.key() == Qt.Key.Key_Down)
