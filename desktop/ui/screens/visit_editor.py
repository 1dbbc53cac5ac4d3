"""Besøg: write a visit note. It autosaves while you type; no Save button is needed.

Each pause in typing (1 s), leaving a field and hiding the editor saves a
draft through ``save_visit_draft``. If a field is invalid, the others are
saved anyway and the message is shown next to that field, so typed text is
never held back by a mistyped date.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Any

from PySide6.QtCore import QTimer
from PySide6.QtGui import QHideEvent
from PySide6.QtWidgets import QHBoxLayout, QLabel, QPushButton, QScrollArea, QVBoxLayout, QWidget

from desktop.domain.errors import ValidationError
from desktop.models.changes import Changes
from desktop.models.operations import Operations
from desktop.models.queries import Record, get_record, record_title
from desktop.ui import i18n
from desktop.ui.context import AppContext
from desktop.ui.fields import VISIT_FIELDS
from desktop.ui.i18n import tr
from desktop.ui.operation import Op
from desktop.ui.widgets.form import EntityForm

AUTOSAVE_MS = 1000


class VisitEditor(QWidget):
    """Edits one visit; autosaves drafts; can send it to review."""

    def __init__(self, ctx: AppContext, back: Callable[[], None]) -> None:
        super().__init__()
        self.ctx = ctx
        self.visit_id: str | None = None
        self.record: Record | None = None
        self._dirty = False
        self._saving = False
        back_button = QPushButton(tr("← Back"))
        back_button.clicked.connect(back)
        self.heading = QLabel()
        self.heading.setProperty("role", "title")
        self.heading.setObjectName("visit_heading")
        self.review = QLabel()
        self.review.setObjectName("review_banner")
        self.review.setWordWrap(True)
        self.review.setProperty("role", "banner")
        self.review.hide()
        self.form = EntityForm("visit", VISIT_FIELDS)
        self.form.widgets["body"].setMinimumHeight(220)
        self.form.edited.connect(self._edited)
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setWidget(self.form)
        self.saved_label = QLabel()
        self.saved_label.setObjectName("saved_label")
        self.pdf = QPushButton(tr("Save summary as PDF…"))
        self.pdf.setObjectName("visit_pdf")
        self.pdf.clicked.connect(self.save_pdf)
        self.ready = QPushButton(tr("Mark ready for review"))
        self.ready.setObjectName("mark_ready")
        self.ready.clicked.connect(self.mark_ready)
        top = QHBoxLayout()
        top.addWidget(back_button)
        top.addWidget(self.heading, 1)
        bottom = QHBoxLayout()
        bottom.addWidget(self.saved_label, 1)
        bottom.addWidget(self.pdf)
        bottom.addWidget(self.ready)
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(self.review)
        layout.addWidget(scroll, 1)
        layout.addLayout(bottom)
        self._timer = QTimer(self, singleShot=True, interval=AUTOSAVE_MS)
        self._timer.timeout.connect(self.save_now)
        ctx.events.changes_applied.connect(self._changed)

    # -- loading ---------------------------------------------------------------------------

    def load(self, visit_id: str) -> None:
        """Open a visit (the previous one is saved first)."""
        self.save_now()
        self.visit_id = visit_id

        def query(session: Any) -> tuple[Record | None, str]:
            record = get_record(session, "visit", visit_id)
            return record, record_title(session, "company", record.fields["company_id"]) if record else ""

        Op.read(self.ctx, query, self).success(self._show).run()

    def _show(self, loaded: tuple[Record | None, str]) -> None:
        record, company = loaded
        self.record = record
        if record is None:
            self.heading.setText(tr("The visit no longer exists."))
            return
        self.heading.setText(f"{company} · {i18n.fmt_date(record.fields['visited_at'])}")
        if not self._dirty:  # never overwrite what the user is typing
            self.form.set_values(record.fields)
        state = record.review.state if record.review else None
        locked = state == "approved"
        self.form.set_read_only(locked)
        self.ready.setEnabled(not locked and record.fields.get("status") != "ready")
        if state:
            text = tr("Review: %1").replace("%1", i18n.choice("review", "state", state))
            if record.review.comment:
                text += f" — {record.review.comment}"
            if locked:
                text += " " + tr("(approved notes are read-only)")
            self.review.setText(text)
            self.review.setProperty("state", state)
            self.review.style().polish(self.review)
        self.review.setVisible(bool(state))
        self.saved_label.setText(tr("Draft") if record.fields.get("status") != "ready" else tr("Sent to review"))

    def _changed(self, changes: Changes) -> None:
        if self.visit_id and changes.from_sync and changes.touches("visit", "review"):
            self.load(self.visit_id)

    # -- saving ----------------------------------------------------------------------------

    def _edited(self) -> None:
        self._dirty = True
        self.saved_label.setText(tr("Not saved yet…"))
        self._timer.start()

    def save_now(self) -> None:
        """Save what is typed (if anything changed); safe to call any time."""
        self._timer.stop()
        if not self._dirty or self.visit_id is None or self._saving:
            return
        self._dirty = False
        self._saving = True
        values = self.form.values()
        visit_id = self.visit_id

        def save(ops: Operations, fields: dict[str, Any]) -> Changes:
            try:
                return ops.save_visit_draft(visit_id, **fields)
            except ValidationError as error:
                # Keep every valid field; only the invalid ones wait for a fix.
                good = {k: v for k, v in fields.items() if k not in error.by_field()}
                if good:
                    ops.save_visit_draft(visit_id, **good)
                raise

        def saved(_changes: Changes) -> None:
            self._saving = False
            self.form.show_errors(None)
            self.saved_label.setText(tr("Saved %1").replace("%1", datetime.now().strftime("%H:%M:%S")))
            if self._dirty:
                self._timer.start()

        def invalid(error: ValidationError) -> None:
            self._saving = False
            self.form.show_errors(error)
            self.saved_label.setText(tr("Saved, except the fields marked in red"))

        Op.write(self.ctx, lambda ops: save(ops, values), self).success(saved).invalid(invalid).run()

    def mark_ready(self) -> None:
        """Save, then send the note to the supervisor's review queue."""
        self.save_now()
        visit_id = self.visit_id
        Op.write(self.ctx, lambda ops: ops.mark_visit_ready(visit_id), self).success(
            lambda _c: self.load(visit_id)).invalid(self.form.show_errors).run()

    def save_pdf(self) -> None:
        """Besøgsreferat as PDF, e.g. to send to the company (saved first, so it prints what is typed)."""
        from desktop.reports import visit_summary_data
        from desktop.ui.screens.reports import save_pdf

        self.save_now()
        if self.visit_id is None:
            return
        visit_id, names = self.visit_id, self.ctx.account.names
        save_pdf(self.ctx, self, f"besoegsreferat-{visit_id[:8]}.pdf",
                 lambda session: visit_summary_data(session, visit_id, names=names))

    def hideEvent(self, event: QHideEvent) -> None:
        self.save_now()
        super().hideEvent(event)
