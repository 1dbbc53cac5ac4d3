"""The web admin console over HTTP (SQLite and PostgreSQL): sign-in, roles, CSRF, languages, audited actions.

The browser test (test_admin_console_browser.py) clicks through the same pages in Chromium.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import select

from server import admin, console
from server.console.i18n import STRINGS
from server.console.oidc_sign_in import REFUSALS as OIDC_REFUSALS
from server.console.sign_in import PASSWORD_REFUSALS
from server.tables import AuditEntry, Membership, Token, User
from tests.server.console_helpers import console_login, csrf_of, page_csrf

ADMIN_PAGES = ("/admin/users", "/admin/teams", "/admin/devices", "/admin/audit", "/admin/privacy",
               "/admin/maintenance")


def _aware(value: datetime) -> datetime:
    return value if value.tzinfo else value.replace(tzinfo=UTC)


def _audit(api, action: str) -> list[AuditEntry]:
    with api.engine.connect() as conn:
        return list(conn.execute(select(AuditEntry).where(AuditEntry.action == action).order_by(AuditEntry.id)))


def test_sign_in_goes_through_the_api_login_and_makes_a_session_device(api):
    assert api.client.get("/admin/users", follow_redirects=False).headers["location"] == "/admin/login"
    # Without OIDC settings there is no "Log ind med kommunens konto" (test_admin_console_oidc.py has it).
    assert "/admin/oidc/start" not in api.client.get("/admin/login").text
    assert api.client.get("/admin/oidc/start", follow_redirects=False).status_code == 404
    reply = console_login(api.client, "ada")
    assert reply.headers["location"] == "/admin/users"
    cookie = reply.headers["set-cookie"]
    assert "feltbog_console=" in cookie and "HttpOnly" in cookie and "SameSite=strict" in cookie
    assert "Path=/admin" in cookie and "Secure" not in cookie  # plain http here; https sets Secure
    with api.engine.connect() as conn:
        session = conn.execute(select(Token).where(Token.user_id == api.ids["ada"],
                                                   Token.device_name == "Webadministration")).one()
    lifetime = _aware(session.expires_at) - _aware(session.created_at)
    assert timedelta(hours=7) < lifetime <= timedelta(hours=8)  # a working day, not the 30 days of a laptop
    assert [a.user_id for a in _audit(api, "login")][-1] == api.ids["ada"]
    # Signing out revokes the session's token (audited as the API's logout).
    api.client.post("/admin/logout", data={"csrf": page_csrf(api.client)})
    assert api.client.get("/admin/users", follow_redirects=False).status_code == 303
    assert _audit(api, "logout")[-1].user_id == api.ids["ada"]


def test_a_console_session_is_not_a_laptop_token_and_a_laptop_token_opens_no_console(api):
    """Someone who lifts the console's cookie (a shared PC's browser profile) gets no 30-day sync token from it."""
    console_login(api.client, "ada")
    session = api.client.cookies.get("feltbog_console")
    stolen = {"Authorization": f"Bearer {session}"}
    assert api.client.get("/admin/users").status_code == 200  # the console works with it
    for method, path in (("post", "/api/v1/auth/refresh"), ("get", "/api/v1/sync/summary"),
                         ("get", "/api/v1/sync/pull?since=0"), ("get", "/api/v1/admin/users")):
        reply = getattr(api.client, method)(path, headers=stolen)
        assert reply.status_code == 401, (path, reply.text)
    refused = _audit(api, "refused:token_wrong_scope")
    assert len(refused) == 4 and {a.user_id for a in refused} == {api.ids["ada"]}
    with api.engine.connect() as conn:  # still one session, and no token was made from it
        assert [t.scope for t in conn.execute(select(Token).where(Token.user_id == api.ids["ada"]))].count(
            "console") == 1
    # The other way round: a laptop's token in the cookie is no console session.
    api.client.cookies.set("feltbog_console", api.tokens["ada"], path="/admin")
    assert api.client.get("/admin/users", follow_redirects=False).headers["location"] == "/admin/login"
    assert api.client.get("/api/v1/sync/summary", headers=api.h("ada")).status_code == 200  # and it still syncs


def test_wrong_passwords_count_in_the_same_limiter_as_the_api(api):
    for _ in range(5):
        page = console_login(api.client, "ada", "forkert-kodeord-123", expect=401)
        assert "Forkert brugernavn eller adgangskode." in page.text
    locked = api.client.post("/api/v1/auth/login", json={"username": "ada", "password": "forkert-kodeord-123"})
    assert locked.status_code == 429
    assert len(_audit(api, "login_failed")) == 5


def test_a_consultant_gets_a_danish_refusal_and_no_session(api):
    reply = console_login(api.client, "mette", expect=403)
    assert "Adgang nægtet" in reply.text and "kun for administratorer og teamledere" in reply.text
    with api.engine.connect() as conn:
        live = conn.execute(select(Token).where(Token.user_id == api.ids["mette"],
                                                Token.device_name == "Webadministration",
                                                Token.revoked_at.is_(None))).all()
    assert live == []
    assert _audit(api, "refused:admin_only")[-1].user_id == api.ids["mette"]


def test_a_post_without_the_csrf_token_is_refused_and_changes_nothing(api):
    console_login(api.client, "ada")
    for data in ({}, {"csrf": "x" * 64}):
        reply = api.client.post("/admin/users", data={"username": "snig", "full_name": "Snig", "role": "admin",
                                                      "password": "en lang nok adgangssætning", **data})
        assert reply.status_code == 403 and "Formularen var udløbet" in reply.text
    with api.engine.connect() as conn:
        assert conn.execute(select(User).where(User.username == "snig")).first() is None
    assert len(_audit(api, "refused:csrf")) == 2
    # The sign-in form is protected too (its own double-submit cookie).
    fresh = api.client.post("/admin/login", data={"username": "ada", "password": "x"})
    assert fresh.status_code == 403


def test_admin_actions_are_audited_like_the_cli(api):
    console_login(api.client, "ada")
    csrf = page_csrf(api.client)
    created = api.client.post("/admin/users", data={
        "csrf": csrf, "username": "bo", "full_name": "Bo Berg", "email": "", "role": "consultant",
        "team": api.team_b, "password": "bølgerne ved Løkken"}, follow_redirects=False)
    assert created.status_code == 303
    with api.engine.connect() as conn:
        bo = conn.execute(select(User.id).where(User.username == "bo")).scalar_one()
        assert conn.execute(select(Membership.team_id).where(Membership.user_id == bo)).scalars().all() == [api.team_b]
    for path, data in (("active", {"active": "0"}), ("active", {"active": "1"}), ("role", {"role": "supervisor"}),
                       ("password", {"password": "en helt anden sætning"}), ("teams", {"team": api.team_a}),
                       ("teams/remove", {"team": api.team_b})):
        reply = api.client.post(f"/admin/users/{bo}/{path}", data={"csrf": csrf, **data}, follow_redirects=False)
        assert reply.status_code == 303, (path, reply.text)
    with api.engine.connect() as conn:
        row = conn.execute(select(User.role, User.active).where(User.id == bo)).one()
        assert tuple(row) == ("supervisor", True)
        actions = conn.execute(select(AuditEntry.action, AuditEntry.user_id).where(AuditEntry.entity_id == bo)
                               .order_by(AuditEntry.id)).all()
    assert [a for a, _ in actions] == ["admin:create_user", "admin:add_member", "admin:disable", "admin:enable",
                                       "admin:set_role", "admin:revoke", "admin:add_member", "admin:remove_member"]
    assert {u for _, u in actions} == {api.ids["ada"]}
    # A refusal is shown on the page, in Danish, and changes nothing.
    weak = api.client.post(f"/admin/users/{bo}/password", data={"csrf": csrf, "password": "12345678"})
    assert weak.status_code == 400 and "simpel række" in weak.text


def test_a_supervisor_reads_only_their_teams(api):
    console_login(api.client, "sara")
    teams = api.client.get("/admin/teams")
    assert "Jobcenter Jammerbugt" in teams.text and "Jobcenter Vesthimmerland" not in teams.text
    assert 'action="/admin/teams"' not in teams.text and "/members" not in teams.text  # read only
    for path in ("/admin/users", "/admin/devices", "/admin/privacy", "/admin/maintenance"):
        assert api.client.get(path).status_code == 403
    csrf = csrf_of(teams.text)  # the sign-out form's
    assert api.client.post("/admin/teams", data={"csrf": csrf, "name": "Nyt"}).status_code == 403
    api.company("mette")
    api.company("otto", team=api.team_b)
    audit = api.client.get("/admin/audit").text
    assert "Jobcenter Jammerbugt" in audit and "Jobcenter Vesthimmerland" not in audit
    csv_text = api.client.get("/admin/audit.csv").text
    assert api.team_a in csv_text and api.team_b not in csv_text


def test_every_page_renders_in_danish_and_english(api):
    console_login(api.client, "ada")
    for lang, marker in (("da", "Revisionslog"), ("en", "Audit log")):
        api.client.get(f"/admin/lang/{lang}?back=/users")
        for path in ADMIN_PAGES:
            page = api.client.get(path)
            assert page.status_code == 200, (path, page.text)
            assert marker in page.text and f'lang="{lang}"' in page.text


def test_every_text_the_console_asks_for_has_both_languages():
    """A key missing from STRINGS would show as itself: every t("...") in the templates and code is there."""
    folder = Path(console.__file__).parent
    files = [*folder.glob("templates/*.html"), *folder.glob("*.py")]
    sources = [p.read_text(encoding="utf-8") for p in files if p.name != "i18n.py"]
    asked = {key for text in sources for key in re.findall(r"""\bt\(["']([a-z_.]+)["']\)""", text)}
    asked |= {key for text in sources for key in re.findall(r"""login_page_with\(request, ["']([a-z_.]+)["']""", text)}
    asked |= {f"role.{r}" for r in admin.ROLES} | {"refused.consultant", "refused.admin_only", "refused.csrf",
                                                   "refused.not_found", "login.failed", "login.rate_limited"}
    asked |= set(PASSWORD_REFUSALS.values()) | {key for _detail, key in OIDC_REFUSALS} | {"oidc.failed", "oidc.flow"}
    assert len(asked) > 100
    assert asked <= set(STRINGS), asked - set(STRINGS)
    assert all(da and en for da, en in STRINGS.values())


@pytest.mark.parametrize("header,expected", [("en-GB,en;q=0.9", "Sign in"), ("da,en;q=0.5", "Log ind"),
                                             ("fr", "Log ind")])
def test_the_browser_language_picks_the_sign_in_page(api, header, expected):
    assert expected in api.client.get("/admin/login", headers={"Accept-Language": header}).text


def test_privacy_and_maintenance_pages_use_the_cli_functions(api):
    company = api.company()
    contact = api.push_one("mette", {"entity": "contact", "id": "0" * 8 + "-0000-4000-8000-" + "1" * 12, "fields": {
        "team_id": api.team_a, "company_id": company, "name": "Karen Østergaard", "phone": "20 30 40 50"}})
    assert contact["status"] == "applied"
    console_login(api.client, "ada")
    csrf = page_csrf(api.client, "/admin/privacy")
    person = {"csrf": csrf, "name": "Karen Østergaard", "email": "", "phone": ""}
    found = api.client.post("/admin/privacy", data={**person, "action": "find"})
    assert found.status_code == 200 and "contact" in found.text
    assert _audit(api, "admin:export_person")[-1].user_id == api.ids["ada"]
    export = api.client.post("/admin/privacy", data={**person, "action": "export"})
    assert export.json()["records"][0]["fields"]["name"] == "Karen Østergaard"
    unconfirmed = api.client.post("/admin/privacy", data={**person, "action": "erase"})
    assert unconfirmed.status_code == 400
    erased = api.client.post("/admin/privacy", data={**person, "action": "erase", "confirm": "1"})
    assert erased.status_code == 200 and 'id="trail"' in erased.text
    assert _audit(api, "admin:erase_person")[-1].user_id == api.ids["ada"]
    retention = api.client.post("/admin/maintenance/retention", data={"csrf": csrf, "years": "5",
                                                                      "action": "dry_run"})
    assert retention.status_code == 200 and 'id="retention-result"' in retention.text
    purge = api.client.post("/admin/maintenance/purge", data={"csrf": csrf, "days": "30"})
    assert purge.status_code == 200 and 'id="purge-result"' in purge.text
    bad = api.client.post("/admin/maintenance/purge", data={"csrf": csrf, "days": "0"})
    assert bad.status_code == 400


def test_console_pages_may_not_be_framed_cached_or_scripted_and_the_api_is_untouched(api):
    page = api.client.get("/admin/login")
    assert page.headers["x-frame-options"] == "DENY" and page.headers["cache-control"] == "no-store"
    assert "frame-ancestors 'none'" in page.headers["content-security-policy"]
    assert "script-src" not in page.headers["content-security-policy"]  # default-src 'none': no scripts at all
    assert api.client.get("/admin/static/console.css").status_code == 200
    assert "content-security-policy" not in api.client.get("/api/v1/health").headers
