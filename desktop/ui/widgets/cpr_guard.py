"""The CPR guard under a free-text field: says why a CPR number does not belong there and replaces it.

It watches one text field (a note, needs, next step, comments ...), and as
soon as the text holds a CPR number (desktop.domain.cpr: a real date in the
first six digits) it shows a bar under the field with the reason, a box for
the citizen's initials or a case reference and a Replace button. Replacing
edits the field as typing would (one undo step; the form autosaves it).
"""

from __future__ import annotations

from PySide6.QtCore import QTimer
from PySide6.QtGui import QTextCursor
from PySide6.QtWidgets import QFrame, QHBoxLayout, QLabel, QLineEdit, QPlainTextEdit, QPushButton, QVBoxLayout, QWidget

from desktop.domain.cpr import CprMatch, find_cpr
from desktop.ui.i18n import tr

CHECK_DELAY_MS = 150  # after the last keystroke: a 30-page note is not searched at every key


class CprGuard(QFrame):
    """A bar that appears under ``field`` while its text holds a CPR number."""

    def __init__(self, field: QPlainTextEdit | QLineEdit, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.field = field
        self.found: list[CprMatch] = []
        self.setObjectName(f"cpr_guard_{field.objectName().removeprefix('field_')}")
        self.setFrameShape(QFrame.Shape.StyledPanel)
        self.message = QLabel()
        self.message.setObjectName("cpr_message")
        self.message.setWordWrap(True)
        self.message.setProperty("role", "banner")
        self.replacement = QLineEdit()
        self.replacement.setObjectName("cpr_replacement")
        self.replacement.setPlaceholderText(tr("The citizen's initials or a case reference"))
        self.replacement.setAccessibleName(tr("Replace the CPR number with"))
        self.replace_button = QPushButton(tr("Replace"))
        self.replace_button.setObjectName("cpr_replace")
        self.replace_button.setEnabled(False)
        self.replace_button.clicked.connect(self.replace)
        self.replacement.textChanged.connect(lambda text: self.replace_button.setEnabled(bool(text.strip())))
        self.replacement.returnPressed.connect(self.replace)
        row = QHBoxLayout()
        row.setContentsMargins(0, 0, 0, 0)
        row.addWidget(self.replacement, 1)
        row.addWidget(self.replace_button)
        column = QVBoxLayout(self)
        column.setContentsMargins(0, 2, 0, 2)
        column.addWidget(self.message)
        column.addLayout(row)
        self.hide()
        self._timer = QTimer(self, singleShot=True, interval=CHECK_DELAY_MS)
        self._timer.timeout.connect(self.check)
        field.textChanged.connect(self._timer.start)

    def text(self) -> str:
        """The watched field's text."""
        return self.field.toPlainText() if isinstance(self.field, QPlainTextEdit) else self.field.text()

    def check(self) -> None:
        """Look for CPR numbers in the field now; show or hide the bar."""
        self._timer.stop()
        self.found = find_cpr(self.text())
        if not self.found:
            self.hide()
            return
        numbers = ", ".join(dict.fromkeys(match.text for match in self.found))
        self.message.setText(tr(
            "%1 looks like a CPR number. A citizen's CPR number does not belong in a note about a company: "
            "it makes the note personal data that must be found and erased on request, and the server may "
            "refuse it. Write the citizen's initials or a case reference instead.").replace("%1", numbers))
        self.show()

    def replace(self) -> None:
        """Put what is typed in the box in place of every CPR number in the field."""
        replacement = self.replacement.text().strip()
        self.check()
        if not replacement or not self.found:
            return
        if isinstance(self.field, QPlainTextEdit):
            cursor = self.field.textCursor()
            cursor.beginEditBlock()  # one undo step
            for match in reversed(self.found):  # from the end, so earlier positions stay right
                cursor.setPosition(match.start)
                cursor.setPosition(match.end, QTextCursor.MoveMode.KeepAnchor)
                cursor.insertText(replacement)
            cursor.endEditBlock()
        else:
            for match in reversed(self.found):
                self.field.setSelection(match.start, match.end - match.start)
                self.field.insert(replacement)  # as typing does: the form hears textEdited
        self.replacement.clear()
        self.check()
