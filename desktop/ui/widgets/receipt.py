"""Proof of receipt on a record's editor: "Modtaget af serveren 30-11 14:02", or why not yet.

The label reads :func:`desktop.models.receipts.receipt_status` for its record
when shown, after every local change and after every sync, so it says
"Modtaget af serveren" only once the server has answered for the record's
newest change (with the server's own time), "Venter på serveren" while it is
saved here only, and the server's reason when it refused the change (the
change is kept on this computer).
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from PySide6.QtGui import QShowEvent
from PySide6.QtWidgets import QLabel, QWidget

from desktop.models.receipts import ON_SERVER, RECEIVED, REFUSED, WAITING, ReceiptStatus, receipt_status
from desktop.ui.context import AppContext
from desktop.ui.i18n import tr
from desktop.ui.operation import Op


def short_time(value: datetime | None) -> str:
    """Day, month and time in local time, as the receipt shows it: ``30-11 14:02``."""
    return value.astimezone().strftime("%d-%m %H:%M") if value else ""


def receipt_text(status: ReceiptStatus | None) -> str:
    """What the label says for ``status`` (in the UI language)."""
    if status is None:
        return tr("Not yet sent to the server")
    if status.state == RECEIVED:
        return tr("Received by the server %1").replace("%1", short_time(status.server_time))
    if status.state == WAITING:
        return tr("Waiting for the server (saved on this computer %1)").replace(
            "%1", short_time(status.waiting_since))
    if status.state == REFUSED:
        return tr("Refused by the server, kept on this computer: %1").replace("%1", status.reason or "")
    if status.state == ON_SERVER:
        return tr("On the server")
    return ""


class ReceiptLabel(QLabel):
    """Shows whether the server has received the record set by :meth:`show_for` (nothing for none)."""

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.setObjectName("receipt")
        self.setWordWrap(True)
        self.entity = ""
        self.record_id: str | None = None
        self.status: ReceiptStatus | None = None
        # Bound methods: Qt drops the connections when the label goes (dialogs come and go).
        ctx.events.changes_applied.connect(self._changed)
        ctx.events.sync_status.connect(self._synced)

    def show_for(self, entity: str, record_id: str | None) -> None:
        """Follow this record (None: a draft not saved yet, nothing to say)."""
        if (entity, record_id) != (self.entity, self.record_id):
            self.entity, self.record_id, self.status = entity, record_id, None
            self.setText("")
        self.refresh()

    def _changed(self, _changes: Any) -> None:
        self.refresh()

    def _synced(self, status: Any) -> None:
        if not getattr(status, "syncing", False):
            self.refresh()

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        self.refresh()

    def refresh(self) -> None:
        """Read the record's receipt on the worker and show it."""
        entity, record_id = self.entity, self.record_id
        if record_id is None or not self.isVisible():
            return
        Op.read(self.ctx, lambda session: receipt_status(session, entity, record_id), self).success(
            lambda status: self._show(record_id, status)).run()

    def _show(self, record_id: str, status: ReceiptStatus | None) -> None:
        if record_id != self.record_id:
            return  # another record was opened meanwhile
        self.status = status
        self.setText(receipt_text(status))
        self.setProperty("role", "error" if status is not None and status.state == REFUSED else "")
        self.setProperty("state", status.state if status else "")
        self.style().polish(self)
        self.setToolTip(tr("Version %1 on the server").replace("%1", str(status.version))
                        if status is not None and status.version else "")
