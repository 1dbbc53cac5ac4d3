"""Users, teams and memberships, devices: the console's pages over server/admin.py."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from fastapi import APIRouter, Depends
from fastapi.responses import HTMLResponse, Response
from sqlalchemy import Connection
from starlette.datastructures import FormData

from server import admin
from server.console.web import Console, ConsoleRefusal, admin_console, back_to, checked_form, console_user, field_of

router = APIRouter()


def _directory(conn: Connection) -> dict[str, Any]:
    """Users and teams, with names by id (what every page of this module shows)."""
    users, teams = admin.list_users(conn), admin.list_teams(conn)
    return {"users": users, "teams": teams, "team_names": {t["id"]: t["name"] for t in teams},
            "user_names": {u["id"]: u["username"] for u in users}}


def _attempt(ctx: Console, action: Callable[[Connection], Any], page: Callable[[str], Response],
             success: Callable[[Any], Response]) -> Response:
    """Run an admin action; on refusal show the page again with the reason (400)."""
    try:
        result = ctx.write(action)
    except admin.AdminError as exc:
        return page(str(exc))
    return success(result)


# -- users ----------------------------------------------------------------------------------------


def _users_page(ctx: Console, error: str | None = None, form: dict[str, str] | None = None,
                done: bool = False) -> HTMLResponse:
    return ctx.render("users.html", 400 if error else 200, error=error, form=form or {}, done=done,
                      roles=admin.ROLES, **ctx.read(_directory))


@router.get("/users", response_class=HTMLResponse)
def users(done: str = "", ctx: Console = Depends(admin_console)) -> HTMLResponse:
    """Every user with role, state and teams, and the form for a new one."""
    return _users_page(ctx, done=bool(done))


@router.post("/users")
def create_user(ctx: Console = Depends(admin_console), form: FormData = Depends(checked_form)) -> Response:
    """Create a user (and add them to a team when one is chosen): ``create-user --team``."""
    values = {k: field_of(form, k) for k in ("username", "full_name", "email", "role", "team")}
    password = str(form.get("password", ""))[:200]

    def create(conn: Connection) -> str:
        if not values["username"] or not values["full_name"]:
            raise admin.AdminError(ctx.t("users.username") + " / " + ctx.t("users.full_name") + ": ?")
        user_id = admin.create_user(conn, values["username"], values["full_name"], values["role"], password,
                                    values["email"] or None, ctx.user.id)
        if values["team"]:
            admin.add_member(conn, user_id, values["team"], ctx.user.id)
        return user_id

    return _attempt(ctx, create, lambda e: _users_page(ctx, e, values),
                    lambda user_id: back_to(f"/users/{user_id}", done="1"))


def _user_page(ctx: Console, user_id: str, error: str | None = None, done: bool = False) -> HTMLResponse:
    def load(conn: Connection) -> dict[str, Any]:
        found = admin.find_user(conn, user_id)
        directory = _directory(conn)
        person = next(u for u in directory["users"] if u["id"] == found)
        return {"person": person, "devices": admin.devices(conn, found), **directory}

    try:
        values = ctx.read(load)
    except admin.AdminError:
        raise ConsoleRefusal(404, "refused.not_found") from None
    return ctx.render("user.html", 400 if error else 200, error=error, done=done, roles=admin.ROLES, **values)


@router.get("/users/{user_id}", response_class=HTMLResponse)
def user(user_id: str, done: str = "", ctx: Console = Depends(admin_console)) -> HTMLResponse:
    """One user: state, role, password, teams and devices."""
    return _user_page(ctx, user_id, done=bool(done))


def _on_user(ctx: Console, user_id: str, action: Callable[[Connection], Any]) -> Response:
    return _attempt(ctx, action, lambda e: _user_page(ctx, user_id, e),
                    lambda _: back_to(f"/users/{user_id}", done="1"))


@router.post("/users/{user_id}/active")
def set_active(user_id: str, ctx: Console = Depends(admin_console),
               form: FormData = Depends(checked_form)) -> Response:
    """Disable or enable: ``disable`` / ``enable``."""
    active = field_of(form, "active") == "1"
    return _on_user(ctx, user_id, lambda c: admin.set_active(c, user_id, active, ctx.user.id))


@router.post("/users/{user_id}/role")
def set_role(user_id: str, ctx: Console = Depends(admin_console),
             form: FormData = Depends(checked_form)) -> Response:
    """Another role: ``set-role``."""
    return _on_user(ctx, user_id, lambda c: admin.set_role(c, user_id, field_of(form, "role"), ctx.user.id))


@router.post("/users/{user_id}/password")
def reset_password(user_id: str, ctx: Console = Depends(admin_console),
                   form: FormData = Depends(checked_form)) -> Response:
    """A new password, signing the user out everywhere: ``reset-password``."""
    password = str(form.get("password", ""))[:200]
    return _on_user(ctx, user_id, lambda c: admin.reset_password(c, user_id, password, ctx.user.id))


@router.post("/users/{user_id}/revoke")
def revoke_all(user_id: str, ctx: Console = Depends(admin_console),
               _form: FormData = Depends(checked_form)) -> Response:
    """Every device of the user: ``revoke``."""
    return _on_user(ctx, user_id, lambda c: admin.revoke_user(c, user_id, ctx.user.id))


@router.post("/users/{user_id}/teams")
def add_to_team(user_id: str, ctx: Console = Depends(admin_console),
                form: FormData = Depends(checked_form)) -> Response:
    """Add the user to a team: ``add-member``."""
    return _on_user(ctx, user_id, lambda c: admin.add_member(c, user_id, field_of(form, "team"), ctx.user.id))


@router.post("/users/{user_id}/teams/remove")
def remove_from_team(user_id: str, ctx: Console = Depends(admin_console),
                     form: FormData = Depends(checked_form)) -> Response:
    """Take a team away from the user: ``remove-member``."""
    return _on_user(ctx, user_id, lambda c: admin.remove_member(c, user_id, field_of(form, "team"), ctx.user.id))


# -- teams ----------------------------------------------------------------------------------------


def _teams_page(ctx: Console, error: str | None = None, done: bool = False) -> HTMLResponse:
    values = ctx.read(_directory)
    shown = values["teams"] if ctx.is_admin else [t for t in values["teams"] if t["id"] in ctx.user.teams]
    members = {t["id"]: [u for u in values["users"] if t["id"] in u["teams"]] for t in shown}
    outsiders = {t["id"]: [u for u in values["users"] if t["id"] not in u["teams"]] for t in shown}
    return ctx.render("teams.html", 400 if error else 200, error=error, done=done, shown=shown, members=members,
                      outsiders=outsiders, **values)


@router.get("/teams", response_class=HTMLResponse)
def teams(done: str = "", ctx: Console = Depends(console_user)) -> HTMLResponse:
    """Teams and their members (a supervisor sees their own teams, read only)."""
    return _teams_page(ctx, done=bool(done))


@router.post("/teams")
def create_team(ctx: Console = Depends(admin_console), form: FormData = Depends(checked_form)) -> Response:
    """A new team: ``create-team``."""
    return _attempt(ctx, lambda c: admin.create_team(c, field_of(form, "name"), ctx.user.id),
                    lambda e: _teams_page(ctx, e), lambda _: back_to("/teams", done="1"))


@router.post("/teams/{team_id}/members")
def add_member(team_id: str, ctx: Console = Depends(admin_console), form: FormData = Depends(checked_form)) -> Response:
    """Add a user to the team: ``add-member``."""
    return _attempt(ctx, lambda c: admin.add_member(c, field_of(form, "user"), team_id, ctx.user.id),
                    lambda e: _teams_page(ctx, e), lambda _: back_to("/teams", done="1"))


@router.post("/teams/{team_id}/members/remove")
def remove_member(team_id: str, ctx: Console = Depends(admin_console),
                  form: FormData = Depends(checked_form)) -> Response:
    """Take a user out of the team: ``remove-member``."""
    return _attempt(ctx, lambda c: admin.remove_member(c, field_of(form, "user"), team_id, ctx.user.id),
                    lambda e: _teams_page(ctx, e), lambda _: back_to("/teams", done="1"))


# -- devices --------------------------------------------------------------------------------------


def _devices_page(ctx: Console, user: str = "", show_all: bool = False, error: str | None = None,
                  done: bool = False) -> HTMLResponse:
    def load(conn: Connection) -> dict[str, Any]:
        return {"devices": admin.devices(conn, user or None, include_ended=show_all), **_directory(conn)}

    try:
        values = ctx.read(load)
    except admin.AdminError as exc:
        values, error = {"devices": [], **ctx.read(_directory)}, str(exc)
    return ctx.render("devices.html", 400 if error else 200, error=error, done=done, chosen_user=user,
                      show_all=show_all, **values)


@router.get("/devices", response_class=HTMLResponse)
def devices(user: str = "", all: str = "", done: str = "", ctx: Console = Depends(admin_console)) -> HTMLResponse:
    """Signed-in devices, newest first (optionally one user's, optionally the ended ones too)."""
    return _devices_page(ctx, user[:100], bool(all), done=bool(done))


@router.post("/devices/{device_id}/revoke")
def revoke_device(device_id: str, ctx: Console = Depends(admin_console),
                  form: FormData = Depends(checked_form)) -> Response:
    """Revoke one device: audited as ``revoke-device``; it hands in its work and wipes at its next sync."""
    back = field_of(form, "back_user", 100)
    return _attempt(ctx, lambda c: admin.revoke_token(c, device_id, ctx.user.id),
                    lambda e: _devices_page(ctx, back, error=e),
                    lambda _: back_to("/devices", done="1", **({"user": back} if back else {})))
