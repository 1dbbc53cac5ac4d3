"""Importér: companies, contacts or mentors from CSV or Excel.

Pick a file, check the suggested column mapping against a preview, see
which rows will be refused and why, then import the good rows in one go
(through the normal operations, so they sync). Nothing is half-imported.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QFileDialog,
    QHBoxLayout,
    QLabel,
    QPlainTextEdit,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from desktop.cancel import CancelToken, Progress
from desktop.domain.errors import DomainError
from desktop.errors import UserFacingError
from desktop.exchange import ImportPlan, importable_fields, plan_import, preview, run_import
from desktop.exchange.importing import ImportResult
from desktop.exchange.mapping import (
    COMPANY_CVR,
    COMPANY_NAME,
    CONTACT_EMAIL,
    CONTACT_NAME,
    CONTACT_PHONE,
    CONTACT_TITLE,
)
from desktop.ui import i18n
from desktop.ui.context import AppContext
from desktop.ui.i18n import tr
from desktop.ui.operation import Op
from desktop.ui.widgets.counts import counted

ENTITIES = ("company", "contact", "mentor")


def field_label(entity: str, name: str) -> str:
    """The words for a field in the mapping boxes."""
    if name == COMPANY_CVR:
        return tr("Company CVR")
    if name == COMPANY_NAME:
        return tr("Company name")
    contact = {CONTACT_NAME: tr("Contact person"), CONTACT_TITLE: tr("Contact person's title"),
               CONTACT_PHONE: tr("Contact person's phone"), CONTACT_EMAIL: tr("Contact person's email")}
    return contact.get(name) or i18n.label(entity, name)


def plan_summary(plan: ImportPlan) -> str:
    """The check's result in one sentence, then each refused and each existing row with its reason."""
    ok, existing, refused = len(plan.rows_ok), len(plan.existing), len(plan.refused)
    text = counted(ok, tr("1 row will be imported"), tr("%1 rows will be imported"))
    if existing:
        text += counted(existing, tr(", 1 already exists"), tr(", %1 already exist"))
    text += counted(refused, tr(", 1 is refused."), tr(", %1 are refused."))
    lines = [text]
    lines += [tr("Row %1: %2").replace("%1", str(n)).replace("%2", reason) for n, reason in plan.refused]
    lines += [tr("Row %1: %2").replace("%1", str(n)).replace("%2", reason) for n, reason in plan.existing]
    lines += [tr("Row %1: %2").replace("%1", str(row.row_number)).replace("%2", row.note)
              for row in plan.rows_ok if row.note]
    return "\n".join(lines)


