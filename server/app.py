"""The FastAPI application factory."""

from __future__ import annotations

import logging

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from sqlalchemy import Engine
from starlette.middleware.gzip import GZipMiddleware

from desktop.domain.protocol import SCHEMA_VERSION
from server import __version__
from server.admin import ensure_counters
from server.config import Settings, default_database_url
from server.db import make_engine, migrate
from server.limiter import LoginLimiter
from server.routes import admin, auth, reviews, sync, teams
from server.schemas import HealthResponse
from server.security import iso, utcnow

log = logging.getLogger(__name__)


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
    app.state.login_limiter = LoginLimiter(settings.login_attempts_per_window, settings.login_window_seconds)
    # Pull pages of Danish prose compress about 4:1; worth it on a 4G connection.
    app.add_middleware(GZipMiddleware, minimum_size=4096)

    @app.middleware("http")
    async def limit_body(request: Request, call_next):  # noqa: ANN001, ANN202
        length = request.headers.get("content-length")
        if length is not None and (not length.isdigit() or int(length) > settings.max_body_bytes):
            return JSONResponse({"detail": {"code": "too_large", "message": "Forespørgslen er for stor."}},
                                status_code=413)
        if length is None and request.method in ("POST", "PUT", "PATCH"):
            body = await request.body()
            if len(body) > settings.max_body_bytes:
                return JSONResponse({"detail": {"code": "too_large", "message": "Forespørgslen er for stor."}},
                                    status_code=413)
        return await call_next(request)

    @app.exception_handler(RequestValidationError)
    async def invalid_request(_request: Request, exc: RequestValidationError) -> JSONResponse:
        errors = [{"loc": list(e.get("loc", [])), "msg": e.get("msg", ""), "type": e.get("type", "")}
                  for e in exc.errors()]
        return JSONResponse({"detail": {"code": "invalid_request", "message": "Ugyldig forespørgsel.",
                                        "errors": errors}}, status_code=422)

    @app.get("/api/v1/health", response_model=HealthResponse, tags=["health"])
    def health() -> dict:
        """Is the server up, and what time is it there."""
        return {"status": "ok", "version": __version__, "schema_version": SCHEMA_VERSION,
                "server_time": iso(utcnow())}

    for router in (auth.router, sync.router, reviews.router, teams.router, admin.router):
        app.include_router(router)
    return app


def app_from_environment() -> FastAPI:
    """Factory for ``uvicorn --factory`` with several workers (reads FELTBOG_SERVER_DB)."""
    return create_app(default_database_url(), run_migrations=False)
