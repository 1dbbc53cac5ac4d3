"""Login, tokens, roles, team boundaries and the admin API over HTTP."""

from __future__ import annotations

import uuid
from datetime import timedelta

from sqlalchemy import select, update

from server import admin
from server.security import token_hash, utcnow
from server.tables import Token, User
from tests.support.live_server import PASSWORD


def test_login_returns_token_user_teams_and_times(api):
    reply = api.client.post("/api/v1/auth/login", json={"username": "Mette", "password": PASSWORD,
                                                        "device_name": "Mettes bærbare"})
    assert reply.status_code == 200
    body = reply.json()
    assert body["user"] == {"id": api.ids["mette"], "username": "mette", "full_name": "Mette", "role": "consultant"}
    assert body["teams"] == [{"id": api.team_a, "name": "Jobcenter Jammerbugt"}]
    assert len(body["token"]) >= 40 and body["expires_at"].endswith("Z") and body["server_time"].endswith("Z")
    assert api.client.get("/api/v1/sync/summary", headers={"Authorization": f"Bearer {body['token']}"}).status_code \
        == 200
    with api.engine.connect() as conn:  # only the hash is stored, with a 30-day expiry
        row = conn.execute(select(Token).where(Token.token_hash == token_hash(body["token"]))).one()
        stored = row.expires_at if row.expires_at.tzinfo else row.expires_at.replace(tzinfo=utcnow().tzinfo)
        assert row.device_name == "Mettes bærbare" and timedelta(days=29) < stored - utcnow() <= timedelta(days=30)
        assert conn.execute(select(Token).where(Token.token_hash == body["token"])).first() is None
        assert conn.execute(select(User.password_hash).where(User.username == "mette")).scalar().startswith(
            "$argon2id$")


def test_unknown_user_wrong_password_and_disabled_user_get_the_same_answer(api):
    with api.engine.begin() as conn:
        admin.set_active(conn, "jens", False)
    replies = [api.client.post("/api/v1/auth/login", json={"username": u, "password": p}) for u, p in (
        ("ghost", "whatever1"), ("mette", "whatever1"), ("jens", PASSWORD))]
    assert [r.status_code for r in replies] == [401, 401, 401]
    assert replies[0].json() == replies[1].json() == replies[2].json()
    assert replies[0].json()["detail"]["code"] == "auth"
    assert api.audit_actions(action="login_failed") == ["login_failed"] * 3


def test_repeated_failures_are_slowed_down(api):
    for _ in range(5):
        api.client.post("/api/v1/auth/login", json={"username": "sara", "password": "forkert-igen"})
    limited = api.client.post("/api/v1/auth/login", json={"username": "sara", "password": PASSWORD})
    assert limited.status_code == 429 and limited.json()["detail"]["code"] == "rate_limited"


def test_logout_revokes_the_token(api):
    token = api.login("jens")
    h = {"Authorization": f"Bearer {token}"}
    assert api.client.post("/api/v1/auth/logout", headers=h).status_code == 204
    again = api.client.get("/api/v1/sync/summary", headers=h)
    assert again.status_code == 401 and again.json()["detail"]["code"] == "auth"
    assert again.headers["www-authenticate"] == "Bearer"
    assert api.client.get("/api/v1/sync/summary", headers=api.h("jens")).status_code == 200  # other tokens live


def test_expired_made_up_missing_and_malformed_tokens_are_refused(api):
    with api.engine.begin() as conn:
        conn.execute(update(Token).where(Token.user_id == api.ids["mette"])
                     .values(expires_at=utcnow() - timedelta(seconds=1)))
    for headers in (api.h("mette"), {"Authorization": "Bearer made-up"}, {}, {"Authorization": "Basic eDp5"},
                    {"Authorization": "Bearer "}):
        reply = api.client.get("/api/v1/sync/pull", headers=headers)
        assert reply.status_code == 401 and reply.json()["detail"]["code"] == "auth", headers
    assert api.client.get("/api/v1/sync/pull", headers=api.h("jens")).status_code == 200


def test_revoking_resetting_and_disabling_take_effect_at_once(api):
    assert api.client.post(f"/api/v1/admin/users/{api.ids['mette']}/revoke", headers=api.h("ada")).status_code == 204
    assert api.client.get("/api/v1/sync/summary", headers=api.h("mette")).status_code == 401
    reset = api.client.post(f"/api/v1/admin/users/{api.ids['jens']}/password", headers=api.h("ada"),
                            json={"password": "nyt-kodeord-123"})
    assert reset.status_code == 204
    assert api.client.get("/api/v1/sync/summary", headers=api.h("jens")).status_code == 401
    assert api.login("jens", "nyt-kodeord-123")
    with api.engine.begin() as conn:
        admin.set_active(conn, "sara", False)
    assert api.client.get("/api/v1/sync/summary", headers=api.h("sara")).status_code == 401


