"""Sign-in with the municipality's account (issue 19), against a real OpenID provider.

npm's ``oidc-provider`` runs on loopback (tests/support/oidc_provider.py) with
a native public client and users whose ID tokens carry groups. The app's
browser sign-in (desktop/sync/oidc.py) opens the authorization URL in a
"browser" that fills in the provider's login page over HTTP; the redirect
reaches the app's loopback listener; the real server redeems the code,
validates the ID token and mints its own token; a sync runs.
"""

from __future__ import annotations

import itertools
import json
import threading
from urllib.parse import parse_qs, urlsplit

import pytest
import requests
from sqlalchemy import select

from desktop.cancel import CancelToken
from desktop.sync.client import SyncClient
from desktop.sync.errors import SyncError, SyncErrorKind
from desktop.sync.oidc import BrowserSignIn, ProviderInfo, SignInFailed
from server.oidc.settings import OidcSettings, Rule
from server.routes.oidc import install
from server.tables import AuditEntry, Membership, User
from tests.support.oidc_provider import CLIENT_ID, REDIRECT_URI, Browser, OidcProvider, deliver
from tests.sync.harness import Device

PASSWORD = "Hemmelig kode 42"
USERS = {
    name: {"password": PASSWORD, "sub": f"sub-{name}", "name": name.title(), "email": f"{name}@jammerbugt.dk",
           "groups": groups}
    for name, groups in [("mette", ["jc-jammerbugt"]), ("sara", ["jc-jammerbugt", "feltbog-supervisors"]),
                         ("otto", ["jc-jammerbugt", "jc-vesthimmerland"]), ("ida", ["kantinen"]),
                         ("lars", ["jc-jammerbugt"]), ("rune", ["jc-jammerbugt"]), ("kim", ["jc-jammerbugt"])]
}


@pytest.fixture(scope="module")
def provider(tmp_path_factory):
    with OidcProvider(tmp_path_factory.mktemp("oidc"), USERS) as running:
        yield running


def settings_for(provider: OidcProvider, **overrides) -> OidcSettings:
    values = {
        "issuer": provider.issuer, "client_id": CLIENT_ID, "redirect_uri": REDIRECT_URI,
        "scopes": ["openid", "profile", "email", "groups", "offline_access"],
        "rules": [Rule(group="jc-jammerbugt", team="Jobcenter Jammerbugt"),
                  Rule(group="jc-vesthimmerland", team="Jobcenter Vesthimmerland"),
                  Rule(group="feltbog-supervisors", role="supervisor")],
        **overrides,
    }
    return OidcSettings(**values)


@pytest.fixture
def oidc_server(server, provider):
    """The live server with sign-in through the provider; a second team for the group tests."""
    server.vesthimmerland = server.new_team("Jobcenter Vesthimmerland")
    install(server.app, settings_for(provider, token_days=1))  # 1 day: every sync's refresh reads the groups
    return server


def browser_sign_in(server, user: str):
    browser = Browser(user, PASSWORD)
    return browser, (lambda service: service.login_oidc(server.url, open_browser=browser.open, device_name=user))


def audit_actions(server, user_id: str | None = None) -> list[tuple[str, str | None]]:
    with server.engine.connect() as conn:
        query = select(AuditEntry.action, AuditEntry.detail).order_by(AuditEntry.id)
        if user_id:
            query = query.where(AuditEntry.user_id == user_id)
        return [(a, d) for a, d in conn.execute(query)]


