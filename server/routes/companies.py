"""Merging two companies by hand (duplicates without a CVR) and taking it back (server/manual_merge.py)."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Depends, HTTPException, Path, Query, Request
from pydantic import BaseModel, Field
from sqlalchemy import Engine

from server.deps import CurrentUser, audit_refusal, current_user, engine
from server.manual_merge import MergeRefused, candidates, merge_companies, undo_merge
from server.push import canonical_id
from server.schemas import Strict, errors

router = APIRouter(prefix="/api/v1/companies", tags=["companies"])


class MergeRequest(Strict):
    into: str = Field(max_length=64, description="the company that stays")


class MergeResponse(BaseModel):
    duplicate_id: str
    surviving_id: str
    version: int
    undo_until: str | None = None


class DuplicatesResponse(BaseModel):
    groups: list[list[str]]


def _run(request: Request, user: CurrentUser, db: Engine, company_id: str, action: Any) -> dict[str, Any]:
    try:
        with db.execution_options(write=True).begin() as conn:
            result: dict[str, Any] = action(conn)
            return result
    except MergeRefused as refused:
        if refused.status == 403:
            audit_refusal(request, user.id, "refused:company_merge", entity="company",
                          entity_id=company_id if canonical_id(company_id) else None)
        raise HTTPException(refused.status, {"code": refused.code, "message": refused.message}) from None


@router.post("/{company_id}/merge", response_model=MergeResponse, responses=errors(400, 401, 403, 404, 409, 413, 422))
def merge(request: Request, body: MergeRequest, company_id: str = Path(max_length=64),
          user: CurrentUser = Depends(current_user), db: Engine = Depends(engine)) -> dict[str, Any]:
    """Merge this company into ``into`` (same team): its visits, openings, mentors, contacts and follow-ups
    move there; reversible for 30 days. Supervisors, and the consultants of either company."""
    return _run(request, user, db, company_id, lambda conn: merge_companies(
        conn, user.id, user.role, set(user.teams), company_id, body.into))


@router.post("/{company_id}/unmerge", response_model=MergeResponse, responses=errors(400, 401, 403, 404, 409, 413, 422))
def unmerge(request: Request, company_id: str = Path(max_length=64), user: CurrentUser = Depends(current_user),
            db: Engine = Depends(engine)) -> dict[str, Any]:
    """Take back a manual merge of this company (within 30 days)."""
    return _run(request, user, db, company_id, lambda conn: undo_merge(
        conn, user.id, user.role, set(user.teams), company_id))


@router.get("/duplicates", response_model=DuplicatesResponse, responses=errors(401, 403, 422))
def duplicates(team_id: str = Query(max_length=64), user: CurrentUser = Depends(current_user),
               db: Engine = Depends(engine)) -> dict[str, Any]:
    """Companies of a team with the same name and address (folded): candidates for a merge."""
    if team_id not in user.teams:
        raise HTTPException(403, {"code": "not_allowed", "message": "Ikke dit team."})
    with db.connect() as conn:
        return {"groups": candidates(conn, team_id)}
