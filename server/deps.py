"""Request dependencies: the database connection and the signed-in user."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC

import orjson
from fastapi import Depends, HTTPException, Request, Response
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from sqlalchemy import Engine, select

from server.security import token_hash, utcnow
from server.store import audit, audit_rows
from server.tables import Membership, Token, User
from server.tokens import APP_SCOPE, first_use

bearer = HTTPBearer(auto_error=False)
AUTH_FAILED = {"code": "auth", "message": "Log ind igen (ugyldigt eller udløbet login)."}


@dataclass(frozen=True)
class CurrentUser:
    """The user a valid token belongs to, with their teams."""

    id: str
    username: str
    full_name: str
    role: str
    teams: tuple[str, ...]
    token_hash: str

    @property
    def is_supervisor(self) -> bool:
        return self.role in ("supervisor", "admin")


def json_response(data: object, status_code: int = 200) -> Response:
    """A JSON response serialised by orjson (no response-model re-validation on the hot paths)."""
    return Response(orjson.dumps(data), status_code=status_code, media_type="application/json")


def engine(request: Request) -> Engine:
    """The app's database engine."""
    db: Engine = request.app.state.engine
    return db


def client_address(request: Request) -> str:
    """The caller's IP address as the server sees it.

    Behind a reverse proxy that is the proxy's, unless uvicorn is told to trust
    it (``forwarded_allow_ips``, docs/deploy.md): then, and only for requests
    from those addresses, uvicorn takes the client from ``X-Forwarded-For``.
    """
    return request.client.host if request.client else "?"


def audit_refusal(request: Request, user_id: str | None, action: str, *, entity: str | None = None,
                  entity_id: str | None = None, token_prefix: str | None = None) -> None:
    """Write one short audit row for a refused request (never the token, only its hash prefix).

    Its own small transaction, since the refused request changes nothing. A
    flood from one address is capped by the app's RefusalThrottle: past the
    cap refusals are only counted, and the next row says how many were left out.
    """
    address = client_address(request)
    left_out = request.app.state.refusal_throttle.admit(address)
    if left_out is None:
        return
    # The route's template, not the path as sent: a path can carry any text a client makes up.
    route = request.scope.get("route")
    detail = {"address": address, "method": request.method[:10], "path": getattr(route, "path", "?")}
    if token_prefix:
        detail["token_sha256"] = token_prefix
    if left_out:
        detail["left_out_before"] = left_out
    with request.app.state.engine.execution_options(write=True).begin() as conn:
        audit_rows(conn, [audit(user_id, action, entity=entity, entity_id=entity_id, detail=detail)])


def note_user(request: Request, user_id: str | None) -> None:
    """Name the request's user for its log line (server/telemetry.py reads it when the request ends)."""
    if user_id:
        request.state.user_id = user_id


def _unauthorised(request: Request, user_id: str | None, why: str, digest: str | None) -> HTTPException:
    note_user(request, user_id)
    audit_refusal(request, user_id, f"refused:{why}", token_prefix=digest[:12] if digest else None)
    return HTTPException(401, AUTH_FAILED, headers={"WWW-Authenticate": "Bearer"})


def current_user(
    request: Request,
    credentials: HTTPAuthorizationCredentials | None = Depends(bearer),
    db: Engine = Depends(engine),
) -> CurrentUser:
    """Resolve the bearer token; 401 for a missing, unknown, expired or revoked one (audited, one answer for all).

    Only a laptop's token passes here: a web console session is refused by the API.
    """
    return user_of_token(request, credentials, db, APP_SCOPE)


def user_of_token(request: Request, credentials: HTTPAuthorizationCredentials | None, db: Engine,
                  scope: str) -> CurrentUser:
    """The user of a live token of the given scope (``app`` or ``console``); else a 401, audited."""
    if credentials is None or not credentials.credentials:
        raise _unauthorised(request, None, "no_token", None)
    digest = token_hash(credentials.credentials)
    with db.connect() as conn:  # one round trip: the token, its user and the user's teams
        rows = conn.execute(
            select(User.id, User.username, User.full_name, User.role, User.active, Token.expires_at,
                   Token.revoked_at, Token.replaces, Token.scope, Membership.team_id)
            .join(Token, Token.user_id == User.id)
            .join(Membership, Membership.user_id == User.id, isouter=True)
            .where(Token.token_hash == digest)
        ).all()
    if not rows:
        raise _unauthorised(request, None, "token_unknown", digest)
    row = rows[0]
    expires = row.expires_at if row.expires_at.tzinfo else row.expires_at.replace(tzinfo=UTC)
    why = ("user_disabled" if not row.active else "token_revoked" if row.revoked_at is not None
           else "token_expired" if expires <= utcnow() else "token_wrong_scope" if row.scope != scope else None)
    if why:
        raise _unauthorised(request, row.id, why, digest)
    if row.replaces:  # the first use of a refreshed token ends the old one (server/tokens.py)
        first_use(db, digest, row.replaces)
    teams = tuple(sorted(r.team_id for r in rows if r.team_id is not None))
    note_user(request, row.id)
    return CurrentUser(row.id, row.username, row.full_name, row.role, teams, digest)


def admin_user(request: Request, user: CurrentUser = Depends(current_user)) -> CurrentUser:
    """Only admins pass (a refusal is audited)."""
    if user.role != "admin":
        audit_refusal(request, user.id, "refused:admin_only")
        raise HTTPException(403, {"code": "not_allowed", "message": "Kun administratorer."})
    return user
