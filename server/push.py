"""Apply a device's pushed mutations (DESIGN.md §4 push, SYNC.md §6 items 3-13).

The whole batch runs in one transaction that also advances the device's
``last_mutation_id``: a replay of the batch (once, or twenty times in
parallel) finds every id already applied and changes nothing. A mutation
that is refused for good (bad data, no permission, approved visit) is
reported and skipped; the mutations after it still apply.
"""

from __future__ import annotations

import json
import uuid
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import Connection, insert, select, update

from desktop.domain.errors import MESSAGES, FieldError, ValidationError
from desktop.domain.protocol import APPLIED, OP_DELETE, OP_UPSERT, REJECTED
from desktop.domain.schema import CLIENT_WRITABLE_ENTITIES, ENTITIES, TEXT
from desktop.domain.validation import clean_fields, to_wire, validate_record
from server import reviews
from server.security import iso, utcnow
from server.store import Sequence, StatsDelta, audit, audit_rows
from server.tables import Device, Record, TeamExit

SYNC_META_FIELDS = ("team_id", "created_at", "updated_at", "created_by")


class Gap(Exception):
    """The batch does not continue where the device left off."""

    def __init__(self, expected: int) -> None:
        super().__init__(expected)
        self.expected = expected


class Refused(Exception):
    """One mutation is refused for good; ``code`` and ``message`` say why."""

    def __init__(self, code: str, message: str, errors: list[dict[str, Any]] | None = None) -> None:
        super().__init__(message)
        self.code = code
        self.message = message
        self.errors = errors


def _message(code: str) -> str:
    return MESSAGES.get(code, ("Afvist.", "Refused."))[0].format(label="Posten", field="")


@dataclass
class Loaded:
    """A record as the transaction currently sees it (loaded or created in this batch)."""

    id: str
    entity: str
    team_id: str
    version: int
    deleted: bool
    fields: dict[str, Any]
    meta: dict[str, list[Any]]
    review_state: str | None
    new: bool = False
    dirty: bool = False
    old_version: int | None = None  # version when loaded, for the checksum
    old_team: str | None = None
    old_deleted: bool = False


@dataclass
class PushContext:
    conn: Connection
    user_id: str
    device_id: str
    teams: set[str]
    seq: Sequence
    records: dict[str, Loaded] = field(default_factory=dict)
    audit: list[dict[str, Any]] = field(default_factory=list)
    exits: list[dict[str, Any]] = field(default_factory=list)
    stats: StatsDelta = field(default_factory=StatsDelta)
    now: str = field(default_factory=lambda: iso(utcnow()))

    @property
    def who(self) -> list[Any]:
        return [self.user_id, self.device_id]

    def load(self, ids: list[str]) -> None:
        """Read the records a batch touches (and ones they reference) in few queries."""
        missing = [i for i in dict.fromkeys(ids) if i not in self.records]
        for start in range(0, len(missing), 500):
            chunk = missing[start : start + 500]
            for row in self.conn.execute(select(Record).where(Record.id.in_(chunk))).mappings():
                self.records[row["id"]] = Loaded(
                    row["id"], row["entity"], row["team_id"], row["version"], row["deleted"],
                    json.loads(row["fields"]), json.loads(row["meta"] or "{}"), row["review_state"],
                    old_version=row["version"], old_team=row["team_id"], old_deleted=row["deleted"],
                )

    def get(self, record_id: str) -> Loaded | None:
        if record_id not in self.records:
            self.load([record_id])
        return self.records.get(record_id)

    def touch(self, record: Loaded) -> int:
        """Give a changed record the next sequence number."""
        record.version = self.seq.next()
        record.dirty = True
        record.fields["updated_at"] = self.now
        return record.version

    def create(self, entity: str, team_id: str, fields: dict[str, Any], review_state: str | None = None) -> Loaded:
        """A new record (its id chosen here) written by the server itself."""
        record = Loaded(
            str(uuid.uuid4()), entity, team_id, 0, False,
            {**fields, "team_id": team_id, "created_at": self.now, "created_by": self.user_id},
            {}, review_state, new=True,
        )
        self.records[record.id] = record
        self.touch(record)
        return record


def lock_device(conn: Connection, user_id: str, device_id: str) -> int:
    """Lock (creating if needed) the device row and return its last mutation id."""
    query = select(Device.last_mutation_id).where(Device.user_id == user_id, Device.device_id == device_id)
    if conn.dialect.name == "postgresql":
        query = query.with_for_update()
    last = conn.execute(query).scalar()
    if last is None:
        if conn.dialect.name == "postgresql":
            from sqlalchemy.dialects.postgresql import insert as pg_insert

            conn.execute(
                pg_insert(Device).values(user_id=user_id, device_id=device_id, last_mutation_id=0)
                .on_conflict_do_nothing()
            )
            last = conn.execute(query).scalar()
        else:
            conn.execute(insert(Device).values(user_id=user_id, device_id=device_id, last_mutation_id=0))
            last = 0
    return int(last)


