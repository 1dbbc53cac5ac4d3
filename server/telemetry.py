"""Per-request observability: a request id, one log line and the metrics; liveness, readiness and /metrics.

Every request gets an id (the caller's ``X-Request-ID`` when it is a short token, else a new one),
echoed in the response's ``X-Request-ID`` and bound to every log line written while it runs. When
it ends, one line ``request`` says the method, the route *template*, the status, the time taken,
the signed-in user's id (set by server/deps.py) and the outcome; never the path's values, the
query or the body.
"""

from __future__ import annotations

import logging
import re
import time
import uuid
from typing import Any

import structlog
from fastapi import APIRouter, FastAPI, Request, Response
from sqlalchemy import Engine, text
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from desktop.domain.protocol import SCHEMA_VERSION
from server import __version__, metrics
from server.schemas import HealthResponse
from server.security import iso, utcnow

log = logging.getLogger("server.request")
REQUEST_ID_HEADER = "X-Request-ID"
_GOOD_REQUEST_ID = re.compile(r"[A-Za-z0-9._-]{1,64}")


def outcome(status: int) -> str:
    """``ok``, ``refused`` (the client's fault: 4xx) or ``error`` (5xx)."""
    return "ok" if status < 400 else "refused" if status < 500 else "error"


def route_template(scope: Scope) -> str:
    """The matched route's template; ``unmatched`` for a path no route has (never the raw path)."""
    route = scope.get("route")
    path = getattr(route, "path", None)
    return str(path) if path else "unmatched"


class RequestTelemetry:
    """ASGI middleware: request id, the request's log line and its metrics."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        given = next((value.decode("latin-1") for name, value in scope["headers"] if name == b"x-request-id"), "")
        request_id = given if _GOOD_REQUEST_ID.fullmatch(given) else uuid.uuid4().hex
        status = 500
        started = time.perf_counter()

        async def send_with_id(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
                message["headers"] = [*message.get("headers", []), (b"x-request-id", request_id.encode())]
            await send(message)

        with structlog.contextvars.bound_contextvars(request_id=request_id):
            try:
                await self.app(scope, receive, send_with_id)
            except Exception:
                # Here, with the request's id; the traceback without any exception's message (server/logs.py).
                log.error("unhandled error", exc_info=True)
                raise
            finally:
                seconds = time.perf_counter() - started
                route, method = route_template(scope), scope["method"]
                metrics.REQUESTS.labels(method, route, str(status)).inc()
                metrics.REQUEST_SECONDS.labels(method, route).observe(seconds)
                user_id = (scope.get("state") or {}).get("user_id")
                log.info("request", extra={"method": method, "route": route, "status": status,
                                           "duration_ms": round(seconds * 1000, 1), "user_id": user_id,
                                           "outcome": outcome(status)})


def database_ready(engine: Engine) -> bool:
    """Can the database answer a query right now."""
    try:
        with engine.connect() as conn:
            conn.execute(text("SELECT 1"))
    except Exception as exc:  # any failure means "not ready"; the reason goes to the log, not to the caller
        log.warning("database not ready", extra={"error": type(exc).__name__})
        return False
    return True


router = APIRouter(tags=["health"])


@router.get("/api/v1/health", response_model=HealthResponse, responses={503: {"model": HealthResponse}})
def health(request: Request, response: Response) -> dict[str, Any]:
    """Is the server up with its database, and what time is it there (the app's check, desktop/sync/client.py).

    ``status`` is ``ok``, or ``unavailable`` with 503 while the database does not answer; ``version`` and
    ``build`` (``FELTBOG_BUILD``, the git commit the installers set, else ``dev``) say what runs.
    """
    ready = database_ready(request.app.state.engine)
    if not ready:
        response.status_code = 503
    return {"status": "ok" if ready else "unavailable", "version": __version__,
            "build": request.app.state.settings.build, "schema_version": SCHEMA_VERSION,
            "server_time": iso(utcnow())}


@router.get("/api/v1/health/live")
def live() -> dict[str, str]:
    """Liveness: the process answers (restart it if not); says nothing about the database."""
    return {"status": "ok"}


@router.get("/api/v1/health/ready")
def ready(request: Request, response: Response) -> dict[str, str]:
    """Readiness: 200 when the database answers a query, else 503 (send no traffic here)."""
    if database_ready(request.app.state.engine):
        return {"status": "ok", "database": "ok"}
    response.status_code = 503
    return {"status": "unavailable", "database": "unreachable"}


# HEAD for every check (monitors and load balancers use it), and the short names Kubernetes-style
# probes expect; outside the API schema, where each operation is listed once.
for _path, _endpoint in (("/api/v1/health", health), ("/api/v1/health/live", live), ("/livez", live),
                         ("/api/v1/health/ready", ready), ("/readyz", ready)):
    router.add_api_route(_path, _endpoint, methods=["HEAD"] if _path.startswith("/api") else ["GET", "HEAD"],
                         include_in_schema=False)


def metrics_endpoint() -> Response:
    """The Prometheus metrics of every worker (server/metrics.py)."""
    body, content_type = metrics.exposition()
    return Response(body, media_type=content_type)


def install(app: FastAPI, *, with_metrics: bool) -> None:
    """Add the middleware and the health (and, when on, metrics) routes."""
    app.add_middleware(RequestTelemetry)
    app.include_router(router)
    if with_metrics:
        app.add_api_route("/metrics", metrics_endpoint, methods=["GET"], include_in_schema=False)
