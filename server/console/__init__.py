"""The web admin console (``/admin``): server-rendered pages for admins, read-only parts for supervisors.

Every action calls the same functions as the admin CLI and the REST admin API
(server/admin.py, server/personal_data.py, server/erasure.py,
server/audit_log.py) with the signed-in admin as the actor, so it is audited
the same way. See server/console/web.py for the session and CSRF rules.
"""

from __future__ import annotations

from pathlib import Path

from fastapi import FastAPI, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from fastapi.staticfiles import StaticFiles
from starlette.datastructures import MutableHeaders
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from server.console import audit_pages, oidc_sign_in, people, privacy_pages, sign_in
from server.console.web import PREFIX, SESSION_COOKIE, ConsoleRefusal, SignInFirst, render

# Pages with personal data are not cached; no other site may frame them (clickjacking), post to them, or load
# scripts into them (the console has none).
SECURITY_HEADERS = {
    "Content-Security-Policy": "default-src 'none'; style-src 'self'; img-src 'self'; form-action 'self'; "
                               "frame-ancestors 'none'; base-uri 'none'",
    "X-Frame-Options": "DENY",
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "same-origin",
    "Cache-Control": "no-store",
}


class ConsoleHeaders:
    """Add SECURITY_HEADERS to every answer under /admin (plain ASGI: the API's requests pass untouched)."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        path = scope.get("path", "") if scope["type"] == "http" else ""
        if not (path == PREFIX or path.startswith(PREFIX + "/")):
            await self.app(scope, receive, send)
            return

        async def with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = MutableHeaders(scope=message)
                for name, value in SECURITY_HEADERS.items():
                    headers[name] = value
            await send(message)

        await self.app(scope, receive, with_headers)


def install(app: FastAPI) -> None:
    """Add the console's pages, its static files and its refusal pages to the app."""
    for module in (sign_in, oidc_sign_in, people, audit_pages, privacy_pages):
        app.include_router(module.router, prefix=PREFIX, include_in_schema=False)
    app.mount(f"{PREFIX}/static", StaticFiles(directory=Path(__file__).parent / "static"), name="console-static")

    app.add_middleware(ConsoleHeaders)

    @app.exception_handler(ConsoleRefusal)
    async def refused(request: Request, exc: ConsoleRefusal) -> HTMLResponse:
        return render(request, "refused.html", exc.status, reason=exc.reason)

    @app.exception_handler(SignInFirst)
    async def sign_in_first(_request: Request, _exc: SignInFirst) -> Response:
        response = RedirectResponse(f"{PREFIX}/login", status_code=303)
        response.delete_cookie(SESSION_COOKIE, path=PREFIX)
        return response
