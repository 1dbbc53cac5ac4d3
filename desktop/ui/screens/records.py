"""Jobåbninger, Mentorer and Opfølgninger: lists with filters and forms in dialogs."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from PySide6.QtWidgets import QCheckBox, QComboBox

from desktop.models.queries import Page, list_follow_ups, list_mentors, list_openings
from desktop.models.record_queries import Record, get_record
from desktop.ui import i18n
from desktop.ui.context import AppContext
from desktop.ui.dialogs.company_picker import CompanyPicker
from desktop.ui.dialogs.entity_dialog import EntityDialog
from desktop.ui.fields import FOLLOW_UP_FIELDS, MENTOR_FIELDS, OPENING_FIELDS
from desktop.ui.i18n import fmt_date, tr, week
from desktop.ui.operation import Op
from desktop.ui.screens.list_screen import Export, ListScreen
from desktop.ui.table_models.paged import Column, PageRequest
from desktop.ui.widgets.delete import delete_record


@dataclass(frozen=True)
class OpeningFilter:
    """What the openings list shows (plain values, captured on the GUI thread)."""

    search: str = ""
    status: str | None = None
    kind: str | None = None


@dataclass(frozen=True)
class MentorFilter:
    """What the mentor list shows."""

    search: str = ""
    active: bool | None = None


@dataclass(frozen=True)
class FollowUpFilter:
    """What the follow-up list shows."""

    done: bool | None = False
    assignee_id: str | None = None
    due_until: date | None = None


def fetch_openings(session: Any, f: OpeningFilter, page: PageRequest) -> Page:
    """One page of openings (database worker)."""
    return list_openings(session, search=f.search, status=f.status, kind=f.kind, sort=page.sort,
                         descending=page.descending, offset=page.offset, limit=page.limit)


def fetch_mentors(session: Any, f: MentorFilter, page: PageRequest) -> Page:
    """One page of mentors (database worker)."""
    return list_mentors(session, search=f.search, active=f.active, sort=page.sort, descending=page.descending,
                        offset=page.offset, limit=page.limit)


def fetch_follow_ups(session: Any, f: FollowUpFilter, page: PageRequest) -> Page:
    """One page of follow-ups (database worker)."""
    return list_follow_ups(session, done=f.done, assignee_id=f.assignee_id, due_until=f.due_until, sort=page.sort,
                           descending=page.descending, offset=page.offset, limit=page.limit)


class RecordList(ListScreen):
    """A list whose rows open in an edit dialog; new rows belong to a chosen company."""

    entity = ""
    fields: tuple[str, ...] = ()

    def edit_selected(self) -> None:
        """Open the selected row in an edit dialog."""
        row = self.selected()
        if row is None:
            return
        entity, fields, record_id = self.entity, self.fields, row.id

        def opened(record: Record | None) -> None:
            if record is not None:
                EntityDialog(self.ctx, entity, fields, lambda ops, v: ops.update(entity, record_id, v),
                             record.fields, i18n.entity_label(entity), self, record_id=record_id).exec()

        Op.read(self.ctx, lambda s: get_record(s, entity, record_id), self).success(opened).run()

    open_selected = edit_selected

    def row_name(self, row: Any) -> str:
        """How the delete question names a row."""
        return str(getattr(row, "title", None) or getattr(row, "name", ""))

    def delete_selected(self) -> None:
        """Delete the selected row after a question ("Slet"/"Behold")."""
        row = self.selected()
        if row is not None:
            delete_record(self.ctx, self, self.entity, row.id, self.row_name(row))

    def new_for_company(self) -> None:
        """Pick a company, then create a record for it."""
        picker = CompanyPicker(self.ctx, self)
        if not (picker.exec() and picker.company_id):
            return
        entity, company_id = self.entity, picker.company_id
        EntityDialog(self.ctx, entity, self.fields, lambda ops, v: ops.create(entity, {"company_id": company_id, **v}),
                     title=i18n.entity_label(entity), parent=self).exec()


def _choice_filter(screen: ListScreen, entity: str, field: str, values: Iterable[str], all_text: str) -> QComboBox:
    box = QComboBox()
    box.setObjectName(f"filter_{field}")
    box.addItem(all_text, None)
    for value in values:
        box.addItem(i18n.choice(entity, field, value), value)
    box.currentIndexChanged.connect(lambda _i: screen.model.refresh())
    screen.filters.addWidget(box)
    return box


class OpeningsScreen(RecordList):
    entities = ("opening",)
    entity = "opening"
    fields = OPENING_FIELDS

    def __init__(self, ctx: AppContext) -> None:
        from desktop.domain.schema import OPENING_KINDS, OPENING_STATUSES

        columns = [
            Column(i18n.label("opening", "title"), lambda r: r.title, "title"),
            Column(i18n.label("opening", "company_id"), lambda r: r.company_name),
            Column(i18n.label("opening", "kind"), lambda r: i18n.choice("opening", "kind", r.kind), "kind"),
            Column(i18n.label("opening", "hours_per_week"),
                   lambda r: "" if r.hours_per_week is None else f"{r.hours_per_week:g}".replace(".", ","),
                   "hours_per_week", True),
            Column(i18n.label("opening", "duration_weeks"), lambda r: r.duration_weeks, "duration_weeks", True),
            Column(i18n.label("opening", "starts_on"), lambda r: fmt_date(r.starts_on), "starts_on"),
            Column(i18n.label("opening", "status"), lambda r: i18n.choice("opening", "status", r.status), "status"),
        ]
        super().__init__(ctx, columns, fetch_openings, sort="title")
        self.title.setText(tr("Openings"))
        self.status = _choice_filter(self, "opening", "status", OPENING_STATUSES, tr("All statuses"))
        self.kind = _choice_filter(self, "opening", "kind", OPENING_KINDS, tr("All kinds"))
        self.add_export_button()
        self.add_button(tr("Export for job postings…"), self.export_postings, "export_postings")
        self.add_button(tr("New opening"), self.new_for_company, "new_opening")
        self.add_button(tr("Edit"), self.edit_selected, "edit")
        self.add_button(tr("Delete"), self.delete_selected, "delete")

    export_name = "jobaabninger"

    def current_filter(self) -> OpeningFilter:
        """The filter widgets as plain values (GUI thread)."""
        return OpeningFilter(self.search.text(), self.status.currentData(), self.kind.currentData())

    def exporter(self, filters: OpeningFilter) -> Export:
        """Export the openings as filtered."""
        from desktop.exchange import export_openings

        return lambda session, path: export_openings(session, path, search=filters.search, status=filters.status,
                                                     kind=filters.kind)

    def export_postings(self) -> None:
        """The open openings with everything a job posting needs, as a sheet or JSON (docs/openings-export.md)."""
        from pathlib import Path

        from PySide6.QtWidgets import QFileDialog

        from desktop.cancel import CancelToken, Progress

        sheet, as_json = tr("Excel (*.xlsx)"), tr("JSON for job-matching systems (*.json)")
        path, chosen = QFileDialog.getSaveFileName(self, tr("Export open openings"),
                                                   str(Path.home() / "ledige-jobaabninger.xlsx"),
                                                   f"{sheet};;{as_json}")
        if not path:
            return
        if Path(path).suffix.lower() not in (".xlsx", ".csv", ".json"):
            path += ".json" if chosen == as_json else ".xlsx"  # a name typed without its ending
        db, names = self.ctx.db, self.ctx.account.names

        def work(_progress: Progress, _cancel: CancelToken) -> Any:
            from desktop.exchange.openings_export import export_open_openings

            with db.read() as session:
                return export_open_openings(session, path, names=names)

        Op.long(self.ctx, work, tr("Exporting…"), self).success(
            lambda written: self.setProperty("last_postings_export", str(written))).run()


class MentorsScreen(RecordList):
    entities = ("mentor",)
    entity = "mentor"
    fields = MENTOR_FIELDS

    def __init__(self, ctx: AppContext) -> None:
        columns = [
            Column(i18n.label("mentor", "name"), lambda r: r.name, "name"),
            Column(i18n.label("mentor", "company_id"), lambda r: r.company_name),
            Column(i18n.label("mentor", "title"), lambda r: r.title, "title"),
            Column(i18n.label("mentor", "phone"), lambda r: r.phone),
            Column(i18n.label("mentor", "trained_on"), lambda r: fmt_date(r.trained_on), "trained_on"),
            Column(i18n.label("mentor", "capacity"), lambda r: r.capacity, "capacity", True),
            Column(i18n.label("mentor", "active"), lambda r: tr("Yes") if r.active else tr("No"), "active"),
        ]
        super().__init__(ctx, columns, fetch_mentors, sort="name")
        self.title.setText(tr("Mentors"))
        self.active_only = QCheckBox(tr("Only active mentors"))
        self.active_only.toggled.connect(lambda _c: self.model.refresh())
        self.filters.addWidget(self.active_only)
        self.add_export_button()
        self.add_button(tr("Add mentor"), self.new_for_company, "new_mentor")
        self.add_button(tr("Edit"), self.edit_selected, "edit")
        self.add_button(tr("Delete"), self.delete_selected, "delete")

    export_name = "mentorer"

    def current_filter(self) -> MentorFilter:
        """The filter widgets as plain values (GUI thread)."""
        return MentorFilter(self.search.text(), True if self.active_only.isChecked() else None)

    def exporter(self, filters: MentorFilter) -> Export:
        """Export the mentors as filtered."""
        from desktop.exchange import export_mentors

        return lambda session, path: export_mentors(session, path, search=filters.search, active=filters.active)


class FollowUpsScreen(RecordList):
    entities = ("follow_up", "company", "opening")
    entity = "follow_up"
    fields = FOLLOW_UP_FIELDS

    def __init__(self, ctx: AppContext) -> None:
        columns = [
            Column(i18n.label("follow_up", "due_on"), lambda r: fmt_date(r.due_on), "due_on"),
            Column(tr("Week"), lambda r: week(r.due_on)),
            Column(i18n.label("visit", "company_id"), lambda r: r.company_name),
            Column(tr("Type"), lambda r: i18n.choice("follow_up", "subject_kind", r.subject_kind)),
            Column(tr("Concerns"), lambda r: r.subject_title if r.subject_title != r.company_name else ""),
            Column(i18n.label("follow_up", "note"), lambda r: r.note),
            Column(i18n.label("follow_up", "done"), lambda r: tr("Yes") if r.done else ""),
        ]
        super().__init__(ctx, columns, fetch_follow_ups, sort="due_on", search=False)
        self.title.setText(tr("Follow-ups"))
        self.show_done = QCheckBox(tr("Show completed"))
        self.mine = QCheckBox(tr("Mine only"))
        self.mine.setChecked(True)
        self.next_weeks = QComboBox()
        self.next_weeks.setObjectName("due_within")
        for text, days in ((tr("All dates"), None), (tr("Overdue and this week"), 7),
                           (tr("Next 4 weeks"), 28)):
            self.next_weeks.addItem(text, days)
        for widget in (self.show_done, self.mine):
            widget.toggled.connect(lambda _c: self.model.refresh())
            self.filters.addWidget(widget)
        self.next_weeks.currentIndexChanged.connect(lambda _i: self.model.refresh())
        self.filters.addWidget(self.next_weeks)
        self.filters.addStretch(1)
        self.add_export_button()
        self.add_button(tr("New follow-up"), self.new_follow_up, "new_follow_up")
        self.add_button(tr("Calendar (.ics)…"), self.export_calendar, "export_calendar")
        self.add_button(tr("Mark done"), self.toggle_done, "mark_done")
        self.add_button(tr("Edit"), self.edit_selected, "edit")
        self.add_button(tr("Delete"), self.delete_selected, "delete")

    def row_name(self, row: Any) -> str:
        """A follow-up is named by its date, what it concerns and its note."""
        return " · ".join(filter(None, [fmt_date(row.due_on), row.company_name, row.note]))

    def new_follow_up(self) -> None:
        """Pick a company, then plan a follow-up on it (date and note typed in the dialog)."""
        picker = CompanyPicker(self.ctx, self)
        if not (picker.exec() and picker.company_id):
            return
        company_id = picker.company_id
        EntityDialog(self.ctx, "follow_up", self.fields,
                     lambda ops, v: ops.create_follow_up("company", company_id, **v),
                     title=tr("New follow-up"), parent=self).exec()

    def current_filter(self) -> FollowUpFilter:
        """The filter widgets as plain values (GUI thread)."""
        days = self.next_weeks.currentData()
        return FollowUpFilter(
            done=None if self.show_done.isChecked() else False,
            assignee_id=self.ctx.account.user_id if self.mine.isChecked() else None,
            due_until=self.ctx.today() + timedelta(days=days) if days else None,
        )

    export_name = "opfoelgninger"

    def exporter(self, filters: FollowUpFilter) -> Export:
        """Export the follow-ups as filtered (all dates: the export has no date filter)."""
        from desktop.exchange import export_follow_ups

        names = self.ctx.account.names
        return lambda session, path: export_follow_ups(session, path, names=names, done=filters.done,
                                                       assignee_id=filters.assignee_id)

    def export_calendar(self) -> None:
        """Write the signed-in user's open follow-ups and centre visits to an .ics file for Outlook.

        The period is the date filter's (overdue ones included); "All dates" is a year ahead.
        """
        from pathlib import Path

        from PySide6.QtWidgets import QFileDialog

        from desktop.errors import UserFacingError
        from desktop.exchange.calendar_feed import FUTURE_DAYS, PAST_DAYS, export_calendar
        from desktop.ui.errors import show_error

        user_id = self.ctx.account.user_id
        if not user_id:
            show_error(self, UserFacingError("Log ind for at eksportere dine opfølgninger til en kalender.",
                                             "Sign in to export your follow-ups to a calendar."))
            return
        path, _ = QFileDialog.getSaveFileName(self, tr("Calendar (.ics)…"),
                                              str(Path.home() / "feltbog-opfoelgninger.ics"), tr("Calendar (*.ics)"))
        if not path:
            return
        today, days = self.ctx.today(), self.next_weeks.currentData()  # widgets read here, on the GUI thread
        start, end = today - timedelta(days=PAST_DAYS), today + timedelta(days=days or FUTURE_DAYS)
        db = self.ctx.db

        def work(_progress: Any, _cancel: Any) -> Any:
            with db.read() as session:
                return export_calendar(session, path, user_id, start, end)

        Op.long(self.ctx, work, tr("Exporting…"), self).success(
            lambda written: self.setProperty("last_export", str(written))).run()

    def toggle_done(self) -> None:
        """Mark the selected follow-up done (or not done again)."""
        row = self.selected()
        if row is not None:
            Op.write(self.ctx, lambda ops: ops.complete_follow_up(row.id, not row.done), self).run()
