"""The review workflow (SYNC.md §6 items 12-13): server-owned, append-only.

* A visit that becomes ``ready`` (and has no review yet) gets a ``received`` review.
* An author's edit after ``has_issues`` or ``rejected`` appends ``edited``
  and puts the visit back in the queue.
* Supervisors and admins append ``has_issues``, ``approved`` or ``rejected``.
* An approved visit is refused every further change (see push.apply_one).

The visit row keeps its latest review state in an indexed column, so the
queue is one cheap query.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import orjson
from sqlalchemy import Connection, select

from server.tables import Record

if TYPE_CHECKING:
    from server.writes import Loaded, WriteContext

QUEUE_STATES = ("received", "edited")
VERDICTS = ("has_issues", "approved", "rejected")
EXCERPT = 200


def append_review(ctx: WriteContext, visit: Loaded, state: str, comment: str | None, reviewer: str | None) -> Loaded:
    """Append a review record for ``visit`` and update its queue state."""
    review = ctx.create(
        "review",
        visit.team_id,
        {"visit_id": visit.id, "state": state, "comment": comment, "reviewer_id": reviewer, "reviewed_at": ctx.now},
    )
    visit.review_state = state
    visit.dirty = True
    return review


def after_visit_write(ctx: WriteContext, visit: Loaded) -> None:
    """Move the visit through the workflow after an author's write."""
    if visit.review_state in ("has_issues", "rejected"):
        append_review(ctx, visit, "edited", None, None)
    elif visit.review_state is None and visit.fields.get("status") == "ready":
        append_review(ctx, visit, "received", None, None)


def queue(conn: Connection, teams: set[str], filters: dict[str, str | None]) -> list[dict[str, Any]]:
    """Visits waiting for a supervisor (received or edited), newest first."""
    wanted = [t for t in teams if not filters.get("team_id") or t == filters["team_id"]]
    if not wanted:
        return []
    rows = conn.execute(
        select(Record.id, Record.team_id, Record.fields, Record.review_state, Record.version)
        .where(Record.entity == "visit", Record.review_state.in_(QUEUE_STATES), Record.deleted.is_(False),
               Record.team_id.in_(wanted))
    ).all()
    items = []
    for visit_id, team_id, text, state, version in rows:
        fields = orjson.loads(text)
        consultant = fields.get("consultant_id") or fields.get("created_by")
        if filters.get("consultant_id") and consultant != filters["consultant_id"]:
            continue
        if filters.get("company_id") and fields.get("company_id") != filters["company_id"]:
            continue
        items.append({
            "visit_id": visit_id, "team_id": team_id, "company_id": fields.get("company_id"), "company_name": "",
            "consultant_id": consultant, "visited_at": fields.get("visited_at"), "state": state,
            "body_excerpt": (fields.get("body") or "")[:EXCERPT], "version": version,
        })
    company_ids = list({item["company_id"] for item in items if item["company_id"]})
    names: dict[tuple[str, str], str] = {}
    for start in range(0, len(company_ids), 500):
        # Only a company of the visit's own team lends it a name (never one another team holds now).
        query = select(Record.id, Record.team_id, Record.fields).where(
            Record.id.in_(company_ids[start : start + 500]), Record.entity == "company", Record.team_id.in_(wanted),
            Record.deleted.is_(False))
        for company_id, team_id, text in conn.execute(query):
            names[(company_id, team_id)] = orjson.loads(text).get("name") or ""
    for item in items:
        item["company_name"] = names.get((item["company_id"], item["team_id"]), "")
    items.sort(key=lambda item: (item["visited_at"] or "", item["version"]), reverse=True)
    return items
