"""One object that tells every screen what changed (Anki's operation_did_execute)."""

from __future__ import annotations

from PySide6.QtCore import QObject, Signal


class AppEvents(QObject):
    """Signals shared by the whole UI.

    ``changes_applied(Changes)`` fires after every local operation and after
    every sync that pulled something; screens refresh themselves from it. Only
    the operation helper (:mod:`desktop.ui.operation`) emits it.
    ``sync_status(SyncStatus)`` carries the runner's status to the GUI thread.
    ``account_changed(AccountSnapshot)`` fires when the context has a new
    account snapshot (sign-in, after a sync).
    """

    changes_applied = Signal(object)
    sync_status = Signal(object)
    sync_finished = Signal(object)
    account_changed = Signal(object)
    language_changed = Signal(str)
