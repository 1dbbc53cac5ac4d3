"""The one place that writes synced records: row, outbox entry and search index.

Every operation goes through a :class:`RecordWriter` bound to the operation's
transaction, so the row, its outbox entry and its search-index entry commit
or roll back together.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy.orm import Session

from desktop.domain.ids import new_id
from desktop.domain.schema import ENTITIES
from desktop.domain.validation import to_wire
from desktop.models import outbox
from desktop.models.base import utcnow
from desktop.models.changes import Actor, Changes
from desktop.models.entities import MODELS
from desktop.models.search import index_records, remove_records


def record_fields(entity: str, row: Any) -> dict[str, Any]:
    """The entity's fields of an ORM row as a plain dict (plus id and deleted)."""
    out = {f.name: getattr(row, f.name) for f in ENTITIES[entity].fields}
    out["id"] = row.id
    out["deleted"] = row.deleted
    out["team_id"] = row.team_id
    return out


class RecordWriter:
    """Writes records of any entity inside one session (one transaction)."""

    def __init__(self, session: Session, actor: Actor) -> None:
        self.session = session
        self.actor = actor
        self.changes = Changes()

    def _touch(self, entity: str, record_id: str) -> None:
        self.changes = self.changes | Changes(frozenset({entity}), frozenset({record_id}))

    def _outbox(self, entity: str, record_id: str, op: str, base_version: int, fields: dict[str, Any]) -> None:
        outbox.append(self.session, entity, record_id, op, base_version, to_wire(entity, fields))

    def get(self, entity: str, record_id: str) -> Any | None:
        """The live (not deleted) row, or None."""
        row = self.session.get(MODELS[entity], record_id)
        return None if row is None or row.deleted else row

    def insert(
        self, entity: str, fields: dict[str, Any], record_id: str | None = None, team_id: str | None = None
    ) -> str:
        """Insert a new record from cleaned ``fields``; returns its id."""
        record_id = record_id or new_id()
        team = team_id or self.actor.team_id
        now = utcnow()
        row = MODELS[entity](
            id=record_id,
            team_id=team,
            version=0,
            created_at=now,
            updated_at=now,
            created_by=self.actor.user_id,
            deleted=False,
            **fields,
        )
        self.session.add(row)
        sent = {k: v for k, v in fields.items() if v is not None}
        if team:
            sent["team_id"] = team
        self._outbox(entity, record_id, "upsert", 0, sent)
        self.session.flush()
        index_records(self.session, entity, [record_fields(entity, row)])
        self._touch(entity, record_id)
        return record_id

    def update(self, entity: str, row: Any, fields: dict[str, Any]) -> bool:
        """Apply the cleaned ``fields`` that really differ; False if none did."""
        changed = {k: v for k, v in fields.items() if getattr(row, k) != v}
        if not changed:
            return False
        for key, value in changed.items():
            setattr(row, key, value)
        row.updated_at = utcnow()
        sent = changed
        if row.version == 0 and outbox.was_refused(self.session, row.id):
            # The server refused to create the record (a CPR number in a note, say): the corrected
            # change must carry the whole record, or the server cannot create it from this one.
            sent = {k: v for k, v in record_fields(entity, row).items() if v is not None and k not in ("id", "deleted")}
        self._outbox(entity, row.id, "upsert", row.version, sent)
        self.session.flush()
        index_records(self.session, entity, [record_fields(entity, row)])
        self._touch(entity, row.id)
        return True

    def delete(self, entity: str, row: Any) -> None:
        """Tombstone a record (kept until the server has seen the delete)."""
        row.deleted = True
        row.updated_at = utcnow()
        self._outbox(entity, row.id, "delete", row.version, {})
        remove_records(self.session, [row.id])
        self._touch(entity, row.id)
