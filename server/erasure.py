"""Erasing a person and applying the retention rule (GDPR art. 17 and storage limitation).

Both build a *plan* (which record, which fields, what they become) that a dry
run returns as it is, and that is otherwise carried out in the caller's
transaction:

* a live record gets its new values as a **new server version**, through the
  same :class:`~server.writes.WriteContext` as a push (sequence, per-team
  counts and checksums, field meta), so every device pulls it on its next
  sync and the summary checksums stay right;
* a tombstone (devices no longer hold it) is scrubbed in place.

The audit log records what was changed (entity, id, field names) and, for an
erasure, a count and a short hash of the identifiers, never the erased text;
an erasure also replaces the person's mentions in older audit rows (from
before the log kept no free text). On the SQLite server the caller then
checkpoints the WAL (``server.db.checkpoint``; ``secure_delete`` is on), so
the erased text is not left in old page images on the disk.

A known limit: a device that still holds an unsent edit of an erased field
pushes it afterwards, and the arriving value wins as always (the erased text
is then a conflict copy); running the erase again after that sync clears it.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import date
from typing import Any

import orjson
from sqlalchemy import Connection, Engine, bindparam, cast, func, select, update
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.sql.elements import ColumnElement

from desktop.domain.privacy import ERASED
from server.admin import AdminError
from server.db import checkpoint
from server.personal_data import TEXT_FIELDS, Matcher, Person, find_audit_mentions, find_records
from server.prepared import PreparedCopies, bump_generation
from server.security import utcnow
from server.store import Sequence, audit, audit_rows
from server.tables import AuditEntry, Record
from server.writes import WriteContext, dumps, write_changes

PRIVACY_DEVICE = "server:privacy"  # the device id erasures are written under (field meta, audit)
PERSON_CLEARED = ("email", "phone", "notes")  # a contact's or mentor's own details that go with the name
RETAINED_VISIT_FIELDS = ("participants", "body", "needs", "next_step")
_CHUNK = 500


@dataclass
class Change:
    """One record's planned new values."""

    entity: str
    id: str
    team_id: str
    deleted: bool
    values: dict[str, Any]

    def describe(self) -> dict[str, Any]:
        """What a dry run shows: the record and the names of the fields that change."""
        return {"entity": self.entity, "id": self.id, "team_id": self.team_id, "tombstone": self.deleted,
                "fields": sorted(self.values)}


def after_erasure(db: Engine, copies: PreparedCopies | None) -> None:
    """Once an erasure or a retention run has committed: leave no trace of the text it replaced.

    On SQLite the WAL is checkpointed (no old page image with the text stays in it), and the prepared
    first syncs built before it are deleted (server/prepared.py). Every entry point calls this: the API,
    the console and the command line.
    """
    checkpoint(db)
    if copies is not None:
        copies.drop_erased(db)


def apply_plan(conn: Connection, seq: Sequence, plan: list[Change], actor: str | None, action: str) -> None:
    """Write the plan: new versions for live records, in-place scrubs for tombstones, one audit row each.

    Every prepared first sync becomes unusable in the same transaction (server/prepared.py): a copy
    built before holds the text this erases.
    """
    if plan:
        bump_generation(conn)
    ctx = WriteContext(conn, actor, PRIVACY_DEVICE, set(), seq)
    live = [c for c in plan if not c.deleted]
    ctx.load([c.id for c in live])
    for change in live:
        record = ctx.records[change.id]
        record.fields.update(change.values)
        version = ctx.touch(record)
        for name in change.values:
            record.meta[name] = [version, *ctx.who]
    for change in plan:
        ctx.audit.append(audit(actor, action, device_id=PRIVACY_DEVICE, entity=change.entity, entity_id=change.id,
                               team_id=change.team_id, detail=dumps(sorted(change.values))))
    write_changes(ctx)
    for change in plan:
        if change.deleted:
            text = conn.execute(select(Record.fields).where(Record.id == change.id)).scalar_one()
            conn.execute(update(Record).where(Record.id == change.id)
                         .values(fields=dumps({**orjson.loads(text), **change.values})))


def _summary(plan: list[Change], dry_run: bool) -> dict[str, Any]:
    counts: dict[str, int] = {}
    for change in plan:
        counts[change.entity] = counts.get(change.entity, 0) + 1
    return {"dry_run": dry_run, "records": len(plan), "fields": sum(len(c.values) for c in plan),
            "counts": dict(sorted(counts.items())), "changes": [c.describe() for c in plan]}


# -- erasing a person ---------------------------------------------------------------------------


def erase_plan(conn: Connection, person: Person) -> list[Change]:
    """What erasing the person changes: their contacts and mentors anonymised, every mention replaced."""
    matcher = Matcher(person)
    plan = []
    for found in find_records(conn, person):
        values: dict[str, Any] = {}
        if found.is_person:
            values["name"] = ERASED
            values.update({name: None for name in PERSON_CLEARED if name in TEXT_FIELDS[found.entity]})
        for name in found.matched_fields:
            if name not in values:
                values[name] = matcher.replace(found.fields[name])
        values = {k: v for k, v in values.items() if found.fields.get(k) != v}
        if values:
            plan.append(Change(found.entity, found.id, found.team_id, found.deleted, values))
    return plan


