"""The web admin console in a real browser: Debian's Chromium, headless, driven by Playwright.

scripts/ensure-chromium.sh (called by scripts/test.sh) installs the ``chromium`` package; Playwright is
pointed at /usr/bin/chromium and never downloads a browser. One browser serves the whole module; each
test has its own context (cookies). Screenshots of every page go to $FELTBOG_SCREENSHOTS (default: the
test's temporary folder).
"""

from __future__ import annotations

import csv
import io
import json
import os
import shutil
import uuid
from pathlib import Path

import httpx
import pytest
from sqlalchemy import select

from desktop.domain.privacy import ERASED
from server.admin import device_key
from server.routes.oidc import install
from server.security import token_hash
from server.tables import AuditEntry, Membership, Record, Token, User
from tests.server.console_helpers import OIDC_REDIRECT_URIS, OIDC_SECRET, OIDC_USERS, console_oidc_settings
from tests.support.live_server import PASSWORD, LiveServer, mint_token, seed_user
from tests.support.oidc_provider import OidcProvider

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
playwright_sync = pytest.importorskip("playwright.sync_api", reason="pip package playwright is not installed")
if not os.path.exists(CHROMIUM):
    pytest.skip("Debian's chromium is not installed (scripts/ensure-chromium.sh could not install it)",
                allow_module_level=True)

PERSON = "Søren Ølgaard"


@pytest.fixture(scope="module")
def browser():
    with playwright_sync.sync_playwright() as p:
        # As root (CI containers) Chromium needs --no-sandbox.
        chromium = p.chromium.launch(executable_path=CHROMIUM, headless=True, args=["--no-sandbox"])
        yield chromium
        chromium.close()


@pytest.fixture(scope="module")
def shots(tmp_path_factory) -> Path:
    folder = Path(os.environ.get("FELTBOG_SCREENSHOTS") or tmp_path_factory.mktemp("screenshots"))
    folder.mkdir(parents=True, exist_ok=True)
    return folder


@pytest.fixture
def server(tmp_path):
    with LiveServer(f"sqlite:///{tmp_path / 'server.sqlite'}") as live:
        live.ids = {name: seed_user(live.engine, name, role, [live.team_id], full_name=full)
                    for name, role, full in (("ada", "admin", "Ada Andersen"), ("mette", "consultant", "Mette Holm"),
                                             ("sara", "supervisor", "Sara Dahl"))}
        live.tokens = {device: mint_token(live.engine, live.ids["mette"], device_name=device)
                       for device in ("Mettes bærbar", "Mødelokalets pc")}
        yield live


def _push(live, token: str, mutations: list[dict]) -> None:
    numbered = [{"base_version": 0, "op": "upsert", "mutation_id": i + 1, **m} for i, m in enumerate(mutations)]
    reply = httpx.post(f"{live.url}/api/v1/sync/push", headers={"Authorization": f"Bearer {token}"},
                       json={"device_id": "dev-1", "schema_version": 1, "mutations": numbered}, timeout=30)
    assert reply.status_code == 200 and all(r["status"] == "applied" for r in reply.json()["results"]), reply.text


def _audit(live, action: str) -> list:
    with live.engine.connect() as conn:
        return conn.execute(select(AuditEntry).where(AuditEntry.action == action).order_by(AuditEntry.id)).all()


def _sign_in(browser, live, username: str):
    context = browser.new_context(base_url=live.url, locale="da-DK", viewport={"width": 1280, "height": 860})
    page = context.new_page()
    page.goto("/admin")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", PASSWORD)
    page.click("button[type=submit]")
    return context, page


