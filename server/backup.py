"""``python -m server admin backup DEST``: a consistent copy of the SQLite server database while it runs.

SQLite's online backup API copies the database page by page under its own locks, so the server
keeps serving (writers wait only for each short step) and the copy is a snapshot of one moment,
WAL included. The copy is then opened and checked (``PRAGMA integrity_check`` and the number of
records), so a backup that could not be restored is noticed when it is made, not when it is needed.
The file is readable by its owner only: it holds every note. PostgreSQL has ``pg_dump`` for this
(docs/deploy.md).
"""

from __future__ import annotations

import os
import sqlite3
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from sqlalchemy.engine import make_url

PAGES_PER_STEP = 1024  # 4 MiB at a time: the server's writers wait at most one step
PREFIX = "feltbog-server-"


class BackupError(Exception):
    """The backup cannot be made (a message for the operator)."""


def sqlite_path(database_url: str) -> Path:
    """The file of a SQLite URL; :class:`BackupError` for any other database."""
    url = make_url(database_url)
    if url.get_backend_name() != "sqlite" or not url.database or url.database == ":memory:":
        raise BackupError("backup copies a SQLite database; for PostgreSQL use pg_dump (docs/deploy.md, section 5)")
    path = Path(url.database)
    if not path.is_file():
        raise BackupError(f"no database file at {path}")
    return path


def backup(database_url: str, destination: str | Path, *, keep: int | None = None) -> dict[str, Any]:
    """Copy the database to ``destination`` (a file, or a folder for a time-stamped file) and check the copy.

    ``keep``: with a folder, remove all but the ``keep`` newest backups there afterwards.
    Returns what was written: path, size, records and the check's verdict.
    """
    source_path = sqlite_path(database_url)
    target = Path(destination)
    if target.is_dir() or str(destination).endswith(os.sep):
        target.mkdir(parents=True, exist_ok=True, mode=0o700)
        target = target / f"{PREFIX}{datetime.now(UTC):%Y%m%dT%H%M%S.%fZ}.sqlite"
    elif keep is not None:
        raise BackupError("--keep needs a folder as the destination")
    target.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    partial = target.with_name(target.name + ".partial")
    partial.unlink(missing_ok=True)
    partial.touch(mode=0o600)  # created private, before a single page is in it
    source = sqlite3.connect(f"file:{source_path}?mode=ro", uri=True, timeout=30)
    copy = sqlite3.connect(partial)
    try:
        source.backup(copy, pages=PAGES_PER_STEP)
        copy.execute("PRAGMA journal_mode=DELETE")  # one self-contained file, no WAL beside it
        verdict = copy.execute("PRAGMA integrity_check").fetchone()[0]
        records = copy.execute("SELECT count(*) FROM records").fetchone()[0]
    finally:
        copy.close()
        source.close()
    if verdict != "ok":
        partial.unlink(missing_ok=True)
        raise BackupError(f"the copy failed its integrity check ({verdict[:200]}); nothing was kept")
    partial.replace(target)
    removed = _prune(target.parent, keep) if keep is not None else []
    return {"path": str(target), "bytes": target.stat().st_size, "records": records, "integrity": verdict,
            "removed": removed}


def _prune(folder: Path, keep: int) -> list[str]:
    """Remove all but the ``keep`` newest backups this command made in ``folder``."""
    backups = sorted(folder.glob(f"{PREFIX}*.sqlite"))
    old = backups[:-keep] if keep > 0 else backups
    for path in old:
        path.unlink()
    return [str(path) for path in old]
