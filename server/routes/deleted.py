"""Recently deleted records of the user's teams, and putting one back (server/deleted.py)."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Depends, HTTPException, Path
from pydantic import BaseModel
from sqlalchemy import Engine

from server.deleted import RestoreRefused, recently_deleted, restore
from server.deps import CurrentUser, current_user, engine
from server.pull import snapshot
from server.schemas import errors

router = APIRouter(prefix="/api/v1/deleted", tags=["deleted"])


class DeletedRecord(BaseModel):
    id: str
    entity: str
    team_id: str
    title: str
    company_name: str
    deleted_at: str


class DeletedResponse(BaseModel):
    records: list[DeletedRecord]


class RestoreResponse(BaseModel):
    id: str
    version: int


@router.get("", response_model=DeletedResponse, responses=errors(401))
def deleted(user: CurrentUser = Depends(current_user), db: Engine = Depends(engine)) -> dict[str, Any]:
    """What the user's teams deleted in the last 30 days, newest first."""
    with snapshot(db) as conn:
        return {"records": recently_deleted(conn, list(user.teams))}


@router.post("/{record_id}/restore", response_model=RestoreResponse, responses=errors(401, 404, 409, 422))
def restore_record(record_id: str = Path(max_length=64), user: CurrentUser = Depends(current_user),
                   db: Engine = Depends(engine)) -> dict[str, Any]:
    """Put a deleted record back; every laptop of the team pulls it at its next sync."""
    try:
        with db.execution_options(write=True).begin() as conn:
            version = restore(conn, user.id, set(user.teams), record_id)
    except RestoreRefused as refused:
        raise HTTPException(refused.status, {"code": refused.code, "message": refused.message}) from None
    return {"id": record_id, "version": version}
