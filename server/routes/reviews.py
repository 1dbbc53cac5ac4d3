"""The supervisor's review queue and verdicts."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Depends, HTTPException, Path, Query, Request, Response
from sqlalchemy import Engine

from desktop.domain.cpr import REFUSED_CODE, find_cpr, refusal_reason
from server import reviews
from server.deps import CurrentUser, audit_refusal, current_user, engine, json_response
from server.push import canonical_id
from server.schemas import Change, QueueResponse, ReviewRequest, errors
from server.store import Sequence, audit, audit_rows
from server.writes import WriteContext, write_changes

router = APIRouter(prefix="/api/v1", tags=["reviews"])
FORBIDDEN = {"code": "not_allowed", "message": "Kun ledere kan gennemse besøg."}
NOT_FOUND = {"code": "not_found", "message": "Besøget findes ikke."}


@router.get("/reviews/queue", response_model=QueueResponse, responses=errors(401, 403, 422))
def review_queue(
    request: Request,
    team_id: str | None = Query(None, max_length=64),
    consultant_id: str | None = Query(None, max_length=64),
    company_id: str | None = Query(None, max_length=64),
    user: CurrentUser = Depends(current_user),
    db: Engine = Depends(engine),
) -> dict[str, Any]:
    """Visits marked ready (or edited after a verdict), newest first."""
    if not user.is_supervisor:
        audit_refusal(request, user.id, "refused:review_queue")
        raise HTTPException(403, FORBIDDEN)
    with db.connect() as conn:
        items = reviews.queue(conn, set(user.teams), {"team_id": team_id, "consultant_id": consultant_id,
                                                      "company_id": company_id})
    return {"items": items}


@router.post("/visits/{visit_id}/reviews", response_model=Change, status_code=201,
             responses=errors(400, 401, 403, 404, 409, 413, 422))
def add_review(
    body: ReviewRequest,
    request: Request,
    visit_id: str = Path(max_length=64),
    user: CurrentUser = Depends(current_user),
    db: Engine = Depends(engine),
) -> Response:
    """A supervisor's verdict on a visit; it reaches the author on their next sync."""
    if not user.is_supervisor:
        _refused(db, user, visit_id, "refused:review")
        raise HTTPException(403, FORBIDDEN)
    if request.app.state.settings.refuse_cpr_numbers and find_cpr(body.comment):  # the CPR guard (server/cpr_guard.py)
        raise HTTPException(400, {"code": REFUSED_CODE, "message": refusal_reason("review", "comment")})
    with db.execution_options(write=True).begin() as conn:
        ctx = WriteContext(conn, user.id, "review", set(user.teams), Sequence(conn))
        visit = ctx.get(visit_id)
        if visit is not None and visit.entity == "visit" and visit.team_id not in ctx.teams:
            refused_other_team = True
        elif visit is None or visit.entity != "visit" or visit.deleted:
            raise HTTPException(404, NOT_FOUND)
        else:
            refused_other_team = False
            if visit.review_state == "approved":
                raise HTTPException(409, {"code": "approved_locked", "message": "Besøget er allerede godkendt."})
            review = reviews.append_review(ctx, visit, body.state, body.comment or None, user.id)
            # The comment is the record's (and an erasure's) business: the audit log keeps only the act.
            ctx.audit.append(audit(user.id, f"review:{body.state}", entity="visit", entity_id=visit_id,
                                   team_id=visit.team_id))
            write_changes(ctx)
    if refused_other_team:  # another team's visit: as if it did not exist, but kept in the audit log
        _refused(db, user, visit_id, "refused:review_other_team")
        raise HTTPException(404, NOT_FOUND)
    return json_response({"entity": "review", "id": review.id, "op": "upsert", "version": review.version,
                           "fields": review.fields}, status_code=201)


def _refused(db: Engine, user: CurrentUser, visit_id: str, action: str) -> None:
    """Audit a refused review in its own transaction (the request itself changes nothing)."""
    with db.execution_options(write=True).begin() as conn:
        audit_rows(conn, [audit(user.id, action, entity="visit",
                                entity_id=visit_id if canonical_id(visit_id) else None)])
