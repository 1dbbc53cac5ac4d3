"""Qt-free sync: HTTP client, engine, runtime scheduling and the service facade."""

from desktop.sync.engine import SyncAborted, SyncEngine, SyncResult
from desktop.sync.errors import SyncError, SyncErrorKind
from desktop.sync.runner import SyncRunner, SyncStatus
from desktop.sync.service import SyncService

__all__ = [
    "SyncAborted",
    "SyncEngine",
    "SyncError",
    "SyncErrorKind",
    "SyncResult",
    "SyncRunner",
    "SyncService",
    "SyncStatus",
]
