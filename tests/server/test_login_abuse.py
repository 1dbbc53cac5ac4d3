"""Login abuse: growing lock-outs with Retry-After, one answer for every failure, token refresh.

The limiter gets a hand-driven clock (the real class, only time is ours), so
lock-outs of minutes and hours are tested without waiting and without timing.
"""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest
from argon2 import extract_parameters
from sqlalchemy import select, update

from server import admin, security
from server.limiter import LoginLimiter
from server.security import token_hash, utcnow
from server.tables import Token, User
from tests.support.live_server import PASSWORD


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def clock(api) -> Clock:
    """The app's login limiter, on a clock the test moves."""
    clock = Clock()
    api.client.app.state.login_limiter = LoginLimiter(5, 300, clock=clock, max_lockout=3600)
    return clock


def login(api, username: str, password: str):
    return api.client.post("/api/v1/auth/login", json={"username": username, "password": password})


def fail(api, username: str, times: int) -> None:
    for _ in range(times):
        assert login(api, username, "forkert-kode").status_code == 401


class Driver:
    """The app's database-backed limiter, driven directly (a hand clock, no HTTP, no Argon2)."""

    def __init__(self, api, clock: Clock, **limits) -> None:
        self.api = api
        self.limiter = LoginLimiter(5, 300, clock=clock, max_lockout=3600, **limits)

    def keys(self, conn, username: str, address: str):
        return self.limiter.keys(conn, username, address, None, None)

    def failed(self, username: str, address: str, times: int = 1) -> None:
        for _ in range(times):
            with self.api.engine.begin() as conn:
                self.limiter.failed(conn, self.keys(conn, username, address))

    def succeeded(self, username: str, address: str) -> None:
        with self.api.engine.begin() as conn:
            self.limiter.succeeded(conn, self.keys(conn, username, address), self.api.ids["mette"], None)

    def retry_after(self, username: str, address: str) -> float:
        with self.api.engine.connect() as conn:
            return self.limiter.retry_after(conn, self.keys(conn, username, address))

    def allowed(self, username: str, address: str) -> bool:
        return self.retry_after(username, address) == 0


def test_lock_outs_double_up_to_the_cap_and_are_forgiven_after_quiet(api):
    clock = Clock()
    limiter = Driver(api, clock)
    waits = []
    for _ in range(6):
        limiter.failed("mette", "10.0.0.1", 5)
        waits.append(limiter.retry_after("mette", "10.0.0.1"))
        clock.now += waits[-1]
        assert limiter.allowed("mette", "10.0.0.1")
    assert waits == [300, 600, 1200, 2400, 3600, 3600]
    clock.now += 3600  # quiet for the cap after the last lock-out ended: back to the first step
    limiter.failed("mette", "10.0.0.1", 5)
    assert limiter.retry_after("mette", "10.0.0.1") == 300


def test_four_failures_do_not_lock_and_old_failures_age_out(api):
    clock = Clock()
    limiter = Driver(api, clock)
    limiter.failed("mette", "10.0.0.1", 4)
    assert limiter.allowed("mette", "10.0.0.1")
    clock.now += 301
    limiter.failed("mette", "10.0.0.1")
    assert limiter.allowed("mette", "10.0.0.1")


def test_a_correct_password_clears_the_pair_but_not_the_user_or_the_address(api):
    limiter = Driver(api, Clock(), address_attempts=5)
    for name in ("a", "b", "c", "d"):
        limiter.failed(name, "10.0.0.9")
    limiter.succeeded("e", "10.0.0.9")
    limiter.failed("e", "10.0.0.9")  # the address's fifth failure, across five usernames
    assert not limiter.allowed("someone-else", "10.0.0.9") and limiter.allowed("someone-else", "10.0.0.10")
    limiter = Driver(api, Clock())  # the address alone: 100 failures
    limiter.failed("mette", "10.0.0.11", 4)
    limiter.succeeded("mette", "10.0.0.11")
    limiter.failed("mette", "10.0.0.11")  # the pair starts again from one
    assert limiter.allowed("mette", "10.0.0.11")
    limiter.failed("mette", "10.0.0.12", 4)  # but the user's count (10 per window) went on: 4 + 1 + 4
    limiter.failed("mette", "10.0.0.13")
    assert not limiter.allowed("mette", "10.0.0.14")


