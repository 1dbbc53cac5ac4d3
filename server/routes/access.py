"""What a device may keep: asked after a 401, confirmed after a wipe (see server/access.py)."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Depends, Query
from pydantic import BaseModel
from sqlalchemy import Engine

from server.access import DeviceAccess, confirm_wiped, device_access
from server.deps import engine
from server.schemas import errors

router = APIRouter(prefix="/api/v1/sync", tags=["sync"])


class AccessResponse(BaseModel):
    state: str  # "active" or "closing" (push what you have, then wipe everything)
    teams: list[str]  # the teams whose data the device may keep


@router.get("/access", response_model=AccessResponse, responses=errors(401))
def access(me: DeviceAccess = Depends(device_access)) -> Any:
    """Whether this token is active, or closing (revoked by an admin, or the user disabled)."""
    return {"state": me.state, "teams": list(me.current_teams) if me.state == "active" else []}


@router.post("/access/wiped", status_code=204, responses=errors(401, 422))
def wiped(device_id: str | None = Query(None, max_length=64, pattern=r"^[\x21-\x7e]+$"),
          me: DeviceAccess = Depends(device_access),
          db: Engine = Depends(engine)) -> None:
    """The device has wiped what it may not keep; a closing token is then deleted for good."""
    confirm_wiped(db, me, device_id)