def apply_push(
    conn: Connection, user_id: str, device_id: str, teams: set[str], mutations: list[dict[str, Any]]
) -> tuple[list[dict[str, Any]], int]:
    """Apply a batch; return per-mutation results and the new last mutation id.

    Raises :class:`Gap` (nothing applied) when the batch skips ids.
    """
    last = lock_device(conn, user_id, device_id)
    results: list[dict[str, Any]] = []
    fresh = []
    expected = last + 1
    for m in mutations:
        if m["mutation_id"] <= last:
            results.append({"mutation_id": m["mutation_id"], "status": APPLIED, "reason": None, "errors": None,
                            "version": None})
            continue
        if m["mutation_id"] != expected:
            raise Gap(last + 1)
        expected += 1
        fresh.append(m)
    if not fresh:
        return results, last
    ctx = PushContext(conn, user_id, device_id, teams, Sequence(conn))
    ctx.load([m["id"] for m in fresh])
    for m in fresh:
        try:
            version = apply_one(ctx, m)
            results.append({"mutation_id": m["mutation_id"], "status": APPLIED, "reason": None, "errors": None,
                            "version": version})
            ctx.audit.append(audit(user_id, m["op"], device_id=device_id, entity=m["entity"], entity_id=m["id"],
                                   detail=sorted(m.get("fields") or {})))
        except Refused as refused:
            results.append({"mutation_id": m["mutation_id"], "status": REJECTED, "reason": refused.message,
                            "errors": refused.errors, "version": None, "code": refused.code})
            ctx.audit.append(audit(user_id, f"refused:{refused.code}", device_id=device_id, entity=m["entity"],
                                   entity_id=m["id"], detail=refused.message))
    write_changes(ctx)
    new_last = fresh[-1]["mutation_id"]
    conn.execute(
        update(Device)
        .where(Device.user_id == user_id, Device.device_id == device_id)
        .values(last_mutation_id=new_last, last_seen=utcnow())
    )
    return results, new_last


def _changed_by_other(ctx: PushContext, record: Loaded, base_version: int, names: list[str] | None = None) -> bool:
    for name, (seq, user, device) in record.meta.items():
        if (names is None or name in names) and seq > base_version and [user, device] != ctx.who:
            return True
    return False


def _text(value: Any) -> str | None:
    return value if value is None or isinstance(value, str) else json.dumps(value, ensure_ascii=False)


def _conflict(ctx: PushContext, record: Loaded, name: str, kept: Any, lost: Any, lost_by: str | None) -> None:
    ctx.create("conflict", record.team_id, {
        "entity": record.entity, "record_id": record.id, "field": name, "kept_value": _text(kept),
        "lost_value": _text(lost), "kept_by": ctx.user_id, "lost_by": lost_by, "resolved": False,
    })


def _check_refs(ctx: PushContext, entity: str, fields: dict[str, Any], team_id: str) -> None:
    spec = ENTITIES[entity]
    refs = [(f.name, fields.get(f.name)) for f in spec.fields if f.ref and fields.get(f.name)]
    if entity == "follow_up" and fields.get("subject_id"):
        refs.append(("subject_id", fields["subject_id"]))
    for name, target_id in refs:
        target = ctx.get(target_id)
        if target is None or target.deleted or target.team_id != team_id:
            fspec = spec.field_map[name]
            error = FieldError(name, "not_found", fspec.label_da, fspec.label_en)
            raise Refused("not_found", error.message("da"), [error.to_wire()])


def _clean(entity: str, fields: dict[str, Any]) -> dict[str, Any]:
    try:
        return to_wire(entity, clean_fields(entity, fields))
    except ValidationError as exc:
        raise Refused("invalid", exc.message("da"), exc.to_wire()) from None


def _validate(entity: str, record: dict[str, Any]) -> None:
    try:
        validate_record(entity, record)
    except ValidationError as exc:
        raise Refused("invalid", exc.message("da"), exc.to_wire()) from None


def apply_one(ctx: PushContext, m: dict[str, Any]) -> int | None:
    """Apply one mutation; return the record's new version, or raise Refused."""
    entity, op = m.get("entity"), m.get("op")
    if entity not in ENTITIES:
        raise Refused("unknown_entity", f"Ukendt type: {entity}.")
    if entity not in CLIENT_WRITABLE_ENTITIES:
        raise Refused("not_allowed", _message("not_allowed"))
    if op not in (OP_UPSERT, OP_DELETE):
        raise Refused("bad_op", f"Ukendt handling: {op}.")
    record = ctx.get(m["id"])
    if record is not None and record.entity != entity:
        raise Refused("wrong_entity", "Id'et tilhører en anden type post.")
    if record is not None and record.team_id not in ctx.teams:
        raise Refused("not_allowed", _message("not_allowed"))
    if entity == "visit" and record is not None and record.review_state == "approved":
        raise Refused("approved_locked", _message("approved_locked"))
    base = int(m.get("base_version") or 0)
    if op == OP_DELETE:
        return _delete(ctx, record, base)
    fields = dict(m.get("fields") or {})
    team_id = fields.pop("team_id", None)
    for name in SYNC_META_FIELDS:
        fields.pop(name, None)
    if entity == "conflict":
        return _resolve_conflict(ctx, record, fields)
    if record is None:
        return _create(ctx, m["id"], entity, team_id, fields)
    if record.deleted:
        # Keep the text the user typed: it lost to the delete, but it is not thrown away.
        spec = ENTITIES[entity].field_map
        for name, value in fields.items():
            if value not in (None, "") and name in spec and spec[name].kind == TEXT:
                _conflict(ctx, record, name, None, value, ctx.user_id)
        raise Refused("deleted", "Posten er slettet på serveren; din ændring er gemt som en konflikt.")
    return _update(ctx, record, team_id, fields, base)


