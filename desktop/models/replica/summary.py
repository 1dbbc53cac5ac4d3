"""What the local replica holds: counts and the checksum compared with the server's summary."""

from __future__ import annotations

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from desktop.domain.protocol import record_hash
from desktop.models.entities import MODELS, TABLES
from desktop.models.raw import raw_cursor


def live_rows(session: Session) -> int:
    """How many records (synced or not) are not deleted: the base of the mass-delete checks."""
    return sum(
        session.scalar(select(func.count()).select_from(m).where(m.deleted.is_(False))) or 0
        for m in MODELS.values()
    )


def local_summary(session: Session) -> tuple[dict[str, int], int]:
    """Per-entity counts and the XOR checksum of synced, live local records (the server's summary form)."""
    counts: dict[str, int] = {}
    checksum = 0
    # The raw cursor: after a first sync this reads every record, and the
    # ORM's row handling cost more than the hashing.
    cursor = raw_cursor(session)
    for entity, table in TABLES.items():
        rows = cursor.execute(
            f"SELECT id, version FROM {table.name} WHERE deleted = 0 AND version > 0"
        ).fetchall()
        counts[entity] = len(rows)
        for record_id, version in rows:
            checksum ^= record_hash(record_id, version)
    return counts, checksum


def synced_ids_not_in(session: Session, seen: set[str]) -> dict[str, list[str]]:
    """Per entity: the ids of records the server once sent that are not in ``seen`` (a full resync's leftovers)."""
    return {
        entity: [i for i in session.scalars(select(model.id).where(model.version > 0)) if i not in seen]
        for entity, model in MODELS.items()
    }
