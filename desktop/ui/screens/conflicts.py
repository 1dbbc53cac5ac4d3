"""Konflikter: both sides of each conflict next to each other; keep one, or merge."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QShowEvent
from PySide6.QtWidgets import (
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QPlainTextEdit,
    QPushButton,
    QSplitter,
    QVBoxLayout,
    QWidget,
)

from desktop.domain.schema import ENTITIES
from desktop.models.changes import Changes
from desktop.models.operations import Operations
from desktop.models.queries import ConflictRow, list_conflicts
from desktop.ui import i18n
from desktop.ui.context import AppContext
from desktop.ui.i18n import tr
from desktop.ui.operation import Op


class ConflictsScreen(QWidget):
    """Unresolved conflicts the server reported."""

    def __init__(self, ctx: AppContext) -> None:
        super().__init__()
        self.ctx = ctx
        self.rows: list[ConflictRow] = []
        title = QLabel(tr("Conflicts"))
        title.setProperty("role", "title")
        explain = QLabel(tr("The same field was changed in two places. The server kept one value; the other "
                            "is shown here so nothing is lost. Choose one, or merge them and save."))
        explain.setWordWrap(True)
        self.list = QListWidget()
        self.list.setObjectName("conflict_list")
        self.list.setAccessibleName(tr("Conflicts"))
        self.list.currentRowChanged.connect(self._select)
        self.kept = QPlainTextEdit()
        self.kept.setObjectName("kept")
        self.kept.setReadOnly(True)
        self.lost = QPlainTextEdit()
        self.lost.setObjectName("merged")
        self.what = QLabel()
        self.what.setWordWrap(True)
        grid = QGridLayout()
        grid.addWidget(QLabel(tr("Value the server kept")), 0, 0)
        grid.addWidget(QLabel(tr("The other value (edit here to merge)")), 0, 1)
        grid.addWidget(self.kept, 1, 0)
        grid.addWidget(self.lost, 1, 1)
        buttons = QHBoxLayout()
        buttons.addStretch(1)
        for text, slot, name in ((tr("Keep the server's value"), self.keep_server, "keep_server"),
                                 (tr("Use the other value"), self.keep_other, "keep_other"),
                                 (tr("Save merged text"), self.save_merged, "save_merged")):
            button = QPushButton(text)
            button.setObjectName(name)
            button.clicked.connect(slot)
            buttons.addWidget(button)
        detail = QWidget()
        right = QVBoxLayout(detail)
        right.addWidget(self.what)
        right.addLayout(grid, 1)
        right.addLayout(buttons)
        splitter = QSplitter()
        splitter.addWidget(self.list)
        splitter.addWidget(detail)
        splitter.setSizes([260, 700])
        self.empty = QLabel(tr("No conflicts. Everything is in step."))
        layout = QVBoxLayout(self)
        layout.addWidget(title)
        layout.addWidget(explain)
        # The "no conflicts" text takes the free space when the list is hidden, so it sits at the top.
        self.empty.setAlignment(Qt.AlignmentFlag.AlignTop | Qt.AlignmentFlag.AlignLeft)
        layout.addWidget(self.empty, 1)
        layout.addWidget(splitter, 1)
        self.splitter = splitter
        ctx.events.changes_applied.connect(self._changed)

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        self.refresh()

    def _changed(self, changes: Changes) -> None:
        if changes.touches("conflict") and self.isVisible():
            self.refresh()

    def refresh(self) -> None:
        """Read the open conflicts (on the worker)."""
        Op.read(self.ctx, lambda s: list_conflicts(s, resolved=False), self).success(self._show).run()

    def _show(self, rows: list[ConflictRow]) -> None:
        self.rows = rows
        self.list.clear()
        for row in rows:
            field = ENTITIES[row.entity].field_map.get(row.field) if row.entity in ENTITIES else None
            name = i18n.label(row.entity, row.field) if field else row.field
            self.list.addItem(QListWidgetItem(f"{row.record_title or i18n.entity_label(row.entity)} · {name}"))
        self.empty.setVisible(not rows)
        self.splitter.setVisible(bool(rows))
        if rows:
            self.list.setCurrentRow(0)

    def _select(self, index: int) -> None:
        if not 0 <= index < len(self.rows):
            return
        row = self.rows[index]
        self.what.setText(tr("%1 on %2").replace("%1", i18n.label(row.entity, row.field) if row.entity in ENTITIES
                                                 and row.field in ENTITIES[row.entity].field_map else row.field)
                          .replace("%2", row.record_title))
        self.kept.setPlainText(row.kept_value or "")
        self.lost.setPlainText(row.lost_value or "")

    def _current(self) -> ConflictRow | None:
        index = self.list.currentRow()
        return self.rows[index] if 0 <= index < len(self.rows) else None

    def keep_server(self) -> None:
        """Keep the value the server kept."""
        row = self._current()
        if row:
            Op.write(self.ctx, lambda ops: ops.resolve_conflict(row.id), self).run()

    def keep_other(self) -> None:
        """Use the other value instead."""
        row = self._current()
        if row:
            Op.write(self.ctx, lambda ops: ops.resolve_conflict(row.id, keep_lost_value=True), self).run()

    def save_merged(self) -> None:
        """Save the edited text as the value and close the conflict."""
        row = self._current()
        if row is None:
            return
        merged = self.lost.toPlainText()

        def merge(ops: Operations) -> Changes:
            changes = ops.update(row.entity, row.record_id, {row.field: merged})
            return changes | ops.resolve_conflict(row.id)

        Op.write(self.ctx, merge, self).invalid(lambda e: self.what.setText(e.message(i18n.language()))).run()
