"""Helpers for store tests: a fingerprint of the whole database to prove 'nothing changed'."""

from __future__ import annotations

from sqlalchemy import text


def fingerprint(db) -> dict[str, list[tuple]]:
    """Every row of every table (search index included), for before/after comparisons."""
    with db.read() as session:
        conn = session.connection()
        tables = conn.execute(
            text("SELECT name FROM sqlite_master WHERE type IN ('table') AND name NOT LIKE 'search_index_%' "
                 "AND name NOT LIKE 'sqlite_%'")
        ).scalars().all()
        return {t: sorted(map(tuple, conn.execute(text(f'SELECT * FROM "{t}"')).all()), key=repr) for t in tables}


def outbox(db) -> list[tuple]:
    with db.read() as session:
        return session.connection().execute(
            text("SELECT mutation_id, entity, entity_id, op, base_version, fields FROM outbox ORDER BY mutation_id")
        ).all()