def test_a_new_employee_signs_in_in_the_browser_and_syncs(oidc_server, tmp_path):
    server = oidc_server
    methods = SyncClient(server.url).methods()
    assert methods["password"] == "everyone"
    assert methods["oidc"]["issuer"] == server.app.state.oidc.issuer
    assert methods["oidc"]["client_id"] == CLIENT_ID and "groups" in methods["oidc"]["scopes"]

    browser, sign_in = browser_sign_in(server, "mette")
    mette = Device(tmp_path / "mette", server.url, "", "", sign_in=sign_in)
    colleague = Device(tmp_path / "colleague", server.url, *server.user("consultant"))
    try:
        account = mette.service.account()
        assert account.user["username"] == "mette" and account.user["full_name"] == "Mette"
        assert [t["name"] for t in account.teams] == ["Jobcenter Jammerbugt"]
        assert mette.service.signed_in()
        query = {k: v[0] for k, v in parse_qs(urlsplit(browser.opened[0]).query).items()}
        assert query["code_challenge_method"] == "S256" and len(query["code_challenge"]) == 43
        assert query["client_id"] == CLIENT_ID and query["response_type"] == "code"
        assert query["state"] and query["nonce"] and "offline_access" in query["scope"]
        assert urlsplit(query["redirect_uri"]).hostname == "127.0.0.1" and urlsplit(query["redirect_uri"]).port

        company = mette.ops.create_company(name="Fjerritslev Bageri").id
        mette.sync()
        colleague.sync()
        assert colleague.records("company")[company]["name"] == "Fjerritslev Bageri"
        with server.engine.connect() as conn:
            user = conn.execute(select(User).where(User.username == "mette")).one()
        assert (user.oidc_subject, user.oidc_issuer) == ("sub-mette", server.app.state.oidc.issuer)
        logins = [json.loads(d) for a, d in audit_actions(server, user.id) if a == "login"]
        assert {"via": "oidc", "address": "127.0.0.1"} in logins  # the client's address (issue 20)
    finally:
        mette.close()
        colleague.close()


def test_groups_give_the_role_and_a_user_in_no_group_gets_no_account(oidc_server, tmp_path):
    server = oidc_server
    _browser, sign_in = browser_sign_in(server, "sara")
    sara = Device(tmp_path / "sara", server.url, "", "", sign_in=sign_in)
    sara.close()
    assert sara.service.account().user["role"] == "supervisor"

    _browser, sign_in = browser_sign_in(server, "ida")
    with pytest.raises(SyncError) as refused:
        Device(tmp_path / "ida", server.url, "", "", sign_in=sign_in)
    assert refused.value.status == 403 and "adgang" in refused.value.payload["message"]
    with server.engine.connect() as conn:
        assert conn.execute(select(User.id).where(User.username == "ida")).first() is None


def grant_for(server, user: str) -> tuple[SyncClient, object]:
    """A browser sign-in up to the code (not yet handed to the server)."""
    client = SyncClient(server.url)
    info = ProviderInfo.from_methods(client.methods())
    browser = Browser(user, PASSWORD)
    return client, BrowserSignIn(info, browser.open).run()


def login(client: SyncClient, grant) -> dict:
    return client.login_oidc(grant.code, grant.code_verifier, grant.redirect_uri, grant.nonce, "test")


@pytest.mark.parametrize("mode", ["audience", "expired", "signature"])
def test_a_spoiled_id_token_is_refused(oidc_server, provider, mode):
    server = oidc_server
    client, grant = grant_for(server, "lars")
    provider.tamper(mode)  # the provider's next token response carries a spoiled ID token
    with pytest.raises(SyncError) as refused:
        login(client, grant)
    assert refused.value.kind is SyncErrorKind.AUTH
    reason = {"audience": "aud", "expired": "expired", "signature": "signature"}[mode]
    assert any(a == "login_failed" and reason in (d or "") for a, d in audit_actions(server)), audit_actions(server)
    with server.engine.connect() as conn:
        assert conn.execute(select(User.id).where(User.username == "lars")).first() is None


