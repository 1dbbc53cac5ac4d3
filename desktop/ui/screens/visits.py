"""Besøg: the list of visit notes and the editor."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from PySide6.QtWidgets import QCheckBox, QComboBox, QStackedWidget, QVBoxLayout, QWidget

from desktop.domain.formatting import excerpt
from desktop.models.queries import Page, list_visits
from desktop.ui import i18n
from desktop.ui.context import AppContext
from desktop.ui.dialogs.company_picker import CompanyPicker
from desktop.ui.i18n import fmt_date, tr, week
from desktop.ui.screens.list_screen import Export, ListScreen
from desktop.ui.screens.visit_editor import VisitEditor
from desktop.ui.table_models.paged import Column, PageRequest
from desktop.ui.visit_state import visit_state_text
from desktop.ui.widgets.delete import delete_record


@dataclass(frozen=True)
class VisitFilter:
    """What the visit list shows, as plain values captured on the GUI thread."""

    search: str = ""
    status: str | None = None
    consultant_id: str | None = None


def fetch_visits(session: Any, f: VisitFilter, page: PageRequest) -> Page:
    """One page of the visit list (database worker)."""
    return list_visits(session, search=f.search, status=f.status, consultant_id=f.consultant_id, sort=page.sort,
                       descending=page.descending, offset=page.offset, limit=page.limit)


class VisitList(ListScreen):
    entities = ("visit", "review")

    def __init__(self, ctx: AppContext, open_visit: Callable[[str], None],
                 start_visit: Callable[[str], None] | None = None) -> None:
        columns = [
            Column(i18n.label("visit", "visited_at"), lambda r: fmt_date(r.visited_at), "visited_at"),
            Column(tr("Week"), lambda r: week(r.visited_at)),
            Column(i18n.label("visit", "company_id"), lambda r: r.company_name),
            Column(i18n.label("visit", "kind"), lambda r: i18n.choice("visit", "kind", r.kind), "kind"),
            Column(i18n.label("visit", "status"), lambda r: visit_state_text(r.status, r.review_state), "status"),
            Column(tr("Note"), lambda r: excerpt(r.excerpt, 120)),
        ]
        super().__init__(ctx, columns, fetch_visits, sort="visited_at", descending=True)
        self.open_visit = open_visit
        self.start_visit = start_visit
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
        self.add_button(tr("Delete"), self.delete_selected, "delete")

    def current_filter(self) -> VisitFilter:
        """The filter widgets as plain values (GUI thread)."""
        return VisitFilter(search=self.search.text(), status=self.status.currentData(),
                           consultant_id=self.ctx.account.user_id if self.mine.isChecked() else None)

    export_name = "besoeg"

    def exporter(self, filters: VisitFilter) -> Export:
        """Export the visits as filtered (the export has no "my visits" filter)."""
        from desktop.exchange import export_visits

        names = self.ctx.account.names
        return lambda session, path: export_visits(session, path, names=names, search=filters.search,
                                                   status=filters.status)

    def new_visit(self) -> None:
        """Pick a company and start a visit note (stored once something is typed)."""
        picker = CompanyPicker(self.ctx, self)
        if picker.exec() and picker.company_id and self.start_visit is not None:
            self.start_visit(picker.company_id)

    def open_selected(self) -> None:
        """Open the selected visit note."""
        row = self.selected()
        if row is not None:
            self.open_visit(row.id)

    def delete_selected(self) -> None:
        """Delete the selected visit note after a question."""
        row = self.selected()
        if row is not None:
            delete_record(self.ctx, self, "visit", row.id, f"{row.company_name} · {fmt_date(row.visited_at)}")


class VisitsScreen(QWidget):
    def __init__(self, ctx: AppContext) -> None:
        super().__init__()
        self.stack = QStackedWidget()
        self.list = VisitList(ctx, self.show_visit, self.new_visit)
        self.editor = VisitEditor(ctx, back=self.show_list)
        self.stack.addWidget(self.list)
        self.stack.addWidget(self.editor)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.stack)

    def show_visit(self, visit_id: str) -> None:
        """Show a visit note in the editor, ready to type."""
        self.editor.load(visit_id)
        self.stack.setCurrentWidget(self.editor)
        self.editor.form.widgets["body"].setFocus()

    def new_visit(self, company_id: str) -> None:
        """Start a new visit note for a company in the editor; nothing is stored until something is typed."""
        self.editor.start_new(company_id)
        self.stack.setCurrentWidget(self.editor)
        self.editor.form.widgets["body"].setFocus()

    def show_list(self) -> None:
        """Save the note, then back to the list."""
        self.editor.save_now()
        self.stack.setCurrentWidget(self.list)
