"""The REST admin API's additions for the console (SQLite and PostgreSQL): disable/enable, roles, devices, audit."""

from __future__ import annotations

import csv
import getpass
import io
import json

from sqlalchemy import select

from server.admin import device_key
from server.audit_log import to_csv
from server.cli import main
from server.security import token_hash
from server.tables import AuditEntry, Token, User
from tests.support.live_server import mint_token

ADMIN = "/api/v1/admin"


def test_disable_and_enable_a_user(api):
    mette = api.ids["mette"]
    assert api.client.post(f"{ADMIN}/users/{mette}/disable", headers=api.h("ada")).status_code == 204
    assert api.client.get("/api/v1/sync/summary", headers=api.h("mette")).status_code == 401
    assert api.client.post(f"{ADMIN}/users/{mette}/enable", headers=api.h("ada")).status_code == 204
    assert api.client.get("/api/v1/sync/summary", headers=api.h("mette")).status_code == 200
    assert api.audit_actions(entity_id=mette)[-2:] == ["admin:disable", "admin:enable"]
    assert api.client.post(f"{ADMIN}/users/nobody/disable", headers=api.h("ada")).status_code == 400
    assert api.client.post(f"{ADMIN}/users/{mette}/disable", headers=api.h("sara")).status_code == 403


def test_change_a_role(api):
    jens = api.ids["jens"]
    assert api.client.post(f"{ADMIN}/users/{jens}/role", json={"role": "supervisor"},
                           headers=api.h("ada")).status_code == 204
    with api.engine.connect() as conn:
        assert conn.execute(select(User.role).where(User.id == jens)).scalar() == "supervisor"
    assert api.client.post(f"{ADMIN}/users/{jens}/role", json={"role": "boss"}, headers=api.h("ada")).status_code == 422
    assert api.audit_actions(entity_id=jens)[-1] == "admin:set_role"


def test_list_and_revoke_one_of_two_devices_with_the_same_name(api):
    first = mint_token(api.engine, api.ids["jens"], device_name="Bærbar")
    second = mint_token(api.engine, api.ids["jens"], device_name="Bærbar")
    mint_token(api.engine, api.ids["jens"], days=-1, device_name="Gammel pc")  # expired: not a live device
    listed = api.client.get(f"{ADMIN}/devices", params={"user": "jens"}, headers=api.h("ada")).json()
    assert sorted(d["device_name"] for d in listed) == ["Bærbar", "Bærbar", "test"]
    assert all(first not in str(d) and token_hash(first) != d["id"] for d in listed)  # never the token
    target = next(d for d in listed if token_hash(first).startswith(d["id"]))
    assert api.client.post(f"{ADMIN}/devices/{target['id']}/revoke", headers=api.h("ada")).status_code == 204
    with api.engine.connect() as conn:
        revoked = dict(conn.execute(select(Token.token_hash, Token.revoked_at).where(
            Token.token_hash.in_([token_hash(first), token_hash(second)]))).all())
        entry = conn.execute(select(AuditEntry).where(AuditEntry.action == "admin:revoke_device")).one()
    assert revoked[token_hash(first)] is not None and revoked[token_hash(second)] is None
    assert (entry.user_id, entry.entity_id) == (api.ids["ada"], device_key(token_hash(first)))
    # The revoked device is told to hand in its work and wipe, as with revoke-device by name.
    access = api.client.get("/api/v1/sync/access", headers={"Authorization": f"Bearer {first}"})
    assert access.json()["state"] == "closing"
    again = api.client.post(f"{ADMIN}/devices/{target['id']}/revoke", headers=api.h("ada"))
    assert again.status_code == 400
    assert api.client.post(f"{ADMIN}/devices/not-a-device/revoke", headers=api.h("ada")).status_code == 400
    ended = api.client.get(f"{ADMIN}/devices", params={"user": "jens", "include_ended": True}, headers=api.h("ada"))
    assert [d["live"] for d in ended.json() if d["id"] == target["id"]] == [False]
    assert [d["live"] for d in ended.json() if d["device_name"] == "Gammel pc"] == [False]
    assert api.client.get(f"{ADMIN}/devices", headers=api.h("mette")).status_code == 403


