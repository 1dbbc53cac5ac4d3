"""Brings what the sync thread learns to the GUI thread: pulled changes and a fresh account snapshot."""

from __future__ import annotations

from dataclasses import replace

from PySide6.QtCore import QObject, Signal, Slot
from PySide6.QtWidgets import QApplication, QMessageBox

from desktop.models.replica import merge
from desktop.sync.engine import SyncResult
from desktop.sync.runner import SyncStatus
from desktop.ui.context import AppContext
from desktop.ui.i18n import tr
from desktop.ui.operation import Op


class SyncRelay(QObject):
    """Lives on the GUI thread; the sync runner calls :meth:`deliver` on its own thread.

    After a sync went through, the account is re-read on the database worker
    (teams and names may have changed) by an Op that then announces what the
    sync pulled: the one change signal, through the one emitter. After a sync
    failed, the account is re-read too: a refused token signs the user out.
    """

    _result = Signal(object)

    def __init__(self, ctx: AppContext) -> None:
        super().__init__()
        self.ctx = ctx
        self._syncing = False
        # Emitted on the sync thread, received here on the GUI thread (a queued connection).
        self._result.connect(self._synced)
        ctx.events.sync_status.connect(self._status)

    def deliver(self, result: SyncResult) -> None:
        """The runner's ``on_result`` (called on the sync thread)."""
        self._result.emit(result)

    @Slot(object)
    def _synced(self, result: SyncResult) -> None:
        # Marked as pulled whatever built them: announcing them must not schedule another sync.
        pulled = replace(result.changes, from_sync=True) if result.changes else None
        self.ctx.refresh_account(pulled=pulled)
        if pulled is not None and pulled.touches("company"):
            self._tell_about_merges()

    def _tell_about_merges(self) -> None:
        """A company this laptop made existed already on the server: say once where its work went."""

        def take() -> list[str]:
            with self.ctx.db.write() as session:
                return [notice.text_da for notice in merge.take_notices(session)]

        def show(texts: list[str]) -> None:
            if texts:
                QMessageBox.information(QApplication.activeWindow(), tr("Feltbog"), "\n\n".join(texts))

        Op.call(self.ctx, take).success(show).run()

    @Slot(object)
    def _status(self, status: SyncStatus) -> None:
        ended = self._syncing and not status.syncing
        self._syncing = status.syncing
        if ended and status.last_error_kind:
            self.ctx.refresh_account()
