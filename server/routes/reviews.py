"""The supervisor's review queue and verdicts."""

from __future__ import annotations

import orjson
from fastapi import APIRouter, Depends, HTTPException, Query
from sqlalchemy import Engine

from server import reviews
from server.deps import CurrentUser, current_user, engine
from server.push import PushContext, write_changes
from server.schemas import Change, QueueResponse, ReviewRequest
from server.store import Sequence, audit, audit_rows

router = APIRouter(prefix="/api/v1", tags=["reviews"])
FORBIDDEN = {"code": "not_allowed", "message": "Kun ledere kan gennemse besøg."}


@router.get("/reviews/queue", response_model=QueueResponse)
def review_queue(
    team_id: str | None = Query(None, max_length=64),
    consultant_id: str | None = Query(None, max_length=64),
    company_id: str | None = Query(None, max_length=64),
    user: CurrentUser = Depends(current_user),
    db: Engine = Depends(engine),
) -> dict:
    """Visits marked ready (or edited after a verdict), newest first."""
    if not user.is_supervisor:
        raise HTTPException(403, FORBIDDEN)
    with db.connect() as conn:
        items = reviews.queue(conn, set(user.teams), {"team_id": team_id, "consultant_id": consultant_id,
                                                      "company_id": company_id})
    return {"items": items}


@router.post("/visits/{visit_id}/reviews", response_model=Change, status_code=201)
def add_review(
    visit_id: str, body: ReviewRequest, user: CurrentUser = Depends(current_user), db: Engine = Depends(engine)
) -> dict:
    """A supervisor's verdict on a visit; it reaches the author on their next sync."""
    if not user.is_supervisor:
        with db.execution_options(write=True).begin() as conn:  # its own transaction: the refusal is kept
            audit_rows(conn, [audit(user.id, "refused:review", entity="visit", entity_id=visit_id)])
        raise HTTPException(403, FORBIDDEN)
    with db.execution_options(write=True).begin() as conn:
        ctx = PushContext(conn, user.id, "review", set(user.teams), Sequence(conn))
        visit = ctx.get(visit_id)
        if visit is None or visit.entity != "visit" or visit.deleted or visit.team_id not in ctx.teams:
            raise HTTPException(404, {"code": "not_found", "message": "Besøget findes ikke."})
        if visit.review_state == "approved":
            raise HTTPException(409, {"code": "approved_locked", "message": "Besøget er allerede godkendt."})
        review = reviews.append_review(ctx, visit, body.state, body.comment or None, user.id)
        ctx.audit.append(audit(user.id, f"review:{body.state}", entity="visit", entity_id=visit_id,
                               team_id=visit.team_id, detail=body.comment[:200]))

        write_changes(ctx)
    return {"entity": "review", "id": review.id, "op": "upsert", "version": review.version,
            "fields": orjson.loads(orjson.dumps(review.fields))}
