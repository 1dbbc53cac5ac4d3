"""Apply a device's pushed mutations (DESIGN.md §4 push, SYNC.md §6 items 3-13).

The whole batch runs in one transaction that also advances the device's
``last_mutation_id``: a replay of the batch (once, or twenty times in
parallel) finds every id already applied and changes nothing. A mutation
that is refused for good (bad data, no permission, approved visit) is
reported and skipped; the mutations after it still apply.

Merge rule (field level, server-arrival order): the arriving value wins. When
the field was changed since the mutation's ``base_version`` by another
(user, device) and the values differ, the losing value is kept in a
``conflict`` record that both sides pull and can mark resolved.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

from sqlalchemy import Connection, insert, select, update

from desktop.domain.errors import MESSAGES, FieldError, ValidationError
from desktop.domain.protocol import APPLIED, OP_DELETE, OP_UPSERT, REJECTED
from desktop.domain.schema import CLIENT_WRITABLE_ENTITIES, ENTITIES, TEXT
from desktop.domain.validation import clean_wire, validate_record
from server import companies, reviews
from server.hostile_input import encodable, safe_text
from server.security import utcnow
from server.store import Sequence, audit
from server.tables import Device, Membership
from server.writes import Loaded, WriteContext, dumps, write_changes

PushContext = WriteContext  # the name the review route knew it by
SYNC_META_FIELDS = ("team_id", "created_at", "updated_at", "created_by")
# Ref fields per entity (follow_up.subject_id points at the entity named by subject_kind).
_REF_FIELDS = {name: [f.name for f in spec.fields if f.ref] + (["subject_id"] if name == "follow_up" else [])
               for name, spec in ENTITIES.items()}
_ALL_FIELDS = {name: tuple(f.name for f in spec.fields) for name, spec in ENTITIES.items()}
# Field names an audit row may name per entity (the schema's and the sync columns), as sets for the look-up.
_KNOWN_NAMES = {name: frozenset(fields) | frozenset(SYNC_META_FIELDS) for name, fields in _ALL_FIELDS.items()}
_DEFAULTS = {name: spec.defaults() for name, spec in ENTITIES.items()}  # copied into each new record
# Fields that name a user: the user must be in the record's team (checked when the value is set).
_USER_FIELDS = {"company": ("responsible_user_id",), "visit": ("consultant_id",), "follow_up": ("assignee_id",)}
MAX_ERRORS = 20  # field errors listed per refused mutation
MAX_BATCH_ERRORS = 1_000  # field errors listed in one push's answer (the codes and reasons are always there)
MAX_REASON = 300  # characters of a refusal's reason


_CANONICAL_ID = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")


def canonical_id(value: Any) -> bool:
    """True only for a UUID in its canonical lower-case form (what the app and the server make).

    The same set as ``str(uuid.UUID(value)) == value``, checked without building a UUID (twice per
    mutation in a push).
    """
    return isinstance(value, str) and _CANONICAL_ID.fullmatch(value) is not None


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


def message(code: str) -> str:
    """The Danish message of a domain error code (for refusals without a field)."""
    return MESSAGES.get(code, ("Afvist.", "Refused."))[0].format(label="Posten", field="")


def lock_device(conn: Connection, user_id: str, device_id: str) -> int:
    """Lock (creating if needed) the device row and return its last mutation id."""
    query = select(Device.last_mutation_id).where(Device.user_id == user_id, Device.device_id == device_id)
    postgres = conn.dialect.name == "postgresql"
    if postgres:
        query = query.with_for_update()
    last = conn.execute(query).scalar()
    if last is None:
        if postgres:
            from sqlalchemy.dialects.postgresql import insert as pg_insert

            conn.execute(pg_insert(Device).values(user_id=user_id, device_id=device_id, last_mutation_id=0)
                         .on_conflict_do_nothing())
            last = conn.execute(query).scalar()
        else:  # the IMMEDIATE transaction already holds SQLite's write lock
            conn.execute(insert(Device).values(user_id=user_id, device_id=device_id, last_mutation_id=0))
            last = 0
    return int(last or 0)


def _result(m: dict[str, Any], version: int | None = None, refused: Refused | None = None) -> dict[str, Any]:
    if refused is None:
        return {"mutation_id": m["mutation_id"], "status": APPLIED, "reason": None, "code": None, "errors": None,
                "version": version}
    return {"mutation_id": m["mutation_id"], "status": REJECTED, "reason": refused.message, "code": refused.code,
            "errors": refused.errors, "version": None}


def apply_push(
    conn: Connection, user_id: str, device_id: str, teams: set[str], mutations: list[dict[str, Any]],
    *, supervisor: bool = False, screen: Callable[[dict[str, Any]], None] | None = None,
) -> tuple[list[dict[str, Any]], int]:
    """Apply a batch; return per-mutation results and the new last mutation id.

    ``supervisor``: the pusher may name another consultant as a visit's author.
    ``screen``: a check each new mutation passes first (raising :class:`Refused`), e.g. the CPR guard.
    Raises :class:`Gap` (nothing applied) when the batch skips ids.
    """
    last = lock_device(conn, user_id, device_id)
    results: list[dict[str, Any]] = []
    fresh: list[dict[str, Any]] = []
    expected = last + 1
    for m in mutations:
        if m["mutation_id"] <= last and not fresh:
            results.append(_result(m))  # seen before: a replay, skipped
            continue
        if m["mutation_id"] != expected:
            raise Gap(last + 1)
        expected += 1
        fresh.append(m)
    if not fresh:
        return results, last
    new_last = fresh[-1]["mutation_id"]
    # The device row is locked already; writing it before taking the sequence lock keeps one
    # round trip out of the section every push in every worker waits for.
    conn.execute(update(Device).where(Device.user_id == user_id, Device.device_id == device_id)
                 .values(last_mutation_id=new_last, last_seen=utcnow()))
    ctx = WriteContext(conn, user_id, device_id, teams, Sequence(conn), supervisor=supervisor)
    ctx.load([m["id"] for m in fresh if canonical_id(m["id"])] + _referenced_ids(fresh))
    companies.prefetch_cvrs(ctx, fresh)
    budget = MAX_BATCH_ERRORS
    for m in fresh:
        # The audit log keeps who, what, when and ids: never a text the client sent (a name it does
        # not know, a refusal quoting one), so an erasure never has to hunt for it there.
        entity = m["entity"] if m["entity"] in ENTITIES else None
        record_id = m["id"] if canonical_id(m["id"]) else None
        try:
            if screen is not None:
                screen(m)
            version = apply_one(ctx, m)
        except Refused as refused:
            if refused.errors:
                refused.errors = refused.errors[:budget] or None
                budget -= len(refused.errors or ())
            results.append(_result(m, refused=refused))
            ctx.audit.append(audit(user_id, f"refused:{refused.code}", device_id=device_id, entity=entity,
                                   entity_id=record_id))
        else:
            results.append(_result(m, version))
            ctx.audit.append(audit(user_id, m["op"], device_id=device_id, entity=entity, entity_id=record_id,
                                   detail=_detail(entity, m.get("fields") or {})))
    write_changes(ctx)
    return results, new_last


def _known_names(entity: str | None, fields: dict[str, Any]) -> list[str]:
    names = _KNOWN_NAMES.get(entity or "")
    if names is None:
        return [name for name in fields if name in SYNC_META_FIELDS]
    return [name for name in fields if name in names]


_DETAILS: dict[tuple[str | None, tuple[str, ...]], str] = {}  # (entity, field names) -> an audit row's detail
_MAX_DETAILS = 512  # distinct sets kept; a push of hostile names cannot grow it further


def _detail(entity: str | None, fields: dict[str, Any]) -> str:
    """An applied mutation's audit detail: the sorted known field names it set, as JSON.

    The same few sets of names come again and again (every new company of a push sends the same
    keys), so the text is kept per set instead of being sorted and dumped per mutation.
    """
    key = (entity, tuple(fields))
    text = _DETAILS.get(key)
    if text is None:
        text = dumps(sorted(_known_names(entity, fields)))
        if len(_DETAILS) >= _MAX_DETAILS:
            _DETAILS.clear()
        _DETAILS[key] = text
    return text


def _referenced_ids(mutations: list[dict[str, Any]]) -> list[str]:
    """Ids the batch's fields point at, so they are read together with the records."""
    out: list[str] = []
    for m in mutations:
        fields = m.get("fields") or {}
        for name in _REF_FIELDS.get(str(m.get("entity")), ()):
            value = fields.get(name)
            if canonical_id(value):
                out.append(str(value))
    return out