def test_an_admin_runs_the_console(browser, server, shots):
    live = server
    company, contact = str(uuid.uuid4()), str(uuid.uuid4())
    _push(live, live.tokens["Mettes bærbar"], [
        {"entity": "company", "id": company, "fields": {"team_id": live.team_id, "name": "Aars Tømrer"}},
        {"entity": "contact", "id": contact, "fields": {"team_id": live.team_id, "company_id": company,
                                                         "name": PERSON, "phone": "98 76 54 32"}}])
    context = browser.new_context(base_url=live.url, locale="da-DK", viewport={"width": 1280, "height": 860})
    page = context.new_page()
    page.goto("/admin")
    assert page.url.endswith("/admin/login") and page.locator("h1").inner_text() == "Log ind"
    page.screenshot(path=shots / "01-login.png", full_page=True)
    page.fill("input[name=username]", "ada")
    page.fill("input[name=password]", PASSWORD)
    page.click("button[type=submit]")
    assert page.url.endswith("/admin/users")
    page.screenshot(path=shots / "02-users.png", full_page=True)
    ada = live.ids["ada"]

    # Create a user.
    form = page.locator("#create-user")
    form.locator("input[name=username]").fill("bo")
    form.locator("input[name=full_name]").fill("Bo Berg")
    form.locator("input[name=email]").fill("bo@jammerbugt.dk")
    form.locator("select[name=role]").select_option("consultant")
    form.locator("input[name=password]").fill("bølgerne ved Løkken")
    form.locator("button[type=submit]").click()
    assert "/admin/users/" in page.url and page.locator(".flash.ok").is_visible()
    with live.engine.connect() as conn:
        bo = conn.execute(select(User).where(User.username == "bo")).one()
    assert (bo.full_name, bo.role, bo.active, bo.email) == ("Bo Berg", "consultant", True, "bo@jammerbugt.dk")
    assert [(a.user_id, a.entity_id) for a in _audit(live, "admin:create_user")][-1] == (ada, bo.id)

    # Add them to a team.
    page.locator("form[action$='/teams'] select[name=team]").select_option(live.team_id)
    page.get_by_role("button", name="Tilføj til team").click()
    with live.engine.connect() as conn:
        assert conn.execute(select(Membership.team_id).where(Membership.user_id == bo.id)).scalars().all() \
            == [live.team_id]
    added = _audit(live, "admin:add_member")[-1]
    assert (added.user_id, added.entity_id, added.team_id) == (ada, bo.id, live.team_id)
    page.screenshot(path=shots / "03-user.png", full_page=True)

    # Revoke one of two devices.
    page.get_by_role("link", name="Enheder").click()
    page.screenshot(path=shots / "04-devices.png", full_page=True)
    page.locator("button[data-device='Mettes bærbar']").click()
    assert page.locator(".flash.ok").is_visible()
    laptop, other = (token_hash(live.tokens[d]) for d in ("Mettes bærbar", "Mødelokalets pc"))
    with live.engine.connect() as conn:
        revoked = dict(conn.execute(select(Token.token_hash, Token.revoked_at)
                                    .where(Token.token_hash.in_([laptop, other]))).all())
    assert revoked[laptop] is not None and revoked[other] is None
    row = _audit(live, "admin:revoke_device")[-1]
    assert (row.user_id, row.entity_id) == (ada, device_key(laptop))
    assert page.locator("button[data-device='Mettes bærbar']").count() == 0

    # Erase a person (dry run first), then find their audit trail again.
    page.get_by_role("link", name="Persondata (GDPR)").click()
    page.fill("#person input[name=name]", PERSON)
    page.get_by_role("button", name="Prøvekørsel af sletning").click()
    assert "Prøvekørsel: intet er ændret." in page.locator("#plan").inner_text()
    page.screenshot(path=shots / "05-privacy-dry-run.png", full_page=True)
    page.check("input[name=confirm]")
    page.get_by_role("button", name="Slet (anonymisér) personen").click()
    assert page.locator("#erased").is_visible()
    with live.engine.connect() as conn:
        fields = conn.execute(select(Record.fields).where(Record.id == contact)).scalar_one()
    assert ERASED in fields and "Ølgaard" not in fields
    page.goto("/admin/privacy")
    page.fill("#person input[name=name]", PERSON)
    page.get_by_role("button", name="Find revisionsspor for en slettet person").click()
    trail = page.locator("#trail").inner_text()
    assert "admin:erase_person" in trail and "privacy:erase" in trail and contact[:13] in trail
    assert "upsert" in trail  # the record's history: Mette's push that made it
    erase_row = _audit(live, "admin:erase_person")[-1]
    assert erase_row.user_id == ada and PERSON not in (erase_row.detail or "")
    page.screenshot(path=shots / "06-privacy-trail.png", full_page=True)

    # The audit log, filtered, and its CSV export.
    page.get_by_role("link", name="Revisionslog").click()
    page.fill("input[name=action]", "admin:revoke_device")
    page.get_by_role("button", name="Filtrér").click()
    rows = page.locator("table.audit tbody tr")
    assert rows.count() == 1 and "admin:revoke_device" in rows.first.inner_text()
    page.screenshot(path=shots / "07-audit.png", full_page=True)
    with page.expect_download() as download:
        page.click("#csv")
    exported = list(csv.DictReader(io.StringIO(Path(download.value.path()).read_text(encoding="utf-8-sig"))))
    assert [(r["action"], r["user_id"], r["entity_id"]) for r in exported] == \
        [("admin:revoke_device", ada, device_key(laptop))]

    for number, name in (("08", "teams"), ("09", "maintenance")):
        page.goto(f"/admin/{name}")
        page.screenshot(path=shots / f"{number}-{name}.png", full_page=True)
    page.get_by_role("button", name="Prøvekørsel").click()
    assert page.locator("#retention-result").is_visible()
    page.get_by_role("link", name="English").click()
    assert page.locator("h1").inner_text() == "Retention and clean-up"
    page.screenshot(path=shots / "10-maintenance-english.png", full_page=True)
    context.close()


