"""Virksomheder: the list with search-as-you-type and filters, and each company's page."""

from __future__ import annotations

from PySide6.QtWidgets import QCheckBox, QComboBox, QStackedWidget, QVBoxLayout, QWidget

from desktop.models.queries import list_companies, municipalities
from desktop.ui import i18n
from desktop.ui.context import AppContext
from desktop.ui.dialogs.entity_dialog import EntityDialog
from desktop.ui.i18n import tr
from desktop.ui.screens.company_page import CompanyPage
from desktop.ui.screens.list_screen import ListScreen
from desktop.ui.table_models.paged import Column

COMPANY_FIELDS = ["name", "cvr", "address", "postcode", "city", "municipality", "industry", "phone", "email",
                  "website", "notes", "is_centre", "centre_work_areas", "centre_target_groups", "centre_places",
                  "centre_visit_interval_days", "centre_agreement_start", "centre_agreement_end"]


class CompanyList(ListScreen):
    """All companies; filters for centres, municipality and 'my companies'."""

    entities = ("company",)

    def __init__(self, ctx: AppContext, open_company) -> None:
        columns = [
            Column(i18n.label("company", "name"), lambda r: r.name, "name"),
            Column(i18n.label("company", "cvr"), lambda r: r.cvr, "cvr"),
            Column(i18n.label("company", "city"), lambda r: r.city, "city"),
            Column(i18n.label("company", "municipality"), lambda r: r.municipality, "municipality"),
            Column(i18n.label("company", "industry"), lambda r: r.industry, "industry"),
            Column(i18n.label("company", "phone"), lambda r: r.phone),
            Column(tr("Centre"), lambda r: tr("Yes") if r.is_centre else "", "is_centre"),
        ]
        super().__init__(ctx, columns, self._fetch, sort="name")
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

    def _fetch(self, session, offset, limit, sort, descending):
        return list_companies(
            session, search=self.search.text(), is_centre=True if self.centres.isChecked() else None,
            municipality=self.municipality.currentData(),
            responsible_user_id=self.ctx.user_id() if self.mine.isChecked() else None,
            sort=sort, descending=descending, offset=offset, limit=limit,
        )

    export_name = "virksomheder"

    def export_rows(self, session, path):
        from desktop.exchange import export_companies

        return export_companies(session, path, names=self.ctx.service.names(), search=self.search.text(),
                                is_centre=True if self.centres.isChecked() else None,
                                municipality=self.municipality.currentData())

    def _load_municipalities(self) -> None:
        if self.municipality.count() > 1:
            return
        self.ctx.read(municipalities, self._fill_municipalities, self)

    def _fill_municipalities(self, names: list[str]) -> None:
        if self.municipality.count() > 1:
            return
        self.municipality.blockSignals(True)
        for name in names:
            self.municipality.addItem(name, name)
        self.municipality.blockSignals(False)

    def new_company(self) -> None:
        dialog = EntityDialog(self.ctx, "company", COMPANY_FIELDS,
                              lambda ops, values: ops.create("company", values), title=tr("New company"),
                              parent=self)
        if dialog.exec() and dialog.result_value is not None:
            self.open_company(dialog.result_value.id)

    def open_selected(self) -> None:
        row = self.selected()
        if row is not None:
            self.open_company(row.id)


class CompaniesScreen(QWidget):
    """The list, and a company's page in front of it when one is opened."""

    def __init__(self, ctx: AppContext, open_visit) -> None:
        super().__init__()
        self.stack = QStackedWidget()
        self.list = CompanyList(ctx, self.show_company)
        self.page = CompanyPage(ctx, back=self.show_list, open_visit=open_visit)
        self.stack.addWidget(self.list)
        self.stack.addWidget(self.page)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.stack)

    def show_company(self, company_id: str) -> None:
        self.page.load(company_id)
        self.stack.setCurrentWidget(self.page)

    def show_list(self) -> None:
        self.stack.setCurrentWidget(self.list)
        self.list.search.setFocus()