def _text(value: Any) -> str | None:
    return value if value is None or isinstance(value, str) else dumps(value)


def _conflict(ctx: WriteContext, record: Loaded, name: str, kept: Any, lost: Any, lost_by: str | None) -> None:
    ctx.create("conflict", record.team_id, {
        "entity": record.entity, "record_id": record.id, "field": name, "kept_value": _text(kept),
        "lost_value": _text(lost), "kept_by": ctx.user_id, "lost_by": lost_by, "resolved": False,
    })


def _check_refs(ctx: WriteContext, entity: str, record: dict[str, Any], team_id: str,
                names: Any = None) -> None:
    """Referenced records must exist, be alive, be of the right entity and be in the same team."""
    spec = ENTITIES[entity]
    for name in _REF_FIELDS[entity]:
        target_id = record.get(name)
        if not target_id or (names is not None and name not in names):
            continue
        target = ctx.get(target_id)
        wanted = record.get("subject_kind") if name == "subject_id" else spec.field_map[name].ref
        if target is None or target.deleted or target.team_id != team_id or target.entity != wanted:
            fspec = spec.field_map[name]
            error = FieldError(name, "not_found", fspec.label_da, fspec.label_en)
            raise Refused("not_found", error.message("da"), [error.to_wire()])


def _invalid(exc: ValidationError) -> Refused:
    """A refusal for field errors, short and safe to encode whatever names and values it quotes."""
    errors = [{key: safe_text(value, 200) if isinstance(value, str) else value for key, value in e.items()}
              for e in exc.to_wire()[:MAX_ERRORS]]
    return Refused("invalid", safe_text(exc.message("da"), MAX_REASON), errors)


