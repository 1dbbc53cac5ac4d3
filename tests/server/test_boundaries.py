"""Every way across a boundary, tried over real HTTP, is refused and leaves a trace in the audit log.

The server runs with uvicorn on a loopback port (on a copy of the seeded
template database, SQLite and PostgreSQL); the requests go through httpx.
Related checks that need no network live in test_auth_and_roles.py and
test_reviews_and_input.py; this module adds that each refusal is audited.
"""

from __future__ import annotations

import uuid
from datetime import timedelta

from sqlalchemy import select, update

from server import admin
from server.limiter import RefusalThrottle
from server.security import token_hash, utcnow
from server.tables import AuditEntry, Record, Token
from tests.server.conftest import HttpApi
from tests.support.live_server import make_database_url, mint_token, seed


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def test_every_bad_token_gets_the_same_401_and_is_audited_without_the_token(web, tmp_path):
    tokens = {
        "expired": mint_token(web.engine, web.ids["mette"], days=-1),
        "revoked": web.login("jens"),
        "disabled": mint_token(web.engine, web.ids["otto"]),
        "made_up": "x" * 43,
    }
    assert web.client.post("/api/v1/auth/logout", headers=bearer(tokens["revoked"])).status_code == 204
    with web.engine.begin() as conn:
        admin.set_active(conn, "otto", False)
    # A token minted by another server's database: well-formed, valid there, unknown here.
    with make_database_url("sqlite", tmp_path) as other_url:
        other = seed(other_url, users={"mette": "consultant"})
        tokens["other_server"] = mint_token(other_url, other.id("mette"))
    attempts = [({}, "refused:no_token", None)] + [
        (bearer(tokens[name]), action, user) for name, action, user in (
            ("expired", "refused:token_expired", web.ids["mette"]),
            ("revoked", "refused:token_revoked", web.ids["jens"]),
            ("disabled", "refused:user_disabled", web.ids["otto"]),
            ("made_up", "refused:token_unknown", None),
            ("other_server", "refused:token_unknown", None))]
    replies = [web.client.get("/api/v1/sync/pull", headers=headers) for headers, _, _ in attempts]
    assert {r.status_code for r in replies} == {401}
    assert len({r.text for r in replies}) == 1 and replies[0].json()["detail"]["code"] == "auth"
    assert all(r.headers["www-authenticate"] == "Bearer" for r in replies)

    refusals = web.refusals()
    assert [(r["action"], r["user_id"]) for r in refusals] == [(a, u) for _, a, u in attempts]
    for refusal, (headers, _, _) in zip(refusals, attempts, strict=True):
        assert refusal["detail"]["address"] == "127.0.0.1" and refusal["detail"]["path"] == "/api/v1/sync/pull"
        token = headers.get("Authorization", "Bearer ").removeprefix("Bearer ")
        expected_prefix = token_hash(token)[:12] if token else None
        assert refusal["detail"].get("token_sha256") == expected_prefix
    with web.engine.connect() as conn:  # the tokens themselves (or their full hash) are never written
        log = " ".join(str(v) for row in conn.execute(select(AuditEntry)).all() for v in row)
    for token in tokens.values():
        assert token not in log and token_hash(token) not in log


def test_another_teams_records_stay_hidden_and_every_attempt_on_them_is_audited(web):
    company = web.company("mette", name="Kun for Jammerbugt")
    visit = web.visit("mette", company=company, body="Borgeren Hans Hansen, fortroligt")
    before = web.latest("mette", visit)
    # Reading: otto (team B) never gets them, whatever cursor he asks from, and his summary is empty.
    for since in (0, max(before["version"] - 1, 0)):
        page = web.client.get("/api/v1/sync/pull", params={"since": since}, headers=web.h("otto")).json()
        assert page["changes"] == []
    assert web.summary("otto")["counts"] == {}
    # Writing: an update, a delete and a move into his own team, each refused on its own.
    results = web.push("otto", [
        {"entity": "visit", "id": visit, "base_version": before["version"], "fields": {"body": "Overskrevet"}},
        {"entity": "visit", "id": visit, "op": "delete", "base_version": before["version"]},
        {"entity": "visit", "id": visit, "base_version": before["version"], "fields": {"team_id": web.team_b}},
        {"entity": "company", "id": company, "fields": {"team_id": web.team_b}},
    ], device="ottos-laptop")["results"]
    assert [(r["status"], r["code"]) for r in results] == [("rejected", "not_allowed")] * 4
    assert web.latest("mette", visit) == before
    with web.engine.connect() as conn:
        assert set(conn.execute(select(Record.team_id).where(Record.id.in_([company, visit]))).scalars()) == {
            web.team_a}
    assert [(r["action"], r["entity_id"], r["device_id"]) for r in web.refusals() if r["user_id"] == web.ids["otto"]] \
        == [("refused:not_allowed", visit, "ottos-laptop")] * 3 + [("refused:not_allowed", company, "ottos-laptop")]
    # A supervisor of team B cannot review it either: 404 as if it did not exist, but audited.
    vera = admin_made_supervisor(web, web.team_b)
    reply = web.client.post(f"/api/v1/visits/{visit}/reviews", headers=bearer(vera[1]), json={"state": "approved"})
    assert reply.status_code == 404
    assert [r["action"] for r in web.refusals() if r["user_id"] == vera[0]] == ["refused:review_other_team"]


