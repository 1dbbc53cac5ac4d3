"""Login, token refresh and logout."""

from __future__ import annotations

from datetime import timedelta

from fastapi import APIRouter, Depends, HTTPException, Request
from sqlalchemy import Engine, func, insert, select, update

from server import metrics
from server.deps import AUTH_FAILED, CurrentUser, audit_refusal, client_address, current_user, engine, note_user
from server.limiter import DEVICE_HEADER, retry_after_header
from server.schemas import LoginRequest, LoginResponse, RefreshResponse, errors
from server.security import expiry, iso, new_token, token_hash, utcnow, verify_password
from server.store import audit, audit_rows
from server.tables import Membership, Team, Token, User
from server.tokens import replace_token

router = APIRouter(prefix="/api/v1/auth", tags=["auth"])
# The same words for an unknown user and a wrong password: no user enumeration.
LOGIN_FAILED = {"code": "auth", "message": "Forkert brugernavn eller adgangskode."}
RATE_LIMITED = {"code": "rate_limited", "message": "For mange forsøg. Vent et par minutter, og prøv igen."}


@router.post("/login", response_model=LoginResponse, responses=errors(400, 401, 413, 422, 429))
def login(body: LoginRequest, request: Request, db: Engine = Depends(engine)) -> LoginResponse:
    """Exchange a username and password for a bearer token.

    Failures are counted in the database per (address, user), per user and per
    address (server/limiter.py); the app's ``X-Feltbog-Device`` header lets a
    device that signed this user in before through lock-outs others caused.
    """
    limiter = request.app.state.login_limiter
    address = client_address(request)
    device = (request.headers.get(DEVICE_HEADER) or "")[:200] or None
    with db.connect() as conn:
        user = conn.execute(select(User).where(func.lower(User.username) == body.username.lower())).first()
        keys = limiter.keys(conn, body.username, address, user.id if user else None, device)
        wait = limiter.retry_after(conn, keys)
    if wait > 0:  # locked out: answered at once, without looking at the password
        audit_refusal(request, None, "refused:login_rate_limited")
        metrics.LOGIN_FAILURES.labels("rate_limited").inc()
        raise HTTPException(429, RATE_LIMITED, headers=retry_after_header(wait))
    # Argon2 takes a moment: verify outside any transaction (SQLite has one writer).
    ok = verify_password(user.password_hash if user else None, body.password)
    with db.execution_options(write=True).begin() as conn:
        if not ok or user is None or not user.active:
            limiter.failed(conn, keys)
            # Never the typed username: it may be a password typed into the wrong field.
            audit_rows(conn, [audit(user.id if user else None, "login_failed")])
            failed = True
        else:
            failed = False
            limiter.succeeded(conn, keys, user.id, device)
            token = new_token()
            expires = expiry(request.app.state.settings.token_days)
            conn.execute(insert(Token).values(
                token_hash=token_hash(token), user_id=user.id, device_name=body.device_name or "?",
                created_at=utcnow(), expires_at=expires,
            ))
            teams = conn.execute(
                select(Team.id, Team.name).join(Membership, Membership.team_id == Team.id)
                .where(Membership.user_id == user.id).order_by(Team.name)
            ).all()
            audit_rows(conn, [audit(user.id, "login", detail="known_device" if keys.known_device else None)])
    if failed or user is None:
        metrics.LOGIN_FAILURES.labels("disabled" if ok and user is not None else "credentials").inc()
        note_user(request, user.id if user else None)
        raise HTTPException(401, LOGIN_FAILED)
    note_user(request, user.id)
    return LoginResponse.model_validate({
        "token": token, "expires_at": iso(expires),
        "user": {"id": user.id, "username": user.username, "full_name": user.full_name, "role": user.role},
        "teams": [{"id": t.id, "name": t.name} for t in teams], "server_time": iso(utcnow()),
    })


@router.post("/refresh", response_model=RefreshResponse, responses=errors(401))
def refresh(request: Request, user: CurrentUser = Depends(current_user),
            db: Engine = Depends(engine)) -> RefreshResponse:
    """Exchange a valid, unexpired token for a new one with a full lifetime.

    The old one is revoked when the new one is first used, and stops working after a short grace anyway.
    """
    token, expires, now = new_token(), expiry(request.app.state.settings.token_days), utcnow()
    grace = timedelta(seconds=request.app.state.settings.token_refresh_grace_seconds)
    with db.execution_options(write=True).begin() as conn:
        # The old token stays good until the new one is first used, or the grace ends (server/tokens.py):
        # a lost reply must not sign the laptop out.
        revoked = 1 if replace_token(conn, user.token_hash, token_hash(token), user.id, expires, grace) else 0
        if revoked:
            audit_rows(conn, [audit(user.id, "token_refresh")])
    if revoked != 1:
        audit_refusal(request, user.id, "refused:token_revoked", token_prefix=user.token_hash[:12])
        raise HTTPException(401, AUTH_FAILED, headers={"WWW-Authenticate": "Bearer"})
    return RefreshResponse(token=token, expires_at=iso(expires), server_time=iso(now))


@router.post("/logout", status_code=204, responses=errors(401))
def logout(user: CurrentUser = Depends(current_user), db: Engine = Depends(engine)) -> None:
    """Revoke the token used for this request."""
    with db.execution_options(write=True).begin() as conn:
        conn.execute(update(Token).where(Token.token_hash == user.token_hash).values(revoked_at=utcnow()))
        audit_rows(conn, [audit(user.id, "logout")])