def test_teams_cannot_see_or_touch_each_others_data(api):
    secret = api.company("mette", name="Kun for Jammerbugt")
    assert api.pull_all("otto")[0] == [] and api.summary("otto")["counts"] == {}
    for mutation in (
        {"entity": "company", "id": secret, "fields": {"name": "Hacket"}},
        {"entity": "company", "id": secret, "op": "delete"},
        {"entity": "company", "id": secret, "fields": {"team_id": api.team_b}},
        {"entity": "contact", "id": str(uuid.uuid4()), "fields": {"team_id": api.team_b, "company_id": secret,
                                                                  "name": "Spion"}},
    ):
        result = api.push_one("otto", mutation)
        assert result["status"] == "rejected" and result["code"] in ("not_allowed", "not_found"), result
    [company] = api.pull_all("mette")[0]
    assert company["fields"]["name"] == "Kun for Jammerbugt" and company["fields"]["team_id"] == api.team_a
    assert api.audit_actions(user_id=api.ids["otto"], entity_id=secret) == ["refused:not_allowed"] * 3


def test_creating_in_a_team_you_are_not_in_is_refused(api):
    for team in (api.team_b, str(uuid.uuid4()), None):
        result = api.push_one("mette", {"entity": "company", "id": str(uuid.uuid4()),
                                        "fields": {"team_id": team, "name": "Snyd"}})
        assert result["status"] == "rejected" and result["code"] == "not_allowed"
    assert api.count() == 0


def test_admin_endpoints_need_the_admin_role(api):
    for who in ("mette", "sara"):
        assert api.client.get("/api/v1/admin/users", headers=api.h(who)).status_code == 403
        assert api.client.post("/api/v1/admin/teams", headers=api.h(who), json={"name": "X"}).status_code == 403
    created = api.client.post("/api/v1/admin/teams", headers=api.h("ada"), json={"name": "Jobcenter Aalborg"})
    assert created.status_code == 201
    team = created.json()["id"]
    assert {"id": team, "name": "Jobcenter Aalborg"} in api.client.get("/api/v1/admin/teams",
                                                                       headers=api.h("ada")).json()
    user = api.client.post("/api/v1/admin/users", headers=api.h("ada"),
                           json={"username": "nyansat", "full_name": "Ny Ansat", "role": "consultant",
                                 "password": "langtkodeord"})
    assert user.status_code == 201 and user.json()["role"] == "consultant"
    user_id = user.json()["id"]
    member = api.client.post("/api/v1/admin/memberships", headers=api.h("ada"),
                             json={"user_id": user_id, "team_id": team})
    assert member.status_code == 204
    users = {u["username"]: u for u in api.client.get("/api/v1/admin/users", headers=api.h("ada")).json()}
    assert users["nyansat"]["teams"] == [team] and users["nyansat"]["active"] is True
    token = api.login("nyansat", "langtkodeord")
    assert api.client.get("/api/v1/sync/summary", headers={"Authorization": f"Bearer {token}"}).json()["teams"] == [
        team]
    # DELETE takes the ids as a JSON body or as query parameters.
    gone = api.client.request("DELETE", "/api/v1/admin/memberships", headers=api.h("ada"),
                              json={"user_id": user_id, "team_id": team})
    assert gone.status_code == 204
    assert api.client.get("/api/v1/sync/summary", headers={"Authorization": f"Bearer {token}"}).json()["teams"] == []
    duplicate = api.client.post("/api/v1/admin/teams", headers=api.h("ada"), json={"name": "Jobcenter Aalborg"})
    assert duplicate.status_code == 400 and "exists" in duplicate.json()["detail"]["message"]
    taken = api.client.post("/api/v1/admin/users", headers=api.h("ada"),
                            json={"username": "NYANSAT", "full_name": "X", "role": "admin", "password": "langtkodeord"})
    assert taken.status_code == 400
    weak = api.client.post("/api/v1/admin/users", headers=api.h("ada"),
                           json={"username": "svag", "full_name": "X", "role": "consultant", "password": "kort"})
    assert weak.status_code == 422
    assert "admin:create_team" in api.audit_actions(user_id=api.ids["ada"])


def test_removed_membership_hides_the_team_at_once(api):
    api.company("mette")
    assert api.summary("jens")["counts"] == {"company": 1}
    reply = api.client.delete("/api/v1/admin/memberships", headers=api.h("ada"),
                              params={"user_id": api.ids["jens"], "team_id": api.team_a})
    assert reply.status_code == 204
    summary = api.summary("jens")
    assert summary["counts"] == {} and summary["teams"] == [] and summary["cursor"] == 0
    assert api.pull_all("jens")[0] == []
    missing = api.client.delete("/api/v1/admin/memberships", headers=api.h("ada"))
    assert missing.status_code == 422
