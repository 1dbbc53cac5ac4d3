"""Request dependencies: the database connection and the signed-in user."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC

import orjson
from fastapi import Depends, HTTPException, Request, Response
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from sqlalchemy import Engine, select

from server.security import token_hash, utcnow
from server.tables import Membership, Token, User

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
    return request.app.state.engine


def current_user(
    credentials: HTTPAuthorizationCredentials | None = Depends(bearer), db: Engine = Depends(engine)
) -> CurrentUser:
    """Resolve the bearer token; 401 for a missing, unknown, expired or revoked one."""
    if credentials is None or not credentials.credentials:
        raise HTTPException(401, AUTH_FAILED, headers={"WWW-Authenticate": "Bearer"})
    digest = token_hash(credentials.credentials)
    with db.connect() as conn:  # one round trip: the token, its user and the user's teams
        rows = conn.execute(
            select(User.id, User.username, User.full_name, User.role, User.active, Token.expires_at,
                   Token.revoked_at, Membership.team_id)
            .join(Token, Token.user_id == User.id)
            .join(Membership, Membership.user_id == User.id, isouter=True)
            .where(Token.token_hash == digest)
        ).all()
    if not rows:
        raise HTTPException(401, AUTH_FAILED, headers={"WWW-Authenticate": "Bearer"})
    row = rows[0]
    expires = row.expires_at if row.expires_at.tzinfo else row.expires_at.replace(tzinfo=UTC)
    if not row.active or row.revoked_at is not None or expires <= utcnow():
        raise HTTPException(401, AUTH_FAILED, headers={"WWW-Authenticate": "Bearer"})
    teams = tuple(sorted(r.team_id for r in rows if r.team_id is not None))
    return CurrentUser(row.id, row.username, row.full_name, row.role, teams, digest)


def admin_user(user: CurrentUser = Depends(current_user)) -> CurrentUser:
    """Only admins pass."""
    if user.role != "admin":
        raise HTTPException(403, {"code": "not_allowed", "message": "Kun administratorer."})
    return user