def _delete(ctx: PushContext, record: Loaded | None, base: int) -> int | None:
    if record is None or record.deleted:
        return record.version if record else None
    if _changed_by_other(ctx, record, base):
        raise Refused("edited_meanwhile", "Posten er ændret af en anden, siden du så den. Den er ikke slettet.")
    record.deleted = True
    return ctx.touch(record)


def _create(ctx: PushContext, record_id: str, entity: str, team_id: str | None, fields: dict[str, Any]) -> int:
    if not team_id or team_id not in ctx.teams:
        raise Refused("not_allowed", _message("not_allowed"))
    clean = _clean(entity, {**ENTITIES[entity].defaults(), **fields})
    _validate(entity, clean)
    _check_refs(ctx, entity, clean, team_id)
    try:
        uuid.UUID(record_id)
    except ValueError:
        raise Refused("bad_id", "Ugyldigt id.") from None
    record = Loaded(record_id, entity, team_id, 0, False,
                    {**clean, "team_id": team_id, "created_at": ctx.now, "created_by": ctx.user_id},
                    {}, None, new=True)
    ctx.records[record_id] = record
    version = ctx.touch(record)
    record.meta = {name: [version, *ctx.who] for name in clean}
    if entity == "visit":
        reviews.after_visit_write(ctx, record, was_ready=False)
    return version


def _update(ctx: PushContext, record: Loaded, team_id: str | None, fields: dict[str, Any], base: int) -> int:
    entity = record.entity
    clean = _clean(entity, fields)
    merged = {**record.fields, **clean}
    _validate(entity, merged)
    new_team = team_id if team_id and team_id != record.team_id else None
    if new_team and new_team not in ctx.teams:
        raise Refused("not_allowed", _message("not_allowed"))
    _check_refs(ctx, entity, {k: v for k, v in merged.items() if k in clean}, new_team or record.team_id)
    changed = [name for name, value in clean.items() if record.fields.get(name) != value]
    if not changed and not new_team:
        return record.version
    was_ready = record.fields.get("status") == "ready"
    for name in changed:
        seq, user, device = record.meta.get(name, [0, None, None])
        if seq > base and [user, device] != ctx.who:
            _conflict(ctx, record, name, clean[name], record.fields.get(name), user)
    record.fields.update({name: clean[name] for name in changed})
    if new_team:
        ctx.exits.append({"entity": entity, "record_id": record.id, "old_team_id": record.team_id})
        record.team_id = new_team
        record.fields["team_id"] = new_team
    version = ctx.touch(record)
    for name in changed:
        record.meta[name] = [version, *ctx.who]
    if new_team:
        ctx.exits[-1]["seq"] = version
    if entity == "visit":
        reviews.after_visit_write(ctx, record, was_ready=was_ready)
    return version


def _resolve_conflict(ctx: PushContext, record: Loaded | None, fields: dict[str, Any]) -> int:
    if record is None or record.deleted:
        raise Refused("not_found", "Konflikten findes ikke.")
    if set(fields) - {"resolved"}:
        raise Refused("not_allowed", "Kun 'løst' kan ændres på en konflikt.")
    resolved = bool(fields.get("resolved"))
    if record.fields.get("resolved") == resolved:
        return record.version
    record.fields["resolved"] = resolved
    return ctx.touch(record)


def write_changes(ctx: PushContext) -> None:
    """Write every record the batch changed, the exits, stats, audit and the sequence."""
    inserts, updates = [], []
    for record in ctx.records.values():
        if not record.dirty:
            continue
        if not record.new and not record.old_deleted and record.old_version is not None:
            ctx.stats.remove(record.old_team or record.team_id, record.entity, record.id, record.old_version)
        if not record.deleted:
            ctx.stats.add(record.team_id, record.entity, record.id, record.version)
        row = {
            "id": record.id, "entity": record.entity, "team_id": record.team_id, "version": record.version,
            "deleted": record.deleted, "deleted_at": utcnow() if record.deleted else None,
            "fields": json.dumps(record.fields, ensure_ascii=False, separators=(",", ":")),
            "meta": json.dumps(record.meta, separators=(",", ":")), "review_state": record.review_state,
        }
        (inserts if record.new else updates).append(row)
    if inserts:
        ctx.conn.execute(insert(Record), inserts)
    for row in updates:
        ctx.conn.execute(update(Record).where(Record.id == row["id"]).values(**row))
    if ctx.exits:
        ctx.conn.execute(insert(TeamExit), ctx.exits)
    ctx.stats.save(ctx.conn)
    ctx.seq.save()
    audit_rows(ctx.conn, ctx.audit)
