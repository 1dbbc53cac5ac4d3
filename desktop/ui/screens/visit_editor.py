"""Besøg: write a visit note. It autosaves while you type; no Save button is needed.

A new visit starts as an unsaved draft: the record is created by the first
real input (or by a button that needs it), so opening "Nyt besøg" and going
back leaves nothing behind. After that, what is typed is saved at most
``AUTOSAVE_MS`` after the first keystroke (typing on does not put it off),
when a field is left, when the editor is hidden and when the window closes,
through ``save_visit_draft``. If a field is invalid, the others are saved
anyway and the message is shown next to that field, so typed text is never
held back by a mistyped date.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime
from html import escape
from typing import Any

from PySide6.QtCore import QEvent, QObject, QTimer
from PySide6.QtGui import QHideEvent
from PySide6.QtWidgets import QHBoxLayout, QLabel, QPushButton, QScrollArea, QVBoxLayout, QWidget

from desktop.domain.errors import ValidationError
from desktop.domain.schema import ENTITIES
from desktop.models.changes import Changes
from desktop.models.operations import Operations
from desktop.models.queries import OpeningRow, list_openings
from desktop.models.record_queries import Record, ReviewRow, get_record, record_title, reviews_of_visit
from desktop.ui import i18n
from desktop.ui.context import AppContext
from desktop.ui.fields import OPENING_FIELDS, VISIT_FIELDS
from desktop.ui.i18n import tr
from desktop.ui.operation import Op
from desktop.ui.screens.visit_typing import TypingHelps
from desktop.ui.visit_state import visit_state_text
from desktop.ui.widgets.delete import delete_record
from desktop.ui.widgets.form import EntityForm
from desktop.ui.widgets.receipt import ReceiptLabel

AUTOSAVE_MS = 700
RESEND_STATES = ("has_issues", "rejected")


@dataclass
class VisitData:
    """A visit as the editor shows it: the record, its company, its review history and its openings."""

    record: Record | None
    company: str
    reviews: list[ReviewRow] = field(default_factory=list)
    openings: list[OpeningRow] = field(default_factory=list)


@dataclass
class Saved:
    """What one autosave did: ``created`` is the new visit's id when the draft became a record."""

    changes: Changes | None
    created: str | None = None
    error: ValidationError | None = None