def test_a_replayed_code_and_a_wrong_nonce_are_refused(oidc_server):
    server = oidc_server
    client, grant = grant_for(server, "rune")
    assert login(client, grant)["user"]["username"] == "rune"
    with pytest.raises(SyncError) as replayed:
        login(client, grant)
    assert replayed.value.kind is SyncErrorKind.AUTH

    client, grant = grant_for(server, "rune")
    with pytest.raises(SyncError) as wrong_nonce:
        client.login_oidc(grant.code, grant.code_verifier, grant.redirect_uri, "x" * 43, "test")
    assert wrong_nonce.value.kind is SyncErrorKind.AUTH
    assert {"via": "oidc", "reason": "id_token: nonce does not match", "address": "127.0.0.1"} in [
        json.loads(d) for a, d in audit_actions(server) if a == "login_failed"]


def test_a_redirect_with_another_state_ends_the_sign_in(oidc_server):
    server = oidc_server
    client = SyncClient(server.url)
    info = ProviderInfo.from_methods(client.methods())
    browser = Browser("kim", PASSWORD)
    delivered: list[requests.Response] = []

    def forge(url: str) -> None:
        # An attacker's page sends the app a real code of theirs, under a state the app did not make.
        location = browser.sign_in(url)
        query = parse_qs(urlsplit(location).query)
        delivered.append(deliver(location.replace(query["state"][0], "forged-state")))

    def forged(url: str) -> bool:
        threads.append(threading.Thread(target=forge, args=(url,)))
        threads[0].start()
        return True

    threads: list[threading.Thread] = []

    with pytest.raises(SignInFailed) as failed:
        BrowserSignIn(info, forged).run()
    threads[0].join(30)
    assert failed.value.kind == "state"
    assert delivered[0].status_code == 400 and "Login afvist" in delivered[0].text


def test_a_cancelled_wait_stops_listening():
    info = ProviderInfo("http://127.0.0.1:9", CLIENT_ID, ("openid",), "http://127.0.0.1:9/auth", REDIRECT_URI)
    cancel = CancelToken()
    sign_in = BrowserSignIn(info, lambda _url: cancel.cancel() or True)
    with pytest.raises(SignInFailed) as failed:
        sign_in.run(cancel)
    assert failed.value.kind == "cancelled"
    redirect = parse_qs(urlsplit(sign_in.authorization_url).query)["redirect_uri"][0]
    with pytest.raises(requests.ConnectionError):  # the listener is closed
        requests.get(redirect, timeout=5)


def test_the_wait_for_the_browser_is_bounded():
    info = ProviderInfo("http://127.0.0.1:9", CLIENT_ID, ("openid",), "http://127.0.0.1:9/auth", REDIRECT_URI)
    ticks = itertools.count(0, 60)  # a clock that moves a minute at every look: the five minutes pass at once
    sign_in = BrowserSignIn(info, lambda _url: True, clock=lambda: float(next(ticks)))
    with pytest.raises(SignInFailed) as failed:
        sign_in.run()
    assert failed.value.kind == "timeout"


def test_the_server_follows_a_key_rotation(oidc_server, provider):
    server = oidc_server
    client, grant = grant_for(server, "kim")
    login(client, grant)
    cached = {key.kid for key in server.app.state.oidc_provider.keys().keys}
    new_kid = provider.rotate()
    assert new_kid not in cached
    client, grant = grant_for(server, "kim")
    assert login(client, grant)["user"]["username"] == "kim"  # signed with the new key: fetched at once
    assert new_kid in {key.kid for key in server.app.state.oidc_provider.keys().keys}


