"""Pick a company by typing part of its name (full-text search)."""

from __future__ import annotations

from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QDialog, QLineEdit, QListWidget, QListWidgetItem, QVBoxLayout, QWidget

from desktop.models.queries import CompanyRow, list_companies
from desktop.ui.context import AppContext
from desktop.ui.i18n import tr
from desktop.ui.operation import Op
from desktop.ui.widgets.buttons import dialog_buttons


class CompanyPicker(QDialog):
    """Returns the chosen company's id in ``company_id``."""

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.company_id: str | None = None
        self.setWindowTitle(tr("Choose company"))
        self.search = QLineEdit()
        self.search.setPlaceholderText(tr("Type part of the name…"))
        self.results = QListWidget()
        self.results.setAccessibleName(tr("Companies found"))
        self.results.itemDoubleClicked.connect(lambda _i: self.accept())
        buttons = dialog_buttons(tr("Choose"), self.accept, self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.search)
        layout.addWidget(self.results)
        layout.addWidget(buttons)
        self.resize(460, 420)
        self._timer = QTimer(self, singleShot=True, interval=120)
        self._timer.timeout.connect(self._find)
        self.search.textChanged.connect(lambda _t: self._timer.start())
        self._find()

    def _find(self) -> None:
        text = self.search.text()  # read here, on the GUI thread; the worker gets the plain string
        Op.read(self.ctx, lambda s: list_companies(s, search=text, limit=50).items, self).success(self._show).run()

    def _show(self, companies: list[CompanyRow]) -> None:
        self.results.clear()
        for company in companies:
            item = QListWidgetItem(f"{company.name}" + (f" · {company.city}" if company.city else ""))
            item.setData(256, company.id)
            self.results.addItem(item)
        if self.results.count():
            self.results.setCurrentRow(0)

    def accept(self) -> None:
        item = self.results.currentItem()
        if item is None:
            return
        self.company_id = item.data(256)
        super().accept()
