"""Less typing in a visit note: the note's structure per visit kind, and what carries over from the last visit."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtGui import QTextCursor
from PySide6.QtWidgets import QComboBox, QHBoxLayout, QLineEdit, QPlainTextEdit, QPushButton, QWidget

from desktop.domain.templates import is_template, visit_template
from desktop.models.previous_visit import PreviousVisit, previous_visit
from desktop.ui import i18n
from desktop.ui.context import AppContext
from desktop.ui.i18n import tr
from desktop.ui.operation import Op
from desktop.ui.widgets.form import EntityForm

CARRIED_OVER = ("participants", "next_step")


class TypingHelps(QWidget):
    """Two buttons under a visit's form: "Fill in the template" and "Copy from the last visit".

    ``where()`` gives the editor's (company id, visit id); ``tell(text)``
    shows what was done. Changes go into the form as if typed, so the
    editor's autosave keeps them.
    """

    def __init__(self, ctx: AppContext, form: EntityForm, where: Callable[[], tuple[str | None, str | None]],
                 tell: Callable[[str], None]) -> None:
        super().__init__()
        self.ctx = ctx
        self.form = form
        self.where = where
        self.tell = tell
        self.template = QPushButton(tr("Fill in the template"))
        self.template.setObjectName("use_template")
        self.template.setToolTip(tr("Puts the headings for this kind of visit into the note."))
        self.template.clicked.connect(self.fill_template)
        self.copy_last = QPushButton(tr("Copy from the last visit"))
        self.copy_last.setObjectName("copy_last_visit")
        self.copy_last.setToolTip(tr("Copies the participants and the next step from the last visit "
                                     "to this company into the fields that are still empty."))
        self.copy_last.clicked.connect(self.copy_from_last)
        row = QHBoxLayout(self)
        row.setContentsMargins(0, 0, 0, 0)
        row.addWidget(self.template)
        row.addWidget(self.copy_last)
        row.addStretch(1)
        kind = self.form.widgets["kind"]
        assert isinstance(kind, QComboBox)
        kind.currentIndexChanged.connect(self._kind_changed)
        self.show_structure()

    @property
    def body(self) -> QPlainTextEdit:
        """The note's text box."""
        widget = self.form.widgets["body"]
        assert isinstance(widget, QPlainTextEdit)
        return widget

    def _template_text(self) -> str:
        return visit_template(self.form.values().get("kind"), i18n.language())

    def show_structure(self) -> None:
        """Show the kind's structure greyed in an empty note (after the editor filled the form)."""
        self.body.setPlaceholderText(self._template_text())

    def _kind_changed(self) -> None:
        """The user chose another kind: its structure shows, and an untouched template is swapped for it."""
        self.show_structure()
        text = self._template_text()
        current = self.body.toPlainText()
        if current.strip() and is_template(current) and current != text:
            self._put(text, replace=True)

    def fill_template(self) -> None:
        """Put the kind's headings into the note: in place of an empty note, else after what is written."""
        text = self._template_text()
        if not text:
            return
        current = self.body.toPlainText()
        self._put(text, replace=is_template(current))
        self.body.setFocus()

    def _put(self, text: str, replace: bool) -> None:
        # Through a cursor, so Ctrl+Z takes it back, and textChanged tells the editor to save.
        cursor = self.body.textCursor()
        if replace:
            cursor.select(QTextCursor.SelectionType.Document)
        else:
            cursor.movePosition(QTextCursor.MoveOperation.End)
            text = ("\n\n" if not self.body.toPlainText().endswith("\n") else "\n") + text
        cursor.insertText(text)
        cursor.movePosition(QTextCursor.MoveOperation.Start)
        cursor.movePosition(QTextCursor.MoveOperation.EndOfLine)
        if replace:
            self.body.setTextCursor(cursor)  # at the end of the first heading: ready to write under it

    def copy_from_last(self) -> None:
        """Fill the empty participants and next step from the last visit to this company."""
        company_id, visit_id = self.where()
        if company_id is None:
            return

        def query(session: Any) -> PreviousVisit | None:
            return previous_visit(session, company_id, visit_id)

        Op.read(self.ctx, query, self).success(self._copy).run()

    def _copy(self, last: PreviousVisit | None) -> None:
        if last is None:
            self.tell(tr("There is no earlier visit to this company."))
            return
        copied = []
        for name in CARRIED_OVER:
            widget = self.form.widgets[name]
            value = getattr(last, name)
            if not value:
                continue
            if isinstance(widget, QPlainTextEdit) and not widget.toPlainText().strip():
                widget.setPlainText(value)  # textChanged: the editor saves it
            elif isinstance(widget, QLineEdit) and not widget.text().strip():
                widget.setText(value)
                self.form.edited.emit()  # setText is no edit by the user: tell the editor to save
            else:
                continue
            copied.append(name)
        when = i18n.fmt_date(last.visited_at)
        if copied:
            labels = [i18n.label("visit", n).lower() for n in copied]
            names = labels[0] if len(labels) == 1 else tr("%1 and %2").replace("%1", labels[0]).replace("%2", labels[1])
            self.tell(tr("Copied %1 from the visit of %2.").replace("%1", names).replace("%2", when))
        else:
            self.tell(tr("Nothing to copy: the fields are filled in, or the visit of %1 left them empty.")
                      .replace("%1", when))