def _clean(entity: str, fields: dict[str, Any]) -> dict[str, Any]:
    try:
        clean = clean_wire(entity, fields)
    except ValidationError as exc:
        raise _invalid(exc) from None
    spec = ENTITIES[entity].field_map
    texts = [value for value in clean.values() if isinstance(value, str)]
    # One check of all the texts together (each has its own only when one of them fails).
    bad = [] if encodable("".join(texts)) else \
        [name for name, value in clean.items() if isinstance(value, str) and not encodable(value)]
    if bad:  # a lone surrogate: no database stores it, no JSON encoder writes it
        errors = [FieldError(name, "invalid", spec[name].label_da, spec[name].label_en) for name in bad]
        raise Refused("invalid", "Teksten indeholder et ugyldigt tegn.",
                      [{**e.to_wire(), "message": "Teksten indeholder et ugyldigt tegn."} for e in errors])
    return clean


def _validate(entity: str, record: dict[str, Any]) -> None:
    try:
        validate_record(entity, record)
    except ValidationError as exc:
        raise _invalid(exc) from None


def _team_members(ctx: WriteContext, team_id: str) -> set[str]:
    if team_id not in ctx.members:
        ctx.members[team_id] = set(ctx.conn.execute(
            select(Membership.user_id).where(Membership.team_id == team_id)).scalars())
    return ctx.members[team_id]


def _check_people(ctx: WriteContext, entity: str, clean: dict[str, Any], team_id: str,
                  record: Loaded | None = None) -> None:
    """A visit's author is the consultant who pushes it (a supervisor may name another); a user named in
    a record (author, assignee, responsible) must be in the record's team. Checked where the value is set."""
    if entity == "visit" and not ctx.supervisor:
        if record is None:
            clean["consultant_id"] = ctx.user_id
        elif "consultant_id" in clean and clean["consultant_id"] != record.fields.get("consultant_id"):
            fspec = ENTITIES[entity].field_map["consultant_id"]
            error = FieldError("consultant_id", "not_allowed", fspec.label_da, fspec.label_en)
            raise Refused("not_allowed", "Kun en leder kan ændre, hvilken konsulent et besøg er skrevet af.",
                          [{**error.to_wire(), "message": "Kun en leder kan ændre besøgets konsulent."}])
    for name in _USER_FIELDS.get(entity, ()):
        value = clean.get(name)
        if value is None or (record is not None and record.fields.get(name) == value):
            continue
        if value not in _team_members(ctx, team_id):
            fspec = ENTITIES[entity].field_map[name]
            error = FieldError(name, "not_found", fspec.label_da, fspec.label_en)
            raise Refused("not_found", error.message("da"), [error.to_wire()])


