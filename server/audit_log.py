"""Reading the audit log: filtered pages, CSV export, and the trail of an erased person.

Used by ``GET /api/v1/admin/audit`` and the web admin console (server/console),
so both filter the same way. A supervisor's reading is limited to their teams'
rows (``AuditQuery.teams``).
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import orjson
from sqlalchemy import Connection, select

from server.erasure import identifiers_hash
from server.personal_data import Person, find_audit
from server.security import iso
from server.tables import AuditEntry

MAX_PAGE = 1000
CSV_LIMIT = 100_000  # one export; a longer period is exported in parts
COLUMNS = ("id", "at", "user_id", "device_id", "action", "entity", "entity_id", "team_id", "detail")


@dataclass(frozen=True)
class AuditQuery:
    """What to show: each given filter narrows; ``teams`` (when not None) limits to those teams' rows."""

    user_id: str | None = None
    team_id: str | None = None
    action: str | None = None  # an exact action, or a prefix ending in ':' (e.g. "admin:")
    since: datetime | None = None
    until: datetime | None = None
    before_id: int | None = None  # paging: rows older than this id
    teams: tuple[str, ...] | None = None


def entry_dict(e: Any) -> dict[str, Any]:
    """One audit row as plain data (times in ISO 8601 UTC)."""
    return {"id": e.id, "at": iso(e.at), "user_id": e.user_id, "device_id": e.device_id, "action": e.action,
            "entity": e.entity, "entity_id": e.entity_id, "team_id": e.team_id, "detail": e.detail}


def read_audit(conn: Connection, query: AuditQuery, limit: int = 200) -> list[dict[str, Any]]:
    """The newest ``limit`` rows that match, newest first."""
    stmt = select(AuditEntry).order_by(AuditEntry.id.desc()).limit(max(1, min(limit, CSV_LIMIT)))
    if query.user_id:
        stmt = stmt.where(AuditEntry.user_id == query.user_id)
    if query.team_id:
        stmt = stmt.where(AuditEntry.team_id == query.team_id)
    if query.teams is not None:
        stmt = stmt.where(AuditEntry.team_id.in_(query.teams))
    if query.action:
        action = query.action.strip()
        stmt = stmt.where(AuditEntry.action.startswith(action, autoescape=True) if action.endswith(":")
                          else AuditEntry.action == action)
    if query.since:
        stmt = stmt.where(AuditEntry.at >= query.since)
    if query.until:
        stmt = stmt.where(AuditEntry.at < query.until)
    if query.before_id:
        stmt = stmt.where(AuditEntry.id < query.before_id)
    return [entry_dict(e) for e in conn.execute(stmt)]


# The filter's suggestions (a prefix ending in ':' matches a family). Not read from the log: a DISTINCT over
# millions of rows on every page view would cost more than the page.
KNOWN_ACTIONS = (
    "admin:", "admin:add_member", "admin:create_team", "admin:create_user", "admin:disable", "admin:enable",
    "admin:erase_person", "admin:export_person", "admin:purge_tombstones", "admin:remove_member", "admin:retention",
    "admin:revoke", "admin:revoke_device", "admin:set_role", "company:merged", "company:unmerged", "delete",
    "device:wiped", "login", "login_failed", "logout", "privacy:", "privacy:erase", "privacy:retention",
    "record:restored", "refused:", "refused:admin_only", "refused:csrf", "refused:login_rate_limited",
    "refused:token_revoked", "review:", "token_refresh", "upsert",
)


def to_csv(rows: list[dict[str, Any]]) -> str:
    """The rows as CSV (UTF-8 text with a header; Excel opens it with the BOM the caller adds)."""
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=COLUMNS, extrasaction="ignore", lineterminator="\r\n")
    writer.writeheader()
    for row in rows:
        # A cell starting with = + - @ would be a formula in a spreadsheet: quote it as text.
        writer.writerow({k: ("'" + v if isinstance(v, str) and v[:1] in "=+-@" else v) for k, v in row.items()})
    return out.getvalue()


def erasure_trail(conn: Connection, person: Person) -> dict[str, Any]:
    """The audit trail of an erased person, found again from the same identifiers.

    An erasure keeps no name in the log, only a short hash of the identifiers
    (``admin:erase_person``, server/erasure.py). Each such row is found by that
    hash; the ``privacy:erase`` rows written in the same transaction just
    before it (one per record changed, by the same actor; erasures take the
    sequence lock, so no other erasure's rows come between) name the records,
    and every audit row about those records is their history.
    """
    wanted = identifiers_hash(person)
    erasures = []
    for row in conn.execute(select(AuditEntry).where(AuditEntry.action == "admin:erase_person")
                            .order_by(AuditEntry.id)):
        detail = orjson.loads(row.detail) if row.detail and row.detail.startswith("{") else {}
        if detail.get("sha256_16") == wanted:
            erasures.append((row, int(detail.get("records", 0))))
    record_ids: list[str] = []
    entries = []
    for row, count in erasures:
        entries.append(entry_dict(row))
        if count:
            changed = conn.execute(select(AuditEntry).where(
                AuditEntry.action == "privacy:erase", AuditEntry.id < row.id,
                (AuditEntry.user_id == row.user_id) if row.user_id else AuditEntry.user_id.is_(None))
                .order_by(AuditEntry.id.desc()).limit(count))
            record_ids.extend(e.entity_id for e in changed if e.entity_id)
    history = find_audit(conn, sorted(set(record_ids)), [])
    merged = {e["id"]: e for e in [*entries, *history]}
    return {"sha256_16": wanted, "erasures": len(erasures), "records": sorted(set(record_ids)),
            "entries": [merged[k] for k in sorted(merged)]}
