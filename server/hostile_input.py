"""Input no client should send gets a 422 before it reaches a query, the same on SQLite and PostgreSQL.

* A NUL character in the path or the query string (``%00``): PostgreSQL
  cannot store or even compare one and would answer with an error (a 500),
  SQLite would quietly keep it. Request bodies are covered by the ``Text``
  type of server/schemas.py.
* As a safety net for routes that miss a check, a database ``DataError``
  (a value the database refuses: a NUL, a number out of range, a text too long
  for its column) becomes a 422 too, whether SQLAlchemy wrapped it or psycopg
  raised it itself (a pipeline's errors surface as psycopg's own). The failed
  transaction has been rolled back, so nothing is half written.
* :func:`safe_text` makes any text a client sent safe to echo in an answer:
  short, and without lone surrogates (which no encoder accepts).
"""

from __future__ import annotations

import logging

from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse
from sqlalchemy.exc import DataError

try:
    from psycopg import DataError as PsycopgDataError
except ImportError:  # pragma: no cover - psycopg is a dependency, but SQLite needs none
    PsycopgDataError = DataError  # type: ignore[misc,assignment]
from starlette.types import ASGIApp, Receive, Scope, Send

log = logging.getLogger(__name__)
NUL_REFUSED = {"code": "invalid_request", "message": "Forespørgslen indeholder et ugyldigt tegn (NUL)."}
DATA_REFUSED = {"code": "invalid_request", "message": "Databasen kan ikke gemme en af de angivne værdier."}


class RejectNulInUrl:
    """ASGI middleware: 422 for a NUL in the path or the query string."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http" and ("\x00" in scope.get("path", "") or b"%00" in scope.get("query_string", b"")):
            await JSONResponse({"detail": NUL_REFUSED}, status_code=422)(scope, receive, send)
            return
        await self.app(scope, receive, send)


def safe_text(text: str, limit: int) -> str:
    """``text`` cut to ``limit`` characters, with lone surrogates replaced (so it can be encoded)."""
    text = text[:limit]
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        text = text.encode("utf-8", "replace").decode("utf-8")
    return text


def encodable(text: str) -> bool:
    """False for text with a lone surrogate (no database or JSON encoder takes one)."""
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


async def _data_error(_request: Request, exc: Exception) -> JSONResponse:
    log.info("Refused a value the database cannot store: %s", type(getattr(exc, "orig", None) or exc).__name__)
    return JSONResponse({"detail": DATA_REFUSED}, status_code=422)


def install(app: FastAPI) -> None:
    """Add the URL check and the DataError safety nets to the app."""
    app.add_middleware(RejectNulInUrl)
    app.add_exception_handler(DataError, _data_error)
    app.add_exception_handler(PsycopgDataError, _data_error)
