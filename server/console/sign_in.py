"""Signing in and out of the console, and the language switch."""

from __future__ import annotations

import hmac
from collections.abc import Callable

from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from starlette.datastructures import FormData

from server.console.i18n import LANG_COOKIE, LANGUAGES, pick_language, translator
from server.console.web import (
    DEVICE_NAME,
    LOGIN_CSRF_COOKIE,
    PREFIX,
    SESSION_COOKIE,
    Console,
    ConsoleRefusal,
    checked_form,
    console_user,
    field_of,
    new_login_csrf,
    render,
    set_cookie,
)
from server.deps import audit_refusal
from server.routes.auth import LoginRefused, SignedIn, authenticate, sign_out
from server.security import token_hash
from server.tokens import CONSOLE_SCOPE

router = APIRouter()
# The form's refusals by HTTP status (403: a right password, but the server takes the municipality's account only).
PASSWORD_REFUSALS = {401: "login.failed", 403: "login.password_off", 429: "login.rate_limited"}


def _login_page(request: Request, error: str | None = None, status: int = 200) -> HTMLResponse:
    token = new_login_csrf()
    response = render(request, "login.html", status, csrf=token, error=error,
                      oidc=request.app.state.oidc_provider is not None)
    set_cookie(response, request, LOGIN_CSRF_COOKIE, token)
    return response


def login_page_with(request: Request, error_key: str, status: int) -> HTMLResponse:
    """The sign-in page again, with a refusal (an i18n key) above the form."""
    return _login_page(request, translator_for(request)(error_key), status)


@router.get("/login", response_class=HTMLResponse)
def login_page(request: Request) -> HTMLResponse:
    """The sign-in form."""
    return _login_page(request)


@router.post("/login", response_class=HTMLResponse)
async def login(request: Request) -> Response:
    """Check the username and password through the API's own sign-in (same limits, same audit rows)."""
    form = await request.form()
    expected = request.cookies.get(LOGIN_CSRF_COOKIE, "")
    if not expected or not hmac.compare_digest(str(form.get("csrf", "")), expected):
        audit_refusal(request, None, "refused:csrf")
        raise ConsoleRefusal(403, "refused.csrf")
    return _signed_in(request, form)


def _signed_in(request: Request, form: FormData) -> Response:
    db = request.app.state.engine
    try:
        signed = authenticate(request, db, field_of(form, "username", 100), str(form.get("password", ""))[:200],
                              DEVICE_NAME, CONSOLE_SCOPE)
    except LoginRefused as refused:
        response = login_page_with(request, PASSWORD_REFUSALS.get(refused.status, "login.failed"), refused.status)
        for name, value in (refused.headers or {}).items():
            response.headers[name] = value
        return response
    landing = RedirectResponse(landing_of(request, signed), status_code=303)
    open_session(landing, request, signed)
    return landing


def landing_of(request: Request, signed: SignedIn) -> str:
    """Where a new session starts: admins at the users, supervisors at their teams.

    A consultant got in (their password or account was right), but the console is not theirs: the new
    token is revoked at once, the refusal audited, and :class:`ConsoleRefusal` raised.
    """
    if signed.user.role not in ("admin", "supervisor"):
        sign_out(request.app.state.engine, token_hash(signed.token), signed.user.id)
        audit_refusal(request, signed.user.id, "refused:admin_only")
        raise ConsoleRefusal(403, "refused.consultant")
    return f"{PREFIX}/users" if signed.user.role == "admin" else f"{PREFIX}/teams"


def open_session(response: Response, request: Request, signed: SignedIn) -> None:
    """Give the browser the session cookie (the sign-in's token) and drop the sign-in form's cookie."""
    set_cookie(response, request, SESSION_COOKIE, signed.token)
    response.delete_cookie(LOGIN_CSRF_COOKIE, path=PREFIX)


def translator_for(request: Request) -> Callable[[str], str]:
    """The request's ``t``."""
    return translator(pick_language(request))


@router.post("/logout")
def logout(ctx: Console = Depends(console_user), _form: FormData = Depends(checked_form)) -> Response:
    """End the session: its token is revoked (audited as ``logout``)."""
    sign_out(ctx.db, ctx.user.token_hash, ctx.user.id)
    response = RedirectResponse(f"{PREFIX}/login", status_code=303)
    response.delete_cookie(SESSION_COOKIE, path=PREFIX)
    return response


@router.get("/lang/{lang}")
def switch_language(lang: str, request: Request, back: str = "/users") -> Response:
    """Switch the console's language (a cookie for a year) and go back to the page."""
    target = back if back.startswith("/") and not back.startswith("//") else "/users"
    response = RedirectResponse(f"{PREFIX}{target}", status_code=303)
    if lang in LANGUAGES:
        set_cookie(response, request, LANG_COOKIE, lang, max_age=365 * 24 * 3600)
    return response


@router.get("")
@router.get("/")
def home(ctx: Console = Depends(console_user)) -> Response:
    """Admins start at the users, supervisors at their teams."""
    return RedirectResponse(f"{PREFIX}/users" if ctx.is_admin else f"{PREFIX}/teams", status_code=303)
