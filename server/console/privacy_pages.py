"""GDPR requests (find, export, dry-run and erase, an erased person's audit trail), retention and tombstone purge.

The identifiers a person is found by travel only in POST bodies, never in a
URL (which access logs and browser histories keep).
"""

from __future__ import annotations

from typing import Any

import orjson
from fastapi import APIRouter, Depends
from fastapi.responses import HTMLResponse, Response
from starlette.datastructures import FormData

from desktop.domain.protocol import TOMBSTONE_DAYS
from server import admin
from server.audit_log import erasure_trail
from server.console.web import Console, admin_console, checked_form, field_of
from server.erasure import after_erasure, apply_retention, erase_person
from server.personal_data import Person, export_audited

router = APIRouter()


def _privacy_page(ctx: Console, form: dict[str, str], status: int = 200, **values: Any) -> HTMLResponse:
    names = ctx.read(lambda c: ({u["id"]: u["username"] for u in admin.list_users(c)},
                                {t["id"]: t["name"] for t in admin.list_teams(c)}))
    return ctx.render("privacy.html", status, form=form, user_names=names[0], team_names=names[1], **values)


@router.get("/privacy", response_class=HTMLResponse)
def privacy(ctx: Console = Depends(admin_console)) -> HTMLResponse:
    """The form: who (name, e-mail and/or phone)."""
    return _privacy_page(ctx, {})


@router.post("/privacy")
def privacy_action(ctx: Console = Depends(admin_console), form: FormData = Depends(checked_form)) -> Response:
    """Find (an audited export shown on the page), download the export, dry-run, erase, or find the trail."""
    given = {k: field_of(form, k, 254) for k in ("name", "email", "phone")}
    action = field_of(form, "action", 20)
    try:
        person = Person.from_values(given["name"], given["email"], given["phone"])
    except admin.AdminError as exc:
        return _privacy_page(ctx, given, 400, error=str(exc))
    if action in ("find", "export"):
        document = ctx.write(lambda c: export_audited(c, person, ctx.user.id))
        if action == "export":
            return Response(orjson.dumps(document, option=orjson.OPT_INDENT_2, default=str),
                            media_type="application/json",
                            headers={"Content-Disposition": 'attachment; filename="persondata.json"'})
        return _privacy_page(ctx, given, found=document)
    if action == "dry_run":
        return _privacy_page(ctx, given, plan=ctx.write(lambda c: erase_person(c, person, dry_run=True)))
    if action == "erase":
        if field_of(form, "confirm") != "1":
            return _privacy_page(ctx, given, 400, error=ctx.t("privacy.must_confirm"))
        result = ctx.write(lambda c: erase_person(c, person, actor=ctx.user.id))
        after_erasure(ctx.db, ctx.request.app.state.prepared)  # the WAL checkpointed, older copies deleted
        return _privacy_page(ctx, given, erased=result, trail=ctx.read(lambda c: erasure_trail(c, person)))
    return _privacy_page(ctx, given, trail=ctx.read(lambda c: erasure_trail(c, person)))


def _maintenance_page(ctx: Console, status: int = 200, **values: Any) -> HTMLResponse:
    return ctx.render("maintenance.html", status, default_years=ctx.request.app.state.settings.retention_years,
                      default_days=TOMBSTONE_DAYS, **values)


@router.get("/maintenance", response_class=HTMLResponse)
def maintenance(ctx: Console = Depends(admin_console)) -> HTMLResponse:
    """Retention of visit notes and the tombstone purge."""
    return _maintenance_page(ctx)


def _number(form: FormData, name: str, default: int) -> int | None:
    text = field_of(form, name, 6)
    if not text:
        return default
    return int(text) if text.isdigit() else None


@router.post("/maintenance/retention")
def retention(ctx: Console = Depends(admin_console), form: FormData = Depends(checked_form)) -> Response:
    """Anonymise old visit notes (``apply-retention``), or only list them (dry run)."""
    years = _number(form, "years", ctx.request.app.state.settings.retention_years)
    dry_run = field_of(form, "action") != "apply"
    if years is None or not 1 <= years <= 100:
        return _maintenance_page(ctx, 400, error=admin.AdminError("Opbevaringstiden skal være 1-100 år."))
    try:
        result = ctx.write(lambda c: apply_retention(c, years, dry_run=dry_run, actor=ctx.user.id))
    except admin.AdminError as exc:
        return _maintenance_page(ctx, 400, error=exc)
    if not dry_run:
        after_erasure(ctx.db, ctx.request.app.state.prepared)
    return _maintenance_page(ctx, retention=result)


@router.post("/maintenance/purge")
def purge(ctx: Console = Depends(admin_console), form: FormData = Depends(checked_form)) -> Response:
    """Drop tombstones older than N days (``purge-tombstones``)."""
    days = _number(form, "days", TOMBSTONE_DAYS)
    try:
        if days is None:
            raise admin.AdminError("Skriv et antal dage.")
        purged = ctx.write(lambda c: admin.purge_tombstones(c, days, ctx.user.id))
    except admin.AdminError as exc:
        return _maintenance_page(ctx, 400, error=exc)
    return _maintenance_page(ctx, purged=purged)