def apply_one(ctx: WriteContext, m: dict[str, Any]) -> int | None:
    """Apply one mutation; return the record's new version, or raise Refused."""
    entity, op = m.get("entity"), m.get("op")
    if entity not in ENTITIES:
        raise Refused("unknown_entity", "Ukendt type.")
    if entity not in CLIENT_WRITABLE_ENTITIES:
        raise Refused("not_allowed", message("not_allowed"))
    if op not in (OP_UPSERT, OP_DELETE):
        raise Refused("bad_op", "Ukendt handling.")
    if not canonical_id(m["id"]):  # UUIDs made by the app (desktop/domain/ids.py): anything else is refused
        raise Refused("bad_id", "Ugyldigt id.")
    record = ctx.get(m["id"])
    # Another team's record answers as an unknown id would, whatever entity is named with it.
    moved_away = False
    if record is not None and record.team_id not in ctx.teams:
        # An edit made before the laptop heard that the record moved (with its company) to another team
        # still lands on it there; anything else of another team answers as an unknown id would.
        moved_away = m.get("op") == OP_UPSERT and companies.moved_from(
            ctx, record.id, ctx.teams, after=int(m.get("base_version") or 0))
        if not moved_away:
            raise Refused("not_allowed", message("not_allowed"))
    if record is not None and record.entity != entity:
        raise Refused("wrong_entity", "Id'et tilhører en anden type post.")
    if entity == "visit" and record is not None and record.review_state == "approved":
        raise Refused("approved_locked", message("approved_locked"))
    base = int(m.get("base_version") or 0)
    if entity == "conflict":
        return _resolve_conflict(ctx, record, op, m.get("fields") or {})
    if op == OP_DELETE:
        return _delete(ctx, record, base)
    fields = dict(m.get("fields") or {})
    team_id = fields.pop("team_id", None)
    if team_id is not None and not isinstance(team_id, str):
        raise Refused("not_allowed", message("not_allowed"))
    for name in SYNC_META_FIELDS:
        fields.pop(name, None)
    if record is None:
        return _create(ctx, m["id"], entity, team_id, fields)
    if moved_away:
        team_id = None  # it stays where its company is
    if record.deleted and entity == "company" and (survivor := companies.survivor_of(ctx, record.id)):
        # The company was merged into another (same CVR): the edit goes to the survivor, by the usual rules.
        target = ctx.get(survivor)
        if target is not None and not target.deleted and target.team_id in ctx.teams:
            return _update(ctx, target, None, fields, 0)
    if record.deleted:
        _keep_text_lost_to_delete(ctx, record, fields)
        raise Refused("deleted", "Posten er slettet på serveren; din ændring er gemt som en konflikt.")
    return _update(ctx, record, team_id, fields, base)


def _keep_text_lost_to_delete(ctx: WriteContext, record: Loaded, fields: dict[str, Any]) -> None:
    """An edit of a tombstone is refused, but the text typed is kept as conflict records."""
    clean = _clean(record.entity, fields)
    spec = ENTITIES[record.entity].field_map
    for name, value in clean.items():
        if value is not None and spec[name].kind == TEXT and value != record.fields.get(name):
            _conflict(ctx, record, name, None, value, ctx.user_id)


def _changed_by_other(ctx: WriteContext, record: Loaded, base_version: int) -> bool:
    return any(seq > base_version and [user, device] != ctx.who for seq, user, device in record.meta.values())


def _delete(ctx: WriteContext, record: Loaded | None, base: int) -> int | None:
    if record is None or record.deleted:
        return record.version if record else None
    if _changed_by_other(ctx, record, base):
        raise Refused("edited_meanwhile", "Posten er ændret af en anden, siden du så den. Den er ikke slettet.")
    record.deleted = True
    return ctx.touch(record)


