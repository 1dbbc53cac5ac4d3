"""The button rows of dialogs: OK/Cancel with Danish texts, and a right-aligned row of named buttons."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtWidgets import QDialogButtonBox, QHBoxLayout, QPushButton


def dialog_buttons(ok_text: str, on_ok: Callable[[], None], on_cancel: Callable[[], None]) -> QDialogButtonBox:
    """A button box whose OK button says ``ok_text`` and whose Cancel says "Annullér"."""
    from desktop.ui.i18n import tr

    buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
    buttons.button(QDialogButtonBox.StandardButton.Ok).setText(ok_text)
    buttons.button(QDialogButtonBox.StandardButton.Cancel).setText(tr("Cancel"))
    buttons.accepted.connect(on_ok)
    buttons.rejected.connect(on_cancel)
    return buttons


def button_row(buttons: list[tuple[str, Callable[[], object], str]]) -> QHBoxLayout:
    """A right-aligned row of buttons, each ``(text, slot, object name)``."""
    row = QHBoxLayout()
    row.addStretch(1)
    for text, slot, name in buttons:
        button = QPushButton(text)
        button.setObjectName(name)
        button.clicked.connect(slot)
        row.addWidget(button)
    return row
