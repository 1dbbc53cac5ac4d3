"""The ``sync_state`` key/value table: read and write one value in the caller's transaction.

The keys and what they mean belong to ``desktop.sync.state``; this module
only stores them, so the sync package never touches a table itself.
"""

from __future__ import annotations

import json
from typing import Any

from sqlalchemy.orm import Session

from desktop.models.local import SyncState
from desktop.models.raw import raw_cursor

# On the DB-API cursor: a sync reads and writes about fifteen of these, and through the ORM (an identity
# map, a flush per transaction) each cost 0.1-0.3 ms against ~0.02 ms here, a third of an idle sync's CPU.
_TABLE = SyncState.__tablename__
_GET = f"SELECT value FROM {_TABLE} WHERE key = ?"
_SET = f"INSERT INTO {_TABLE} (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value"
SET_STATE = _SET  # for a caller on its own DB-API connection (a prepared first sync's copy)


def get_value(session: Session, key: str, default: str | None = None) -> str | None:
    """Read one value (None/default when unset)."""
    row = raw_cursor(session).execute(_GET, (key,)).fetchone()
    return row[0] if row is not None and row[0] is not None else default


def set_value(session: Session, key: str, value: Any) -> None:
    """Write one value in the caller's transaction (None clears it; non-strings are stored as JSON)."""
    text = None if value is None else (value if isinstance(value, str) else json.dumps(value))
    raw_cursor(session).execute(_SET, (key, text))


def get_int(session: Session, key: str) -> int:
    """Read an integer value (0 when unset)."""
    return int(get_value(session, key, "0") or 0)


def claim(session: Session, key: str, value: str) -> bool:
    """Store ``value`` under ``key`` unless it is already there; True when it was not (the caller goes ahead).

    What "once per week" is made of: ``claim(session, "digest.offered_week", "2026-W48")``
    is True the first time in that week, False after, on this computer's database.
    """
    if get_value(session, key) == value:
        return False
    set_value(session, key, value)
    return True