def admin_made_supervisor(web: HttpApi, team: str) -> tuple[str, str]:
    """A supervisor made through the admin API (so it is real end to end); returns (id, token)."""
    made = web.client.post("/api/v1/admin/users", headers=web.h("ada"), json={
        "username": f"vera-{uuid.uuid4().hex[:6]}", "full_name": "Vera", "role": "supervisor",
        "password": "langt-kodeord-1"})
    assert made.status_code == 201, made.text
    user_id = made.json()["id"]
    assert web.client.post("/api/v1/admin/memberships", headers=web.h("ada"),
                           json={"user_id": user_id, "team_id": team}).status_code == 204
    return user_id, mint_token(web.engine, user_id)


def test_role_boundaries_are_refused_with_403_and_audited(web):
    visit = web.visit("mette", status="ready")
    attempts = [
        ("mette", "POST", f"/api/v1/visits/{visit}/reviews", {"state": "approved"}, "refused:review"),
        ("mette", "GET", "/api/v1/reviews/queue", None, "refused:review_queue"),
        ("mette", "GET", "/api/v1/admin/users", None, "refused:admin_only"),
        ("sara", "POST", f"/api/v1/admin/users/{web.ids['ada']}/revoke", None, "refused:admin_only"),
        ("sara", "POST", "/api/v1/admin/memberships", {"user_id": web.ids["sara"], "team_id": web.team_b},
         "refused:admin_only"),
    ]
    for who, method, path, body, _ in attempts:
        reply = web.client.request(method, path, headers=web.h(who), json=body)
        assert reply.status_code == 403 and reply.json()["detail"]["code"] == "not_allowed", (who, path)
    assert [(r["user_id"], r["action"]) for r in web.refusals()] == [(web.ids[w], a) for w, *_, a in attempts]
    # Nothing happened: the admin's token lives, sara is still only in team A, no verdict was given.
    assert web.client.get("/api/v1/admin/users", headers=web.h("ada")).status_code == 200
    assert web.summary("sara")["teams"] == [web.team_a]
    assert [c for c in web.pull_all("mette")[0] if c["entity"] == "review"][-1]["fields"]["state"] == "received"


def test_an_approved_visit_cannot_be_changed_and_the_attempts_are_audited(web):
    visit = web.visit("mette", status="ready", body="Godkendt referat")
    assert web.client.post(f"/api/v1/visits/{visit}/reviews", headers=web.h("sara"),
                           json={"state": "approved"}).status_code == 201
    version = web.latest("mette", visit)["version"]
    results = web.push("jens", [
        {"entity": "visit", "id": visit, "base_version": version, "fields": {"body": "Ændret bagefter"}},
        {"entity": "visit", "id": visit, "op": "delete", "base_version": version},
    ])["results"]
    assert [r["code"] for r in results] == ["approved_locked"] * 2
    again = web.client.post(f"/api/v1/visits/{visit}/reviews", headers=web.h("sara"), json={"state": "rejected"})
    assert again.status_code == 409 and again.json()["detail"]["code"] == "approved_locked"
    assert web.latest("jens", visit)["fields"]["body"] == "Godkendt referat"
    assert [(r["user_id"], r["action"], r["entity_id"]) for r in web.refusals()] == [
        (web.ids["jens"], "refused:approved_locked", visit)] * 2


def test_revoked_disabled_and_reset_users_are_out_at_once_and_audited(web):
    mette_device, jens_device = web.login("mette"), web.login("jens")
    assert web.client.post(f"/api/v1/admin/users/{web.ids['mette']}/revoke", headers=web.h("ada")).status_code == 204
    assert web.client.post(f"/api/v1/admin/users/{web.ids['jens']}/password", headers=web.h("ada"),
                           json={"password": "nyt-kodeord-42"}).status_code == 204
    for token in (mette_device, web.tokens["mette"], jens_device):
        assert web.client.get("/api/v1/sync/summary", headers=bearer(token)).status_code == 401
        assert web.client.post("/api/v1/auth/refresh", headers=bearer(token)).status_code == 401
    assert [(r["user_id"], r["action"]) for r in web.refusals()] == [
        (web.ids[who], "refused:token_revoked") for who in ("mette", "mette", "jens") for _ in range(2)]


def test_refusal_audit_rows_are_capped_per_address_but_still_counted(web):
    now = [0.0]
    web.live.app.state.refusal_throttle = RefusalThrottle(rows=3, window=60, clock=lambda: now[0])
    for i in range(5):
        assert web.client.get("/api/v1/sync/summary", headers=bearer(f"guess-{i}")).status_code == 401
    assert len(web.refusals()) == 3
    now[0] = 61.0
    assert web.client.get("/api/v1/sync/summary", headers=bearer("guess-5")).status_code == 401
    last = web.refusals()[-1]
    assert last["action"] == "refused:token_unknown" and last["detail"]["left_out_before"] == 2


def test_a_token_is_refused_the_moment_it_expires(web):
    token = web.login("jens")
    assert web.client.get("/api/v1/sync/summary", headers=bearer(token)).status_code == 200
    with web.engine.begin() as conn:
        conn.execute(update(Token).where(Token.token_hash == token_hash(token))
                     .values(expires_at=utcnow() - timedelta(seconds=1)))
    for path in ("/api/v1/sync/summary", "/api/v1/auth/refresh"):
        method = "POST" if path.endswith("refresh") else "GET"
        assert web.client.request(method, path, headers=bearer(token)).status_code == 401
    assert [r["action"] for r in web.refusals()] == ["refused:token_expired"] * 2
