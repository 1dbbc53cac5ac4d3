"""Jobåbninger, Mentorer and Opfølgninger: lists with filters and forms in dialogs."""

from __future__ import annotations

from datetime import timedelta

from PySide6.QtWidgets import QCheckBox, QComboBox

from desktop.models.queries import get_record, list_follow_ups, list_mentors, list_openings
from desktop.ui import i18n
from desktop.ui.context import AppContext
from desktop.ui.dialogs.company_picker import CompanyPicker
from desktop.ui.dialogs.entity_dialog import EntityDialog
from desktop.ui.i18n import fmt_date, tr, week
from desktop.ui.screens.company_page import MENTOR_FIELDS, OPENING_FIELDS
from desktop.ui.screens.list_screen import ListScreen
from desktop.ui.table_models.paged import Column

FOLLOW_UP_FIELDS = ["due_on", "note", "done"]


class RecordList(ListScreen):
    """A list whose rows open in an edit dialog; new rows belong to a chosen company."""

    entity = ""
    fields: list[str] = []

    def edit_selected(self) -> None:
        row = self.selected()
        if row is None:
            return
        entity, fields, record_id = self.entity, self.fields, row.id

        def opened(record) -> None:
            if record is not None:
                EntityDialog(self.ctx, entity, fields, lambda ops, v: ops.update(entity, record_id, v),
                             record.fields, i18n.entity_label(entity), self).exec()

        self.ctx.read(lambda s: get_record(s, entity, record_id), opened, self)

    open_selected = edit_selected

    def new_for_company(self) -> None:
        picker = CompanyPicker(self.ctx, self)
        if not (picker.exec() and picker.company_id):
            return
        entity, company_id = self.entity, picker.company_id
        EntityDialog(self.ctx, entity, self.fields, lambda ops, v: ops.create(entity, {"company_id": company_id, **v}),
                     title=i18n.entity_label(entity), parent=self).exec()


def _choice_filter(screen: ListScreen, entity: str, field: str, values, all_text: str) -> QComboBox:
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
        super().__init__(ctx, columns, self._fetch, sort="title")
        self.title.setText(tr("Openings"))
        self.status = _choice_filter(self, "opening", "status", OPENING_STATUSES, tr("All statuses"))
        self.kind = _choice_filter(self, "opening", "kind", OPENING_KINDS, tr("All kinds"))
        self.add_export_button()
        self.add_button(tr("New opening"), self.new_for_company, "new_opening")
        self.add_button(tr("Edit"), self.edit_selected, "edit")

    export_name = "jobaabninger"

    def export_rows(self, session, path):
        from desktop.exchange import export_openings

        return export_openings(session, path, search=self.search.text(), status=self.status.currentData(),
                               kind=self.kind.currentData())

    def _fetch(self, session, offset, limit, sort, descending):
        return list_openings(session, search=self.search.text(), status=self.status.currentData(),
                             kind=self.kind.currentData(), sort=sort, descending=descending, offset=offset,
                             limit=limit)


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
        super().__init__(ctx, columns, self._fetch, sort="name")
        self.title.setText(tr("Mentors"))
        self.active_only = QCheckBox(tr("Only active mentors"))
        self.active_only.toggled.connect(lambda _c: self.model.refresh())
        self.filters.addWidget(self.active_only)
        self.add_export_button()
        self.add_button(tr("Add mentor"), self.new_for_company, "new_mentor")
        self.add_button(tr("Edit"), self.edit_selected, "edit")

    export_name = "mentorer"

    def export_rows(self, session, path):
        from desktop.exchange import export_mentors

        return export_mentors(session, path, search=self.search.text(),
                              active=True if self.active_only.isChecked() else None)

    def _fetch(self, session, offset, limit, sort, descending):
        return list_mentors(session, search=self.search.text(), active=True if self.active_only.isChecked() else None,
                            sort=sort, descending=descending, offset=offset, limit=limit)


class FollowUpsScreen(RecordList):
    entities = ("follow_up", "company", "opening")
    entity = "follow_up"
    fields = FOLLOW_UP_FIELDS

    def __init__(self, ctx: AppContext) -> None:
        columns = [
            Column(i18n.label("follow_up", "due_on"), lambda r: fmt_date(r.due_on), "due_on"),
            Column(tr("Week"), lambda r: week(r.due_on)),
            Column(tr("Type"), lambda r: i18n.choice("follow_up", "subject_kind", r.subject_kind)),
            Column(tr("Concerns"), lambda r: r.subject_title),
            Column(i18n.label("follow_up", "note"), lambda r: r.note),
            Column(i18n.label("follow_up", "done"), lambda r: tr("Yes") if r.done else ""),
        ]
        super().__init__(ctx, columns, self._fetch, sort="due_on", search=False)
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
        self.add_button(tr("Mark done"), self.toggle_done, "mark_done")
        self.add_button(tr("Edit"), self.edit_selected, "edit")

    def _fetch(self, session, offset, limit, sort, descending):
        days = self.next_weeks.currentData()
        return list_follow_ups(
            session, done=None if self.show_done.isChecked() else False,
            assignee_id=self.ctx.user_id() if self.mine.isChecked() else None,
            due_until=self.ctx.today() + timedelta(days=days) if days else None,
            sort=sort, descending=descending, offset=offset, limit=limit,
        )

    export_name = "opfoelgninger"

    def export_rows(self, session, path):
        from desktop.exchange import export_follow_ups

        return export_follow_ups(session, path, names=self.ctx.service.names(),
                                 done=None if self.show_done.isChecked() else False,
                                 assignee_id=self.ctx.user_id() if self.mine.isChecked() else None)

    def toggle_done(self) -> None:
        row = self.selected()
        if row is not None:
            self.ctx.write(lambda ops: ops.complete_follow_up(row.id, not row.done), parent=self)
