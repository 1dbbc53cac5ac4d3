"""The ``sync_state`` key/value table: read and write one value in the caller's transaction.

The keys and what they mean belong to ``desktop.sync.state``; this module
only stores them, so the sync package never touches a table itself.
"""

from __future__ import annotations

import json
from typing import Any

from sqlalchemy.orm import Session

from desktop.models.local import SyncState


def get_value(session: Session, key: str, default: str | None = None) -> str | None:
    """Read one value (None/default when unset)."""
    row = session.get(SyncState, key)
    return row.value if row is not None and row.value is not None else default


def set_value(session: Session, key: str, value: Any) -> None:
    """Write one value in the caller's transaction (None clears it; non-strings are stored as JSON)."""
    text = None if value is None else (value if isinstance(value, str) else json.dumps(value))
    row = session.get(SyncState, key)
    if row is None:
        session.add(SyncState(key=key, value=text))
    else:
        row.value = text


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
