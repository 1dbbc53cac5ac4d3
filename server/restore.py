"""Noticing that the server was restored from a backup, so laptops can give back what it lost.

The sync sequence is server-wide and only grows, so a laptop whose cursor is
past the server's newest sequence number has seen a future this database no
longer has: it was restored from an older dump. The first laptop that says
so (its era and cursor, with the summary request) makes the server start a
new *era* and remember the *restore point*, the sequence number it was
restored to; it is written to the audit log. Every laptop still in the old
era then hands back what it holds beyond the restore point
(desktop/sync/engine.py), and moves to the new era.

Both values live in the ``counters`` table, so a dump carries them and a
second restore is noticed the same way.
"""

from __future__ import annotations

import secrets

from sqlalchemy import Connection, insert, select, update

from server.store import audit, audit_rows
from server.tables import Counter

ERA = "era"
RESTORE_POINT = "restore_point"
SEQ = "seq"


def _new_era() -> int:
    return secrets.randbits(62)


def ensure_era(conn: Connection) -> None:
    """Give a database its era (at install, or at the first start after an upgrade)."""
    have = set(conn.execute(select(Counter.name).where(Counter.name.in_((ERA, RESTORE_POINT)))).scalars())
    if ERA not in have:
        conn.execute(insert(Counter).values(name=ERA, value=_new_era()))
    if RESTORE_POINT not in have:
        conn.execute(insert(Counter).values(name=RESTORE_POINT, value=0))


def _counters(conn: Connection, lock: bool = False) -> dict[str, int]:
    query = select(Counter.name, Counter.value).where(Counter.name.in_((ERA, RESTORE_POINT, SEQ)))
    if lock and conn.dialect.name == "postgresql":
        query = query.with_for_update()
    return {name: int(value) for name, value in conn.execute(query)}


def era_state(conn: Connection, device_era: int | None = None,
              device_cursor: int | None = None) -> tuple[dict[str, int], bool]:
    """``{"era": ..., "restore_point": ...}`` for the summary, and whether the device that says it saw
    ``device_era`` at ``device_cursor`` is ahead of this database (then :func:`note_device_position`)."""
    values = _counters(conn)
    ahead = (device_era is not None and device_cursor is not None and device_era == values.get(ERA)
             and device_cursor > values.get(SEQ, 0))
    return {"era": values.get(ERA, 0), "restore_point": values.get(RESTORE_POINT, 0)}, ahead


def note_device_position(conn: Connection, user_id: str, device_era: int, device_cursor: int) -> bool:
    """A device in this era has seen sequence numbers this database never issued: start a new era.

    Returns True when a restore was noticed now. Runs in a write transaction;
    the counters are locked, so two laptops reporting at once start one era.
    """
    values = _counters(conn, lock=True)
    if device_era != values.get(ERA) or device_cursor <= values.get(SEQ, 0):
        return False
    seq = values.get(SEQ, 0)
    conn.execute(update(Counter).where(Counter.name == ERA).values(value=_new_era()))
    conn.execute(update(Counter).where(Counter.name == RESTORE_POINT).values(value=seq))
    audit_rows(conn, [audit(user_id, "restore_detected",
                            detail={"restore_point": seq, "device_cursor": device_cursor})])
    return True