def identifiers_hash(person: Person) -> str:
    """A short hash of the identifiers, so an auditor can confirm a given request was carried out."""
    return hashlib.sha256(orjson.dumps(person.describe(), option=orjson.OPT_SORT_KEYS)).hexdigest()[:16]


def erase_person(conn: Connection, person: Person, *, dry_run: bool = False,
                 actor: str | None = None) -> dict[str, Any]:
    """Anonymise the person's records and replace their mentions; returns the plan and counts."""
    seq = Sequence(conn)  # taken first: no push can change the records between plan and write
    plan = erase_plan(conn, person)
    mentions = find_audit_mentions(conn, person)
    if not dry_run:
        apply_plan(conn, seq, plan, actor, "privacy:erase")
        scrub_audit(conn, person, mentions)
        audit_rows(conn, [audit(actor, "admin:erase_person", device_id=PRIVACY_DEVICE, detail={
            "records": len(plan), "fields": sum(len(c.values) for c in plan), "audit_rows": len(mentions),
            "identifiers": len(person.describe()), "sha256_16": identifiers_hash(person)})])
    return {**_summary(plan, dry_run), "audit_rows": len(mentions)}


def scrub_audit(conn: Connection, person: Person, mentions: list[tuple[int, str]]) -> None:
    """Replace the person's mentions in the given audit rows (the who, what, when and ids stay)."""
    if not mentions:
        return
    matcher = Matcher(person)
    conn.execute(update(AuditEntry).where(AuditEntry.id == bindparam("row_id")).values(detail=bindparam("text")),
                 [{"row_id": row_id, "text": matcher.replace(detail)} for row_id, detail in mentions])


# -- retention ----------------------------------------------------------------------------------


def years_before(day: date, years: int) -> date:
    """The same calendar day ``years`` earlier (28 February for a 29 February)."""
    try:
        return day.replace(year=day.year - years)
    except ValueError:
        return day.replace(year=day.year - years, day=28)


def _json_text(conn: Connection, name: str) -> ColumnElement[Any]:
    if conn.dialect.name == "postgresql":
        text: ColumnElement[Any] = cast(Record.fields, JSONB)[name].astext
        return text
    return func.json_extract(Record.fields, f"$.{name}")


def _scrubbed(fields: dict[str, Any], names: tuple[str, ...]) -> dict[str, Any]:
    return {n: ERASED for n in names if fields.get(n) not in (None, "", ERASED)}


def retention_plan(conn: Connection, years: int, today: date | None = None) -> list[Change]:
    """Visits older than ``years``: note texts replaced, and so their reviews' comments and conflict copies."""
    if years < 1:
        raise AdminError("Opbevaringstiden skal være mindst 1 år.")
    cutoff = years_before(today or utcnow().date(), years).isoformat()
    visited = _json_text(conn, "visited_at")
    plan, old_visits = [], []
    for rid, team_id, deleted, text in conn.execute(
        select(Record.id, Record.team_id, Record.deleted, Record.fields)
        .where(Record.entity == "visit", visited < cutoff).order_by(Record.version)
    ):
        old_visits.append(rid)
        values = _scrubbed(orjson.loads(text), RETAINED_VISIT_FIELDS)
        if values:
            plan.append(Change("visit", rid, team_id, bool(deleted), values))
    for entity, ref, names in (("review", "visit_id", ("comment",)),
                               ("conflict", "record_id", ("kept_value", "lost_value"))):
        ref_column = _json_text(conn, ref)
        for start in range(0, len(old_visits), _CHUNK):
            for rid, team_id, deleted, text in conn.execute(
                select(Record.id, Record.team_id, Record.deleted, Record.fields)
                .where(Record.entity == entity, ref_column.in_(old_visits[start:start + _CHUNK]))
                .order_by(Record.version)
            ):
                values = _scrubbed(orjson.loads(text), names)
                if values:
                    plan.append(Change(entity, rid, team_id, bool(deleted), values))
    return plan


def apply_retention(conn: Connection, years: int, *, dry_run: bool = False, actor: str | None = None,
                    today: date | None = None) -> dict[str, Any]:
    """Anonymise visit notes older than ``years`` as new versions that sync; returns the plan and counts."""
    seq = Sequence(conn)
    plan = retention_plan(conn, years, today)
    if not dry_run:
        apply_plan(conn, seq, plan, actor, "privacy:retention")
        audit_rows(conn, [audit(actor, "admin:retention", device_id=PRIVACY_DEVICE,
                                detail={"years": years, "records": len(plan)})])
    return {**_summary(plan, dry_run), "years": years}

