"""Sign-in with the municipality's account: ``GET /auth/methods`` and ``POST /auth/oidc``.

The app runs the browser part (RFC 8252: system browser, authorization code
with PKCE, loopback redirect, state checked) and sends the code, its PKCE
verifier, the redirect URI and the nonce it made. The server redeems the code
at the provider, validates the ID token (server/oidc/provider.py says why the
server and not the app does this), maps the groups to teams and role, and
answers exactly as ``POST /auth/login`` does: the same opaque token.
"""

from __future__ import annotations

import logging
from typing import Literal

from fastapi import APIRouter, Depends, FastAPI, HTTPException, Request
from pydantic import BaseModel, Field
from sqlalchemy import Engine

from server.deps import client_address, engine
from server.limiter import ADDRESS, DEVICE_HEADER, Keys, address_key, retry_after_header
from server.oidc import accounts
from server.oidc.provider import Provider, ProviderUnreachable, Refused
from server.oidc.refresh import NO_ACCESS, UNREACHABLE
from server.oidc.settings import OidcSettings
from server.routes.auth import RATE_LIMITED, LoginRefused, SignedIn, issue_token, login_response, teams_of
from server.schemas import Envelope, LoginResponse, Text, errors
from server.store import audit, audit_rows
from server.tokens import APP_SCOPE

log = logging.getLogger(__name__)
router = APIRouter(prefix="/api/v1/auth", tags=["auth"])
OIDC_OFF = {"code": "oidc_off", "message": "Serveren er ikke sat op til login med kommunens konto."}
OIDC_FAILED = {"code": "auth", "message": "Login med kommunens konto blev afvist. Prøv igen."}
NOT_LOOPBACK = {"code": "invalid_request", "message": "Appens svaradresse er ikke den, serveren er sat op til."}
CLASH = {"code": "oidc_account_clash",
         "message": "Der findes allerede en konto med dit brugernavn. Bed en administrator om at koble den til."}
DISABLED = {"code": "auth", "message": "Din konto er spærret i Feltbog. Kontakt en administrator."}


class OidcSignIn(Envelope):
    """What the app got back in its loopback redirect, and what it made to start the sign-in."""

    code: Text = Field(min_length=1, max_length=4000)
    code_verifier: Text = Field(min_length=43, max_length=128)  # RFC 7636 4.1
    redirect_uri: Text = Field(min_length=1, max_length=300)
    nonce: Text = Field(min_length=16, max_length=200)
    device_name: Text = Field(default="", max_length=200)


class OidcMethod(BaseModel):
    issuer: str
    client_id: str
    scopes: list[str]
    authorization_endpoint: str | None  # None: the server cannot reach the provider just now
    redirect_uri: str  # the app listens on 127.0.0.1 and puts its port into this


class MethodsResponse(BaseModel):
    """How this server lets people sign in."""

    password: Literal["everyone", "break_glass"]
    oidc: OidcMethod | None


def install(app: FastAPI, settings: OidcSettings) -> None:
    """Give the app its OIDC settings (``app.state.oidc``) and, when configured, the provider."""
    app.state.oidc = settings
    app.state.oidc_provider = Provider(settings) if settings.enabled else None


@router.get("/methods", response_model=MethodsResponse)
def methods(request: Request) -> MethodsResponse:
    """The sign-in methods on offer and the provider's details: the app needs only the server address."""
    settings: OidcSettings = request.app.state.oidc
    provider: Provider | None = request.app.state.oidc_provider
    oidc = None
    if provider is not None:
        try:
            endpoint: str | None = str(provider.metadata()["authorization_endpoint"])
        except (ProviderUnreachable, KeyError):
            endpoint = None
        oidc = OidcMethod(issuer=settings.issuer, client_id=settings.client_id, scopes=settings.scopes,
                          authorization_endpoint=endpoint, redirect_uri=settings.redirect_uri)
    return MethodsResponse(password=settings.password_login, oidc=oidc)