class VisitEditor(QWidget):
    """Edits one visit; autosaves; can send it to review, delete it or start an opening from it."""

    def __init__(self, ctx: AppContext, back: Callable[[], None]) -> None:
        super().__init__()
        self.ctx = ctx
        self.back = back
        self.visit_id: str | None = None
        self.company_id: str | None = None  # of the draft (before the record exists) and of the record
        self.company = ""
        self.record: Record | None = None
        self.data: VisitData | None = None
        self._dirty = False
        self._saving = False
        self._edits = 0  # keystrokes so far: a read begun before the last one must not refill the form
        self._after_create: list[Callable[[str], None]] = []
        back_button = QPushButton(tr("← Back"))
        back_button.clicked.connect(back)
        self.heading = QLabel()
        self.heading.setProperty("role", "title")
        self.heading.setObjectName("visit_heading")
        self.heading.setWordWrap(True)
        self.delete_button = QPushButton(tr("Delete visit"))
        self.delete_button.setObjectName("delete_visit")
        self.delete_button.clicked.connect(self.delete)
        self.review = QLabel()
        self.review.setObjectName("review_banner")
        self.review.setWordWrap(True)
        self.review.setProperty("role", "banner")
        self.review.hide()
        self.form = EntityForm("visit", list(VISIT_FIELDS), today=lambda: ctx.today())
        self.form.widgets["body"].setMinimumHeight(220)
        self.form.edited.connect(self._edited)
        for widget in self.form.widgets.values():
            widget.installEventFilter(self)  # leaving a field saves it
        self.openings_label = QLabel()
        self.openings_label.setObjectName("visit_openings")
        self.openings_label.setWordWrap(True)
        self.form.layout().addRow(tr("Openings from this visit"), self.openings_label)
        self.helps = TypingHelps(ctx, self.form, lambda: (self.company_id, self.visit_id), self._tell)
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setWidget(self.form)
        self.saved_label = QLabel()
        self.saved_label.setObjectName("saved_label")
        self.saved_label.setWordWrap(True)
        self.state_label = QLabel()
        self.state_label.setObjectName("visit_state")
        self.new_opening = QPushButton(tr("Create opening from the visit…"))
        self.new_opening.setObjectName("opening_from_visit")
        self.new_opening.clicked.connect(self.create_opening)
        self.pdf = QPushButton(tr("Save summary as PDF…"))
        self.pdf.setObjectName("visit_pdf")
        self.pdf.clicked.connect(self.save_pdf)
        self.ready = QPushButton(tr("Mark ready for review"))
        self.ready.setObjectName("mark_ready")
        self.ready.clicked.connect(self.mark_ready)
        top = QHBoxLayout()
        top.addWidget(back_button)
        top.addWidget(self.heading, 1)
        top.addWidget(self.delete_button)
        bottom = QHBoxLayout()
        bottom.addWidget(self.state_label)
        bottom.addWidget(self.saved_label, 1)
        bottom.addWidget(self.new_opening)
        bottom.addWidget(self.pdf)
        bottom.addWidget(self.ready)
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(self.review)
        layout.addWidget(self.helps)
        layout.addWidget(scroll, 1)
        layout.addLayout(bottom)
        self.receipt = ReceiptLabel(ctx)  # "Modtaget af serveren 30-11 14:02" once the server has answered
        layout.addWidget(self.receipt)
        self._timer = QTimer(self, singleShot=True, interval=AUTOSAVE_MS)
        self._timer.timeout.connect(self.save_now)
        ctx.events.changes_applied.connect(self._changed)

    # -- loading ---------------------------------------------------------------------------

    def load(self, visit_id: str) -> None:
        """Open a visit (what was typed in the previous one is saved first)."""
        self.save_now()
        self._after_create.clear()
        self.visit_id = visit_id
        self._read(fill=True)

    def start_new(self, company_id: str) -> None:
        """Open an unsaved draft for ``company_id``: nothing is stored until something is typed."""
        self.save_now()
        self._after_create.clear()
        self.visit_id = None
        self.record = None
        self.company_id = company_id
        self._dirty = False
        # Every field, so nothing of the visit shown before is left in the form.
        self.form.set_values({**dict.fromkeys(VISIT_FIELDS), **ENTITIES["visit"].defaults(),
                              "visited_at": self.ctx.today()})
        self.form.show_errors(None)
        self.form.set_read_only(False)
        self.helps.setEnabled(True)
        self.helps.show_structure()
        self.review.hide()
        self.openings_label.setText(tr("None yet."))
        self.saved_label.setText(tr("New visit: it is saved as soon as you type."))
        self._show_state(None)
        self.receipt.show_for("visit", None)
        self._set_heading(self.ctx.today())
        Op.read(self.ctx, lambda s: record_title(s, "company", company_id), self).success(self._draft_company).run()

    def _tell(self, text: str) -> None:
        self.saved_label.setText(text)

    def _draft_company(self, name: str) -> None:
        if self.visit_id is None:
            self.company = name
            self._set_heading(self.ctx.today())

    def _set_heading(self, visited_at: date | None) -> None:
        self.heading.setText(f"{self.company} · {i18n.fmt_date(visited_at)}" if self.company else "")

    def _read(self, fill: bool = False) -> None:
        """Read the visit; ``fill`` puts its fields in the form unless something is typed meanwhile."""
        visit_id = self.visit_id
        if visit_id is None:
            return
        edits = self._edits

        def query(session: Any) -> VisitData:
            record = get_record(session, "visit", visit_id)
            if record is None:
                return VisitData(None, "")
            return VisitData(record, record_title(session, "company", record.fields["company_id"]),
                             reviews_of_visit(session, visit_id),
                             list_openings(session, visit_id=visit_id, limit=50).items)

        Op.read(self.ctx, query, self).success(lambda data: self._show(data, fill and edits == self._edits)).run()

    def _show(self, data: VisitData, fill: bool = False) -> None:
        if data.record is not None and data.record.id != self.visit_id:
            return  # another visit was opened meanwhile
        self.data = data
        record = self.record = data.record
        if record is None:
            self.heading.setText(tr("The visit no longer exists."))
            self._show_state(None)
            return
        self.company_id = record.fields["company_id"]
        self.company = data.company
        self._set_heading(record.fields["visited_at"])
        if fill and not self._dirty:  # never overwrite what the user is typing
            self.form.set_values(record.fields)
        state = record.review.state if record.review else None
        self.form.set_read_only(state == "approved")
        self.helps.setEnabled(state != "approved")
        self.helps.show_structure()
        self._show_review(data.reviews, state)
        self._show_state(record)
        self.receipt.show_for("visit", record.id)
        self.openings_label.setText("<br>".join(
            escape(f"{o.title} ({i18n.choice('opening', 'kind', o.kind)}, "
                   f"{i18n.choice('opening', 'status', o.status)})") for o in data.openings) or tr("None yet."))

    def _show_review(self, reviews: list[ReviewRow], state: str | None) -> None:
        """The verdicts and comments as they came, newest last: a correction never hides the comment."""
        names = self.ctx.account.names
        lines = []
        for review in reviews:
            if review.state == "received" or (review.state == "edited" and not review.comment):
                continue
            when = i18n.fmt_date(review.reviewed_at) if review.reviewed_at else ""
            who = names.get(review.reviewer_id or "", "")
            text = " · ".join(filter(None, [when, i18n.choice("review", "state", review.state), who]))
            if review.comment:
                text += f": {review.comment}"
            lines.append(escape(text))
        if state in RESEND_STATES:
            lines.append("<b>" + escape(tr("Correct the note as the comment asks. The corrected note goes back to "
                                          "your supervisor when it is synced.")) + "</b>")
        elif state == "edited":
            lines.append(escape(tr("Corrected: waiting for your supervisor's review.")))
        elif state == "approved":
            lines.append(escape(tr("Approved notes are read-only.")))
        if state and state != "received":
            heading = "<b>" + escape(tr("Review: %1").replace("%1", i18n.choice("review", "state", state))) + "</b>"
            self.review.setText("<br>".join([heading, *lines]))
            self.review.setProperty("state", state)
            self.review.style().polish(self.review)
        self.review.setVisible(bool(state) and state != "received")

    def _show_state(self, record: Record | None) -> None:
        """The state word, and which buttons make sense now."""
        exists = record is not None
        state = record.review.state if record is not None and record.review else None
        status = record.fields.get("status") if record is not None else "draft"
        self.state_label.setText(visit_state_text(status, state))
        self.state_label.setProperty("state", state or status)
        locked = state == "approved"
        self.delete_button.setEnabled(not locked)
        self.pdf.setEnabled(exists)
        if state in RESEND_STATES:
            self.ready.setText(tr("Send again for review"))
            self.ready.setEnabled(True)
            self.ready.setToolTip(tr("Saves your corrections and syncs them now."))
        else:
            self.ready.setText(tr("Mark ready for review"))
            self.ready.setEnabled(not locked and status != "ready")
            self.ready.setToolTip(tr("Already sent for review.") if status == "ready" and not locked else "")

    def _changed(self, changes: Changes) -> None:
        if not self.visit_id:
            return
        if changes.from_sync and changes.touches("visit", "review"):
            self._read(fill=True)
        elif changes.touches("opening"):
            self._read()

    # -- saving ----------------------------------------------------------------------------

    def _edited(self) -> None:
        if self.visit_id is None and self.company_id is None:
            return
        self._dirty = True
        self._edits += 1
        self.saved_label.setText(tr("Not saved yet…"))
        if not self._timer.isActive():  # typing on does not put the save off
            self._timer.start()

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() == QEvent.Type.FocusOut and self._dirty:
            self.save_now()
        return super().eventFilter(watched, event)

    def save_now(self) -> None:
        """Save what is typed (if anything changed); the first save of a draft creates the visit."""
        self._timer.stop()
        if not self._dirty or self._saving or (self.visit_id is None and self.company_id is None):
            return
        self._dirty = False
        self._saving = True
        values = self.form.values()
        visit_id, company_id = self.visit_id, self.company_id

        def save(ops: Operations) -> Saved:
            try:
                if visit_id is None:
                    created = ops.create_visit(company_id, **values)
                    return Saved(created.changes, created.id)
                return Saved(ops.save_visit_draft(visit_id, **values))
            except ValidationError as error:
                # Keep every valid field; only the invalid ones wait for a fix.
                good = {k: v for k, v in values.items() if k not in error.by_field()}
                if visit_id is None:
                    created = ops.create_visit(company_id, **good)
                    return Saved(created.changes, created.id, error)
                if good:
                    ops.save_visit_draft(visit_id, **good)
                raise

        def saved(result: Saved) -> None:
            self._saving = False
            created = result.created is not None and self.visit_id is None and self.company_id == company_id
            if created:
                self.visit_id = result.created
                self._read()
            self.form.show_errors(result.error)
            visited = values.get("visited_at")
            if isinstance(visited, date) and (visit_id == self.visit_id or created) and "visited_at" not in (
                    result.error.by_field() if result.error else {}):
                self._set_heading(visited)  # a date typed anew shows in the heading at once
            self.saved_label.setText(tr("Saved, except the fields marked in red") if result.error else
                                     tr("Saved %1").replace("%1", datetime.now().strftime("%H:%M:%S")))
            if self._dirty:
                self._timer.start()
            if created:
                callbacks, self._after_create = self._after_create, []
                for callback in callbacks:  # last: one may open a dialog, and its outcome is the news
                    callback(self.visit_id or "")

        def invalid(error: ValidationError) -> None:
            self._saving = False
            self.form.show_errors(error)
            self.saved_label.setText(tr("Saved, except the fields marked in red"))
            if self._dirty:  # typed on while this save ran
                self._timer.start()

        def failed(error: BaseException) -> None:
            self._saving = False
            self._after_create.clear()
            from desktop.ui.errors import show_error

            show_error(self, error)

        # A Saved's ``changes`` are announced like any operation's.
        Op.write(self.ctx, save, self).success(saved).invalid(invalid).failure(failed).run()

    def with_visit(self, then: Callable[[str], None]) -> None:
        """Call ``then(visit_id)`` once the visit exists (a draft is created now, from what the form holds)."""
        if self.visit_id is not None:
            self.save_now()
            then(self.visit_id)
            return
        if self.company_id is None:
            return
        self._after_create.append(then)
        self._dirty = True
        self.save_now()  # a save already under way calls ``then`` when it has created the visit

    def mark_ready(self) -> None:
        """Save, then send the note to the supervisor's review queue (or, after a verdict, sync the correction)."""
        state = self.record.review.state if self.record is not None and self.record.review else None
        if state in RESEND_STATES:
            self.save_now()
            runner = self.ctx.runner
            if runner is not None and self.ctx.account.signed_in:
                self.saved_label.setText(tr("Your corrections are sent for review at this sync."))
                # The sync is asked for once the save is written: the database worker runs its work in order,
                # so this empty read finishes after the save, and the sync's push carries the correction.
                # Asked for at once, the push could read the outbox before the save's commit.
                Op.read(self.ctx, lambda _session: None, self).success(lambda _none: self._sync_now()).run()
            else:  # offline: they go with the next sync after signing in
                self.saved_label.setText(tr("Your corrections are sent for review at the next sync."))
            return

        def send(visit_id: str) -> None:
            Op.write(self.ctx, lambda ops: ops.mark_visit_ready(visit_id), self).success(
                lambda _c: self._read()).invalid(self.form.show_errors).run()

        self.with_visit(send)

    def _sync_now(self) -> None:
        runner = self.ctx.runner
        if runner is not None:
            future = runner.request()
            # Called on the sync thread, which keeps the future: the callback must not hold this widget
            # (its last reference would then go on that thread; desktop/ui/tasks.py, _Job).
            future.add_done_callback(self.ctx.events.sync_finished.emit)

    def create_opening(self) -> None:
        """A new opening at the visit's company, linked to this visit (it counts for the visit's consultant)."""
        from desktop.ui.dialogs.entity_dialog import EntityDialog

        def open_dialog(visit_id: str) -> None:
            company_id = self.company_id
            # The needs spotted on the visit are what the opening's work is: start from them.
            needs = (self.form.values().get("needs") or "").strip()
            dialog = EntityDialog(self.ctx, "opening", list(OPENING_FIELDS),
                                  lambda ops, v: ops.create_opening(company_id, visit_id=visit_id, **v),
                                  values={"job_functions": needs} if needs else None, new=True,
                                  title=tr("New opening at %1").replace("%1", self.company), parent=self)
            if dialog.exec():
                title = dialog.form.values().get("title") or ""
                self.saved_label.setText(tr("Opening %1 created from this visit.").replace("%1", f"“{title}”"))

        self.with_visit(open_dialog)

    def delete(self) -> None:
        """Delete this visit note (after a question); an unsaved draft is simply left."""
        if self.visit_id is None:
            self._dirty = False
            self._after_create.clear()
            self.company_id = None
            self.back()
            return
        self.save_now()
        name = f"{self.company} · {self.form.widgets['visited_at'].text()}"
        delete_record(self.ctx, self, "visit", self.visit_id, name, then=lambda _c: self._deleted())

    def _deleted(self) -> None:
        self.visit_id = None
        self.company_id = None
        self.record = None
        self._dirty = False
        self.back()

    def save_pdf(self) -> None:
        """Besøgsreferat as PDF, e.g. to send to the company (saved first, so it prints what is typed)."""
        from desktop.reports import visit_summary_data
        from desktop.ui.screens.reports import save_pdf

        self.save_now()
        if self.visit_id is None:
            return
        visit_id, names = self.visit_id, self.ctx.account.names
        # Signed with the jobcentre under the consultant's name: the visit's team, else the user's first.
        account, team_id = self.ctx.account, self.record.team_id if self.record is not None else None
        team = next((t for t in account.teams if t.id == team_id), account.default_team)
        organisation = team.name if team is not None else ""
        save_pdf(self.ctx, self, f"besoegsreferat-{visit_id[:8]}.pdf",
                 lambda session: visit_summary_data(session, visit_id, names=names, organisation=organisation))

    def hideEvent(self, event: QHideEvent) -> None:
        self.save_now()
        super().hideEvent(event)
