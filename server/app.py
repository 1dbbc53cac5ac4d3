"""The FastAPI application factory."""

from __future__ import annotations

import logging

from fastapi import FastAPI, HTTPException, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from sqlalchemy import Engine
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.middleware.gzip import GZipMiddleware
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from desktop.domain.protocol import SCHEMA_VERSION
from server import __version__, hostile_input
from server.admin import ensure_counters
from server.config import Settings, default_database_url
from server.db import make_engine, migrate
from server.limiter import LoginLimiter, RefusalThrottle
from server.routes import access, admin, auth, privacy, reviews, sync, teams
from server.schemas import HealthResponse
from server.security import iso, utcnow

log = logging.getLogger(__name__)
TOO_LARGE = {"code": "too_large", "message": "Forespørgslen er for stor."}


class BodyLimit:
    """Refuse request bodies over ``max_bytes`` with 413, by header or while they stream in."""

    def __init__(self, app: ASGIApp, max_bytes: int) -> None:
        self.app = app
        self.max_bytes = max_bytes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        for name, value in scope["headers"]:
            if name == b"content-length" and (not value.isdigit() or int(value) > self.max_bytes):
                await JSONResponse({"detail": TOO_LARGE}, status_code=413)(scope, receive, send)
                return
        seen = 0

        async def limited() -> Message:
            nonlocal seen
            message = await receive()
            if message["type"] == "http.request":
                seen += len(message.get("body", b""))
                if seen > self.max_bytes:  # chunked upload without a length: stop reading
                    raise HTTPException(413, TOO_LARGE)
            return message

        await self.app(scope, limited, send)


def create_app(database_url: str | None = None, *, settings: Settings | None = None,
               engine: Engine | None = None, run_migrations: bool = True) -> FastAPI:
    """Build the app for one database; migrations run here unless told not to."""
    settings = settings or Settings(database_url or default_database_url())
    engine = engine or make_engine(settings.database_url)
    if run_migrations:
        migrate(engine)
        with engine.execution_options(write=True).begin() as conn:
            ensure_counters(conn)
    app = FastAPI(title="Feltbog sync server", version=__version__,
                  description="Sync, review and administration API for the Feltbog desktop app.")
    app.state.engine = engine
    app.state.settings = settings
    app.state.login_limiter = LoginLimiter(settings.login_attempts_per_window, settings.login_window_seconds,
                                           max_lockout=settings.login_max_lockout_seconds)
    app.state.refusal_throttle = RefusalThrottle(settings.refusal_audit_rows_per_minute)
    # Pull pages of Danish prose compress about 4:1; worth it on a 4G connection. Level 1 costs
    # little CPU (level 9, the default, would dominate a first sync).
    app.add_middleware(GZipMiddleware, minimum_size=4096, compresslevel=1)
    app.add_middleware(BodyLimit, max_bytes=settings.max_body_bytes)
    hostile_input.install(app)  # NUL in the URL, values the database refuses: 422, not 500

    @app.exception_handler(RequestValidationError)
    async def invalid_request(_request: Request, exc: RequestValidationError) -> JSONResponse:
        errors = [{"loc": list(e.get("loc", [])), "msg": e.get("msg", ""), "type": e.get("type", "")}
                  for e in exc.errors()]
        return JSONResponse({"detail": {"code": "invalid_request", "message": "Ugyldig forespørgsel.",
                                        "errors": errors}}, status_code=422)

    @app.exception_handler(StarletteHTTPException)
    async def http_error(_request: Request, exc: StarletteHTTPException) -> JSONResponse:
        # Every error has the same shape, {"detail": {"code", "message", ...}}, also Starlette's own.
        detail = exc.detail
        if not isinstance(detail, dict):
            code = {400: "invalid_request", 404: "not_found", 405: "method_not_allowed"}.get(exc.status_code, "error")
            # Starlette's own texts are English (e.g. a body that is not JSON): the user gets Danish.
            message = {400: "Forespørgslens indhold kunne ikke læses.", 404: "Findes ikke.",
                       405: "Metoden findes ikke her."}.get(exc.status_code, str(detail))
            detail = {"code": code, "message": message}
        return JSONResponse({"detail": detail}, status_code=exc.status_code, headers=exc.headers)

    @app.get("/api/v1/health", response_model=HealthResponse, tags=["health"])
    def health() -> dict:
        """Is the server up, and what time is it there."""
        return {"status": "ok", "version": __version__, "schema_version": SCHEMA_VERSION,
                "server_time": iso(utcnow())}

    for router in (auth.router, sync.router, access.router, reviews.router, teams.router, admin.router,
                   privacy.router):
        app.include_router(router)
    return app


def app_from_environment() -> FastAPI:
    """Factory for ``uvicorn --factory`` with several workers (reads FELTBOG_SERVER_DB)."""
    return create_app(default_database_url(), run_migrations=False)
