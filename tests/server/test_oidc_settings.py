"""The OIDC settings (server/oidc/settings.py): environment, TOML file, refusals; /auth/methods without OIDC."""

from __future__ import annotations

import pytest
from pydantic import ValidationError

from server.oidc.settings import OidcSettings

TOML = """
issuer = "https://login.microsoftonline.com/1b2c/v2.0"
client_id = "a1b2"
groups_claim = "roles"
password_login = "break_glass"
break_glass_users = ["It-Nødkonto"]

[[rules]]
group = "Feltbog.Jammerbugt"
team = "Jobcenter Jammerbugt"

[[rules]]
group = "Feltbog.Leder"
role = "supervisor"
"""


@pytest.fixture(autouse=True)
def _clean_environment(monkeypatch):
    import os

    for name in list(os.environ):
        if name.startswith("FELTBOG_OIDC_"):
            monkeypatch.delenv(name)


def test_a_toml_file_with_the_environment_on_top(tmp_path, monkeypatch):
    path = tmp_path / "oidc.toml"
    path.write_text(TOML, encoding="utf-8")
    monkeypatch.setenv("FELTBOG_OIDC_FILE", str(path))
    monkeypatch.setenv("FELTBOG_OIDC_CLIENT_ID", "from-the-environment")
    settings = OidcSettings()
    assert settings.enabled and settings.issuer.endswith("/v2.0")
    assert settings.client_id == "from-the-environment"
    assert settings.groups_claim == "roles"
    assert [(r.group, r.team, r.role) for r in settings.rules] == [
        ("Feltbog.Jammerbugt", "Jobcenter Jammerbugt", None), ("Feltbog.Leder", None, "supervisor")]
    assert settings.password_allowed("it-nødkonto", "consultant")
    assert settings.password_allowed("chef", "admin")  # admins stay break-glass accounts by default
    assert not settings.password_allowed("mette", "supervisor")
    assert settings.redirect_matches("http://localhost:53122") and settings.redirect_matches("http://localhost:1/")
    assert not settings.redirect_matches("http://evil.example:53122") and not settings.redirect_matches(
        "https://localhost:53122")


def test_rules_as_json_in_the_environment(monkeypatch):
    monkeypatch.setenv("FELTBOG_OIDC_ISSUER", "https://adfs.jammerbugt.dk/adfs")
    monkeypatch.setenv("FELTBOG_OIDC_CLIENT_ID", "feltbog")
    monkeypatch.setenv("FELTBOG_OIDC_RULES", '[{"group": "JC-Jammerbugt", "team": "Jobcenter Jammerbugt"}]')
    assert OidcSettings().rules[0].team == "Jobcenter Jammerbugt"
    assert OidcSettings().password_allowed("mette", "consultant")  # passwords stay on unless turned off
    monkeypatch.setenv("FELTBOG_OIDC_CONSOLE_REDIRECT_URI", "https://feltbog.jammerbugt.dk/admin/oidc/callback")
    monkeypatch.setenv("FELTBOG_OIDC_CLIENT_SECRET", "hemmelig-web-nøgle")
    web = OidcSettings()
    assert web.console_redirect_uri.endswith("/admin/oidc/callback")
    assert web.client_secret.get_secret_value() == "hemmelig-web-nøgle" and "nøgle" not in repr(web)


@pytest.mark.parametrize("values, problem", [
    ({"issuer": "http://idp.kommune.dk", "client_id": "x"}, "https"),
    ({"issuer": "https://idp.kommune.dk"}, "CLIENT_ID"),
    ({"issuer": "https://idp.kommune.dk", "client_id": "x", "scopes": ["profile"]}, "openid"),
    ({"redirect_uri": "https://feltbog.kommune.dk/callback"}, "loopback"),
    ({"console_redirect_uri": "http://feltbog.kommune.dk/admin/oidc/callback"}, "console's redirect URI"),
    ({"rules": [{"group": "g"}]}, "neither a team nor a role"),
    ({"rules": [{"group": "g", "role": "boss"}]}, "role"),
])
def test_a_setting_that_cannot_work_stops_the_server_with_a_reason(values, problem):
    with pytest.raises(ValidationError) as refused:
        OidcSettings(**values)
    assert problem in str(refused.value)


def test_methods_without_oidc_offer_passwords_only(api):
    reply = api.client.get("/api/v1/auth/methods")
    assert reply.status_code == 200 and reply.json() == {"password": "everyone", "oidc": None}
    refused = api.client.post("/api/v1/auth/oidc", json={
        "code": "c", "code_verifier": "v" * 43, "redirect_uri": "http://localhost:1", "nonce": "n" * 16})
    assert refused.status_code == 404 and refused.json()["detail"]["code"] == "oidc_off"
