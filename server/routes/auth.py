"""Login, token refresh and logout."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from fastapi import APIRouter, Depends, HTTPException, Request
from sqlalchemy import Connection, Engine, Row, func, insert, select, update

from server import metrics
from server.deps import AUTH_FAILED, CurrentUser, audit_refusal, client_address, current_user, engine, note_user
from server.limiter import DEVICE_HEADER, retry_after_header
from server.oidc.refresh import renew_sign_in
from server.schemas import LoginRequest, LoginResponse, RefreshResponse, errors
from server.security import expiry, iso, new_token, token_hash, utcnow, verify_password
from server.store import audit, audit_rows
from server.tables import Membership, Team, Token, User
from server.tokens import APP_SCOPE, CONSOLE_SCOPE, CONSOLE_SESSION_HOURS, replace_token

router = APIRouter(prefix="/api/v1/auth", tags=["auth"])
# The same words for an unknown user and a wrong password: no user enumeration.
LOGIN_FAILED = {"code": "auth", "message": "Forkert brugernavn eller adgangskode."}
PASSWORD_LOGIN_OFF = {"code": "password_login_off",
                      "message": "Log ind med kommunens konto: adgangskoder bruges kun af nødkonti."}
RATE_LIMITED = {"code": "rate_limited", "message": "For mange forsøg. Vent et par minutter, og prøv igen."}


@dataclass(frozen=True)
class SignedIn:
    """A successful sign-in: the new bearer token (shown once), its expiry, the user and their teams."""

    token: str
    expires: datetime
    user: Any  # the users row
    teams: Sequence[Row[str, str]]


class LoginRefused(Exception):
    """A refused sign-in: the HTTP status, the Danish detail and any headers (Retry-After)."""

    def __init__(self, status: int, detail: dict[str, str], headers: dict[str, str] | None = None) -> None:
        super().__init__(detail["message"])
        self.status, self.detail, self.headers = status, detail, headers


def authenticate(request: Request, db: Engine, username: str, password: str, device_name: str,
                 scope: str = APP_SCOPE) -> SignedIn:
    """Check a username and password and make a token: the one code path of every password sign-in
    (the API's ``POST /auth/login`` and the web console's form).

    Failures are counted in the database per (address, user), per user and per
    address (server/limiter.py); the app's ``X-Feltbog-Device`` header lets a
    device that signed this user in before through lock-outs others caused.
    Where the server takes the municipality's account only, a right password
    of anyone but a break-glass account is refused (403).
    """
    limiter = request.app.state.login_limiter
    address = client_address(request)
    device = (request.headers.get(DEVICE_HEADER) or "")[:200] or None
    with db.connect() as conn:
        user = conn.execute(select(User).where(func.lower(User.username) == username.lower())).first()
        keys = limiter.keys(conn, username, address, user.id if user else None, device)
        wait = limiter.retry_after(conn, keys)
    if wait > 0:  # locked out: answered at once, without looking at the password
        audit_refusal(request, None, "refused:login_rate_limited")
        metrics.LOGIN_FAILURES.labels("rate_limited").inc()
        raise LoginRefused(429, RATE_LIMITED, retry_after_header(wait))
    # Argon2 takes a moment: verify outside any transaction (SQLite has one writer).
    ok = verify_password(user.password_hash if user else None, password)
    password_off = False
    with db.execution_options(write=True).begin() as conn:
        if not ok or user is None or not user.active:
            limiter.failed(conn, keys)
            # Never the typed username: it may be a password typed into the wrong field.
            audit_rows(conn, [audit(user.id if user else None, "login_failed", detail={"address": address})])
            failed = True
        elif not request.app.state.oidc.password_allowed(user.username, user.role):
            # The password was right, so saying why tells nothing to someone who did not know it.
            audit_rows(conn, [audit(user.id, "refused:password_login_off", detail={"address": address})])
            failed = password_off = True
        else:
            failed = False
            limiter.succeeded(conn, keys, user.id, device)
            token, expires = issue_token(conn, user.id, device_name, request.app.state.settings.token_days,
                                         scope=scope)
            teams = teams_of(conn, user.id)
            # The address as server.deps.client_address sees it (the client's, behind a trusted proxy).
            detail: dict[str, object] = {"address": address}
            if keys.known_device:
                detail["known_device"] = True
            audit_rows(conn, [audit(user.id, "login", detail=detail)])
    if password_off:
        raise LoginRefused(403, PASSWORD_LOGIN_OFF)
    if failed or user is None:
        metrics.LOGIN_FAILURES.labels("disabled" if ok and user is not None else "credentials").inc()
        note_user(request, user.id if user else None)
        raise LoginRefused(401, LOGIN_FAILED)
    note_user(request, user.id)
    return SignedIn(token, expires, user, teams)


@router.post("/login", response_model=LoginResponse, responses=errors(400, 401, 403, 413, 422, 429))
def login(body: LoginRequest, request: Request, db: Engine = Depends(engine)) -> LoginResponse:
    """Exchange a username and password for a bearer token (limits and audit: :func:`authenticate`)."""
    try:
        signed = authenticate(request, db, body.username, body.password, body.device_name or "?")
    except LoginRefused as refused:
        raise HTTPException(refused.status, refused.detail, headers=refused.headers) from None
    return login_response(signed.token, signed.expires, signed.user, signed.teams)


def issue_token(conn: Connection, user_id: str, device_name: str, days: int,
                oidc_session: str | None = None, scope: str = APP_SCOPE) -> tuple[str, datetime]:
    """Make a new bearer token for a user who just proved who they are (password or identity provider).

    An app token lives ``days``; a console session (``scope=CONSOLE_SCOPE``) a working day.
    """
    token = new_token()
    expires = utcnow() + timedelta(hours=CONSOLE_SESSION_HOURS) if scope == CONSOLE_SCOPE else expiry(days)
    conn.execute(insert(Token).values(
        token_hash=token_hash(token), user_id=user_id, device_name=device_name or "?",
        created_at=utcnow(), expires_at=expires, oidc_session=oidc_session, scope=scope,
    ))
    return token, expires


def teams_of(conn: Connection, user_id: str) -> Sequence[Row[str, str]]:
    """The user's teams (id, name), by name."""
    return conn.execute(
        select(Team.id, Team.name).join(Membership, Membership.team_id == Team.id)
        .where(Membership.user_id == user_id).order_by(Team.name)
    ).all()


