"""The outbox: the one module that reads and writes the queue of unsent local changes.

A change enters it in the same transaction as its row (:class:`desktop.models.writer.RecordWriter`
calls :func:`append`); the sync engine takes batches out with :func:`pending_batch` and settles
them with :func:`settle` once the server has answered. Nothing else touches the ``outbox`` table.
"""

from __future__ import annotations

import functools
import json
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

import orjson
from sqlalchemy import delete, func, or_, select, update
from sqlalchemy.orm import Session

from desktop.models.entities import MODELS
from desktop.models.local import PENDING, REJECTED, OutboxEntry
from desktop.models.raw import raw_cursor

ALL_FIELDS = "*"  # in pending_fields(): the record has an unsent delete
_CHUNK = 500  # keep IN lists short
_ANY_PENDING = f"SELECT 1 FROM {OutboxEntry.__tablename__} WHERE state = ? LIMIT 1"

# Fields that name the user who made a record offline (DESIGN §2: "Mine", I dag, the supervisor's queue).
# A record made before the first sign-in has them empty; the sign-in fills them in.
OWNER_FIELDS: dict[str, tuple[str, ...]] = {
    "company": ("responsible_user_id",),
    "visit": ("consultant_id",),
    "follow_up": ("assignee_id",),
}


@dataclass(frozen=True)
class Mutation:
    """One pending outbox entry as the push sends it (the id is the local, unshifted one)."""

    mutation_id: int
    entity: str
    entity_id: str
    op: str
    base_version: int
    fields: dict[str, Any]


def _json_default(value: object) -> str:
    if isinstance(value, datetime | date):
        return value.isoformat()
    raise TypeError(type(value))


def append(session: Session, entity: str, record_id: str, op: str, base_version: int, fields: dict[str, Any]) -> None:
    """Queue one change (wire-form ``fields``) in the caller's transaction."""
    payload = json.dumps(fields, ensure_ascii=False, default=_json_default)
    session.add(OutboxEntry(entity=entity, entity_id=record_id, op=op, base_version=base_version, fields=payload))


def has_unsent(session: Session) -> bool:
    """True if the outbox holds a change not yet accepted by the server (one indexed lookup).

    Every sync asks twice; on the DB-API cursor it costs a tenth of the ORM's statement handling.
    """
    session.flush()  # entries added in this transaction count, as the ORM's autoflush had them count
    found = raw_cursor(session).execute(_ANY_PENDING, (PENDING,)).fetchone()
    return found is not None


def pending_count(session: Session) -> int:
    """How many local changes have not reached the server yet."""
    return session.execute(
        select(func.count()).select_from(OutboxEntry).where(OutboxEntry.state == PENDING)
    ).scalar_one()


def unsent_ids(session: Session) -> set[str]:
    """Ids of records with a change the server has not accepted yet."""
    return set(session.scalars(select(OutboxEntry.entity_id).where(OutboxEntry.state == PENDING)))


def was_refused(session: Session, record_id: str) -> bool:
    """True if the server refused a change of this record (the entry is kept with the reason)."""
    return session.scalar(select(OutboxEntry.mutation_id).where(
        OutboxEntry.entity_id == record_id, OutboxEntry.state == REJECTED).limit(1)) is not None


def pending_batch(session: Session, limit: int, after: int = 0) -> list[Mutation]:
    """The oldest ``limit`` pending changes after mutation id ``after``, in mutation-id order (the order the
    server must see them). ``after`` lets the push read the next batch while the previous one is in flight."""
    rows = session.execute(
        select(OutboxEntry.mutation_id, OutboxEntry.entity, OutboxEntry.entity_id, OutboxEntry.op,
               OutboxEntry.base_version, OutboxEntry.fields)
        .where(OutboxEntry.state == PENDING, OutboxEntry.mutation_id > after)
        .order_by(OutboxEntry.mutation_id).limit(limit)
    )
    # Plain rows and orjson: a push of 10,000 offline changes reads each entry once, the ORM was most of it.
    return [Mutation(mutation_id, entity, entity_id, op, base_version, orjson.loads(fields))
            for mutation_id, entity, entity_id, op, base_version, fields in rows]


def pending_fields(session: Session, ids: Iterable[str]) -> dict[str, set[str]]:
    """For each id with unsent local changes: the fields they touch (:data:`ALL_FIELDS` = a delete)."""
    out: dict[str, set[str]] = defaultdict(set)
    if not has_unsent(session):
        return out  # nothing unsent (a first sync): no need to look each id up
    id_list = list(ids)
    for start in range(0, len(id_list), _CHUNK):
        rows = session.execute(
            select(OutboxEntry.entity_id, OutboxEntry.op, OutboxEntry.fields).where(
                OutboxEntry.state == PENDING, OutboxEntry.entity_id.in_(id_list[start : start + _CHUNK])
            )
        )
        for entity_id, op, fields in rows:
            out[entity_id] |= {ALL_FIELDS} if op == "delete" else set(json.loads(fields))
    return out


def settle(session: Session, applied: list[int], rejected: dict[int, str]) -> None:
    """The server answered: applied entries leave the outbox, refused ones stay with the reason."""
    for mutation_id, reason in rejected.items():
        session.execute(
            update(OutboxEntry)
            .where(OutboxEntry.mutation_id == mutation_id)
            .values(state=REJECTED, last_error=reason, attempts=OutboxEntry.attempts + 1)
        )
    if applied:  # one statement for the whole answer (SQLAlchemy bound an IN list of 500 per chunk, id by id)
        raw_cursor(session).execute(_DELETE_APPLIED, (orjson.dumps(applied).decode(),))


