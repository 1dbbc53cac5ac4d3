"""Admin endpoints for personal data (GDPR): export, erase and the retention rule; revoking one device."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Depends, HTTPException, Request
from pydantic import BaseModel, ConfigDict, Field
from sqlalchemy import Engine

from server import admin
from server.deps import CurrentUser, admin_user, engine, json_response
from server.erasure import after_erasure, apply_retention, erase_person
from server.personal_data import Person, export_audited
from server.routes.admin import run_admin
from server.schemas import errors

router = APIRouter(prefix="/api/v1/admin", tags=["admin"], responses=errors(400, 401, 403, 422))


class PersonQuery(BaseModel):
    """Who: a name, an email, a phone number and/or a CPR number (at least one)."""

    model_config = ConfigDict(extra="forbid")
    name: str | None = Field(None, max_length=200)
    email: str | None = Field(None, max_length=254)
    phone: str | None = Field(None, max_length=40)
    cpr: str | None = Field(None, max_length=20)


class EraseRequest(PersonQuery):
    dry_run: bool = False


class RetentionRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")
    visits_older_than_years: int | None = Field(None, ge=1, le=100)
    dry_run: bool = False


class DeviceRevokeRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")
    user: str = Field(min_length=1, max_length=100)
    device_name: str = Field(min_length=1, max_length=200)


def _person(body: PersonQuery) -> Person:
    try:
        return Person.from_values(body.name, body.email, body.phone, body.cpr)
    except admin.AdminError as exc:
        raise HTTPException(400, {"code": "invalid_request", "message": str(exc)}) from None


@router.post("/personal-data/export")
def export(body: PersonQuery, me: CurrentUser = Depends(admin_user), db: Engine = Depends(engine)) -> Any:
    """Everything the server stores about a person: accounts, contacts, mentors, mentions, audit entries."""
    person = _person(body)

    return json_response(run_admin(db, lambda c: export_audited(c, person, me.id)))


@router.post("/personal-data/erase")
def erase(body: EraseRequest, request: Request, me: CurrentUser = Depends(admin_user),
          db: Engine = Depends(engine)) -> Any:
    """Anonymise a person's contacts and mentors and replace their mentions (``dry_run``: only list them)."""
    person = _person(body)
    result = run_admin(db, lambda c: erase_person(c, person, dry_run=body.dry_run, actor=me.id))
    if not body.dry_run:
        after_erasure(db, request.app.state.prepared)  # the WAL checkpointed, older prepared copies deleted
    return json_response(result)


@router.post("/personal-data/retention")
def retention(body: RetentionRequest, request: Request, me: CurrentUser = Depends(admin_user),
              db: Engine = Depends(engine)) -> Any:
    """Anonymise visit notes older than N years (default: the setting FELTBOG_RETENTION_YEARS, 5)."""
    years = body.visits_older_than_years or request.app.state.settings.retention_years
    result = run_admin(db, lambda c: apply_retention(c, years, dry_run=body.dry_run, actor=me.id))
    if not body.dry_run:
        after_erasure(db, request.app.state.prepared)
    return json_response(result)


@router.post("/devices/revoke")
def revoke_device(body: DeviceRevokeRequest, me: CurrentUser = Depends(admin_user),
                  db: Engine = Depends(engine)) -> Any:
    """Revoke one device of a user; it hands in its unsent changes and wipes its data on its next sync."""
    count = run_admin(db, lambda c: admin.revoke_device(c, body.user, body.device_name, me.id))
    return json_response({"revoked": count})
