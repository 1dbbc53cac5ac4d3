"""The web console's sign-in with the municipality's account, against a real OpenID provider.

npm's ``oidc-provider`` runs on loopback (tests/support/oidc_provider.py) with
a confidential client (a client secret, as Entra ID has for a Web redirect
URI). A requests session plays the browser: it opens the console's sign-in,
follows the redirect to the provider, fills in its login page, comes back to
the console's callback and follows the page's refresh, keeping cookies as a
browser does. The Chromium test (test_admin_console_browser.py) does the same
with a real browser on a cross-site address.
"""

from __future__ import annotations

import json
import re
from datetime import UTC, datetime, timedelta
from urllib.parse import parse_qs, urlencode, urlsplit, urlunsplit

import pytest
import requests
from joserfc import jwt
from joserfc.jwk import OctKey
from sqlalchemy import select

from server.console.oidc_sign_in import FLOW_COOKIE, Flow, seal, unseal
from server.routes.oidc import install
from server.tables import AuditEntry, Membership, OidcSession, Token, User
from tests.server.console_helpers import (
    OIDC_REDIRECT_URIS,
    OIDC_SECRET,
    OIDC_USERS,
    console_oidc_settings,
    csrf_of,
)
from tests.support.live_server import PASSWORD, LiveServer, make_database_url, postgres_available, seed_user
from tests.support.oidc_provider import CLIENT_ID, Browser, OidcProvider