def _create(ctx: WriteContext, record_id: str, entity: str, team_id: str | None, fields: dict[str, Any]) -> int:
    if not team_id or team_id not in ctx.teams:
        raise Refused("not_allowed", message("not_allowed"))
    clean = _clean(entity, {**_DEFAULTS[entity], **fields})
    companies.redirect_refs(ctx, entity, clean, clean.get("subject_kind"))
    _check_people(ctx, entity, clean, team_id)
    _validate(entity, clean)
    # Written for a company that has moved to another team since (the laptop had not heard): it goes there.
    written_in, team_id = team_id, companies.team_moved_to(ctx, entity, clean, team_id)
    _check_refs(ctx, entity, clean, team_id)
    names = _ALL_FIELDS[entity]
    full = dict.fromkeys(names)  # every field in the schema's order, None when not set
    full.update(clean)
    if len(full) != len(names):  # never: clean has the entity's own fields only (kept as it was, to be sure)
        full = {name: clean.get(name) for name in names}
    if entity == "company" and (survivor := companies.cvr_holder(ctx, team_id, full.get("cvr"), record_id)):
        return companies.merge_new(ctx, record_id, team_id, full, survivor)
    record = ctx.add(record_id, entity, team_id, full, changed=[name for name in full if name in clean])
    if team_id != written_in:  # the laptops of the team it was written in pull a delete
        ctx.exits.append({"seq": record.version, "entity": entity, "record_id": record_id, "old_team_id": written_in})
    if entity == "visit":
        reviews.after_visit_write(ctx, record)
    return record.version


def _update(ctx: WriteContext, record: Loaded, team_id: str | None, fields: dict[str, Any], base: int) -> int:
    entity = record.entity
    clean = _clean(entity, fields)
    companies.redirect_refs(ctx, entity, clean, clean.get("subject_kind", record.fields.get("subject_kind")))
    merged = {**record.fields, **clean}
    _validate(entity, merged)
    new_team = team_id if team_id and team_id != record.team_id else None
    if new_team and new_team not in ctx.teams:
        raise Refused("not_allowed", message("not_allowed"))
    _check_people(ctx, entity, clean, new_team or record.team_id, record)
    # A move takes the record's references along: they must be in the new team too.
    _check_refs(ctx, entity, merged, new_team or record.team_id, None if new_team else clean)
    changed = [name for name, value in clean.items() if record.fields.get(name) != value]
    if not changed and not new_team:
        return record.version  # nothing new (e.g. a resend after a lost response)
    for name in changed:
        seq, user, device = record.meta.get(name, [0, None, None])
        if seq > base and [user, device] != ctx.who:
            _conflict(ctx, record, name, clean[name], record.fields.get(name), user)
    record.fields.update({name: clean[name] for name in changed})
    old_team = record.team_id
    if new_team:
        record.team_id = new_team
        record.fields["team_id"] = new_team
    version = ctx.touch(record)
    for name in changed:
        record.meta[name] = [version, *ctx.who]
    if new_team:
        ctx.exits.append({"seq": version, "entity": entity, "record_id": record.id, "old_team_id": old_team})
        if entity == "company":  # its visits, openings, mentors, contacts, follow-ups... move with it
            companies.carry_children(ctx, record, old_team)
    if entity == "company" and (new_team or "cvr" in changed):
        version = companies.check_cvr(ctx, record) or version
    if entity == "visit":
        reviews.after_visit_write(ctx, record)
    return version


def _resolve_conflict(ctx: WriteContext, record: Loaded | None, op: str, fields: dict[str, Any]) -> int:
    """A client may only mark a conflict resolved (or not)."""
    if record is None or record.deleted:
        raise Refused("not_found", "Konflikten findes ikke.")
    if op != OP_UPSERT or set(fields) - {"resolved", "team_id"} or fields.get("team_id", record.team_id) != \
            record.team_id:
        raise Refused("not_allowed", "Kun 'løst' kan ændres på en konflikt.")
    resolved = _clean("conflict", {"resolved": fields.get("resolved")}).get("resolved")
    if resolved is None:
        raise Refused("invalid", "'Løst' skal være ja eller nej.")
    if record.fields.get("resolved") == resolved:
        return record.version
    record.fields["resolved"] = resolved
    version = ctx.touch(record)
    record.meta["resolved"] = [version, *ctx.who]
    return version
