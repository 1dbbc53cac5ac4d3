"""Push, pull and summary: the hot paths, so responses are built with orjson, not re-validated."""

from __future__ import annotations

import logging
import time

import orjson
from fastapi import APIRouter, Depends, HTTPException, Query, Request, Response
from fastapi.responses import FileResponse
from sqlalchemy import Connection, Engine

from desktop.domain.protocol import MIN_CLIENT_SCHEMA_VERSION, PULL_DEFAULT_LIMIT, PULL_MAX_LIMIT
from server import metrics, restore
from server.access import pushing_user
from server.cpr_guard import refuse_cpr
from server.deps import CurrentUser, current_user, engine, json_response
from server.prepared import PreparedCopies, teams_now
from server.pull import CursorTooOld, pull_page, snapshot, summary
from server.push import Gap, apply_push
from server.schemas import PullResponse, PushRequest, PushResponse, SummaryResponse, errors
from server.security import iso, utcnow

log = logging.getLogger(__name__)
router = APIRouter(prefix="/api/v1/sync", tags=["sync"])
NO_COPY = {"code": "no_prepared_copy", "message": "Ingen forberedt kopi: synkronisér side for side."}
TOO_OLD = {"code": "client_too_old", "message": "Denne version af Feltbog er for gammel. Opdatér programmet."}


@router.post("/push", response_model=PushResponse, responses=errors(400, 401, 409, 413, 422, 426))
def push(body: PushRequest, request: Request, user: CurrentUser = Depends(pushing_user),
         db: Engine = Depends(engine)) -> Response:
    """Apply a device's mutations in one transaction (idempotent by mutation id).

    A token an admin revoked may still hand in its changes for a while, and a
    user may still write to a team they just left (server/access.py).
    """
    if body.schema_version < MIN_CLIENT_SCHEMA_VERSION:
        raise HTTPException(426, TOO_OLD)
    mutations = [m.__dict__ for m in body.mutations]
    started = time.perf_counter()
    screen = refuse_cpr if request.app.state.settings.refuse_cpr_numbers else None
    try:
        with db.execution_options(write=True).begin() as conn:
            results, last = apply_push(conn, user.id, body.device_id, set(user.teams), mutations,
                                       supervisor=user.is_supervisor, screen=screen)
    except Gap as gap:
        log.info("push", extra={"mutations": len(mutations), "gap": True})
        raise HTTPException(409, {"code": "mutation_gap", "expected": gap.expected,
                                  "message": "Ændringerne kom ikke i rækkefølge."}) from None
    seconds = time.perf_counter() - started
    refused = [r["code"] for r in results if r["code"]]
    metrics.PUSH_MUTATIONS.observe(len(mutations))
    metrics.PUSH_SECONDS.observe(seconds)
    for code in refused:
        metrics.PUSH_REFUSED.labels(code).inc()
    # Counts and codes only: never a record's fields.
    log.info("push", extra={"mutations": len(mutations), "refused": len(refused), "last_mutation_id": last,
                            "push_ms": round(seconds * 1000, 1)})
    return json_response({"results": results, "last_mutation_id": last, "server_time": iso(utcnow())})


@router.get("/pull", response_model=PullResponse, responses=errors(401, 410, 422))
def pull(
    since: int = Query(0, ge=0, le=2**62),
    limit: int = Query(PULL_DEFAULT_LIMIT, ge=1, le=PULL_MAX_LIMIT),
    user: CurrentUser = Depends(current_user),
    db: Engine = Depends(engine),
) -> Response:
    """Changes after ``since`` in sequence order, for the user's teams."""
    started = time.perf_counter()
    try:
        with snapshot(db) as conn:
            body = pull_page(conn, list(user.teams), since, limit)
    except CursorTooOld:
        raise HTTPException(410, {"code": "resync_required",
                                  "message": "Serveren kræver en fuld synkronisering."}) from None
    _observe_page(started, body)
    return Response(content=body, media_type="application/json")


