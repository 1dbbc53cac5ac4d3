"""Slettet: what the team deleted in the last 30 days, and "Gendan" to put a record back.

Laptops do not keep what was deleted (a pulled delete removes the row), so
the list comes from the server and needs a connection. A record put back
comes home with the next sync, on every laptop of the team.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from PySide6.QtWidgets import (
    QDialog,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from desktop.domain.formatting import dk_date, dk_datetime
from desktop.sync.errors import SyncError
from desktop.ui import i18n
from desktop.ui.context import AppContext
from desktop.ui.i18n import tr
from desktop.ui.operation import Op


def _title(text: str) -> str:
    """A visit or follow-up is named by its date: shown the Danish way."""
    try:
        return dk_date(date.fromisoformat(text))
    except ValueError:
        return text


def _when(text: str) -> datetime | None:
    """The server's UTC time as this computer's local time."""
    try:
        return datetime.fromisoformat(text.replace("Z", "+00:00")).astimezone()
    except (TypeError, ValueError):
        return None


class DeletedDialog(QDialog):
    """The team's recent deletes, newest first, with a "Gendan" button."""

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.records: list[dict[str, Any]] = []
        self.setWindowTitle(tr("Deleted in the last 30 days"))
        self.table = QTableWidget(0, 4)
        self.table.setObjectName("deleted")
        self.table.setAccessibleName(tr("Deleted records"))
        self.table.setHorizontalHeaderLabels([tr("Type"), tr("Title"), tr("Company"), tr("Deleted")])
        self.table.setSelectionBehavior(QTableWidget.SelectionBehavior.SelectRows)
        self.table.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        self.table.horizontalHeader().setStretchLastSection(True)
        self.message = QLabel(tr("Fetching from the server…"))
        self.message.setObjectName("message")
        self.message.setWordWrap(True)
        self.restore = QPushButton(tr("Restore"))
        self.restore.setObjectName("restore")
        self.restore.setEnabled(False)
        self.restore.clicked.connect(self.restore_selected)
        self.table.itemSelectionChanged.connect(lambda: self.restore.setEnabled(bool(self.table.selectedItems())))
        close = QPushButton(tr("Close"))
        close.clicked.connect(self.accept)
        buttons = QHBoxLayout()
        buttons.addStretch(1)
        buttons.addWidget(close)
        buttons.addWidget(self.restore)
        layout = QVBoxLayout(self)
        layout.addWidget(self.message)
        layout.addWidget(self.table)
        layout.addLayout(buttons)
        self.resize(720, 420)
        self.reload()

    def reload(self) -> None:
        """Ask the server for the list (on the network pool)."""
        Op.network(self.ctx, self.ctx.service.recently_deleted, self).success(self._show).failure(
            self._failed).run()

    def _show(self, records: list[dict[str, Any]]) -> None:
        self.records = records
        self.table.setRowCount(len(records))
        for row, record in enumerate(records):
            values = (i18n.entity_label(record["entity"]), _title(record["title"]), record["company_name"],
                      dk_datetime(_when(record["deleted_at"])))
            for column, value in enumerate(values):
                self.table.setItem(row, column, QTableWidgetItem(str(value)))
        self.table.resizeColumnsToContents()
        self.message.setText(tr("Choose a record and press Restore: it comes back on every laptop of the team.")
                             if records else tr("Nothing was deleted in the last 30 days."))

    def _failed(self, error: BaseException) -> None:
        if isinstance(error, SyncError) and isinstance(error.payload, dict) and error.payload.get("message"):
            self.message.setText(str(error.payload["message"]))
        elif isinstance(error, SyncError):
            self.message.setText(tr("The list of deleted records needs a connection to the server.") + " "
                                 + error.message(i18n.language()))
        else:
            raise error

    def restore_selected(self) -> None:
        """Put the chosen record back, then sync so it is here too."""
        rows = self.table.selectionModel().selectedRows()
        if not rows:
            return
        record_id = self.records[rows[0].row()]["id"]

        def done(_result: object) -> None:
            if self.ctx.runner is not None:
                self.ctx.runner.request()
            self.reload()

        Op.network(self.ctx, lambda: self.ctx.service.restore_deleted(record_id), self).success(done).failure(
            self._failed).run()
