"""A fingerprint of the whole local database, to prove that an import left nothing behind."""

from __future__ import annotations

from sqlalchemy import text

from desktop.models import Database


def fingerprint(db: Database) -> dict[str, list[tuple]]:
    """Every row of every table, the search index included, for before/after comparisons."""
    with db.read() as session:
        conn = session.connection()
        tables = conn.execute(text(
            "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' "
            "AND name NOT LIKE 'search_index_%'"
        )).scalars().all()
        return {t: sorted(map(tuple, conn.execute(text(f'SELECT * FROM "{t}"')).all()), key=repr) for t in tables}


def outbox(db: Database) -> list:
    """The outbox (changes waiting to be pushed), oldest first."""
    with db.read() as session:
        return session.connection().execute(text(
            "SELECT mutation_id, entity, entity_id, op, base_version, fields FROM outbox ORDER BY mutation_id"
        )).all()
