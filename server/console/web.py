"""The console's session, CSRF check, role gates and page rendering.

* **Session:** signing in (server/routes/auth.authenticate, the API's own code
  path and login limiter) makes an ordinary Feltbog token for the device
  "Webadministration" with the console's own scope (server/tokens.py: refused by the API, so it cannot
  be refreshed into a laptop's token) that expires after a working day; it lives only in an
  HttpOnly, SameSite=Strict session cookie (Secure over https). Every request checks it exactly as a bearer token
  (server/deps.current_user), so revoking it or disabling the user ends the
  session at once, and it shows on the devices page like any other sign-in.
* **CSRF:** every form carries a token derived from the session token
  (SHA-256 of a fixed label and the token, which only the cookie holds); a
  POST without it, or with another session's, is refused with 403 and audited.
  The sign-in form, before any session, uses a random cookie of its own
  (double submit). SameSite=Strict keeps the cookies off cross-site requests
  as well.
* **Sign-in with the municipality's account** (server/console/oidc_sign_in.py)
  ends in the same session, made by the same code as the app's OIDC sign-in.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal
from urllib.parse import urlencode

from fastapi import Depends, HTTPException, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from fastapi.security import HTTPAuthorizationCredentials
from fastapi.templating import Jinja2Templates
from sqlalchemy import Connection, Engine
from starlette.datastructures import FormData

from server import admin
from server.console.i18n import pick_language, translator
from server.deps import CurrentUser, audit_refusal, user_of_token
from server.tokens import CONSOLE_SCOPE

SESSION_COOKIE = "feltbog_console"
LOGIN_CSRF_COOKIE = "feltbog_console_login"
DEVICE_NAME = "Webadministration"
PREFIX = "/admin"
templates = Jinja2Templates(directory=str(Path(__file__).parent / "templates"))


class ConsoleRefusal(Exception):
    """A console request refused with a page (403 for a role or CSRF, 404 ...): ``reason`` is an i18n key."""

    def __init__(self, status: int, reason: str) -> None:
        super().__init__(reason)
        self.status, self.reason = status, reason


class SignInFirst(Exception):
    """No valid session: the browser goes to the sign-in page."""


def csrf_for(token: str) -> str:
    """The session's CSRF token (only someone holding the session cookie can compute it)."""
    return hashlib.sha256(b"feltbog-console-csrf\0" + token.encode()).hexdigest()


def is_https(request: Request) -> bool:
    """Served over https (directly, or behind a trusted proxy that said so: uvicorn's proxy headers)."""
    return request.url.scheme == "https"


def set_cookie(response: Response, request: Request, name: str, value: str, max_age: int | None = None,
               samesite: Literal["strict", "lax"] = "strict") -> None:
    """A cookie for the console's paths only: HttpOnly, SameSite=Strict (unless told), Secure over https."""
    response.set_cookie(name, value, max_age=max_age, path=PREFIX, httponly=True, samesite=samesite,
                        secure=is_https(request))


@dataclass
class Console:
    """One request of a signed-in console user: who, the language, the CSRF token."""

    request: Request
    user: CurrentUser
    csrf: str
    lang: str
    t: Callable[[str], str] = field(repr=False)

    @property
    def is_admin(self) -> bool:
        return self.user.role == "admin"

    @property
    def db(self) -> Engine:
        engine: Engine = self.request.app.state.engine
        return engine

    def render(self, template: str, status: int = 200, **values: Any) -> HTMLResponse:
        """A page of the console with the frame's values filled in."""
        return render(self.request, template, status, console=self, csrf=self.csrf, **values)

    def write(self, action: Callable[[Connection], Any]) -> Any:
        """Run an admin action in one write transaction (AdminError passes to the caller)."""
        with self.db.execution_options(write=True).begin() as conn:
            return action(conn)

    def read(self, query: Callable[[Connection], Any]) -> Any:
        """Run a read in one connection."""
        with self.db.connect() as conn:
            return query(conn)


def render(request: Request, template: str, status: int = 200, **values: Any) -> HTMLResponse:
    """Render a template in the request's language."""
    lang = pick_language(request)
    return templates.TemplateResponse(request, template, {"t": translator(lang), "lang": lang, "prefix": PREFIX,
                                                          **values}, status_code=status)


def console_user(request: Request) -> Console:
    """Dependency: the signed-in admin or supervisor; a consultant gets the Danish 403 page (audited)."""
    token = request.cookies.get(SESSION_COOKIE, "")
    if not token:
        raise SignInFirst()
    try:
        user = user_of_token(request, HTTPAuthorizationCredentials(scheme="Bearer", credentials=token),
                             request.app.state.engine, CONSOLE_SCOPE)
    except HTTPException:
        raise SignInFirst() from None
    if user.role not in ("admin", "supervisor"):
        audit_refusal(request, user.id, "refused:admin_only")
        raise ConsoleRefusal(403, "refused.consultant")
    lang = pick_language(request)
    return Console(request, user, csrf_for(token), lang, translator(lang))


def admin_console(request: Request, ctx: Console = Depends(console_user)) -> Console:
    """Dependency: admins only (a supervisor gets a 403 page, audited)."""
    if not ctx.is_admin:
        audit_refusal(request, ctx.user.id, "refused:admin_only")
        raise ConsoleRefusal(403, "refused.admin_only")
    return ctx


async def checked_form(request: Request) -> FormData:
    """Dependency of every POST: the form, once its CSRF token matches the session's (else 403, audited)."""
    form = await request.form()
    token = request.cookies.get(SESSION_COOKIE, "")
    sent = str(form.get("csrf", ""))
    if not token or not sent or not hmac.compare_digest(sent, csrf_for(token)):
        audit_refusal(request, None, "refused:csrf")
        raise ConsoleRefusal(403, "refused.csrf")
    return form


def field_of(form: FormData, name: str, limit: int = 200) -> str:
    """A text field of a form, trimmed and bounded."""
    value = form.get(name, "")
    return value.strip()[:limit] if isinstance(value, str) else ""


def new_login_csrf() -> str:
    """The sign-in form's random token (double submit: the same value in a cookie and the form)."""
    return secrets.token_urlsafe(24)


def back_to(path: str, **query: str) -> RedirectResponse:
    """303 after a successful POST (a reload does not post again)."""
    params = urlencode(query)
    return RedirectResponse(f"{PREFIX}{path}{'?' + params if params else ''}", status_code=303)


def refused_message(exc: admin.AdminError) -> str:
    """An admin action's refusal as shown on the page."""
    return str(exc)
