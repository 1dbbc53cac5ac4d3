"""The review workflow (SYNC.md §6 items 12-13): server-owned, append-only.

* A visit that becomes ``ready`` gets a ``received`` review.
* An author's edit after ``has_issues`` or ``rejected`` appends ``edited``
  and puts the visit back in the queue.
* Supervisors and admins append ``has_issues``, ``approved`` or ``rejected``.
* An approved visit is refused every further change (see push.apply_one).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from sqlalchemy import Connection, select

from server.security import iso, utcnow
from server.tables import Record

if TYPE_CHECKING:
    from server.push import Loaded, PushContext

QUEUE_STATES = ("received", "edited")
VERDICTS = ("has_issues", "approved", "rejected")


def append_review(ctx: PushContext, visit: Loaded, state: str, comment: str | None, reviewer: str | None) -> Loaded:
    """Append a review record for ``visit`` and update its queue state."""
    review = ctx.create(
        "review",
        visit.team_id,
        {"visit_id": visit.id, "state": state, "comment": comment, "reviewer_id": reviewer,
         "reviewed_at": iso(utcnow())},
    )
    visit.review_state = state
    visit.dirty = True
    return review


def after_visit_write(ctx: PushContext, visit: Loaded, was_ready: bool) -> None:
    """Move the visit through the workflow after an author's write."""
    if visit.review_state in ("has_issues", "rejected"):
        append_review(ctx, visit, "edited", None, None)
    elif visit.fields.get("status") == "ready" and visit.review_state is None:
        append_review(ctx, visit, "received", None, None)


def queue(conn: Connection, teams: set[str], filters: dict[str, str | None]) -> list[dict[str, Any]]:
    """Visits waiting for a supervisor, newest first."""
    import json

    rows = conn.execute(
        select(Record.id, Record.team_id, Record.fields, Record.review_state, Record.version)
        .where(Record.entity == "visit", Record.review_state.in_(QUEUE_STATES), Record.deleted.is_(False),
               Record.team_id.in_(teams))
    ).all()
    items = []
    company_ids = set()
    for row in rows:
        fields = json.loads(row.fields)
        if filters.get("team_id") and row.team_id != filters["team_id"]:
            continue
        if filters.get("consultant_id") and fields.get("consultant_id") != filters["consultant_id"]:
            continue
        if filters.get("company_id") and fields.get("company_id") != filters["company_id"]:
            continue
        company_ids.add(fields.get("company_id"))
        items.append((row, fields))
    names = {}
    if company_ids:
        for cid, cfields in conn.execute(select(Record.id, Record.fields).where(Record.id.in_(company_ids))):
            names[cid] = json.loads(cfields).get("name", "")
    out = [
        {
            "visit_id": row.id, "team_id": row.team_id, "company_id": fields.get("company_id"),
            "company_name": names.get(fields.get("company_id"), ""), "consultant_id": fields.get("consultant_id"),
            "visited_at": fields.get("visited_at"), "state": row.review_state,
            "body_excerpt": (fields.get("body") or "")[:200], "version": row.version,
        }
        for row, fields in items
    ]
    out.sort(key=lambda item: (item["visited_at"] or "", item["version"]), reverse=True)
    return out
