"""Input no client should send gets a 422 before it reaches a query, the same on SQLite and PostgreSQL.

* A NUL character in the path or the query string (``%00``): PostgreSQL
  cannot store or even compare one and would answer with an error (a 500),
  SQLite would quietly keep it. Request bodies are covered by the ``Text``
  type of server/schemas.py.
* As a safety net for routes that miss a check, a database ``DataError``
  (a value the database refuses: a NUL, a number out of range) becomes a 422
  too. The failed transaction has been rolled back, so nothing is half written.
"""

from __future__ import annotations

import logging

from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse
from sqlalchemy.exc import DataError
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


async def _data_error(_request: Request, exc: DataError) -> JSONResponse:
    log.info("Refused a value the database cannot store: %s", type(exc.orig).__name__)
    return JSONResponse({"detail": DATA_REFUSED}, status_code=422)


def install(app: FastAPI) -> None:
    """Add the URL check and the DataError safety net to the app."""
    app.add_middleware(RejectNulInUrl)
    app.add_exception_handler(DataError, _data_error)
