"""Login, tokens, roles and team boundaries over HTTP."""

from __future__ import annotations

import uuid
from datetime import timedelta

from sqlalchemy import select, update

from server.security import utcnow
from server.tables import AuditEntry, Token


def test_login_returns_token_user_and_teams(api):
    reply = api.client.post("/api/v1/auth/login", json={"username": "mette", "password": "korrekt-hest-batteri",
                                                        "device_name": "laptop"})
    body = reply.json()
    assert body["user"]["role"] == "consultant" and body["teams"] == [{"id": api.team_a,
                                                                     "name": "Jobcenter Jammerbugt"}]
    assert len(body["token"]) > 30


def test_unknown_user_and_wrong_password_get_the_same_answer(api):
    unknown = api.client.post("/api/v1/auth/login", json={"username": "ghost", "password": "whatever1"})
    wrong = api.client.post("/api/v1/auth/login", json={"username": "mette", "password": "whatever1"})
    assert unknown.status_code == wrong.status_code == 401
    assert unknown.json() == wrong.json()


def test_logout_revokes_the_token(api):
    token = api.login("jens")
    assert api.client.post("/api/v1/auth/logout", headers={"Authorization": f"Bearer {token}"}).status_code == 204
    again = api.client.get("/api/v1/sync/summary", headers={"Authorization": f"Bearer {token}"})
    assert again.status_code == 401 and again.json()["detail"]["code"] == "auth"


def test_expired_revoked_and_foreign_tokens_are_refused(api):
    with api.engine.begin() as conn:
        conn.execute(update(Token).values(expires_at=utcnow() - timedelta(seconds=1)))
    assert api.client.get("/api/v1/sync/summary", headers=api.h("mette")).status_code == 401
    assert api.client.get("/api/v1/sync/summary", headers={"Authorization": "Bearer made-up"}).status_code == 401
    assert api.client.get("/api/v1/sync/summary").status_code == 401


def test_admin_cli_functions_revoke_and_disable(api):
    from server import admin

    with api.engine.execution_options(write=True).begin() as conn:
        admin.revoke_user(conn, "mette")
    assert api.client.get("/api/v1/sync/summary", headers=api.h("mette")).status_code == 401
    token = api.login("jens")
    with api.engine.execution_options(write=True).begin() as conn:
        admin.set_active(conn, "jens", False)
    assert api.client.get("/api/v1/sync/summary", headers={"Authorization": f"Bearer {token}"}).status_code == 401


def test_teams_cannot_see_or_touch_each_others_data(api):
    secret = api.company("mette", name="Kun for Jammerbugt")
    changes, _ = api.pull_all("otto")
    assert changes == []
    # Update, delete and "move into my team" of another team's record are all refused.
    for mutation in (
        {"entity": "company", "id": secret, "fields": {"name": "Hacket"}},
        {"entity": "company", "id": secret, "op": "delete"},
        {"entity": "company", "id": secret, "fields": {"team_id": api.team_b}},
    ):
        result = api.push("otto", [mutation])["results"][0]
        assert result["status"] == "rejected" and result["code"] == "not_allowed"
    changes, _ = api.pull_all("mette")
    [company] = [c for c in changes if c["id"] == secret]
    assert company["fields"]["name"] == "Kun for Jammerbugt" and company["fields"]["team_id"] == api.team_a
    with api.engine.connect() as conn:
        refused = conn.execute(select(AuditEntry.action).where(AuditEntry.entity_id == secret,
                                                               AuditEntry.user_id == api.ids["otto"])).scalars().all()
    assert refused == ["refused:not_allowed"] * 3


def test_creating_in_a_team_you_are_not_in_is_refused(api):
    result = api.push("mette", [{"entity": "company", "id": str(uuid.uuid4()),
                                 "fields": {"team_id": api.team_b, "name": "Snyd"}}])["results"][0]
    assert result["status"] == "rejected" and result["code"] == "not_allowed"


def test_admin_endpoints_need_the_admin_role(api):
    assert api.client.get("/api/v1/admin/users", headers=api.h("mette")).status_code == 403
    created = api.client.post("/api/v1/admin/teams", headers=api.h("ada"), json={"name": "Jobcenter Aalborg"})
    assert created.status_code == 201
    user = api.client.post("/api/v1/admin/users", headers=api.h("ada"),
                           json={"username": "nyansat", "full_name": "Ny Ansat", "role": "consultant",
                                 "password": "langtkodeord"})
    assert user.status_code == 201
    member = api.client.post("/api/v1/admin/memberships", headers=api.h("ada"),
                             json={"user_id": user.json()["id"], "team_id": created.json()["id"]})
    assert member.status_code == 204
    users = {u["username"]: u for u in api.client.get("/api/v1/admin/users", headers=api.h("ada")).json()}
    assert users["nyansat"]["teams"] == [created.json()["id"]]
    duplicate = api.client.post("/api/v1/admin/teams", headers=api.h("ada"), json={"name": "Jobcenter Aalborg"})
    assert duplicate.status_code == 400 and "exists" in duplicate.json()["detail"]["message"]


def test_removed_membership_hides_the_team_at_once(api):
    api.company("mette")
    assert api.client.get("/api/v1/sync/summary", headers=api.h("jens")).json()["counts"] == {"company": 1}
    reply = api.client.delete("/api/v1/admin/memberships", headers=api.h("ada"),
                              params={"user_id": api.ids["jens"], "team_id": api.team_a})
    assert reply.status_code == 204
    summary = api.client.get("/api/v1/sync/summary", headers=api.h("jens")).json()
    assert summary["counts"] == {} and summary["teams"] == []
