"""Helpers for the store tests: a snapshot of the whole local database, and the outbox.

``snapshot(db)`` holds every table's row count and rows (the search index
included) plus the outbox in mutation order, so ``assert snapshot(db) == before``
proves an operation that was refused or crashed left nothing behind: no row,
no changed field, no stray outbox entry, no search-index entry.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from sqlalchemy import text


@dataclass(frozen=True)
class Snapshot:
    counts: dict[str, int]
    rows: dict[str, list[tuple]]
    outbox: list[tuple]


def _tables(conn) -> list[str]:
    # The FTS5 table is read through its virtual table; its shadow tables
    # (search_index_data, ...) hold the same thing in a binary form.
    return conn.execute(
        text(
            "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' "
            "AND name NOT LIKE 'search_index_%' ORDER BY name"
        )
    ).scalars().all()


def snapshot(db) -> Snapshot:
    """Row counts and rows of every table, and the outbox, as plain values."""
    with db.read() as session:
        conn = session.connection()
        counts, rows = {}, {}
        for table in _tables(conn):
            select = f'SELECT rowid, * FROM "{table}"' if table == "search_index" else f'SELECT * FROM "{table}"'
            content = sorted((tuple(r) for r in conn.execute(text(select)).all()), key=repr)
            counts[table] = len(content)
            rows[table] = content
        entries = [tuple(r) for r in conn.execute(text("SELECT * FROM outbox ORDER BY mutation_id")).all()]
    return Snapshot(counts, rows, entries)


@dataclass(frozen=True)
class Entry:
    """One outbox row with its fields parsed from JSON."""

    mutation_id: int
    entity: str
    entity_id: str
    op: str
    base_version: int
    fields: dict[str, Any]
    state: str


def outbox(db) -> list[Entry]:
    """The outbox in mutation order."""
    with db.read() as session:
        rows = session.connection().execute(
            text("SELECT mutation_id, entity, entity_id, op, base_version, fields, state FROM outbox "
                 "ORDER BY mutation_id")
        ).all()
    return [Entry(m, e, i, o, b, json.loads(f), s) for m, e, i, o, b, f, s in rows]


def set_version(db, entity: str, record_id: str, version: int) -> None:
    """Pretend the server accepted a record at ``version`` (what a sync would store)."""
    with db.write() as session:
        session.execute(text(f"UPDATE {entity} SET version = :v WHERE id = :id"), {"v": version, "id": record_id})


def approve(db, visit_id: str, state: str = "approved", version: int = 10) -> None:
    """A supervisor's verdict arriving from the server: a Review row written directly."""
    from desktop.models.entities import Review

    with db.write() as session:
        session.add(Review(visit_id=visit_id, state=state, version=version, comment="Fint referat"))