def test_a_consultant_gets_no_admin_page(browser, server, shots):
    context, page = _sign_in(browser, server, "mette")
    assert "Adgang nægtet" in page.locator("h1").inner_text()
    assert "kun for administratorer og teamledere" in page.content()
    page.screenshot(path=shots / "11-consultant-refused.png", full_page=True)
    answer = page.goto("/admin/users")
    assert answer.url.endswith("/admin/login")  # no session was left behind
    context.close()


def test_a_post_without_the_csrf_token_is_refused(browser, server, shots):
    context, page = _sign_in(browser, server, "ada")
    assert page.url.endswith("/admin/users")
    # The browser's own cookies (the session) go along; only the form's token is missing.
    reply = page.request.post("/admin/users", form={"username": "snig", "full_name": "Snig", "role": "admin",
                                                    "password": "en lang nok adgangssætning"})
    assert reply.status == 403 and "Formularen var udløbet" in reply.text()
    # A form whose token was tampered with in the page fails the same way.
    page.evaluate("document.querySelector('#create-user input[name=csrf]').value = 'forfalsket'")
    page.fill("#create-user input[name=username]", "snig2")
    page.fill("#create-user input[name=full_name]", "Snig To")
    page.fill("#create-user input[name=password]", "en lang nok adgangssætning")
    page.click("#create-user button[type=submit]")
    assert "Adgang nægtet" in page.locator("h1").inner_text()
    page.screenshot(path=shots / "12-csrf-refused.png", full_page=True)
    with server.engine.connect() as conn:
        assert conn.execute(select(User).where(User.username.in_(["snig", "snig2"]))).first() is None
    assert len(_audit(server, "refused:csrf")) == 2
    context.close()


def test_a_supervisor_sees_their_team_read_only(browser, server, shots):
    context, page = _sign_in(browser, server, "sara")
    assert page.url.endswith("/admin/teams")
    assert page.locator("form[action$='/members']").count() == 0
    assert page.get_by_role("link", name="Brugere").count() == 0
    page.screenshot(path=shots / "13-supervisor-teams.png", full_page=True)
    context.close()


def test_an_admin_signs_in_with_the_municipality_account(browser, server, shots, tmp_path):
    """Through the real provider, on another site than the console (localhost against 127.0.0.1): the flow
    cookie (SameSite=Lax) comes back with the provider's cross-site redirect, and the session cookie
    (SameSite=Strict) reaches the first page."""
    with OidcProvider(tmp_path, OIDC_USERS, redirect_uris=OIDC_REDIRECT_URIS,
                      client_secret=OIDC_SECRET) as provider:
        install(server.app, console_oidc_settings(provider.issuer))
        console = server.url.replace("127.0.0.1", "localhost")
        context = browser.new_context(base_url=console, locale="da-DK", viewport={"width": 1280, "height": 860})
        page = context.new_page()
        page.goto("/admin/login")
        page.screenshot(path=shots / "14-login-with-oidc.png", full_page=True)
        page.get_by_role("link", name="Log ind med kommunens konto").click()
        assert page.url.startswith(provider.issuer)  # the provider's own login page
        page.fill("input[name=username]", "it-ada")
        page.fill("input[name=password]", PASSWORD)
        page.click("button[type=submit]")
        page.wait_for_url(f"{console}/admin/users")
        assert "Logget ind som it-ada" in page.locator(".who").inner_text()
        page.screenshot(path=shots / "15-users-after-oidc.png", full_page=True)
        with server.engine.connect() as conn:
            ada = conn.execute(select(User.id, User.role).where(User.username == "it-ada")).one()
        assert ada.role == "admin" and [json.loads(a.detail)["via"] for a in _audit(server, "login")] == ["oidc"]
        context.close()
