"""Small read-only tables (a company's contacts, the supervisor overviews)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QAbstractItemView, QTableWidget, QTableWidgetItem

ID_ROLE = 256  # Qt.UserRole: the record id behind a row


def read_only_table(headers: list[str]) -> QTableWidget:
    """A table users select whole rows in but cannot edit."""
    table = QTableWidget(0, len(headers))
    table.setHorizontalHeaderLabels(headers)
    table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    table.verticalHeader().hide()
    table.horizontalHeader().setStretchLastSection(True)
    return table


def fill_table(table: QTableWidget, rows: Sequence[Sequence[Any]], ids: Sequence[str] | None = None) -> None:
    """Replace the rows; numbers are right-aligned, and ``ids`` go under ID_ROLE on every cell."""
    table.setRowCount(len(rows))
    for r, row in enumerate(rows):
        for c, value in enumerate(row):
            item = QTableWidgetItem("" if value is None else str(value))
            if isinstance(value, int | float) and not isinstance(value, bool):
                item.setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
            if ids is not None:
                item.setData(ID_ROLE, ids[r])
            table.setItem(r, c, item)
    # Every column to its contents but the last, which stretches over the rest: sized to its contents too,
    # it kept that width when the table did not change size afterwards (a company page's visit notes).
    stretched = table.horizontalHeader().stretchLastSection()
    for column in range(table.columnCount() - (1 if stretched else 0)):
        table.resizeColumnToContents(column)