@router.post("/oidc", response_model=LoginResponse, responses=errors(400, 401, 403, 404, 409, 422, 429, 503))
def sign_in(body: OidcSignIn, request: Request, db: Engine = Depends(engine)) -> LoginResponse:
    """Redeem the app's authorization code at the provider and sign the user in (:func:`sign_in_with_code`)."""
    provider: Provider | None = request.app.state.oidc_provider
    if provider is None:
        raise HTTPException(404, OIDC_OFF)
    if not provider.settings.redirect_matches(body.redirect_uri):  # RFC 8252 7.3: on the loopback, any port
        raise HTTPException(400, NOT_LOOPBACK)
    try:
        signed = sign_in_with_code(request, db, body.code, body.code_verifier, body.redirect_uri, body.nonce,
                                   body.device_name)
    except LoginRefused as refused:
        raise HTTPException(refused.status, refused.detail, headers=refused.headers) from None
    return login_response(signed.token, signed.expires, signed.user, signed.teams)


def sign_in_with_code(request: Request, db: Engine, code: str, code_verifier: str, redirect_uri: str, nonce: str,
                      device_name: str, scope: str = APP_SCOPE, client_secret: str | None = None,
                      keep_refresh_token: bool = True) -> SignedIn:
    """The one code path of every sign-in through the provider (the app's ``POST /auth/oidc`` and the
    web console's callback): redeem the code, validate the ID token, map the groups, make a token.

    Refusals raise :class:`LoginRefused` with the API's Danish detail; they are audited as ``login_failed``
    (detail ``oidc: <why>``) and those of the provider count against the caller's address in the login
    limiter, as wrong passwords do. ``scope`` says whose token it is (a laptop's or a console session); a
    sign-in that is never renewed with the provider keeps no refresh token (``keep_refresh_token=False``).
    """
    provider: Provider | None = request.app.state.oidc_provider
    if provider is None:
        raise LoginRefused(404, OIDC_OFF)
    limiter = request.app.state.login_limiter
    device = (request.headers.get(DEVICE_HEADER) or "")[:200] or None
    address = client_address(request)  # in every audit row of this sign-in
    with db.connect() as conn:
        keys = Keys({ADDRESS: limiter.digest(conn, ADDRESS, address_key(address))}, False)
        wait = limiter.retry_after(conn, keys)
    if wait > 0:
        raise LoginRefused(429, RATE_LIMITED, retry_after_header(wait))
    try:  # network: outside any transaction
        identity = provider.redeem(code, code_verifier, redirect_uri, nonce, client_secret)
    except ProviderUnreachable as exc:
        log.warning("The identity provider could not be reached at a sign-in (%s)", exc)
        raise LoginRefused(503, UNREACHABLE) from exc
    except Refused as exc:
        log.info("OIDC sign-in refused: %s", exc.reason)
        refuse(request, exc.reason, count=True)
        raise LoginRefused(401, OIDC_FAILED) from exc
    refusal: tuple[int, dict[str, str]] | None = None
    with db.execution_options(write=True).begin() as conn:
        try:
            access = accounts.access_for(conn, provider.settings, identity.claims)
            user_id = accounts.link_account(conn, provider.settings, identity)
        except accounts.NoAccess:
            refusal = (403, NO_ACCESS)
        except accounts.AccountClash:
            refusal = (409, CLASH)
        else:
            user = accounts.account(conn, user_id)
            if not user.active:  # an admin's "disable" wins over the provider's groups
                refusal = (401, DISABLED)
            else:
                accounts.apply_access(conn, user_id, access)
                user = accounts.account(conn, user_id)
                session_id = accounts.new_session(conn, user_id, identity.refresh_token if keep_refresh_token else None)
                token, expires = issue_token(conn, user_id, device_name, provider.settings.token_days,
                                             oidc_session=session_id, scope=scope)
                limiter.succeeded(conn, keys, user_id, device)
                teams = teams_of(conn, user_id)
                audit_rows(conn, [audit(user_id, "login", detail={"via": "oidc", "address": address})])
    if refusal is not None:
        refuse(request, refusal[1]["code"])
        raise LoginRefused(*refusal)
    return SignedIn(token, expires, user, teams)


def refuse(request: Request, reason: str, count: bool = False) -> None:
    """Audit a refused sign-in through the provider as ``login_failed`` (why, and from which address);
    ``count`` it against the address in the login limiter."""
    limiter, address = request.app.state.login_limiter, client_address(request)
    with request.app.state.engine.execution_options(write=True).begin() as conn:
        if count:
            keys = Keys({ADDRESS: limiter.digest(conn, ADDRESS, address_key(address))}, False)
            limiter.failed(conn, keys)
        audit_rows(conn, [audit(None, "login_failed", detail={"via": "oidc", "reason": reason[:200],
                                                               "address": address})])
