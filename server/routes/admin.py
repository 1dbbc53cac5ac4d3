"""Admin endpoints: teams, users, memberships, revocation."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from fastapi import APIRouter, Body, Depends, HTTPException, Query
from sqlalchemy import Connection, Engine

from server import admin
from server.deps import CurrentUser, admin_user, engine
from server.schemas import MembershipRequest, PasswordRequest, TeamCreate, TeamOut, UserAdminOut, UserCreate, errors

router = APIRouter(prefix="/api/v1/admin", tags=["admin"], responses=errors(400, 401, 403, 413, 422))


def run_admin(db: Engine, action: Callable[[Connection], Any]) -> Any:
    """Run an admin action in one write transaction; its refusal becomes a 400 with the reason."""
    try:
        with db.execution_options(write=True).begin() as conn:
            return action(conn)
    except admin.AdminError as exc:
        code = "weak_password" if isinstance(exc, admin.WeakPassword) else "admin"
        raise HTTPException(400, {"code": code, "message": str(exc)}) from None


@router.get("/teams", response_model=list[TeamOut])
def teams(_: CurrentUser = Depends(admin_user), db: Engine = Depends(engine)) -> list[dict[str, Any]]:
    """All teams."""
    listed: list[dict[str, Any]] = run_admin(db, admin.list_teams)
    return listed


@router.post("/teams", response_model=TeamOut, status_code=201)
def create_team(body: TeamCreate, me: CurrentUser = Depends(admin_user),
                db: Engine = Depends(engine)) -> dict[str, Any]:
    """Create a team (one per job centre)."""
    team_id = run_admin(db, lambda c: admin.create_team(c, body.name, me.id))
    return {"id": team_id, "name": body.name.strip()}


@router.get("/users", response_model=list[UserAdminOut])
def users(_: CurrentUser = Depends(admin_user), db: Engine = Depends(engine)) -> list[dict[str, Any]]:
    """All users with roles and teams."""
    listed: list[dict[str, Any]] = run_admin(db, admin.list_users)
    return listed


@router.post("/users", response_model=UserAdminOut, status_code=201)
def create_user(body: UserCreate, me: CurrentUser = Depends(admin_user),
                db: Engine = Depends(engine)) -> dict[str, Any]:
    """Create a user with a role."""
    user_id = run_admin(db, lambda c: admin.create_user(c, body.username, body.full_name, body.role, body.password,
                                                     body.email, me.id))
    return {"id": user_id, "username": body.username, "full_name": body.full_name, "role": body.role,
            "active": True, "teams": []}


@router.post("/memberships", status_code=204)
def add_membership(body: MembershipRequest, me: CurrentUser = Depends(admin_user),
                   db: Engine = Depends(engine)) -> None:
    """Add a user to a team."""
    run_admin(db, lambda c: admin.add_member(c, body.user_id, body.team_id, me.id))


@router.delete("/memberships", status_code=204)
def remove_membership(
    body: MembershipRequest | None = Body(None),
    user_id: str | None = Query(None, max_length=100),
    team_id: str | None = Query(None, max_length=200),
    me: CurrentUser = Depends(admin_user),
    db: Engine = Depends(engine),
) -> None:
    """Remove a user from a team (JSON body or query parameters); their devices drop its data on the next sync."""
    user_id, team_id = (body.user_id, body.team_id) if body else (user_id, team_id)
    if not user_id or not team_id:
        raise HTTPException(422, {"code": "invalid_request", "message": "user_id og team_id skal angives."})
    run_admin(db, lambda c: admin.remove_member(c, user_id, team_id, me.id))


@router.post("/users/{user_id}/revoke", status_code=204)
def revoke(user_id: str, me: CurrentUser = Depends(admin_user), db: Engine = Depends(engine)) -> None:
    """Revoke all of a user's tokens."""
    run_admin(db, lambda c: admin.revoke_user(c, user_id, me.id))


@router.post("/users/{user_id}/password", status_code=204)
def password(user_id: str, body: PasswordRequest, me: CurrentUser = Depends(admin_user),
             db: Engine = Depends(engine)) -> None:
    """Set a new password (and sign the user out everywhere)."""
    run_admin(db, lambda c: admin.reset_password(c, user_id, body.password, me.id))
