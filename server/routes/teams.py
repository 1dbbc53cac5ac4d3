"""Who is in my teams: names for the app to show next to user ids."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Depends
from pydantic import BaseModel
from sqlalchemy import Engine, select

from server.deps import CurrentUser, current_user, engine
from server.schemas import errors
from server.tables import Membership, User

router = APIRouter(prefix="/api/v1", tags=["teams"])


class Member(BaseModel):
    id: str
    full_name: str
    role: str
    team_id: str


class MembersResponse(BaseModel):
    members: list[Member]


@router.get("/teams/members", response_model=MembersResponse, responses=errors(401))
def members(user: CurrentUser = Depends(current_user), db: Engine = Depends(engine)) -> dict[str, Any]:
    """Everyone in the caller's teams (no usernames, emails or other personal data)."""
    if not user.teams:
        return {"members": []}
    with db.connect() as conn:
        rows = conn.execute(
            select(User.id, User.full_name, User.role, Membership.team_id)
            .join(Membership, Membership.user_id == User.id)
            .where(Membership.team_id.in_(user.teams), User.active.is_(True))
            .order_by(User.full_name)
        ).all()
    return {"members": [dict(r._mapping) for r in rows]}
