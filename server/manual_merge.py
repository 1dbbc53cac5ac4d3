"""Merging two companies by hand (duplicates without a CVR), and taking a merge back within 30 days.

The same merge as for a shared CVR (server/companies.py): the survivor keeps
its values and gets the duplicate's where it had none, differing values are
kept as conflicts, the duplicate's visits, openings, mentors, contacts and
follow-ups move to the survivor, the duplicate becomes a tombstone naming
the survivor, and later references to it land on the survivor. Allowed to
the team's supervisors, to the consultants of either company (responsible
for it, or author of a visit there), and to an administrator on the command
line. The audit row keeps what the undo needs (ids and field names, never
a value); an undo within :data:`UNDO_DAYS` brings the duplicate back with
the children that still point at the survivor and empties again the fields
it filled there, if nobody has changed them since.

Candidates for a merge are companies of a team whose folded name and address
are equal, or whose CVR is (made before the server kept CVRs unique)
(:func:`candidates`).
"""

from __future__ import annotations

from datetime import UTC, timedelta
from typing import Any

import orjson
from sqlalchemy import Connection, delete, select

from desktop.domain.folding import fold
from desktop.domain.protocol import MERGED_INTO
from server.companies import _query_ids, cvr_holder, merge_existing
from server.security import utcnow
from server.store import Sequence, audit
from server.tables import AuditEntry, CompanyMerge, Record
from server.writes import Loaded, WriteContext, write_changes

UNDO_DAYS = 30


class MergeRefused(Exception):
    """The merge or undo is not allowed or not possible; ``status`` is the HTTP status to answer with."""

    def __init__(self, status: int, code: str, message: str) -> None:
        super().__init__(message)
        self.status = status
        self.code = code
        self.message = message


def _may_merge(ctx: WriteContext, role: str, companies: list[Loaded]) -> bool:
    if role in ("supervisor", "admin"):
        return True
    if any(c.fields.get("responsible_user_id") == ctx.user_id for c in companies):
        return True
    for company in companies:  # a consultant who has visited either
        for visit_id in _query_ids(ctx, company.team_id, ("visit",), "company_id", [company.id]):
            visit = ctx.get(visit_id)
            if visit is not None and visit.fields.get("consultant_id") == ctx.user_id:
                return True
    return False


def merge_companies(conn: Connection, user_id: str | None, role: str, teams: set[str], duplicate_id: str,
                    survivor_id: str) -> dict[str, Any]:
    """Merge ``duplicate_id`` into ``survivor_id``; returns what happened (for the answer)."""
    ctx = WriteContext(conn, user_id, "manual-merge", teams, Sequence(conn))
    duplicate, survivor = ctx.get(duplicate_id), ctx.get(survivor_id)
    found = [c for c in (duplicate, survivor) if c is not None and c.entity == "company" and not c.deleted
             and c.team_id in teams]
    if duplicate_id == survivor_id or len(found) != 2 or duplicate is None or survivor is None:
        raise MergeRefused(404, "not_found", "Virksomheden findes ikke.")
    if duplicate.team_id != survivor.team_id:
        raise MergeRefused(409, "other_team", "Virksomhederne hører til hver sit team.")
    if not _may_merge(ctx, role, found):
        raise MergeRefused(403, "not_allowed", "Kun en leder eller virksomhedens konsulenter kan flette den.")
    version = merge_existing(ctx, duplicate, survivor, kind="manual")
    write_changes(ctx)
    until = utcnow() + timedelta(days=UNDO_DAYS)
    return {"duplicate_id": duplicate_id, "surviving_id": survivor_id, "version": version,
            "undo_until": until.isoformat().replace("+00:00", "Z")}