def test_a_locked_out_login_gets_429_with_retry_after_that_grows(api, clock):
    fail(api, "sara", 5)
    locked = login(api, "sara", PASSWORD)  # even the right password waits
    assert locked.status_code == 429 and locked.json()["detail"]["code"] == "rate_limited"
    assert locked.headers["retry-after"] == "300"
    clock.now += 120
    assert login(api, "sara", PASSWORD).headers["retry-after"] == "180"
    clock.now += 180
    fail(api, "sara", 5)
    assert login(api, "sara", PASSWORD).headers["retry-after"] == "600"
    clock.now += 600
    assert login(api, "sara", PASSWORD).status_code == 200
    assert api.audit_actions(action="refused:login_rate_limited") == ["refused:login_rate_limited"] * 3
    assert api.audit_actions(action="login_failed") == ["login_failed"] * 10


def test_unknown_user_wrong_password_and_disabled_user_cost_the_same_and_read_the_same(api, clock):
    with api.engine.begin() as conn:
        admin.set_active(conn, "jens", False)
        stored = conn.execute(select(User.password_hash).where(User.username == "mette")).scalar()
    replies = [login(api, u, p) for u, p in (("ghost", "whatever1"), ("mette", "whatever1"), ("jens", PASSWORD))]
    assert {r.status_code for r in replies} == {401}
    assert len({r.content for r in replies}) == 1
    per_request = ("date", "x-request-id")  # the same for every kind of failure: they say nothing of the user
    assert len({tuple(sorted((k, v) for k, v in r.headers.items() if k not in per_request)) for r in replies}) == 1
    # Same work: an unknown user is checked against a dummy hash made with the same Argon2 parameters.
    assert extract_parameters(security._DUMMY_HASH) == extract_parameters(stored)
    assert security.verify_password(None, "feltbog-dummy-password") is False


def test_refresh_swaps_a_live_token_for_a_new_one_and_revokes_the_old(api):
    old = api.login("mette")
    reply = api.client.post("/api/v1/auth/refresh", headers={"Authorization": f"Bearer {old}"})
    assert reply.status_code == 200, reply.text
    body = reply.json()
    new = body["token"]
    assert new != old and body["server_time"].endswith("Z")
    expires = datetime.fromisoformat(body["expires_at"].replace("Z", "+00:00"))
    assert timedelta(days=29) < expires - utcnow() <= timedelta(days=30)
    assert api.client.get("/api/v1/sync/summary", headers={"Authorization": f"Bearer {new}"}).status_code == 200
    for _ in range(2):  # the old one is dead, for sync and for another refresh
        assert api.client.get("/api/v1/sync/summary", headers={"Authorization": f"Bearer {old}"}).status_code == 401
        assert api.client.post("/api/v1/auth/refresh", headers={"Authorization": f"Bearer {old}"}).status_code == 401
    with api.engine.connect() as conn:
        rows = {r.token_hash: r for r in conn.execute(select(Token).where(Token.token_hash.in_(
            [token_hash(old), token_hash(new)])))}
    assert rows[token_hash(old)].revoked_at is not None and rows[token_hash(new)].revoked_at is None
    assert rows[token_hash(new)].device_name == rows[token_hash(old)].device_name == "test"
    assert api.audit_actions(user_id=api.ids["mette"]) == ["login", "token_refresh"] + ["refused:token_revoked"] * 4


def test_refresh_needs_a_valid_token(api):
    expired = api.tokens["mette"]
    with api.engine.begin() as conn:
        conn.execute(update(Token).where(Token.user_id == api.ids["mette"]).values(expires_at=utcnow()))
    for headers in ({"Authorization": f"Bearer {expired}"}, {}, {"Authorization": "Bearer nope"}):
        reply = api.client.post("/api/v1/auth/refresh", headers=headers)
        assert reply.status_code == 401 and reply.json()["detail"]["code"] == "auth"
    assert api.audit_actions(user_id=api.ids["mette"]) == ["refused:token_expired"]


def test_openapi_documents_refresh_and_the_retry_after_header(api):
    spec = api.client.get("/openapi.json").json()
    refresh = spec["paths"]["/api/v1/auth/refresh"]["post"]
    assert set(refresh["responses"]) == {"200", "401", "403", "503"}  # 403, 503: the provider
    assert refresh["responses"]["200"]["content"]["application/json"]["schema"]["$ref"].endswith("RefreshResponse")
    limited = spec["paths"]["/api/v1/auth/login"]["post"]["responses"]["429"]
    assert limited["headers"]["Retry-After"]["schema"]["type"] == "integer"