_DELETE_APPLIED = f"DELETE FROM {OutboxEntry.__tablename__} WHERE mutation_id IN (SELECT value FROM json_each(?))"


def claim_for(session: Session, team_id: str | None, user_id: str | None) -> int:
    """Give records made before the first sign-in to the user who signed in; returns how many entries changed.

    Work done offline on a fresh install has no team and no consultant: the
    first sign-in (and every push until they are sent) stamps the user's
    team and the owner fields (:data:`OWNER_FIELDS`) that are still empty, on
    the row and in its unsent creation entries, so the visit is the
    consultant's own on I dag, in "Mine" and in the supervisor's queue.
    """
    if not team_id and not user_id:
        return 0
    changed = 0
    for mutation_id in _unclaimed(session, team_id, user_id):
        entry = session.get(OutboxEntry, mutation_id)
        assert entry is not None
        model = MODELS.get(entry.entity)
        row = session.get(model, entry.entity_id) if model is not None else None
        fields = json.loads(entry.fields)
        stamped = dict(fields)
        if team_id and not fields.get("team_id"):
            if row is not None and row.team_id is None:
                row.team_id = team_id
            stamped["team_id"] = row.team_id if row is not None and row.team_id else team_id
        for name in OWNER_FIELDS.get(entry.entity, ()) if user_id else ():
            if row is not None and getattr(row, name) is None:
                setattr(row, name, user_id)
                stamped[name] = user_id
            elif row is None and not fields.get(name):
                stamped[name] = user_id
        if row is not None and row.created_by is None and user_id:
            row.created_by = user_id
        if stamped != fields:
            entry.fields = json.dumps(stamped, ensure_ascii=False)
            changed += 1
    return changed


def _unclaimed(session: Session, team_id: str | None, user_id: str | None) -> list[int]:
    """Pending creations that :func:`claim_for` may have to stamp, in mutation-id order.

    Every push asks, and after the first sign-in nearly every entry is stamped
    already. SQLite finds the candidates itself: entries whose own team or owner
    field may be empty (``json_extract``; each is checked again in Python, which
    decides what empty means), and, with one join per entity that has pending
    creations, entries whose row still lacks its author or owner. A push of
    10,000 offline changes then reads no entry's fields into Python (it parsed
    all of them, 36-60 ms, before the first batch could go).
    """
    found: set[int] = set()
    candidates = _candidates(bool(team_id), bool(user_id))
    if candidates is not None:
        for mutation_id, entity, payload in session.connection().execute(candidates):
            fields = orjson.loads(payload)
            owners = OWNER_FIELDS.get(entity, ()) if user_id else ()
            if (team_id and not fields.get("team_id")) or any(not fields.get(name) for name in owners):
                found.add(mutation_id)
    if user_id:  # rows still lacking their author or owner (without a user to stamp, none is looked for)
        for entity in session.scalars(select(OutboxEntry.entity).distinct().where(*_PENDING_CREATION)).all():
            query = _ROWS_UNCLAIMED.get(entity)
            if query is not None:
                found.update(session.scalars(query))
    return sorted(found)


# An unsent creation (what claim_for may stamp).
_PENDING_CREATION = (OutboxEntry.state == PENDING, OutboxEntry.base_version == 0, OutboxEntry.op == "upsert")


def _maybe_empty(name: str) -> Any:
    """SQL: the entry's field ``name`` may be empty for Python (missing, null, "", 0, false, [] or {}).

    A superset of Python's falsy values as ``json_extract`` gives them; Python checks each candidate again.
    """
    value = func.coalesce(func.json_extract(OutboxEntry.fields, f"$.{name}"), "")
    return value.in_(["", 0, "[]", "{}"])


@functools.cache
def _candidates(team: bool, user: bool) -> Any:
    """The SELECT of pending creations whose team (``team``) or owner fields (``user``) may be empty.

    Built once per pair (every push asks); None when there is nothing to stamp with."""
    conditions = [_maybe_empty("team_id")] if team else []
    for entity, names in OWNER_FIELDS.items() if user else ():
        conditions.append((OutboxEntry.entity == entity) & or_(*(_maybe_empty(name) for name in names)))
    if not conditions:
        return None
    return (select(OutboxEntry.mutation_id, OutboxEntry.entity, OutboxEntry.fields)
            .where(*_PENDING_CREATION, or_(*conditions)))


# Per entity: its pending creations whose row has no author or owner yet (one join each).
_ROWS_UNCLAIMED = {
    entity: select(OutboxEntry.mutation_id).join(model, model.id == OutboxEntry.entity_id).where(
        *_PENDING_CREATION, OutboxEntry.entity == entity,
        or_(model.created_by.is_(None), *(getattr(model, name).is_(None) for name in OWNER_FIELDS.get(entity, ()))))
    for entity, model in MODELS.items()
}


def forget_settled(session: Session, ids: list[str]) -> None:
    """Drop the refused entries of records that are being removed (their pending ones stay)."""
    for start in range(0, len(ids), _CHUNK):
        chunk = ids[start : start + _CHUNK]
        session.execute(delete(OutboxEntry).where(OutboxEntry.entity_id.in_(chunk), OutboxEntry.state != PENDING))


def clear(session: Session) -> None:
    """Empty the outbox (this device's access was revoked)."""
    session.execute(delete(OutboxEntry))

