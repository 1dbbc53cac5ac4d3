"""Backups of the laptop database: made daily and before risky work, kept to a bounded number, listable.

A backup is a consistent copy made with SQLite's online backup API
(:func:`desktop.models.db.backup_file`), encrypted with the database's key
when the database is encrypted, in ``backups/`` beside the database, named
``feltbog-<when>-<reason>.sqlite``. Each reason keeps its newest few copies
(:data:`KEEP`), so the folder never grows without bound. Erasing a person's
data or leaving a team replaces every backup by one made after the scrub
(:func:`desktop.models.replica.scrub_files`), because old copies would keep
what must be gone.
"""

from __future__ import annotations

import logging
import re
import sqlite3
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

from desktop.domain.schema import ENTITIES

log = logging.getLogger(__name__)

DAILY = "daily"
KEEP = {DAILY: 7}  # copies kept per reason; every other reason keeps KEEP_OTHER
KEEP_OTHER = 3
DAILY_EVERY = timedelta(hours=20)  # "daily" for a laptop opened each morning, not exactly 24 h apart
_NAME = re.compile(r"^(?P<stem>.+)-(?P<stamp>\d{8}-\d{6}-\d{6})-(?P<reason>[a-z0-9-]+)$")


@dataclass(frozen=True)
class BackupInfo:
    """One backup file: when and why it was made, and what it holds (None when it cannot be read)."""

    path: Path
    made: datetime
    reason: str
    counts: dict[str, int] | None

    @property
    def records(self) -> int | None:
        """Live records in the backup, over all entities."""
        return None if self.counts is None else sum(self.counts.values())


def folder_of(path: Path) -> Path:
    """The backups folder of the database at ``path``."""
    return path.parent / "backups"


def _parse(path: Path, stem: str) -> tuple[datetime, str] | None:
    match = _NAME.match(path.stem)
    if match is None or match["stem"] != stem:
        return None
    return datetime.strptime(match["stamp"], "%Y%m%d-%H%M%S-%f"), _reason_class(match["reason"])


def _reason_class(reason: str) -> str:
    # "before-migration-0003" and "before-migration-0004" are one kind of backup.
    return re.sub(r"-[0-9a-f]{4,}$", "", reason)


def backup_files(path: Path) -> list[tuple[Path, datetime, str]]:
    """(file, made, reason) of every backup of the database at ``path``, newest first."""
    folder = folder_of(path)
    if not folder.exists():
        return []
    found = [(file, *parsed) for file in folder.glob(f"{path.stem}-*.sqlite")
             if (parsed := _parse(file, path.stem)) is not None]
    return sorted(found, key=lambda item: item[1], reverse=True)


def prune(path: Path) -> list[Path]:
    """Delete the oldest backups beyond the number kept for their reason; returns what was deleted."""
    seen: dict[str, int] = {}
    removed = []
    for file, _made, reason in backup_files(path):
        seen[reason] = seen.get(reason, 0) + 1
        if seen[reason] > KEEP.get(reason, KEEP_OTHER):
            file.unlink(missing_ok=True)
            removed.append(file)
    return removed


def daily_due(path: Path, now: datetime | None = None) -> bool:
    """True when the newest daily backup is older than :data:`DAILY_EVERY` (or there is none)."""
    now = now or datetime.now()
    dailies = [made for _file, made, reason in backup_files(path) if reason == DAILY]
    return not dailies or now - max(dailies) >= DAILY_EVERY


def count_records(file: Path, key: str | None) -> dict[str, int] | None:
    """Live records per entity in a database file, or None when it cannot be read."""
    try:
        conn = _connect(file, key)
    except Exception:  # a damaged or foreign file: shown as unreadable, never an error
        return None
    try:
        return {entity: int(conn.execute(f"SELECT count(*) FROM {entity} WHERE deleted = 0").fetchone()[0])
                for entity in ENTITIES}
    except Exception:  # same: unreadable
        return None
    finally:
        conn.close()


def _connect(file: Path, key: str | None) -> Any:
    if key is None:
        return sqlite3.connect(f"file:{file}?mode=ro", uri=True)
    from desktop.models import encryption

    return encryption.connect(file, key)


def list_backups(path: Path, key: str | None) -> list[BackupInfo]:
    """Every backup of the database at ``path``, newest first, with its record counts."""
    return [BackupInfo(file, made, reason, count_records(file, key)) for file, made, reason in backup_files(path)]
