"""A first sync from a prepared copy: download the team's replica, copy it in, then pull what is newer.

See :mod:`server.prepared` and :mod:`desktop.models.replica.prepared`. Only
a laptop that holds no record and no search entry takes a copy (work made
before the first sign-in has just been pushed, and it syncs page by page),
and never an encrypted one: the download would lie unencrypted on the disk.
Whatever goes wrong with a copy (none ready, another app version, a damaged
download, a server error on its route, no room for the download, a table of
another shape) the pull simply goes on page by page.
"""

from __future__ import annotations

import logging
import time
from pathlib import Path

from desktop.cancel import CancelToken, Progress
from desktop.models import replica
from desktop.models.db import Database, head_revision
from desktop.sync import state
from desktop.sync.client import SyncClient
from desktop.sync.errors import SyncError, SyncErrorKind
from desktop.sync.outcome import SyncResult

log = logging.getLogger(__name__)
SUFFIX = ".prepared"  # the download, beside the database in the data folder


def drop_download(db: Database) -> None:
    """Remove a download an earlier sync left behind (the app was closed mid-download or mid-copy).

    It is the team's replica in plain text: once the laptop has synced on, nothing else would
    remove it, and the erased text it holds would outlive an erasure.
    """
    if db.path is not None:
        _download(db.path).unlink(missing_ok=True)


def _download(database: Path) -> Path:
    """Where the copy is downloaded to: beside the database, in the data folder."""
    return database.with_name(database.name + SUFFIX)


def take_prepared(db: Database, client: SyncClient, result: SyncResult, progress: Progress,
                  cancel: CancelToken) -> bool:
    """Install the server's prepared copy if this laptop may; True if it did (the cursor is then the copy's)."""
    if db.path is None or db.encrypted:
        return False
    with db.read() as session:
        if not replica.can_install_prepared(session):
            return False
    download = _download(db.path)
    try:
        progress(0, 0, "prepared")
        started = time.perf_counter()
        def downloading(done: int, total: int) -> None:
            cancel.check()  # a Cancel in the progress dialog ends the download, which goes below
            progress(done, total, "prepared")

        described = client.prepared(head_revision(), download, on_chunk=downloading)
        if described is None:
            return False
        cancel.check()
        progress(0, described["records"], "prepared")
        downloaded = time.perf_counter()
        changes = replica.install_prepared(db, download, {state.CURSOR: str(described["cursor"])})
        installed = time.perf_counter()
    except replica.PreparedCopyRefused as exc:
        log.info("Not using the prepared copy (%s); syncing page by page", exc)
        return False
    except SyncError as exc:
        # The copy is optional: a server error on its route (a folder it cannot write, a file tidied away
        # mid-answer) must not stop the first sync; the pages tell whether the server itself is down.
        if exc.kind not in (SyncErrorKind.PROTOCOL, SyncErrorKind.SERVER):
            raise
        log.warning("The prepared copy could not be used (%s); syncing page by page", exc)
        return False
    except OSError as exc:  # writing the download (a full disk): removed below, the pages need less room
        log.warning("The prepared copy could not be stored (%s); syncing page by page", exc)
        return False
    finally:
        download.unlink(missing_ok=True)
    result.pulled += described["records"]
    result.prepared = described["records"]
    result.changes = result.changes | changes
    progress(described["records"], described["records"], "prepared")
    log.info("First sync from a prepared copy: %d records up to %d (download %.0f ms, copy %.0f ms)",
             described["records"], described["cursor"], (downloaded - started) * 1000, (installed - downloaded) * 1000)
    return True