def undo_merge(conn: Connection, user_id: str | None, role: str, teams: set[str],
               duplicate_id: str) -> dict[str, Any]:
    """Take a manual merge back (within UNDO_DAYS); returns the duplicate's new version."""
    seq = Sequence(conn)
    merge = conn.execute(select(CompanyMerge).where(CompanyMerge.duplicate_id == duplicate_id)).first()
    if merge is None or merge.kind != "manual" or merge.team_id not in teams:
        raise MergeRefused(404, "not_found", "Der er ingen fletning at fortryde.")
    merged_at = merge.merged_at if merge.merged_at.tzinfo else merge.merged_at.replace(tzinfo=UTC)
    if utcnow() - merged_at > timedelta(days=UNDO_DAYS):
        raise MergeRefused(409, "too_old", f"En fletning kan kun fortrydes i {UNDO_DAYS} dage.")
    detail = conn.execute(select(AuditEntry.detail).where(
        AuditEntry.action == "company:merged", AuditEntry.entity_id == duplicate_id)
        .order_by(AuditEntry.id.desc()).limit(1)).scalar()
    undo = orjson.loads(detail or "{}")
    ctx = WriteContext(conn, user_id, "manual-merge", teams, seq)
    duplicate, survivor = ctx.get(duplicate_id), ctx.get(merge.surviving_id)
    if duplicate is None or survivor is None:
        raise MergeRefused(404, "not_found", "Der er ingen fletning at fortryde.")
    if not _may_merge(ctx, role, [survivor, duplicate]):
        raise MergeRefused(403, "not_allowed", "Kun en leder eller virksomhedens konsulenter kan fortryde den.")
    if survivor.deleted or survivor.team_id != duplicate.team_id:
        raise MergeRefused(409, "changed", "Virksomheden er slettet eller flyttet; fletningen kan ikke fortrydes.")
    duplicate.deleted = False
    duplicate.fields.pop(MERGED_INTO, None)
    version = ctx.touch(duplicate)
    # The survivor's fields the merge filled, unless changed since, are empty again.
    emptied = [name for name in undo.get("filled", ())
               if (survivor.meta.get(name) or [None])[0] == undo.get("survivor_version")]
    if emptied:
        for name in emptied:
            survivor.fields[name] = False if isinstance(survivor.fields.get(name), bool) else None
        touched = ctx.touch(survivor)
        for name in emptied:
            survivor.meta[name] = [touched, *ctx.who]
    ctx.load([child_id for child_id, _name in undo.get("children", ())])
    for child_id, name in undo.get("children", ()):
        child = ctx.get(child_id)
        if child is not None and not child.deleted and child.fields.get(name) == survivor.id:
            child.fields[name] = duplicate.id
            child.meta[name] = [ctx.touch(child), *ctx.who]
    if cvr_holder(ctx, duplicate.team_id, duplicate.fields.get("cvr"), duplicate.id) is not None:
        raise MergeRefused(409, "cvr_taken", "CVR-nummeret bruges nu af en anden virksomhed i teamet.")
    conn.execute(delete(CompanyMerge).where(CompanyMerge.duplicate_id == duplicate_id))
    ctx.audit.append(audit(user_id, "company:unmerged", device_id=ctx.device_id, entity="company",
                           entity_id=duplicate_id, team_id=duplicate.team_id, detail={"from": survivor.id}))
    write_changes(ctx)
    return {"duplicate_id": duplicate_id, "surviving_id": survivor.id, "version": version}


def candidates(conn: Connection, team_id: str) -> list[list[str]]:
    """Groups of live companies of a team that look like one: the same folded name and address, or the
    same CVR (two companies that got one CVR before the server kept it unique), oldest first."""
    groups: dict[tuple[str, ...], list[str]] = {}
    rows = conn.execute(select(Record.id, Record.fields).where(
        Record.entity == "company", Record.team_id == team_id, Record.deleted.is_(False)).order_by(Record.version))
    for record_id, text in rows:
        fields = orjson.loads(text)
        key = (" ".join(fold(fields.get("name") or "").split()), " ".join(fold(fields.get("address") or "").split()))
        groups.setdefault(("name", *key), []).append(record_id)
        if fields.get("cvr"):
            groups.setdefault(("cvr", fields["cvr"]), []).append(record_id)
    unique = {tuple(ids) for ids in groups.values() if len(ids) > 1}
    return sorted(list(ids) for ids in unique)
