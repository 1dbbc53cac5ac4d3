"""Search everything (Ctrl+K): one box over companies, contacts, mentors, visits, openings and follow-ups.

Each keystroke (150 ms after the last) runs
:func:`desktop.models.search_everything.search_everything` on the database
worker through :class:`~desktop.ui.operation.Op`; an answer to an older
query than the latest is dropped. Hits are grouped by kind; Enter (or a
double click) opens the chosen hit, or the first one from the search box.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import Qt, QTimer
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import QDialog, QLabel, QLineEdit, QTreeWidget, QTreeWidgetItem, QVBoxLayout, QWidget
from sqlalchemy.orm import Session

from desktop.models.replica import bulk_load_active
from desktop.models.search_everything import Found, search_everything
from desktop.ui.context import AppContext
from desktop.ui.i18n import choice, entity_label, tr
from desktop.ui.operation import Op

HITS_PER_KIND = 5
_FOUND = Qt.ItemDataRole.UserRole


class SearchAllDialog(QDialog):
    """Type, see the hits grouped by kind, press Enter to open one."""

    def __init__(self, ctx: AppContext, open_found: Callable[[Found], None], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.open_found = open_found
        self.setWindowTitle(tr("Search everything"))
        self.resize(640, 480)
        self.query = QLineEdit()
        self.query.setObjectName("search_all")
        self.query.setPlaceholderText(tr("Type a name, a word from a note, a phone number…"))
        self.query.setAccessibleName(tr("Search everything"))
        self.query.setClearButtonEnabled(True)
        self.results = QTreeWidget()
        self.results.setObjectName("search_all_results")
        self.results.setAccessibleName(tr("Hits"))
        self.results.setHeaderHidden(True)
        self.results.setRootIsDecorated(False)
        self.results.itemActivated.connect(self._activated)
        self.status = QLabel()
        self.status.setObjectName("search_all_status")
        layout = QVBoxLayout(self)
        layout.addWidget(self.query)
        layout.addWidget(self.results, 1)
        layout.addWidget(self.status)
        self._generation = 0
        self._open_when_shown = False
        self._timer = QTimer(self, singleShot=True, interval=150)
        self._timer.timeout.connect(self.search)
        self.query.textChanged.connect(lambda _t: self._timer.start())
        self.query.returnPressed.connect(self.open_current)

    # -- searching ---------------------------------------------------------------------------

    def search(self) -> None:
        """Search for what is typed now (on the database worker)."""
        self._generation += 1
        generation, typed = self._generation, self.query.text()

        def query(session: Session) -> tuple[dict[str, list[Found]], bool]:
            # During a first sync the search index is built after the last page (replica.first_load).
            return search_everything(session, typed, HITS_PER_KIND), bulk_load_active(session)

        Op.read(self.ctx, query, self).tied_to(self).success(
            lambda answer: self._show(generation, typed, *answer)).run()

    def _show(self, generation: int, typed: str, hits: dict[str, list[Found]], indexing: bool = False) -> None:
        if generation != self._generation:
            return  # a newer keystroke's answer is on its way
        self.results.clear()
        first: QTreeWidgetItem | None = None
        for kind, found in hits.items():
            group = QTreeWidgetItem([entity_label(kind)])
            group.setFlags(Qt.ItemFlag.ItemIsEnabled)
            font = group.font(0)
            font.setBold(True)
            group.setFont(0, font)
            self.results.addTopLevelItem(group)
            for hit in found:
                item = QTreeWidgetItem([self._text(hit)])
                item.setData(0, _FOUND, hit)
                group.addChild(item)
                first = first or item
            group.setExpanded(True)
        if first is not None:
            self.results.setCurrentItem(first)
        if indexing:
            self.status.setText(tr("The first sync is still building the search index: "
                                   "search again when it has finished"))
        else:
            self.status.setText("" if first is not None or len(typed.strip()) < 2 else tr("No hits"))
        if self._open_when_shown:
            self._open_when_shown = False
            self.open_current()

    @staticmethod
    def _text(hit: Found) -> str:
        detail = choice("opening", "kind", hit.detail) if hit.kind == "opening" else hit.detail
        parts = [hit.title or "–", detail]
        if hit.company_name and hit.company_name not in hit.title:
            parts.append(hit.company_name)
        return " · ".join(p for p in parts if p)

    # -- opening -----------------------------------------------------------------------------

    def current_hit(self) -> Found | None:
        """The selected hit (None when a group heading or nothing is selected)."""
        item = self.results.currentItem()
        hit = item.data(0, _FOUND) if item is not None else None
        return hit if isinstance(hit, Found) else None

    def open_current(self) -> None:
        """Open the selected hit (from the search box: the first one) and close."""
        if self._timer.isActive():  # Enter right after typing: search first, open when the hits are in
            self._timer.stop()
            self._open_when_shown = True
            self.search()
            return
        hit = self.current_hit()
        if hit is not None:
            self.accept()
            self.open_found(hit)

    def _activated(self, item: QTreeWidgetItem, _column: int) -> None:
        if isinstance(item.data(0, _FOUND), Found):
            self.results.setCurrentItem(item)
            self.open_current()

    def keyPressEvent(self, event: QKeyEvent) -> None:
        # Up and down in the box move through the hits, so the hands stay on the keyboard.
        if event.key() in (Qt.Key.Key_Down, Qt.Key.Key_Up) and self.query.hasFocus():
            self.results.setFocus()
            self.results.keyPressEvent(event)
            return
        super().keyPressEvent(event)
