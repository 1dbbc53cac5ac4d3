"""The FastAPI application factory."""

from __future__ import annotations

import asyncio
import gc
import logging
from typing import Any

from fastapi import FastAPI, HTTPException, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from fastapi_offline import FastAPIOffline
from sqlalchemy import Engine
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.middleware.gzip import GZipMiddleware
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from server import __version__, console, hostile_input, telemetry
from server.admin import ensure_counters
from server.config import Settings, load_settings, prepared_folder
from server.db import make_engine, migrate
from server.hostile_input import safe_text
from server.limiter import LoginLimiter, RefusalThrottle
from server.oidc.settings import OidcSettings
from server.prepared import PreparedCopies
from server.routes import access, admin, admin_more, auth, companies, deleted, oidc, privacy, reviews, sync, teams

log = logging.getLogger(__name__)
TOO_LARGE = {"code": "too_large", "message": "Forespørgslen er for stor."}
TOO_SLOW = {"code": "too_slow", "message": "Forespørgslen kom for langsomt."}
MAX_ERRORS = 20  # listed in a 422; the count says how many there were


class BodyLimit:
    """Bound what a request body may cost before any route (or JSON parser) sees it.

    * over ``max_bytes``: 413, by the header or while the body streams in;
    * more than ``max_members`` colons (an upper bound on the JSON object members it can hold): 413
      while it streams in, so a body of a million tiny fields is refused before it is parsed;
    * a body that has not arrived ``timeout`` seconds after the request began: 408, so a client
      that sends a few bytes a minute does not hold a worker for ever.

    The limits are read from ``app.state.settings`` at each request.
    """

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        settings: Settings = scope["app"].state.settings
        max_bytes, max_members = settings.max_body_bytes, settings.max_json_members
        for name, value in scope["headers"]:
            if name == b"content-length" and (not value.isdigit() or int(value) > max_bytes):
                await JSONResponse({"detail": TOO_LARGE}, status_code=413)(scope, receive, send)
                return
        seen = members = 0
        deadline = asyncio.get_running_loop().time() + settings.body_timeout_seconds

        async def next_message() -> Message:
            try:
                return await asyncio.wait_for(receive(), max(0.0, deadline - asyncio.get_running_loop().time()))
            except TimeoutError:
                raise HTTPException(408, TOO_SLOW) from None

        async def limited() -> Message:
            nonlocal seen, members
            message = await next_message()
            if message["type"] == "http.request":
                chunk = message.get("body", b"")
                seen += len(chunk)
                members += chunk.count(b":")
                if seen > max_bytes or members > max_members:  # also a chunked upload without a length
                    # Read the rest (not kept, not parsed, at most max_bytes and within the deadline) so
                    # the client, still sending, gets the 413 instead of a reset connection.
                    while message.get("more_body") and seen <= max_bytes:
                        message = await next_message()
                        seen += len(message.get("body", b""))
                    raise HTTPException(413, TOO_LARGE)
            return message

        await self.app(scope, limited, send)


def _fastapi(settings: Settings) -> FastAPI:
    """The FastAPI object; its API docs use the Swagger UI and ReDoc files the server serves itself
    (fastapi-offline's copies, so the page works on an intranet), or are off (``FELTBOG_DOCS=false``)."""
    about: dict[str, Any] = {"title": "Feltbog sync server", "version": __version__,
             "description": "Sync, review and administration API for the Feltbog desktop app."}
    if not settings.docs:
        return FastAPI(docs_url=None, redoc_url=None, openapi_url=None, **about)
    return FastAPIOffline(static_url="/api-docs-assets", **about)


