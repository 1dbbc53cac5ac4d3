"""The shape every list screen shares: search, filters, a paged table, buttons.

A screen says what its filter widgets mean in ``current_filter()``, which runs
on the GUI thread and returns a frozen dataclass; the page reads and exports
on the database worker get that value, never the widgets (Qt allows widget
calls on the GUI thread only).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from PySide6.QtCore import Qt, QTimer
from PySide6.QtGui import QKeyEvent, QShowEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from desktop.cancel import CancelToken, Progress
from desktop.models.changes import Changes
from desktop.ui.context import AppContext
from desktop.ui.i18n import tr
from desktop.ui.operation import Op
from desktop.ui.table_models.paged import Column, Fetch, PagedTableModel
from desktop.ui.widgets.counts import counted

# export(session, path) -> what was written; a closure over plain values, run on the database worker
Export = Callable[[Any, str], Any]


@dataclass(frozen=True)
class SearchFilter:
    """The filter of a list with only a search box."""

    search: str = ""


class ListScreen(QWidget):
    """Search box + filter row + table + action buttons. Subclasses fill in the details."""

    entities: tuple[str, ...] = ()

    def __init__(self, ctx: AppContext, columns: list[Column], fetch: Fetch, *, sort: str,
                 descending: bool = False, search: bool = True) -> None:
        super().__init__()
        self.ctx = ctx
        self._stale = False
        self._sized = False
        self.model = PagedTableModel(ctx, fetch, columns, filters=self.current_filter, sort=sort,
                                     descending=descending)
        self.search = QLineEdit()
        self.search.setObjectName("search")
        self.search.setPlaceholderText(tr("Search…"))
        self.search.setClearButtonEnabled(True)
        if not search:
            # hide(), never setVisible(True): shown while it has no parent yet, the box would be a window of
            # its own for a moment and take the activation from the main window (screens are built lazily)
            self.search.hide()
        self.filters = QHBoxLayout()
        self.filters.addWidget(self.search, 2)
        self.table = QTableView()
        self.table.setModel(self.model)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setAlternatingRowColors(True)
        # Show the initial sort before enabling sorting: enabling it sorts at once,
        # which must not reload the list while the subclass is still being built.
        initial = next((i for i, c in enumerate(columns) if c.sort == sort), -1)
        order = Qt.SortOrder.DescendingOrder if descending else Qt.SortOrder.AscendingOrder
        self.table.horizontalHeader().setSortIndicator(initial, order)
        self.table.setSortingEnabled(True)
        self.table.verticalHeader().hide()
        self.table.horizontalHeader().setStretchLastSection(True)
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        self.table.doubleClicked.connect(lambda _i: self.open_selected())
        self.count = QLabel()
        self.count.setObjectName("count")
        self.buttons = QHBoxLayout()
        self.buttons.addWidget(self.count)
        self.buttons.addStretch(1)
        layout = QVBoxLayout(self)
        self.title = QLabel()
        self.title.setProperty("role", "title")
        layout.addWidget(self.title)
        layout.addLayout(self.filters)
        layout.addWidget(self.table, 1)
        layout.addLayout(self.buttons)
        # Typing runs a search 150 ms after the last key, not on every key.
        self._search_timer = QTimer(self, singleShot=True, interval=150)
        self._search_timer.timeout.connect(self.model.refresh)
        self.search.textChanged.connect(lambda _t: self._search_timer.start())
        self._refresh_timer = QTimer(self, singleShot=True, interval=60)
        self._refresh_timer.timeout.connect(self.model.refresh)
        self.model.loaded.connect(self._update_count)
        ctx.events.changes_applied.connect(self._changed)

    def add_button(self, text: str, slot: Any, name: str = "") -> QPushButton:
        """Add an action button to the row under the table."""
        button = QPushButton(text)
        if name:
            button.setObjectName(name)
        button.clicked.connect(slot)
        self.buttons.addWidget(button)
        return button

    def _update_count(self) -> None:
        number = f"{self.model.total:,}".replace(",", ".")
        if self.model.capped:
            self.count.setText(tr("More than %n rows: type more to narrow the search").replace("%n", number))
        else:
            self.count.setText(counted(self.model.total, tr("1 row"), tr("%1 rows"), number))
        if not self._sized and self.model.rows:
            # Size columns to the first page once; after that the user's widths stay.
            self._sized = True
            for column in range(self.model.columnCount() - 1):
                self.table.resizeColumnToContents(column)
                self.table.setColumnWidth(column, min(max(self.table.columnWidth(column), 70), 340))
            self._fit_columns()
        elif not self._sized:
            # Nothing to size to yet: at least every column's title shows whole ("Timer pr. uge" was cut
            # to "imer pr. ug" in an empty list of openings).
            header = self.table.horizontalHeader()
            for column in range(self.model.columnCount() - 1):
                title = min(header.sectionSizeFromContents(column).width(), 340)
                self.table.setColumnWidth(column, max(self.table.columnWidth(column), title))

    def _fit_columns(self) -> None:
        """Narrow the widest columns so every column (the last one too) starts inside the table."""
        header = self.table.horizontalHeader()
        last = self.model.columnCount() - 1
        room = self.table.viewport().width() - header.sectionSizeFromContents(last).width() - 8
        widths = [self.table.columnWidth(c) for c in range(last)]
        if room < 300 or sum(widths) <= room:
            return  # not laid out yet, or everything fits
        wide = [c for c in range(last) if widths[c] > 120]
        spare = sum(widths) - room
        shrinkable = sum(widths[c] - 120 for c in wide)
        for c in wide:
            cut = round(spare * (widths[c] - 120) / shrinkable) if shrinkable else 0
            self.table.setColumnWidth(c, max(widths[c] - cut, 120))

    def _changed(self, changes: Changes) -> None:
        if not changes.touches(*self.entities):
            return
        if self.isVisible():
            self._refresh_timer.start()  # coalesce a burst (a sync page) into one refresh
        else:
            self._stale = True

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        if self._stale or (not self.model.rows and not self.model.total):
            self._stale = False
            self.model.refresh()

    def current_filter(self) -> Any:
        """The filters as plain values (GUI thread); subclasses with more filters override this."""
        return SearchFilter(self.search.text())

    def exporter(self, filters: Any) -> Export:
        """How to write this list, filtered by ``filters``, to a file; exportable subclasses override this."""
        raise NotImplementedError

    def add_export_button(self) -> None:
        """An "Eksportér…" button that writes the list as it is filtered to CSV or Excel."""
        self.add_button(tr("Export…"), self.export_list, "export")

    def export_list(self) -> None:
        """Write the list as it is filtered now to a CSV or Excel file the user picks."""
        from pathlib import Path

        from PySide6.QtWidgets import QFileDialog

        path, _ = QFileDialog.getSaveFileName(self, tr("Export"), str(Path.home() / f"{self.export_name}.xlsx"),
                                              tr("Excel (*.xlsx);;CSV, semicolon separated (*.csv)"))
        if not path:
            return
        export = self.exporter(self.current_filter())  # widgets read here, on the GUI thread
        db = self.ctx.db

        def work(_progress: Progress, _cancel: CancelToken) -> Any:
            with db.read() as session:
                return export(session, path)

        Op.long(self.ctx, work, tr("Exporting…"), self).success(
            lambda written: self.setProperty("last_export", str(written))).run()

    export_name = "feltbog"

    def selected(self) -> Any | None:
        """The row the user selected, or None."""
        index = self.table.currentIndex()
        return self.model.row_at(index.row()) if index.isValid() else None

    def open_selected(self) -> None:
        """Double click or Enter: subclasses open the row."""

    def keyPressEvent(self, event: QKeyEvent) -> None:
        if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter) and self.table.hasFocus():
            self.open_selected()
            return
        super().keyPressEvent(event)