def test_read_the_audit_log_filtered_and_as_csv(api):
    api.company("mette")
    api.company("otto", team=api.team_b)
    api.client.post(f"{ADMIN}/users/{api.ids['jens']}/disable", headers=api.h("ada"))
    everything = api.client.get(f"{ADMIN}/audit", headers=api.h("ada")).json()["entries"]
    assert [e["id"] for e in everything] == sorted((e["id"] for e in everything), reverse=True)
    by_team = api.client.get(f"{ADMIN}/audit", params={"team_id": api.team_b}, headers=api.h("ada")).json()["entries"]
    assert by_team and {e["team_id"] for e in by_team} == {api.team_b}
    by_user = api.client.get(f"{ADMIN}/audit", params={"user_id": api.ids["mette"], "action": "upsert"},
                             headers=api.h("ada")).json()["entries"]
    assert [(e["user_id"], e["action"]) for e in by_user] == [(api.ids["mette"], "upsert")]
    admin_rows = api.client.get(f"{ADMIN}/audit", params={"action": "admin:"}, headers=api.h("ada")).json()["entries"]
    assert admin_rows and all(e["action"].startswith("admin:") for e in admin_rows)
    assert "admin:disable" in {e["action"] for e in admin_rows}
    future = api.client.get(f"{ADMIN}/audit", params={"since": "2999-01-01T00:00:00Z"}, headers=api.h("ada"))
    assert future.json()["entries"] == []
    past = api.client.get(f"{ADMIN}/audit", params={"until": "2000-01-01T00:00:00Z"}, headers=api.h("ada"))
    assert past.json()["entries"] == []
    page = api.client.get(f"{ADMIN}/audit", params={"limit": 2}, headers=api.h("ada")).json()
    older = api.client.get(f"{ADMIN}/audit", params={"limit": 2, "before_id": page["next_before_id"]},
                           headers=api.h("ada")).json()["entries"]
    assert [e["id"] for e in page["entries"] + older] == [e["id"] for e in everything[:4]]
    exported = api.client.get(f"{ADMIN}/audit", params={"format": "csv", "action": "admin:disable"},
                              headers=api.h("ada"))
    rows = list(csv.DictReader(io.StringIO(exported.content.decode("utf-8-sig"))))
    assert [(r["action"], r["entity_id"], r["user_id"]) for r in rows] == \
        [("admin:disable", api.ids["jens"], api.ids["ada"])]
    assert api.client.get(f"{ADMIN}/audit", headers=api.h("sara")).status_code == 403
    bad = api.client.get(f"{ADMIN}/audit", params={"since": "2026-02-01T00:00:00Z", "until": "2026-01-01T00:00:00Z"},
                         headers=api.h("ada"))
    assert bad.status_code == 400


def test_the_cli_changes_a_role_like_the_api(api, monkeypatch):
    monkeypatch.delenv("SUDO_USER", raising=False)
    assert main(["admin", "set-role", "jens", "supervisor", "--db", api.url]) == 0
    with api.engine.connect() as conn:
        row = conn.execute(select(User.role).where(User.id == api.ids["jens"])).scalar()
        entry = conn.execute(select(AuditEntry).where(AuditEntry.action == "admin:set_role")).one()
    assert (row, entry.entity_id, entry.user_id) == ("supervisor", api.ids["jens"], None)
    # No user of the app did it: the OS user at the server's terminal is named instead (issue 20, part 5).
    assert json.loads(entry.detail) == {"role": "supervisor", "via": "cli", "os_user": getpass.getuser()}


def test_an_exported_cell_is_never_a_spreadsheet_formula():
    exported = to_csv([{"id": 1, "action": "login_failed", "detail": "=HYPERLINK(\"http://x\")"},
                       {"id": 2, "action": "upsert", "detail": "-1+2"}])
    rows = list(csv.DictReader(io.StringIO(exported)))
    assert [r["detail"] for r in rows] == ["'=HYPERLINK(\"http://x\")", "'-1+2"]
