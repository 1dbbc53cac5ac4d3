"""Signing in to the web admin console from a test client (httpx or Starlette's TestClient)."""

from __future__ import annotations

import re

from server.oidc.settings import OidcSettings, Rule
from tests.support.live_server import PASSWORD
from tests.support.oidc_provider import CLIENT_ID, REDIRECT_URI

CSRF = re.compile(r'name="csrf" value="([^"]+)"')


def csrf_of(html: str) -> str:
    """The CSRF token of the first form on a page."""
    found = CSRF.search(html)
    assert found, "the page has no form with a CSRF token"
    return found.group(1)


def console_login(client, username: str, password: str = PASSWORD, expect: int = 303):
    """Sign in through the console's form (its own CSRF cookie and field); returns the answer."""
    page = client.get("/admin/login")
    assert page.status_code == 200, page.text
    reply = client.post("/admin/login", data={"username": username, "password": password,
                                              "csrf": csrf_of(page.text)}, follow_redirects=False)
    assert reply.status_code == expect, reply.text
    return reply


def page_csrf(client, path: str = "/admin/users") -> str:
    """The session's CSRF token, read from a console page."""
    page = client.get(path)
    assert page.status_code == 200, page.text
    return csrf_of(page.text)


# -- sign-in with the municipality's account (tests/support/oidc_provider.py runs the provider) ----------------

OIDC_SECRET = "console-web-client-secret"  # the provider's client is confidential, as a Web redirect URI at Entra
OIDC_USERS = {
    name: {"password": PASSWORD, "sub": f"sub-{name}", "name": full, "email": f"{name}@jammerbugt.dk",
           "groups": groups}
    for name, full, groups in [("it-ada", "Ada Andersen", ["feltbog-admins"]),
                               ("it-mette", "Mette Holm", ["jc-jammerbugt"]),
                               ("it-sara", "Sara Dahl", ["jc-jammerbugt", "feltbog-supervisors"])]
}
# Any port on the loopback (RFC 8252 7.3, as oidc-provider allows a native client); "localhost" for Chromium,
# so that the provider (127.0.0.1) and the console are different sites, as in real life.
OIDC_REDIRECT_URIS = ["http://127.0.0.1/callback", "http://127.0.0.1/admin/oidc/callback",
                      "http://localhost/admin/oidc/callback"]


def console_oidc_settings(issuer: str, **overrides) -> OidcSettings:
    """The server's OIDC settings for the console tests: admins and supervisors by group, consultants by team."""
    return OidcSettings(**{
        "issuer": issuer, "client_id": CLIENT_ID, "redirect_uri": REDIRECT_URI, "client_secret": OIDC_SECRET,
        "scopes": ["openid", "profile", "email", "groups", "offline_access"],
        "rules": [Rule(group="feltbog-admins", role="admin"), Rule(group="jc-jammerbugt", team="Jobcenter Jammerbugt"),
                  Rule(group="feltbog-supervisors", role="supervisor")],
        **overrides,
    })