def create_app(database_url: str | None = None, *, settings: Settings | None = None,
               engine: Engine | None = None, run_migrations: bool = True,
               oidc_settings: OidcSettings | None = None) -> FastAPI:
    """Build the app for one database; migrations run here unless told not to.

    ``oidc_settings``: sign-in with the municipality's account (default: from ``FELTBOG_OIDC_*``).
    """
    if settings is None:
        settings = load_settings(database_url=database_url)
    engine = engine or make_engine(settings.database_url, pool_size=settings.db_pool_size,
                                   max_overflow=settings.db_max_overflow)
    if run_migrations:
        migrate(engine)
        with engine.execution_options(write=True).begin() as conn:
            ensure_counters(conn)
    app = _fastapi(settings)
    app.state.engine = engine
    app.state.settings = settings
    app.state.login_limiter = LoginLimiter(settings.login_attempts_per_window, settings.login_window_seconds,
                                           max_lockout=settings.login_max_lockout_seconds,
                                           user_attempts=settings.login_user_attempts_per_window,
                                           address_attempts=settings.login_address_attempts_per_window)
    app.state.refusal_throttle = RefusalThrottle(settings.refusal_audit_rows_per_minute)
    app.state.prepared = PreparedCopies(prepared_folder(settings), settings.database_url)
    oidc.install(app, oidc_settings or OidcSettings())
    # Pull pages of Danish prose compress about 4:1; worth it on a 4G connection. Level 1 costs
    # little CPU (level 9, the default, would dominate a first sync).
    app.add_middleware(GZipMiddleware, minimum_size=4096, compresslevel=1)
    app.add_middleware(BodyLimit)
    hostile_input.install(app)  # NUL in the URL, values the database refuses: 422, not 500
    telemetry.install(app, with_metrics=settings.metrics)  # added last: outermost, so it sees every answer

    @app.exception_handler(RequestValidationError)
    async def invalid_request(_request: Request, exc: RequestValidationError) -> JSONResponse:
        # A few errors, each short and without the input: a hostile body must not get a huge answer.
        found = exc.errors()
        errors = [{"loc": [safe_text(str(part), 64) for part in e.get("loc", [])][:8],
                   "msg": safe_text(str(e.get("msg", "")), 200), "type": safe_text(str(e.get("type", "")), 64)}
                  for e in found[:MAX_ERRORS]]
        return JSONResponse({"detail": {"code": "invalid_request", "message": "Ugyldig forespørgsel.",
                                        "errors": errors, "error_count": len(found)}}, status_code=422)

    @app.exception_handler(StarletteHTTPException)
    async def http_error(_request: Request, exc: StarletteHTTPException) -> JSONResponse:
        # Every error has the same shape, {"detail": {"code", "message", ...}}, also Starlette's own.
        detail: Any = exc.detail
        if not isinstance(detail, dict):
            code = {400: "invalid_request", 404: "not_found", 405: "method_not_allowed"}.get(exc.status_code, "error")
            # Starlette's own texts are English (e.g. a body that is not JSON): the user gets Danish.
            message = {400: "Forespørgslens indhold kunne ikke læses.", 404: "Findes ikke.",
                       405: "Metoden findes ikke her."}.get(exc.status_code, str(detail))
            detail = {"code": code, "message": message}
        return JSONResponse({"detail": detail}, status_code=exc.status_code, headers=exc.headers)

    for router in (auth.router, oidc.router, sync.router, access.router, reviews.router, teams.router, admin.router,
                   admin_more.router, privacy.router, companies.router, deleted.router):
        app.include_router(router)
    console.install(app)  # the web admin console under /admin
    return app


def app_from_environment() -> FastAPI:
    """Factory for ``uvicorn --factory`` with several workers (the settings from ``FELTBOG_*``, server/config.py)."""
    app = create_app(settings=load_settings(), run_migrations=False)
    tune_gc()
    return app


GC_YOUNG_THRESHOLD = 50_000  # container allocations (net) between two young collections; Python's default is 700


def tune_gc() -> None:
    """Make Python's cyclic garbage collector cheap for a server process (call once, after start-up).

    A push of 1,000 mutations keeps ~100,000 dicts and lists alive while it works (the parsed body, the
    records, their meta); with the default thresholds that count sets off hundreds of young collections
    and a full one every few requests, each walking everything alive: measured at 20-30 % of the
    server's CPU time per push (gc callbacks and per-request CPU time, 10,000 mutations in 10 pushes).
    Almost nothing a request makes is cyclic (reference counting frees it), so collecting rarely loses
    little memory. ``gc.freeze`` moves what start-up made (modules, the app, SQLAlchemy's tables) out of
    every later full collection.
    """
    gc.collect()
    gc.freeze()
    gc.set_threshold(GC_YOUNG_THRESHOLD, 20, 20)
