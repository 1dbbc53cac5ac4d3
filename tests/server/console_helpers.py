"""Signing in to the web admin console from a test client (httpx or Starlette's TestClient)."""

from __future__ import annotations

import re

from tests.support.live_server import PASSWORD

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