@router.get("/prepared", responses={**errors(401, 404, 422), 202: {"description": "A copy is being prepared"}})
def prepared(
    request: Request,
    schema: str = Query(..., min_length=1, max_length=64, pattern=r"^[A-Za-z0-9_]+$"),
    user: CurrentUser = Depends(current_user),
    db: Engine = Depends(engine),
) -> Response:
    """A prepared first sync of the user's teams (server/prepared.py), for a laptop at migration ``schema``.

    200: the laptop database file, gzip-compressed, with its cursor, record
    count and SHA-256 (of the compressed bytes sent) in ``X-Feltbog-*`` headers;
    the laptop then pulls the pages after that cursor. 202: none is ready, one
    is being prepared: sync page by page this time. 404: none for these teams
    (too few records, turned off, or built for another version of the app).
    """
    settings = request.app.state.settings
    copies: PreparedCopies = request.app.state.prepared
    if not user.teams or not settings.prepared_min_records:
        raise _no_copy()
    now = teams_now(db, list(user.teams))
    if now.records < settings.prepared_min_records:
        raise _no_copy()
    copy = copies.usable(now)
    if copy is None or now.cursor - copy.cursor > settings.prepared_max_lag:
        copies.start_build(now.key, now.teams, now.era, now.generation, db)  # a fresher one for the next laptop
    if copy is None:
        metrics.PREPARED_ANSWERS.labels("preparing").inc()
        return json_response({"code": "preparing", "message": "En forberedt kopi er på vej."}, 202)
    if copy.schema != schema:
        if copy.schema != copies.schema:  # built before an update of the app (or not known since a restart)
            copies.start_build(now.key, now.teams, now.era, now.generation, db)
        raise _no_copy()
    metrics.PREPARED_ANSWERS.labels("sent").inc()
    log.info("prepared copy", extra={"records": copy.records, "cursor": copy.cursor, "bytes": copy.size})
    return FileResponse(copy.path, media_type="application/vnd.sqlite3", headers={
        "Content-Encoding": "gzip", "X-Feltbog-Cursor": str(copy.cursor), "X-Feltbog-Records": str(copy.records),
        "X-Feltbog-Sha256": copy.sha256, "X-Feltbog-Schema": copy.schema, "Cache-Control": "no-store"})


def _no_copy() -> HTTPException:
    """The 404 of ``/prepared`` (no copy for this laptop: it syncs page by page), counted for /metrics."""
    metrics.PREPARED_ANSWERS.labels("none").inc()
    return HTTPException(404, NO_COPY)


def _observe_page(started: float, body: bytes) -> None:
    """Record a pull page's time, size and number of changes (``/pull``'s, or the one ``/summary`` brings)."""
    metrics.PULL_SECONDS.observe(time.perf_counter() - started)
    metrics.PULL_BYTES.observe(len(body))
    # Each change in the page starts with this key (server/pull.py builds them); a record's own
    # fields are a nested object, its texts escaped, so they cannot add to the count.
    metrics.PULL_RECORDS.observe(body.count(b'{"entity":"'))


@router.get("/summary", response_model=SummaryResponse, responses=errors(401, 422))
def sync_summary(
    era: int | None = Query(None, ge=0, lt=2**63),
    cursor: int | None = Query(None, ge=0, le=2**62),
    since: int | None = Query(None, ge=0, le=2**62),
    limit: int = Query(PULL_DEFAULT_LIMIT, ge=1, le=PULL_MAX_LIMIT),
    user: CurrentUser = Depends(current_user),
    db: Engine = Depends(engine),
) -> Response:
    """Counts and checksum of what the user can see, and the server's era.

    A device may say which era it last saw and its cursor: a cursor past
    every sequence number this database issued means it was restored from a
    backup (server/restore.py). With ``since``, the answer also carries the
    first pull page after it (``page``, as ``/pull?since=&limit=`` would give
    it, from the same snapshot) when there is something newer: the daily sync
    then needs one round trip for both.
    """
    with snapshot(db) as conn:
        state, ahead = restore.era_state(conn, era, cursor)
        if not ahead:  # every sync but the first after a restore: one read, no write transaction
            teams = list(user.teams)
            body = {**summary(conn, teams), **state}
            page = _first_page(conn, teams, since, limit) if since is not None and since < body["cursor"] else None
            if page is None:
                return json_response(body)
            # The page is already JSON bytes (server/pull.py): spliced in, not parsed and dumped again.
            return Response(content=orjson.dumps(body)[:-1] + b',"page":' + page + b"}",
                            media_type="application/json")
    with db.execution_options(write=True).begin() as conn:
        restore.note_device_position(conn, user.id, era or 0, cursor or 0)
    with snapshot(db) as conn:
        state, _ahead = restore.era_state(conn)
        return json_response({**summary(conn, list(user.teams)), **state})


def _first_page(conn: Connection, teams: list[str], since: int, limit: int) -> bytes | None:
    """The pull page after ``since`` for the summary, or None when the cursor is too old (the pull says 410)."""
    started = time.perf_counter()
    try:
        body = pull_page(conn, teams, since, limit)
    except CursorTooOld:
        return None
    _observe_page(started, body)
    return body