BACKENDS = ["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)]
REFRESH = re.compile(r'<meta http-equiv="refresh" content="0; url=([^"]+)">')


@pytest.fixture(scope="module")
def provider(tmp_path_factory):
    with OidcProvider(tmp_path_factory.mktemp("oidc"), OIDC_USERS, redirect_uris=OIDC_REDIRECT_URIS,
                      client_secret=OIDC_SECRET) as running:
        yield running


@pytest.fixture(params=BACKENDS)
def server(request, provider, tmp_path_factory):
    if request.param == "postgres" and not postgres_available():
        pytest.skip("PostgreSQL is not running on 127.0.0.1:5432")
    with make_database_url(request.param, tmp_path_factory.mktemp("db")) as url, LiveServer(url) as live:
        install(live.app, console_oidc_settings(provider.issuer))
        yield live


def _audit(live, action: str) -> list:
    with live.engine.connect() as conn:
        return conn.execute(select(AuditEntry).where(AuditEntry.action == action).order_by(AuditEntry.id)).all()


def _aware(value: datetime) -> datetime:
    return value if value.tzinfo else value.replace(tzinfo=UTC)


class ConsoleBrowser:
    """One browser: a cookie jar shared by the console and the provider (as a browser's is)."""

    def __init__(self, live: LiveServer, username: str) -> None:
        self.live = live
        self.provider_login = Browser(username, PASSWORD)
        self.http = self.provider_login.http

    def start(self) -> str:
        """Click "Log ind med kommunens konto": returns the provider's authorization URL."""
        page = self.http.get(f"{self.live.url}/admin/login", timeout=10)
        assert "Log ind med kommunens konto" in page.text
        reply = self.http.get(f"{self.live.url}/admin/oidc/start", allow_redirects=False, timeout=10)
        assert reply.status_code == 303, reply.text
        self.flow_cookie = reply.headers["set-cookie"]
        return reply.headers["location"]

    def at_provider(self, authorization_url: str) -> str:
        """Sign in on the provider's page: returns its redirect back to the console (not followed yet)."""
        return self.provider_login.sign_in(authorization_url)

    def back(self, callback: str) -> requests.Response:
        return self.http.get(callback, allow_redirects=False, timeout=10)

    def flow(self) -> str:
        return self.http.cookies.get(FLOW_COOKIE, path="/admin") or ""

    def set_flow(self, value: str) -> None:
        self.http.cookies.set(FLOW_COOKIE, value, domain="127.0.0.1", path="/admin")


def _with_query(url: str, **changes: str) -> str:
    parts = urlsplit(url)
    query = {k: v[0] for k, v in parse_qs(parts.query).items()} | changes
    return urlunsplit(parts._replace(query=urlencode(query)))


def _live_console_tokens(live, user_id: str) -> list:
    with live.engine.connect() as conn:
        return conn.execute(select(Token).where(Token.user_id == user_id, Token.device_name == "Webadministration",
                                                Token.revoked_at.is_(None))).all()


def test_an_admin_signs_in_through_the_provider_and_reaches_the_users(server, provider):
    browser = ConsoleBrowser(server, "it-ada")
    authorization = browser.start()
    assert "SameSite=lax" in browser.flow_cookie and "HttpOnly" in browser.flow_cookie
    assert "Path=/admin" in browser.flow_cookie and "Max-Age=600" in browser.flow_cookie
    query = {k: v[0] for k, v in parse_qs(urlsplit(authorization).query).items()}
    assert authorization.startswith(provider.issuer)
    assert query["redirect_uri"] == f"{server.url}/admin/oidc/callback" and query["client_id"] == CLIENT_ID
    assert query["code_challenge_method"] == "S256" and len(query["code_challenge"]) == 43
    assert query["response_type"] == "code" and query["state"] and query["nonce"]
    assert "offline_access" not in query["scope"]  # an 8-hour session is never renewed at the provider
    flow = unseal(server.app, browser.flow())
    assert flow is not None and (flow.state, flow.nonce) == (query["state"], query["nonce"])

    callback = browser.at_provider(authorization)
    assert callback.startswith(f"{server.url}/admin/oidc/callback?")
    landed = browser.back(callback)
    assert landed.status_code == 200, landed.text
    session_cookie = landed.headers["set-cookie"]
    assert "feltbog_console=" in session_cookie and "SameSite=strict" in session_cookie
    assert f'{FLOW_COOKIE}=""' in session_cookie  # the flow is used up
    # The page moves on by itself (a redirect would lose the Strict cookie after the provider's cross-site one).
    users = browser.http.get(f"{server.url}{REFRESH.search(landed.text).group(1)}", timeout=10)
    assert users.status_code == 200 and users.url == f"{server.url}/admin/users"
    assert "Logget ind som" in users.text and "it-ada" in users.text

    with server.engine.connect() as conn:
        ada = conn.execute(select(User).where(User.username == "it-ada")).one()
        session = conn.execute(select(Token).where(Token.user_id == ada.id)).one()
        kept = conn.execute(select(OidcSession.refresh_token).where(OidcSession.id == session.oidc_session)).one()
    assert (ada.role, ada.oidc_subject, ada.oidc_issuer) == ("admin", "sub-it-ada", provider.issuer)
    assert session.device_name == "Webadministration" and kept.refresh_token is None
    lifetime = _aware(session.expires_at) - _aware(session.created_at)
    assert timedelta(hours=7) < lifetime <= timedelta(hours=8)  # the password sign-in's session
    assert [(a.user_id, json.loads(a.detail)) for a in _audit(server, "login")] == [
        (ada.id, {"via": "oidc", "address": "127.0.0.1"})]
    assert [a.user_id for a in _audit(server, "oidc:create_user")] == [ada.id]

    # The same answer again, in this browser: no sign-in is under way any more.
    again = browser.back(callback)
    assert again.status_code == 400 and "svaret passede ikke til et login" in again.text
    assert len(_audit(server, "refused:oidc_no_flow")) == 1
    # And with the flow's cookie put back (a copy of the whole exchange): the provider refuses the used code.
    browser.set_flow(seal(server.app, flow))
    replayed = browser.back(callback)
    assert replayed.status_code == 401 and "Login med kommunens konto blev afvist" in replayed.text
    assert json.loads(_audit(server, "login_failed")[-1].detail)["reason"] == "provider: invalid_grant"
    assert len(_live_console_tokens(server, ada.id)) == 1  # still only the first session


def test_a_consultant_gets_the_danish_refusal_and_no_session(server, provider):
    browser = ConsoleBrowser(server, "it-mette")
    refused = browser.back(browser.at_provider(browser.start()))
    assert refused.status_code == 403
    assert "Adgang nægtet" in refused.text and "kun for administratorer og teamledere" in refused.text
    assert "feltbog_console=" not in refused.headers.get("set-cookie", "")  # no session cookie
    with server.engine.connect() as conn:
        mette = conn.execute(select(User.id, User.role).where(User.username == "it-mette")).one()
        teams = conn.execute(select(Membership.team_id).where(Membership.user_id == mette.id)).scalars().all()
    assert mette.role == "consultant" and teams == [server.team_id]  # the groups were mapped all the same
    assert _live_console_tokens(server, mette.id) == []
    assert _audit(server, "refused:admin_only")[-1].user_id == mette.id
    assert browser.http.get(f"{server.url}/admin/users", allow_redirects=False).status_code == 303


def test_a_forged_state_or_flow_is_refused_before_the_code_is_used(server, provider):
    browser = ConsoleBrowser(server, "it-ada")
    callback = browser.at_provider(browser.start())
    forged = browser.back(_with_query(callback, state="an-attackers-state"))
    assert forged.status_code == 400 and "svaret passede ikke til et login" in forged.text
    assert len(_audit(server, "refused:oidc_state")) == 1

    # A flow cookie not signed by this server (here: another key) is no flow at all.
    browser = ConsoleBrowser(server, "it-ada")
    callback = browser.at_provider(browser.start())
    state = parse_qs(urlsplit(callback).query)["state"][0]
    browser.set_flow(jwt.encode({"alg": "HS256"}, {"state": state, "nonce": "n" * 20, "verifier": "v" * 50,
                                                   "redirect_uri": f"{server.url}/admin/oidc/callback",
                                                   "exp": 4102444800}, OctKey.import_key("x" * 64)))
    refused = browser.back(callback)
    assert refused.status_code == 400 and len(_audit(server, "refused:oidc_no_flow")) == 1
    assert _audit(server, "login") == [] and _audit(server, "login_failed") == []  # no code went to the provider


def test_an_id_token_for_another_nonce_is_refused(server, provider):
    browser = ConsoleBrowser(server, "it-ada")
    authorization = browser.start()
    flow = unseal(server.app, browser.flow())
    # A flow with the right state but another nonce: the provider's ID token carries the one it was asked for.
    browser.set_flow(seal(server.app, Flow(flow.state, "another-nonce-0123456789", flow.verifier, flow.redirect_uri)))
    refused = browser.back(browser.at_provider(authorization))
    assert refused.status_code == 401 and "Login med kommunens konto blev afvist" in refused.text
    assert json.loads(_audit(server, "login_failed")[-1].detail)["reason"] == "id_token: nonce does not match"
    assert _audit(server, "login") == []


def test_with_break_glass_the_password_form_follows_the_api_rule(server, provider):
    install(server.app, console_oidc_settings(provider.issuer, password_login="break_glass"))
    seed_user(server.engine, "nina", "supervisor", [server.team_id], full_name="Nina Nødkonto")
    seed_user(server.engine, "ole", "admin", [], full_name="Ole Admin")
    http = requests.Session()

    def password_sign_in(username: str) -> requests.Response:
        page = http.get(f"{server.url}/admin/login", timeout=10)
        return http.post(f"{server.url}/admin/login", data={"username": username, "password": PASSWORD,
                                                            "csrf": csrf_of(page.text)},
                         allow_redirects=False, timeout=10)

    refused = password_sign_in("nina")
    assert refused.status_code == 403 and "adgangskoder bruges kun af nødkonti" in refused.text
    assert len(_audit(server, "refused:password_login_off")) == 1
    api = requests.post(f"{server.url}/api/v1/auth/login", json={"username": "nina", "password": PASSWORD},
                        timeout=10)
    assert api.status_code == 403 and api.json()["detail"]["code"] == "password_login_off"
    admitted = password_sign_in("ole")  # admins are break-glass accounts unless the settings say otherwise
    assert admitted.status_code == 303 and admitted.headers["location"] == "/admin/users"
