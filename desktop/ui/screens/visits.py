"""Besøg: the list of visit notes and the editor."""

from __future__ import annotations

from PySide6.QtWidgets import QCheckBox, QComboBox, QStackedWidget, QVBoxLayout, QWidget

from desktop.models.queries import list_visits
from desktop.ui import i18n
from desktop.ui.context import AppContext
from desktop.ui.dialogs.company_picker import CompanyPicker
from desktop.ui.i18n import fmt_date, tr, week
from desktop.ui.screens.list_screen import ListScreen
from desktop.ui.screens.visit_editor import VisitEditor
from desktop.ui.table_models.paged import Column


class VisitList(ListScreen):
    entities = ("visit", "review")

    def __init__(self, ctx: AppContext, open_visit) -> None:
        columns = [
            Column(i18n.label("visit", "visited_at"), lambda r: fmt_date(r.visited_at), "visited_at"),
            Column(tr("Week"), lambda r: week(r.visited_at)),
            Column(i18n.label("visit", "company_id"), lambda r: r.company_name),
            Column(i18n.label("visit", "kind"), lambda r: i18n.choice("visit", "kind", r.kind), "kind"),
            Column(i18n.label("visit", "status"), lambda r: i18n.choice("visit", "status", r.status), "status"),
            Column(tr("Review"), lambda r: i18n.choice("review", "state", r.review_state)),
            Column(tr("Note"), lambda r: r.excerpt.replace("\n", " ")[:120]),
        ]
        super().__init__(ctx, columns, self._fetch, sort="visited_at", descending=True)
        self.open_visit = open_visit
        self.title.setText(tr("Visits"))
        self.mine = QCheckBox(tr("My visits"))
        self.mine.toggled.connect(lambda _c: self.model.refresh())
        self.status = QComboBox()
        self.status.addItem(tr("All statuses"), None)
        for value in ("draft", "ready"):
            self.status.addItem(i18n.choice("visit", "status", value), value)
        self.status.currentIndexChanged.connect(lambda _i: self.model.refresh())
        self.filters.addWidget(self.mine)
        self.filters.addWidget(self.status)
        self.add_export_button()
        self.add_button(tr("New visit"), self.new_visit, "new_visit")
        self.add_button(tr("Open"), self.open_selected, "open")

    def _fetch(self, session, offset, limit, sort, descending):
        return list_visits(session, search=self.search.text(), status=self.status.currentData(),
                           consultant_id=self.ctx.user_id() if self.mine.isChecked() else None,
                           sort=sort, descending=descending, offset=offset, limit=limit)

    export_name = "besoeg"

    def export_rows(self, session, path):
        from desktop.exchange import export_visits

        return export_visits(session, path, names=self.ctx.service.names(), search=self.search.text(),
                             status=self.status.currentData())

    def new_visit(self) -> None:
        picker = CompanyPicker(self.ctx, self)
        if picker.exec() and picker.company_id:
            company_id = picker.company_id
            self.ctx.write(lambda ops: ops.create_visit(company_id), lambda r: self.open_visit(r.id), parent=self)

    def open_selected(self) -> None:
        row = self.selected()
        if row is not None:
            self.open_visit(row.id)


class VisitsScreen(QWidget):
    def __init__(self, ctx: AppContext) -> None:
        super().__init__()
        self.stack = QStackedWidget()
        self.list = VisitList(ctx, self.show_visit)
        self.editor = VisitEditor(ctx, back=self.show_list)
        self.stack.addWidget(self.list)
        self.stack.addWidget(self.editor)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.stack)

    def show_visit(self, visit_id: str) -> None:
        self.editor.load(visit_id)
        self.stack.setCurrentWidget(self.editor)
        self.editor.form.widgets["body"].setFocus()

    def show_list(self) -> None:
        self.editor.save_now()
        self.stack.setCurrentWidget(self.list)
