"""Shared write helpers: the sequence, the per-team checksums, the audit log."""

from __future__ import annotations

import json
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import Connection, insert, select, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert

from desktop.domain.protocol import record_hash
from server import metrics
from server.bulk import copy_rows, execute_many
from server.security import utcnow
from server.tables import AuditEntry, Counter, TeamStats

_MASK = (1 << 64) - 1


def to_signed(value: int) -> int:
    """Store an unsigned 64-bit checksum in a signed BIGINT column."""
    value &= _MASK
    return value - (1 << 64) if value >= 1 << 63 else value


class Sequence:
    """The server-wide sync sequence, locked for the length of one transaction.

    ``open`` locks the counter row (SELECT ... FOR UPDATE on PostgreSQL; on
    SQLite the IMMEDIATE transaction already serialises writers), so
    transactions commit in the order of the numbers they took and a pull
    after ``cursor`` can never miss a write that commits late.
    """

    def __init__(self, conn: Connection) -> None:
        self.conn = conn
        query = select(Counter.value).where(Counter.name == "seq")
        if conn.dialect.name == "postgresql":
            query = query.with_for_update()
        with metrics.LOCK_WAIT.labels("sequence").time():  # PostgreSQL: waits for the other writers' commits
            self.start = conn.execute(query).scalar_one()
        self.value = self.start

    def next(self) -> int:
        """Take the next number."""
        self.value += 1
        return self.value

    def save(self) -> None:
        """Write the counter back (inside the same transaction)."""
        if self.value != self.start:
            self.conn.execute(update(Counter).where(Counter.name == "seq").values(value=self.value))


@dataclass
class StatsDelta:
    """Changes to per-(team, entity) counts and checksums, applied once per transaction."""

    deltas: dict[tuple[str, str], list[int]] = field(default_factory=dict)

    def _slot(self, team: str, entity: str) -> list[int]:
        return self.deltas.setdefault((team, entity), [0, 0])

    def add(self, team: str, entity: str, record_id: str, version: int) -> None:
        """A live record version appeared."""
        slot = self._slot(team, entity)
        slot[0] += 1
        slot[1] ^= record_hash(record_id, version)

    def remove(self, team: str, entity: str, record_id: str, version: int) -> None:
        """A live record version went away (updated, deleted or moved)."""
        slot = self._slot(team, entity)
        slot[0] -= 1
        slot[1] ^= record_hash(record_id, version)

    def save(self, conn: Connection) -> None:
        """Apply the deltas to ``team_stats`` in one upsert statement.

        One round trip instead of a read and a write per (team, entity): this
        runs while the sequence lock is held, so every round trip here delays
        every other push (the 200-device load benchmark, docs/performance.md).
        """
        rows = [{"team_id": team, "entity": entity, "count": count, "checksum": to_signed(xor)}
                for (team, entity), (count, xor) in sorted(self.deltas.items()) if count or xor]
        if not rows:
            return
        dialect = pg_insert if conn.dialect.name == "postgresql" else sqlite_insert
        stmt = dialect(TeamStats).values(rows)
        old, new = TeamStats.checksum, stmt.excluded.checksum
        # XOR as (a | b) - (a & b): SQLite has no XOR operator; exact for signed 64-bit values.
        conn.execute(stmt.on_conflict_do_update(
            index_elements=[TeamStats.team_id, TeamStats.entity],
            set_={"count": TeamStats.count + stmt.excluded.count,
                  "checksum": old.op("|")(new) - old.op("&")(new)}))


# Who is behind the rows written in this context when no user of the app is (the admin CLI: the OS user).
_ORIGIN: ContextVar[dict[str, str] | None] = ContextVar("audit_origin", default=None)


@contextmanager
def audit_origin(**origin: str) -> Iterator[None]:
    """Every audit row written inside carries these keys in its detail, e.g. ``via="cli", os_user="root"``.

    The admin CLI runs with no user of the app (``user_id`` stays empty, no made-up
    id), so this is how its rows name the person at the server's terminal.
    """
    token = _ORIGIN.set(origin)
    try:
        yield
    finally:
        _ORIGIN.reset(token)


def _with_origin(detail: str | None, origin: dict[str, str]) -> str:
    """The detail (a JSON object, other text or none) as a JSON object with the origin's keys added."""
    loaded: Any = None
    if detail and detail.startswith("{"):
        try:
            loaded = json.loads(detail)
        except ValueError:
            loaded = None
    merged = loaded if isinstance(loaded, dict) else ({} if detail is None else {"note": detail})
    return json.dumps({**merged, **origin}, ensure_ascii=False)


# inline(): no RETURNING of the new id, which a psycopg pipeline (writes.pipeline) cannot give.
_AUDIT_INSERT = insert(AuditEntry).inline()


def audit_rows(conn: Connection, rows: list[dict[str, Any]]) -> None:
    """Append audit entries (bulk); inside :func:`audit_origin` each carries its keys in the detail."""
    origin = _ORIGIN.get()
    if rows and origin:
        rows = [{**row, "detail": _with_origin(row["detail"], origin)} for row in rows]
    if rows and not copy_rows(conn, AuditEntry.__table__, rows):
        execute_many(conn, _AUDIT_INSERT, rows)


def audit(
    user_id: str | None,
    action: str,
    *,
    device_id: str | None = None,
    entity: str | None = None,
    entity_id: str | None = None,
    team_id: str | None = None,
    detail: Any = None,
) -> dict[str, Any]:
    """One audit row as a dict (for :func:`audit_rows`)."""
    return {
        "at": utcnow(),
        "user_id": user_id,
        "device_id": device_id,
        "action": action,
        "entity": entity,
        "entity_id": entity_id,
        "team_id": team_id,
        "detail": detail if detail is None or isinstance(detail, str) else json.dumps(detail, ensure_ascii=False),
    }