class ImportDialog(QDialog):
    """Preview, mapping, check and import."""

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.path: str | None = None
        self.plan = None
        self.setWindowTitle(tr("Import from CSV or Excel"))
        self.entity = QComboBox()
        self.entity.setObjectName("entity")
        for entity in ENTITIES:
            self.entity.addItem(i18n.entity_label(entity), entity)
        self.entity.currentIndexChanged.connect(lambda _i: self.path and self.load(self.path))
        choose = QPushButton(tr("Choose file…"))
        choose.clicked.connect(self.choose)
        self.file_label = QLabel(tr("No file chosen"))
        self.table = QTableWidget()
        self.table.setObjectName("preview")
        self.report = QPlainTextEdit()
        self.report.setObjectName("report")
        self.report.setAccessibleName(tr("Result of the check"))
        self.report.setReadOnly(True)
        self.report.setMaximumHeight(130)
        self.check = QPushButton(tr("Check rows"))
        self.check.setObjectName("check")
        self.check.clicked.connect(self.check_rows)
        self.import_button = QPushButton(tr("Import"))
        self.import_button.setObjectName("do_import")
        self.import_button.setEnabled(False)
        self.import_button.clicked.connect(self.do_import)
        close = QPushButton(tr("Close"))
        close.clicked.connect(self.accept)
        top = QHBoxLayout()
        top.addWidget(QLabel(tr("Import")))
        top.addWidget(self.entity)
        top.addWidget(choose)
        top.addWidget(self.file_label, 1)
        bottom = QHBoxLayout()
        bottom.addStretch(1)
        for button in (self.check, self.import_button, close):
            bottom.addWidget(button)
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(QLabel(
            tr("Check which field each column goes into. The rows are numbered as in the spreadsheet.")))
        layout.addWidget(self.table, 1)
        layout.addWidget(self.report)
        layout.addLayout(bottom)
        self.resize(980, 600)

    def choose(self) -> None:
        """Pick a file and show its preview."""
        path, _ = QFileDialog.getOpenFileName(self, tr("Choose file"), str(Path.home()),
                                              tr("Spreadsheets (*.csv *.xlsx *.txt)"))
        if path:
            self.load(path)

    def load(self, path: str) -> None:
        """Read the file and show the preview with the suggested mapping."""
        self.path = path
        entity = self.entity.currentData()
        try:
            shown = preview(path, entity)
        except (UserFacingError, DomainError, OSError, ValueError) as error:
            self.report.setPlainText(str(error))
            return
        self.file_label.setText(f"{Path(path).name} · " + counted(shown.total_rows, tr("1 row"), tr("%1 rows")))
        self.table.clear()
        self.table.setColumnCount(len(shown.headers))
        self.table.setRowCount(len(shown.rows) + 1)
        self.table.setHorizontalHeaderLabels(shown.headers)
        # Number the rows as the spreadsheet does (the header is row 1), so "Række 5" is row 5 here too.
        self.table.setVerticalHeaderLabels([tr("Field"), *(str(n) for n in shown.row_numbers)])
        fields = importable_fields(entity)
        self.mapping_boxes: list[QComboBox] = []
        for column in range(len(shown.headers)):
            box = QComboBox()
            box.addItem(tr("(skip)"), None)
            for name in fields:
                box.addItem(field_label(entity, name), name)
            box.setCurrentIndex(max(box.findData(shown.mapping.get(column)), 0))
            box.currentIndexChanged.connect(lambda _i: self.import_button.setEnabled(False))
            self.table.setCellWidget(0, column, box)
            self.mapping_boxes.append(box)
            for row, values in enumerate(shown.rows, start=1):
                self.table.setItem(row, column, QTableWidgetItem(values[column] if column < len(values) else ""))
        self.table.resizeColumnsToContents()
        self.report.setPlainText(tr("Check the mapping, then press Check rows."))
        self.import_button.setEnabled(False)

    def mapping(self) -> dict[int, str]:
        """Column number -> field, as chosen in the boxes."""
        return {i: box.currentData() for i, box in enumerate(self.mapping_boxes) if box.currentData()}

    def check_rows(self) -> None:
        """Check every row with the app's own rules; nothing is written."""
        if not self.path:
            return
        path, entity, mapping = self.path, self.entity.currentData(), self.mapping()

        def shown(plan: ImportPlan) -> None:
            self.plan = plan
            self.report.setPlainText(plan_summary(plan))
            self.import_button.setEnabled(bool(plan.rows_ok))

        ctx = self.ctx

        def work(progress: Progress, cancel: CancelToken) -> ImportPlan:
            return plan_import(path, entity, mapping, ctx.ops(), progress, cancel)

        Op.long(ctx, work, tr("Checking rows…"), self).success(shown).run()

    def do_import(self) -> None:
        """Import the good rows in one transaction; they sync like anything typed."""
        plan = self.plan
        if plan is None:
            return

        def done(result: ImportResult) -> None:
            self.import_button.setEnabled(False)
            text = counted(result.created, tr("1 row imported."), tr("%1 rows imported."))
            if result.contacts:
                text += " " + counted(result.contacts, tr("1 contact person added."), tr("%1 contact persons added."))
            self.report.appendPlainText(text)

        # Op.write: its finish tells every screen about the new rows and starts a sync soon.
        Op.write(self.ctx, lambda ops: run_import(plan, ops), self).with_progress(tr("Importing…")).success(
            done).run()