def test_leaving_a_group_takes_the_team_away_at_the_next_refresh_and_the_laptop_wipes_it(oidc_server, provider,
                                                                                          tmp_path):
    server = oidc_server
    provider.set_groups("otto", USERS["otto"]["groups"])  # as at the start (the other database's run changed it)
    _browser, sign_in = browser_sign_in(server, "otto")
    otto = Device(tmp_path / "otto", server.url, "", "", sign_in=sign_in)
    other = Device(tmp_path / "vest", server.url, *server.user("consultant", team_id=server.vesthimmerland))
    try:
        assert {t["name"] for t in otto.service.account().teams} == {"Jobcenter Jammerbugt",
                                                                     "Jobcenter Vesthimmerland"}
        vest_company = other.ops.create_company(name="Aars Tømrer").id
        other.sync()
        own = otto.ops.create_company(name="Pandrup Auto").id
        otto.sync()
        assert set(otto.records("company")) == {vest_company, own}

        provider.set_groups("otto", ["jc-jammerbugt"])  # IT takes him out of Vesthimmerland's group
        otto.sync()  # the refresh after this sync reads the groups again
        with server.engine.connect() as conn:
            teams = set(conn.execute(select(Membership.team_id).join(User, User.id == Membership.user_id)
                                     .where(User.username == "otto")).scalars())
        assert teams == {server.team_id}
        otto.sync()  # the laptop learns it and wipes the team it left
        assert set(otto.records("company")) == {own}

        provider.set_groups("otto", [])  # no group at all: no team, and the refresh is refused
        otto.sync()
        with server.engine.connect() as conn:
            assert conn.execute(select(Membership.team_id).join(User, User.id == Membership.user_id)
                                .where(User.username == "otto")).first() is None
    finally:
        otto.close()
        other.close()


def test_password_sign_in_only_for_break_glass_accounts(server, provider):
    install(server.app, settings_for(provider, password_login="break_glass", break_glass_users=["nødkonto"]))
    assert SyncClient(server.url).methods()["password"] == "break_glass"
    consultant, password = server.user("consultant")
    with pytest.raises(SyncError) as refused:
        SyncClient(server.url).login(consultant, password, "laptop")
    assert refused.value.status == 403 and refused.value.payload["code"] == "password_login_off"
    with pytest.raises(SyncError) as wrong:  # a wrong password still says only "wrong"
        SyncClient(server.url).login(consultant, "Forkert kode 1234", "laptop")
    assert wrong.value.kind is SyncErrorKind.AUTH
    admin_name, admin_password = server.user("admin")
    assert SyncClient(server.url).login(admin_name, admin_password, "laptop")["token"]
    glass, glass_password = server.user("consultant", username="nødkonto")
    assert SyncClient(server.url).login(glass, glass_password, "laptop")["token"]


def test_entra_ids_localhost_redirect_gets_the_listeners_port():
    info = ProviderInfo("https://login.microsoftonline.com/t/v2.0", "app-id", ("openid", "offline_access"),
                        "https://login.microsoftonline.com/t/oauth2/v2.0/authorize", "http://localhost")
    cancel = CancelToken()
    sign_in = BrowserSignIn(info, lambda _url: cancel.cancel() or True)
    with pytest.raises(SignInFailed):
        sign_in.run(cancel)
    query = {k: v[0] for k, v in parse_qs(urlsplit(sign_in.authorization_url).query).items()}
    redirect = urlsplit(query["redirect_uri"])
    assert (redirect.scheme, redirect.hostname, redirect.path) == ("http", "localhost", "") and redirect.port
    assert sign_in.authorization_url.startswith(info.authorization_endpoint + "?")
    assert query["scope"] == "openid offline_access" and query["client_id"] == "app-id"


def test_the_listener_takes_a_redirect_to_the_bare_loopback_address():
    info = ProviderInfo("https://login.microsoftonline.com/t/v2.0", "app-id", ("openid",),
                        "https://login.microsoftonline.com/t/oauth2/v2.0/authorize", "http://localhost")
    replies: list[requests.Response] = []

    def browser(url: str) -> bool:
        query = {k: v[0] for k, v in parse_qs(urlsplit(url).query).items()}
        port = urlsplit(query["redirect_uri"]).port
        target = f"http://127.0.0.1:{port}/?code=the-code&state={query['state']}"  # "localhost" as IPv4 resolves it
        threading.Thread(target=lambda: replies.append(deliver(target))).start()
        return True

    grant = BrowserSignIn(info, browser).run()
    assert grant.code == "the-code" and grant.redirect_uri.startswith("http://localhost:")
    assert len(grant.code_verifier) == 64
