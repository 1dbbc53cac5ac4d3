"""Undoing a delete: the team's records deleted in the last 30 days, and putting one back.

On the laptops a pulled delete removes the row, so what was deleted is kept
here, as the server's tombstone (its fields are still there), until the
tombstone purge. Putting one back is an ordinary write with a new sequence
number: every laptop of the team pulls it as if it were new.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import orjson
from sqlalchemy import Connection, select

from desktop.domain.protocol import MERGED_INTO
from server.companies import cvr_holder
from server.push import canonical_id
from server.security import iso, utcnow
from server.store import Sequence, audit
from server.tables import Record
from server.writes import WriteContext, write_changes

UNDO_DAYS = 30
RESTORABLE = ("company", "contact", "mentor", "visit", "opening", "follow_up")
LISTED = 500  # the newest deletes, at most


class RestoreRefused(Exception):
    """A record that cannot be put back, with the status, code and Danish reason to answer."""

    def __init__(self, status: int, code: str, message: str) -> None:
        super().__init__(message)
        self.status, self.code, self.message = status, code, message


def _title(fields: dict[str, Any]) -> str:
    for name in ("name", "title", "note"):
        if fields.get(name):
            return str(fields[name])
    return str(fields.get("visited_at") or fields.get("due_on") or "")


def recently_deleted(conn: Connection, teams: list[str]) -> list[dict[str, Any]]:
    """The records of ``teams`` deleted in the last :data:`UNDO_DAYS` days, newest first (not merged ones)."""
    if not teams:
        return []
    since = utcnow() - timedelta(days=UNDO_DAYS)
    rows = conn.execute(
        select(Record.id, Record.entity, Record.team_id, Record.fields, Record.deleted_at)
        .where(Record.deleted.is_(True), Record.team_id.in_(teams), Record.entity.in_(RESTORABLE),
               Record.deleted_at >= since)
        .order_by(Record.deleted_at.desc()).limit(LISTED)
    ).all()
    parsed = [(r, orjson.loads(r.fields)) for r in rows]
    company_ids = {f.get("company_id") for _r, f in parsed if f.get("company_id")}
    names = {rid: orjson.loads(fields).get("name", "") for rid, fields in conn.execute(
        select(Record.id, Record.fields).where(Record.id.in_(company_ids)))} if company_ids else {}
    return [
        {"id": r.id, "entity": r.entity, "team_id": r.team_id, "title": _title(f),
         "company_name": f.get("name", "") if r.entity == "company" else names.get(f.get("company_id"), ""),
         "deleted_at": iso(r.deleted_at)}
        for r, f in parsed if MERGED_INTO not in f
    ]


def restore(conn: Connection, user_id: str, teams: set[str], record_id: str) -> int:
    """Put a deleted record back; returns its new version. Raises :class:`RestoreRefused`."""
    if not canonical_id(record_id):  # ids are UUID text: anything else is no record (and never reaches SQL)
        raise RestoreRefused(404, "not_found", "Posten findes ikke.")
    ctx = WriteContext(conn, user_id, "restore", teams, Sequence(conn))
    record = ctx.get(record_id)
    if record is None or record.team_id not in teams or record.entity not in RESTORABLE:
        raise RestoreRefused(404, "not_found", "Posten findes ikke.")
    if not record.deleted:
        raise RestoreRefused(409, "not_deleted", "Posten er ikke slettet.")
    if MERGED_INTO in record.fields:
        raise RestoreRefused(409, "merged", "Virksomheden er flettet ind i en anden; fortryd fletningen i stedet.")
    deleted_at = conn.execute(select(Record.deleted_at).where(Record.id == record_id)).scalar()
    if deleted_at is not None and deleted_at.tzinfo is None:
        deleted_at = deleted_at.replace(tzinfo=utcnow().tzinfo)
    if deleted_at is None or utcnow() - deleted_at > timedelta(days=UNDO_DAYS):
        raise RestoreRefused(409, "too_old", f"En sletning kan kun fortrydes i {UNDO_DAYS} dage.")
    company_id = record.fields.get("company_id")
    company = ctx.get(str(company_id)) if company_id else None
    if company is not None and company.deleted:
        raise RestoreRefused(409, "company_deleted", "Virksomheden er selv slettet: gendan den først.")
    if record.entity == "company" and cvr_holder(ctx, record.team_id, record.fields.get("cvr"), record.id):
        raise RestoreRefused(409, "cvr_taken", "CVR-nummeret bruges nu af en anden virksomhed i teamet.")
    record.deleted = False
    version = ctx.touch(record)
    ctx.audit.append(audit(user_id, "record:restored", entity=record.entity, entity_id=record.id,
                           team_id=record.team_id))
    write_changes(ctx)
    return version
