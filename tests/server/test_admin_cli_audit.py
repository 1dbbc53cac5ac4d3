"""Issue 20, part 5: who is behind an audit row (the login's address, the CLI's OS user), the log read
from the CLI, the CLI refusing to guess a database, and revoke-device by a name two laptops share."""

from __future__ import annotations

import csv
import getpass
import io
import json
import sys

import pytest
from sqlalchemy import select

from server.cli import main
from server.tables import AuditEntry, Token
from tests.support.live_server import PASSWORD


def run(capsys, *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out.strip(), err.strip()


def details(engine, action: str) -> list[dict]:
    with engine.connect() as conn:
        rows = conn.execute(select(AuditEntry.detail).where(AuditEntry.action == action)
                            .order_by(AuditEntry.id)).scalars()
        return [json.loads(d) for d in rows]


def test_a_login_through_the_trusted_proxy_is_audited_with_the_clients_address(web):
    def login(password: str) -> int:
        return web.client.post("/api/v1/auth/login", headers={"X-Forwarded-For": "203.0.113.7"}, json={
            "username": "mette", "password": password, "device_name": "test"}).status_code

    assert login("forkert-kode-1") == 401
    assert login(PASSWORD) == 200
    assert details(web.engine, "login_failed")[-1] == {"address": "203.0.113.7"}
    assert details(web.engine, "login")[-1] == {"address": "203.0.113.7"}


def test_every_cli_row_names_the_os_user_and_no_made_up_user(api, capsys, monkeypatch):
    monkeypatch.delenv("SUDO_USER", raising=False)
    assert run(capsys, "admin", "create-team", "Jobcenter Thisted", "--db", api.url)[0] == 0
    assert run(capsys, "admin", "set-role", "jens", "supervisor", "--db", api.url)[0] == 0
    origin = {"via": "cli", "os_user": getpass.getuser()}
    with api.engine.connect() as conn:
        rows = conn.execute(select(AuditEntry).where(AuditEntry.action.in_(["admin:create_team", "admin:set_role"]))
                            .order_by(AuditEntry.id.desc()).limit(2)).all()[::-1]  # the seed's come before
    assert [r.user_id for r in rows] == [None, None]
    assert json.loads(rows[0].detail) == origin
    assert json.loads(rows[1].detail) == {"role": "supervisor", **origin}
    monkeypatch.setenv("SUDO_USER", "jens-it")  # through sudo: the caller is named too
    assert run(capsys, "admin", "enable", "jens", "--db", api.url)[0] == 0
    assert details(api.engine, "admin:enable")[-1] == {**origin, "sudo_user": "jens-it"}


def test_the_audit_log_is_read_from_the_cli_with_the_consoles_filters(api, capsys):
    assert run(capsys, "admin", "revoke", "mette", "--db", api.url)[0] == 0
    assert run(capsys, "admin", "disable", "jens", "--db", api.url)[0] == 0
    code, out, _ = run(capsys, "admin", "audit", "--action", "admin:", "--db", api.url)
    rows = [json.loads(line) for line in out.splitlines()]
    assert code == 0 and [r["action"] for r in rows[:2]] == ["admin:disable", "admin:revoke"]  # newest first
    assert json.loads(rows[0]["detail"])["via"] == "cli"
    api.login("mette")
    code, out, _ = run(capsys, "admin", "audit", "--user", "mette", "--action", "login", "--csv", "--db", api.url)
    table = list(csv.DictReader(io.StringIO(out)))
    assert code == 0 and len(table) == 1 and table[0]["user_id"] == api.ids["mette"]
    assert json.loads(table[0]["detail"]) == {"address": "testclient"}
    assert run(capsys, "admin", "audit", "--since", "2999-01-01", "--db", api.url)[:2] == (0, "")
    code, out, _ = run(capsys, "admin", "audit", "--until", "2999-01-01", "--limit", "1", "--db", api.url)
    assert code == 0 and len(out.splitlines()) == 1
    assert run(capsys, "admin", "audit", "--team", "Intet team", "--db", api.url)[0] == 2
    with pytest.raises(SystemExit) as bad:
        main(["admin", "audit", "--since", "i går", "--db", api.url])
    assert bad.value.code == 2 and "not a date" in capsys.readouterr().err


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="XDG_DATA_HOME places the default file on Linux")
def test_the_cli_refuses_to_make_up_a_database(monkeypatch, tmp_path, capsys):
    for name in ("FELTBOG_SERVER_DB", "FELTBOG_DATABASE_URL", "FELTBOG_CONFIG_FILE"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path))
    default = tmp_path / "Feltbog-server" / "feltbog-server.sqlite"
    code, _, err = run(capsys, "admin", "create-team", "Jobcenter Morsø")
    assert code == 2 and err.startswith("error: no database given") and str(default) in err
    assert not default.exists()  # nothing written anywhere
    default.touch()  # a server that ran with the default file: that one is used, and named
    code, _, err = run(capsys, "admin", "list-teams")
    assert code == 0 and err.startswith("note:") and f"existing SQLite file {default}" in err


def test_revoke_device_refuses_a_shared_name_and_takes_an_id(api, capsys):
    for _ in range(2):  # two laptops, both called "Bærbar"
        reply = api.client.post("/api/v1/auth/login", json={"username": "mette", "password": PASSWORD,
                                                            "device_name": "Bærbar"})
        assert reply.status_code == 200

    def live() -> list[str]:
        with api.engine.connect() as conn:
            return sorted(conn.execute(select(Token.token_hash).where(
                Token.device_name == "Bærbar", Token.revoked_at.is_(None))).scalars())

    first, second = live()
    code, _, err = run(capsys, "admin", "revoke-device", "mette", "Bærbar", "--db", api.url)
    assert code == 2 and first[:30] in err and second[:30] in err and "--id" in err
    assert live() == [first, second]  # nothing revoked
    refused = api.client.post("/api/v1/admin/devices/revoke", headers=api.h("ada"),
                              json={"user": "mette", "device_name": "Bærbar"})  # the API by name: the same rule
    assert refused.status_code == 400 and first[:30] in refused.json()["detail"]["message"]
    assert live() == [first, second]
    code, out, _ = run(capsys, "admin", "list-devices", "mette", "--db", api.url)
    assert {first[:30], second[:30]} <= {d["id"] for d in json.loads(out)}
    code, out, _ = run(capsys, "admin", "revoke-device", "--id", first[:30], "--db", api.url)
    assert code == 0 and first[:30] in out and live() == [second]
    assert run(capsys, "admin", "revoke-device", "mette", "Bærbar", "--db", api.url)[:2] == (0, "revoked 1 token(s)")
    assert live() == []
    assert run(capsys, "admin", "revoke-device", "--db", api.url)[0] == 2  # neither a name nor an id