def login_response(token: str, expires: datetime, user: Any, teams: Sequence[Row[str, str]]) -> LoginResponse:
    """The answer to a sign-in: the token, who the user is and their teams."""
    return LoginResponse.model_validate({
        "token": token, "expires_at": iso(expires),
        "user": {"id": user.id, "username": user.username, "full_name": user.full_name, "role": user.role},
        "teams": [{"id": t.id, "name": t.name} for t in teams], "server_time": iso(utcnow()),
    })


@router.post("/refresh", response_model=RefreshResponse, responses=errors(401, 403, 503))
def refresh(request: Request, user: CurrentUser = Depends(current_user),
            db: Engine = Depends(engine)) -> RefreshResponse:
    """Exchange a valid, unexpired token for a new one with a full lifetime.

    The old one is revoked when the new one is first used, and stops working after a short grace anyway.
    """
    # Signed in through the identity provider: it tells the groups again, and the teams follow (or it refuses).
    renewal = renew_sign_in(request, db, user)
    days = renewal.token_days if renewal else request.app.state.settings.token_days
    token, expires, now = new_token(), expiry(days), utcnow()
    grace = timedelta(seconds=request.app.state.settings.token_refresh_grace_seconds)
    with db.execution_options(write=True).begin() as conn:
        # The old token stays good until the new one is first used, or the grace ends (server/tokens.py):
        # a lost reply must not sign the laptop out.
        revoked = 1 if replace_token(conn, user.token_hash, token_hash(token), user.id, expires, grace) else 0
        if revoked:
            if renewal:
                renewal.apply(conn)
            audit_rows(conn, [audit(user.id, "token_refresh")])
    if revoked != 1:
        audit_refusal(request, user.id, "refused:token_revoked", token_prefix=user.token_hash[:12])
        raise HTTPException(401, AUTH_FAILED, headers={"WWW-Authenticate": "Bearer"})
    return RefreshResponse(token=token, expires_at=iso(expires), server_time=iso(now))


@router.post("/logout", status_code=204, responses=errors(401))
def logout(user: CurrentUser = Depends(current_user), db: Engine = Depends(engine)) -> None:
    """Revoke the token used for this request."""
    sign_out(db, user.token_hash, user.id)


def sign_out(db: Engine, digest: str, user_id: str) -> None:
    """Revoke one token (the API's logout and the console's), audited as ``logout``."""
    with db.execution_options(write=True).begin() as conn:
        conn.execute(update(Token).where(Token.token_hash == digest).values(revoked_at=utcnow()))
        audit_rows(conn, [audit(user_id, "logout")])
