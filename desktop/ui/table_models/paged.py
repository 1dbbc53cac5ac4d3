"""A real QAbstractTableModel over the paged queries: rows come a page at a time.

Pages are read on the database worker (never on the GUI thread); scrolling
near the end asks for the next page through canFetchMore/fetchMore, so a
list of 100,000 companies never loads 100,000 rows into memory at once.

The screen's filters are captured on the GUI thread (``filters()`` returns a
frozen dataclass of plain values) when a refresh starts; the worker only sees
that value, never a widget. Later pages reuse it, so every page of one list
answers the same question.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt, Signal

from desktop.models.queries import Page
from desktop.ui.operation import Op

if TYPE_CHECKING:
    from desktop.ui.context import AppContext

RowRole = Qt.ItemDataRole.UserRole + 1
SortRole = Qt.ItemDataRole.UserRole + 2


@dataclass(frozen=True)
class PageRequest:
    """Which rows to read, in which order."""

    offset: int
    limit: int
    sort: str
    descending: bool


# fetch(session, filters, request) -> Page; runs on the database worker, over plain values only
Fetch = Callable[[Any, Any, PageRequest], Page]


@dataclass(frozen=True)
class Column:
    """One column: its (translated) header, how to show a row, and its sort key."""

    header: str
    show: Callable[[Any], Any]
    sort: str | None = None
    align_right: bool = False


class PagedTableModel(QAbstractTableModel):
    """Rows of one list screen, loaded page by page in the background."""

    loaded = Signal()

    def __init__(
        self, ctx: AppContext, fetch: Fetch, columns: list[Column], *, filters: Callable[[], Any] = lambda: None,
        page_size: int = 200, sort: str = "", descending: bool = False,
    ) -> None:
        super().__init__()
        self.ctx = ctx
        self.fetch = fetch
        self.filters = filters
        self._captured: Any = None
        self.columns = columns
        self.page_size = page_size
        self.sort_key = sort
        self.descending = descending
        self.rows: list[Any] = []
        self.total = 0
        self.capped = False
        self._generation = 0
        self._loading = False

    # -- loading ---------------------------------------------------------------------------

    def refresh(self) -> None:
        """Reload from the first page (after a change, a new filter or a new sort)."""
        self._generation += 1
        generation = self._generation
        self._loading = True
        limit = max(self.page_size, len(self.rows))  # keep what the user scrolled to
        self._captured = self.filters()  # on the GUI thread: the widgets are read here and only here
        self._read(PageRequest(0, limit, self.sort_key, self.descending), lambda page: self._reset(generation, page))

    def _read(self, request: PageRequest, done: Callable[[Page], None]) -> None:
        fetch, filters = self.fetch, self._captured
        Op.read(self.ctx, lambda session: fetch(session, filters, request)).tied_to(self).success(done).failure(
            self._failed).run()

    def _failed(self, error: BaseException) -> None:
        self._loading = False  # a later refresh may try again
        from desktop.ui.errors import show_error

        show_error(None, error)

    def _reset(self, generation: int, page: Page) -> None:
        if generation != self._generation:
            return  # a newer refresh is on its way
        self.beginResetModel()
        self.rows = list(page.items)
        self.total = page.total
        self.capped = page.capped
        self.endResetModel()
        self._loading = False
        self.loaded.emit()

    def canFetchMore(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> bool:
        return not parent.isValid() and not self._loading and len(self.rows) < self.total

    def fetchMore(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> None:
        if not self.canFetchMore(parent):
            return
        self._loading = True
        generation = self._generation
        request = PageRequest(len(self.rows), self.page_size, self.sort_key, self.descending)
        self._read(request, lambda page: self._append(generation, page))

    def _append(self, generation: int, page: Page) -> None:
        if generation != self._generation:
            return
        items = list(page.items)
        if items:
            first = len(self.rows)
            self.beginInsertRows(QModelIndex(), first, first + len(items) - 1)
            self.rows.extend(items)
            self.endInsertRows()
        self.total = page.total
        self._loading = False
        self.loaded.emit()

    # -- the model interface ---------------------------------------------------------------

    def rowCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:
        return 0 if parent.isValid() else len(self.rows)

    def columnCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:
        return 0 if parent.isValid() else len(self.columns)

    def data(self, index: QModelIndex | QPersistentModelIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not 0 <= index.row() < len(self.rows):
            return None
        row = self.rows[index.row()]
        column = self.columns[index.column()]
        if role == Qt.ItemDataRole.DisplayRole:
            value = column.show(row)
            return "" if value is None else str(value)
        if role == RowRole:
            return row
        if role == SortRole:
            return column.show(row)
        if role == Qt.ItemDataRole.TextAlignmentRole and column.align_right:
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        return None

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        horizontal = role == Qt.ItemDataRole.DisplayRole and orientation == Qt.Orientation.Horizontal
        if horizontal and 0 <= section < len(self.columns):
            return self.columns[section].header
        return None

    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        key = self.columns[column].sort if 0 <= column < len(self.columns) else None
        descending = order == Qt.SortOrder.DescendingOrder
        if not key or (key == self.sort_key and descending == self.descending):
            return
        self.sort_key = key
        self.descending = descending
        self.refresh()

    def row_at(self, row: int) -> Any | None:
        """The dataclass shown in ``row``."""
        return self.rows[row] if 0 <= row < len(self.rows) else None
