"""Admin endpoints the web console needed too: disable/enable, roles, devices, reading the audit log."""

from __future__ import annotations

from datetime import datetime
from typing import Any, Literal

from fastapi import APIRouter, Depends, HTTPException, Query, Response
from sqlalchemy import Engine

from server import admin
from server.audit_log import MAX_PAGE, AuditQuery, read_audit, to_csv
from server.deps import CurrentUser, admin_user, engine, json_response
from server.routes.admin import run_admin
from server.schemas import Strict, errors

router = APIRouter(prefix="/api/v1/admin", tags=["admin"], responses=errors(400, 401, 403, 413, 422))
AUDIT_CONTENT: dict[int | str, dict[str, Any]] = {200: {
    "description": "The entries (JSON), or a CSV file with ``format=csv``.",
    "content": {"application/json": {}, "text/csv": {"schema": {"type": "string"}}}}}


class RoleRequest(Strict):
    role: Literal["consultant", "supervisor", "admin"]


@router.post("/users/{user_id}/disable", status_code=204)
def disable(user_id: str, me: CurrentUser = Depends(admin_user), db: Engine = Depends(engine)) -> None:
    """Disable a user: their tokens stop working at once, their devices wipe (server/access.py)."""
    run_admin(db, lambda c: admin.set_active(c, user_id, False, me.id))


@router.post("/users/{user_id}/enable", status_code=204)
def enable(user_id: str, me: CurrentUser = Depends(admin_user), db: Engine = Depends(engine)) -> None:
    """Enable a disabled user (they sign in again)."""
    run_admin(db, lambda c: admin.set_active(c, user_id, True, me.id))


@router.post("/users/{user_id}/role", status_code=204)
def role(user_id: str, body: RoleRequest, me: CurrentUser = Depends(admin_user), db: Engine = Depends(engine)) -> None:
    """Give a user another role."""
    run_admin(db, lambda c: admin.set_role(c, user_id, body.role, me.id))


@router.get("/devices")
def devices(user: str | None = Query(None, max_length=100), include_ended: bool = False,
            _: CurrentUser = Depends(admin_user), db: Engine = Depends(engine)) -> Any:
    """Signed-in devices (one per token), newest first; ``id`` names one for revoking, never the token."""
    return json_response(run_admin(db, lambda c: admin.devices(c, user, include_ended=include_ended)))


@router.post("/devices/{device_id}/revoke", status_code=204)
def revoke(device_id: str, me: CurrentUser = Depends(admin_user), db: Engine = Depends(engine)) -> None:
    """Revoke one signed-in device by its id; it hands in its unsent changes and wipes on its next sync."""
    run_admin(db, lambda c: admin.revoke_token(c, device_id, me.id))


@router.get("/audit", responses=AUDIT_CONTENT)
def audit_log(
    user_id: str | None = Query(None, max_length=100),
    team_id: str | None = Query(None, max_length=100),
    action: str | None = Query(None, max_length=40, description="an action, or a prefix ending in ':'"),
    since: datetime | None = None,
    until: datetime | None = None,
    before_id: int | None = Query(None, ge=1, le=2**62),
    limit: int = Query(200, ge=1, le=MAX_PAGE),
    format: Literal["json", "csv"] = "json",
    _: CurrentUser = Depends(admin_user),
    db: Engine = Depends(engine),
) -> Response:
    """The audit log, newest first, filtered by user, team, action and period; ``before_id`` pages back."""
    if since and until and since >= until:
        raise HTTPException(400, {"code": "invalid_request", "message": "Perioden slutter før den begynder."})
    query = AuditQuery(user_id, team_id, action, since, until, before_id)
    with db.connect() as conn:
        rows = read_audit(conn, query, limit)
    if format == "csv":
        return Response("\ufeff" + to_csv(rows), media_type="text/csv; charset=utf-8",
                        headers={"Content-Disposition": 'attachment; filename="audit.csv"'})
    return json_response({"entries": rows, "next_before_id": rows[-1]["id"] if len(rows) == limit else None})
