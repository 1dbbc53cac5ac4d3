"""Signing in to the console with the municipality's account: the server is the browser's OpenID client.

* ``GET /admin/oidc/start`` makes a new sign-in: ``state``, ``nonce`` and a
  PKCE verifier (S256), kept in a cookie signed with a key derived from the
  install's secret (so any worker can read it at the callback), and sends the
  browser to the provider's authorization endpoint.
* ``GET /admin/oidc/callback`` checks ``state`` against that cookie (then
  clears it: one use), and hands the code to
  :func:`server.routes.oidc.sign_in_with_code`, the code path of the app's
  ``POST /api/v1/auth/oidc``: the same redemption, ID-token validation (nonce
  included), groups-to-teams mapping, limiter and audit rows. Only admins and
  supervisors get a session, the same 8-hour one as the password form's.

Why the flow cookie is SameSite=Lax: the provider's redirect back is a
cross-site navigation, on which a Strict cookie is not sent. And why the
callback answers with a page that moves on by itself (a meta refresh) rather
than with a redirect: the session cookie is Strict, and a redirect at the end
of a chain that began on the provider's site is still cross-site, so the first
page would not get it; the refresh is a navigation of our own page.
"""

from __future__ import annotations

import hmac
import re
import secrets
import time
from dataclasses import dataclass

from fastapi import APIRouter, FastAPI, Request
from fastapi.responses import RedirectResponse, Response
from joserfc import jwt
from joserfc.errors import JoseError
from joserfc.jwk import OctKey

from server.console.sign_in import landing_of, login_page_with, open_session
from server.console.web import DEVICE_NAME, PREFIX, ConsoleRefusal, render, set_cookie
from server.deps import audit_refusal
from server.oidc.provider import Provider, ProviderUnreachable
from server.oidc.refresh import NO_ACCESS, UNREACHABLE
from server.routes.auth import RATE_LIMITED, LoginRefused
from server.routes.oidc import CLASH, DISABLED, OIDC_OFF, refuse, sign_in_with_code
from server.tokens import CONSOLE_SCOPE

router = APIRouter()
FLOW_COOKIE = "feltbog_console_oidc"
FLOW_SECONDS = 600  # long enough to type a password and answer a second factor at the provider
CALLBACK = "/oidc/callback"
# The shared sign-in's refusals (the API's Danish details) as the console's texts; anything else: "oidc.failed".
REFUSALS = ((RATE_LIMITED, "login.rate_limited"), (UNREACHABLE, "oidc.unreachable"), (NO_ACCESS, "oidc.no_access"),
            (CLASH, "oidc.clash"), (DISABLED, "oidc.disabled"), (OIDC_OFF, "oidc.off"))


@dataclass(frozen=True)
class Flow:
    """One sign-in under way in one browser."""

    state: str
    nonce: str
    verifier: str  # PKCE (RFC 7636)
    redirect_uri: str


def _key(app: FastAPI) -> OctKey:
    with app.state.engine.connect() as conn:  # the install's secret, for this purpose only
        return OctKey.import_key(app.state.login_limiter.digest(conn, "console_oidc_flow", "signing key"))


def seal(app: FastAPI, flow: Flow) -> str:
    """The flow as a signed cookie value (HS256), valid for FLOW_SECONDS."""
    claims = {"state": flow.state, "nonce": flow.nonce, "verifier": flow.verifier, "redirect_uri": flow.redirect_uri,
              "exp": int(time.time()) + FLOW_SECONDS}
    return jwt.encode({"alg": "HS256"}, claims, _key(app))


def unseal(app: FastAPI, value: str) -> Flow | None:
    """The flow of a cookie this server signed, not expired; else None."""
    if not value:
        return None
    try:
        token = jwt.decode(value, _key(app), algorithms=["HS256"])
        jwt.JWTClaimsRegistry(exp={"essential": True}).validate(token.claims)
        claims = token.claims
        return Flow(str(claims["state"]), str(claims["nonce"]), str(claims["verifier"]), str(claims["redirect_uri"]))
    except (JoseError, ValueError, KeyError):
        return None


def _redirect_uri(request: Request, provider: Provider) -> str:
    configured = provider.settings.console_redirect_uri
    return configured or str(request.base_url).rstrip("/") + PREFIX + CALLBACK


@router.get("/oidc/start")
def start(request: Request) -> Response:
    """Send the browser to the provider with a new flow (its cookie set here)."""
    provider: Provider | None = request.app.state.oidc_provider
    if provider is None:
        raise ConsoleRefusal(404, "refused.not_found")
    flow = Flow(secrets.token_urlsafe(32), secrets.token_urlsafe(32), secrets.token_urlsafe(64),
                _redirect_uri(request, provider))
    # The console's session is never renewed with the provider's refresh token, so none is asked for.
    scopes = [scope for scope in provider.settings.scopes if scope != "offline_access"]
    try:
        url = provider.authorization_url(flow.redirect_uri, scopes, flow.state, flow.nonce, flow.verifier)
    except (ProviderUnreachable, KeyError):
        return login_page_with(request, "oidc.unreachable", 503)
    response = RedirectResponse(url, status_code=303)
    set_cookie(response, request, FLOW_COOKIE, seal(request.app, flow), max_age=FLOW_SECONDS, samesite="lax")
    return response


@router.get("/oidc/callback")
def callback(request: Request, state: str = "", code: str = "", error: str = "") -> Response:
    """The provider's redirect back: check the flow, sign in through the shared code, open the session."""
    response = _callback(request, state[:200], code[:4000], error[:100])
    response.delete_cookie(FLOW_COOKIE, path=PREFIX)  # one use, whatever happened
    return response


def _callback(request: Request, state: str, code: str, error: str) -> Response:
    flow = unseal(request.app, request.cookies.get(FLOW_COOKIE, ""))
    if flow is None or not hmac.compare_digest(state.encode(), flow.state.encode()):
        # No sign-in under way in this browser (expired, used, another browser's), or another one's answer.
        audit_refusal(request, None, "refused:oidc_no_flow" if flow is None else "refused:oidc_state")
        return login_page_with(request, "oidc.flow", 400)
    if error or not code:  # the user cancelled, or the provider refused (e.g. not assigned to the application)
        refuse(request, f"provider: {re.sub(r'[^a-z_]', '', error.lower()) or 'no code'}")
        return login_page_with(request, "oidc.cancelled", 401)
    provider: Provider | None = request.app.state.oidc_provider
    secret = provider.settings.client_secret.get_secret_value() if provider else ""
    try:
        signed = sign_in_with_code(request, request.app.state.engine, code, flow.verifier, flow.redirect_uri,
                                   flow.nonce, DEVICE_NAME, CONSOLE_SCOPE, secret or None,
                                   keep_refresh_token=False)
    except LoginRefused as refused:
        key = next((key for detail, key in REFUSALS if refused.detail == detail), "oidc.failed")
        page = login_page_with(request, key, refused.status)
        for name, value in (refused.headers or {}).items():
            page.headers[name] = value
        return page
    try:
        landing = landing_of(request, signed)
    except ConsoleRefusal as refused:  # a consultant: the token is revoked already
        return render(request, "refused.html", refused.status, reason=refused.reason)
    page = render(request, "signed_in.html", landing=landing)
    open_session(page, request, signed)
    return page
