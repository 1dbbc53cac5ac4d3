"""Thread guards: wrap methods so a call on the wrong thread is recorded (and the test can assert none was)."""

from __future__ import annotations

import functools
import threading

from PySide6.QtCore import QThread
from PySide6.QtWidgets import QApplication


def on_gui_thread() -> bool:
    """True on the thread that owns the QApplication."""
    app = QApplication.instance()
    return app is not None and QThread.currentThread() is app.thread()


class ThreadGuard:
    """Wraps methods (with pytest's monkeypatch) and records calls made where they must not be."""

    def __init__(self, monkeypatch) -> None:
        self.monkeypatch = monkeypatch
        self.violations: list[str] = []
        self.calls: list[tuple[str, bool]] = []  # (name, on the GUI thread): shows the guard saw something

    def wrap(self, owner, name: str, *, on_gui: bool) -> None:
        """Record a call to ``owner.name`` made off the GUI thread (``on_gui=True``) or on it (``on_gui=False``)."""
        original = getattr(owner, name)
        label = f"{getattr(owner, '__name__', owner)}.{name}"

        @functools.wraps(original)
        def checked(*args, **kwargs):
            gui = on_gui_thread()
            self.calls.append((label, gui))
            if gui != on_gui:  # on the wrong side
                self.violations.append(f"{label} on thread {threading.current_thread().name}")
            return original(*args, **kwargs)

        self.monkeypatch.setattr(owner, name, checked)

    def widgets_only_on_gui(self) -> None:
        """Qt allows widget calls on the GUI thread only: guard the accessors screens read filters with."""
        from PySide6.QtWidgets import (
            QAbstractButton,
            QAbstractSpinBox,
            QCheckBox,
            QComboBox,
            QDateEdit,
            QDateTimeEdit,
            QDoubleSpinBox,
            QLineEdit,
            QPlainTextEdit,
            QSpinBox,
            QTextEdit,
        )

        for owner, names in (
            (QLineEdit, ("text", "displayText")),
            (QAbstractButton, ("isChecked",)),
            (QCheckBox, ("isChecked", "checkState")),
            (QComboBox, ("currentData", "currentText", "currentIndex", "itemData", "itemText", "count")),
            (QDateTimeEdit, ("date", "dateTime")),
            (QDateEdit, ("date",)),
            (QAbstractSpinBox, ("text",)),
            (QSpinBox, ("value",)),
            (QDoubleSpinBox, ("value",)),
            (QPlainTextEdit, ("toPlainText",)),
            (QTextEdit, ("toPlainText",)),
        ):
            for name in names:
                self.wrap(owner, name, on_gui=True)
