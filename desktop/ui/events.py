"""One object that tells every screen what changed (Anki's operation_did_execute)."""

from __future__ import annotations

from PySide6.QtCore import QObject, Signal


class AppEvents(QObject):
    """Signals shared by the whole UI.

    ``changes_applied(Changes)`` fires after every local operation and after
    every sync that pulled something; screens refresh themselves from it.
    ``sync_status(SyncStatus)`` carries the runner's status to the GUI thread.
    """

    changes_applied = Signal(object)
    sync_status = Signal(object)
    sync_finished = Signal(object)
    language_changed = Signal(str)
