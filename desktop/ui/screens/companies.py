"""Virksomheder: the list with search-as-you-type and filters, and each company's page."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from PySide6.QtWidgets import QCheckBox, QComboBox, QStackedWidget, QVBoxLayout, QWidget

from desktop.models.queries import Page, list_companies, municipalities
from desktop.ui import i18n
from desktop.ui.context import AppContext
from desktop.ui.dialogs.entity_dialog import EntityDialog
from desktop.ui.fields import COMPANY_FIELDS
from desktop.ui.i18n import tr
from desktop.ui.operation import Op
from desktop.ui.screens.company_page import CompanyPage
from desktop.ui.screens.list_screen import Export, ListScreen
from desktop.ui.table_models.paged import Column, PageRequest

__all__ = ["COMPANY_FIELDS", "CompaniesScreen", "CompanyFilter", "CompanyList"]  # COMPANY_FIELDS: older imports


@dataclass(frozen=True)
class CompanyFilter:
    """What the company list shows, as plain values captured on the GUI thread."""

    search: str = ""
    is_centre: bool | None = None
    municipality: str | None = None
    responsible_user_id: str | None = None


def fetch_companies(session: Any, f: CompanyFilter, page: PageRequest) -> Page:
    """One page of the company list (database worker)."""
    return list_companies(session, search=f.search, is_centre=f.is_centre, municipality=f.municipality,
                          responsible_user_id=f.responsible_user_id, sort=page.sort, descending=page.descending,
                          offset=page.offset, limit=page.limit)


class CompanyList(ListScreen):
    """All companies; filters for centres, municipality and 'my companies'."""

    entities = ("company",)

    def __init__(self, ctx: AppContext, open_company: Callable[[str], None]) -> None:
        columns = [
            Column(i18n.label("company", "name"), lambda r: r.name, "name"),
            Column(i18n.label("company", "cvr"), lambda r: r.cvr, "cvr"),
            Column(i18n.label("company", "city"), lambda r: r.city, "city"),
            Column(i18n.label("company", "municipality"), lambda r: r.municipality, "municipality"),
            Column(i18n.label("company", "industry"), lambda r: r.industry, "industry"),
            Column(i18n.label("company", "phone"), lambda r: r.phone),
            Column(tr("Centre"), lambda r: tr("Yes") if r.is_centre else "", "is_centre"),
        ]
        super().__init__(ctx, columns, fetch_companies, sort="name")
        self.open_company = open_company
        self.title.setText(tr("Companies"))
        self.centres = QCheckBox(tr("Only company centres"))
        self.mine = QCheckBox(tr("My companies"))
        self.municipality = QComboBox()
        self.municipality.setObjectName("municipality")
        self.municipality.addItem(tr("All municipalities"), None)
        for widget in (self.centres, self.mine):
            widget.toggled.connect(lambda _c: self.model.refresh())
            self.filters.addWidget(widget)
        self.municipality.currentIndexChanged.connect(lambda _i: self.model.refresh())
        self.filters.addWidget(self.municipality, 1)
        self.add_export_button()
        self.add_button(tr("New company"), self.new_company, "new_company")
        self.add_button(tr("Open"), self.open_selected, "open")
        self.model.loaded.connect(self._load_municipalities)

    def current_filter(self) -> CompanyFilter:
        """The filter widgets as plain values (GUI thread)."""
        return CompanyFilter(
            search=self.search.text(), is_centre=True if self.centres.isChecked() else None,
            municipality=self.municipality.currentData(),
            responsible_user_id=self.ctx.account.user_id if self.mine.isChecked() else None,
        )

    export_name = "virksomheder"

    def exporter(self, filters: CompanyFilter) -> Export:
        """Export the companies as filtered (the export has no "my companies" filter)."""
        from desktop.exchange import export_companies

        names = self.ctx.account.names
        return lambda session, path: export_companies(session, path, names=names, search=filters.search,
                                                      is_centre=filters.is_centre,
                                                      municipality=filters.municipality)

    def _load_municipalities(self) -> None:
        if self.municipality.count() > 1:
            return
        Op.read(self.ctx, municipalities, self).success(self._fill_municipalities).run()

    def _fill_municipalities(self, names: list[str]) -> None:
        if self.municipality.count() > 1:
            return
        self.municipality.blockSignals(True)
        for name in names:
            self.municipality.addItem(name, name)
        self.municipality.blockSignals(False)

    def new_company(self) -> None:
        """Create a company in a dialog, then open its page."""
        dialog = EntityDialog(self.ctx, "company", COMPANY_FIELDS,
                              lambda ops, values: ops.create("company", values), title=tr("New company"),
                              parent=self)
        if dialog.exec() and dialog.result_value is not None:
            self.open_company(dialog.result_value.id)

    def open_selected(self) -> None:
        """Open the selected company's page."""
        row = self.selected()
        if row is not None:
            self.open_company(row.id)


class CompaniesScreen(QWidget):
    """The list, and a company's page in front of it when one is opened."""

    def __init__(self, ctx: AppContext, open_visit: Callable[[str], None],
                 start_visit: Callable[[str], None] | None = None) -> None:
        super().__init__()
        self.stack = QStackedWidget()
        self.list = CompanyList(ctx, self.show_company)
        self.page = CompanyPage(ctx, back=self.show_list, open_visit=open_visit, start_visit=start_visit)
        self.stack.addWidget(self.list)
        self.stack.addWidget(self.page)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.stack)

    def show_company(self, company_id: str) -> None:
        """Show a company's page in front of the list."""
        self.page.load(company_id)
        self.stack.setCurrentWidget(self.page)

    def show_list(self) -> None:
        """Back to the list, ready to search."""
        self.stack.setCurrentWidget(self.list)
        self.list.search.setFocus()
