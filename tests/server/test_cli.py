"""``python -m server``: the admin commands, and the server itself starting from the command line."""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import time
import warnings
from datetime import timedelta
from pathlib import Path

import requests
from sqlalchemy import update

import server
from desktop.sync.client import SyncClient
from server.cli import main
from server.tables import Record

ROOT = Path(__file__).resolve().parents[2]


def run(capsys, *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out.strip(), err.strip()


def test_admin_commands(api, capsys):
    db = api.url
    code, team_id, _ = run(capsys, "admin", "create-team", "Jobcenter Rebild", "--db", db)
    assert code == 0 and len(team_id) == 36
    code, user_id, _ = run(capsys, "--db", db, "admin", "create-user", "karen", "--full-name", "Karen Kjær",
                           "--role", "supervisor", "--password", "hemmeligt-ord")
    assert code == 0
    assert run(capsys, "admin", "--db", db, "add-member", "karen", "Jobcenter Rebild")[0] == 0
    code, out, _ = run(capsys, "admin", "list-users", "--db", db)
    karen = next(u for u in json.loads(out) if u["username"] == "karen")
    assert karen == {"id": user_id, "username": "karen", "full_name": "Karen Kjær", "role": "supervisor",
                     "active": True, "teams": [team_id]}
    token = api.login("karen", "hemmeligt-ord")
    h = {"Authorization": f"Bearer {token}"}
    assert api.client.get("/api/v1/sync/summary", headers=h).json()["teams"] == [team_id]
    assert run(capsys, "admin", "revoke", "karen", "--db", db)[1] == "revoked 1 token(s)"
    assert api.client.get("/api/v1/sync/summary", headers=h).status_code == 401
    assert run(capsys, "admin", "reset-password", "karen", "--password", "endnu-et-ord", "--db", db)[0] == 0
    assert api.login("karen", "endnu-et-ord")
    assert run(capsys, "admin", "remove-member", "karen", "Jobcenter Rebild", "--db", db)[0] == 0
    code, out, _ = run(capsys, "admin", "list-teams", "--db", db)
    assert "Jobcenter Rebild" in {t["name"] for t in json.loads(out)}
    # Mistakes get a message and exit code 2, never a traceback.
    assert run(capsys, "admin", "add-member", "nobody", "Jobcenter Rebild", "--db", db)[1:] == ("", "error: No user "
                                                                                                "'nobody'.")
    assert run(capsys, "admin", "create-team", "Jobcenter Rebild", "--db", db)[0] == 2
    assert run(capsys, "admin", "create-user", "x", "--full-name", "X", "--password", "kort", "--db", db)[0] == 2


def test_purge_tombstones_command(api, capsys):
    company = api.company()
    api.push_one("mette", {"entity": "company", "id": company, "op": "delete", "base_version": 99})
    assert run(capsys, "admin", "purge-tombstones", "--db", api.url)[1] == "purged 0 tombstone(s)"
    with api.engine.begin() as conn:
        conn.execute(update(Record).values(deleted_at=Record.deleted_at - timedelta(days=200)))
    assert run(capsys, "admin", "purge-tombstones", "--days", "180", "--db", api.url)[1] == "purged 1 tombstone(s)"
    assert api.count() == 0


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_python_m_server_serves_http(tmp_path):
    port = _free_port()
    db = f"sqlite:///{tmp_path / 'server.sqlite'}"
    env = {**os.environ, "PYTHONPATH": str(ROOT), "FELTBOG_BUILD": "3d41820"}  # as the Dockerfile sets it
    proc = subprocess.Popen([sys.executable, "-m", "server", "--db", db, "--port", str(port)], cwd=ROOT, env=env,
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                health = requests.get(f"http://127.0.0.1:{port}/api/v1/health", timeout=1)
                break
            except requests.ConnectionError:
                assert proc.poll() is None and time.monotonic() < deadline, proc.stdout.read().decode()
                time.sleep(0.1)
        assert health.status_code == 200 and health.json()["status"] == "ok"
        assert (health.json()["version"], health.json()["build"]) == (server.__version__, "3d41820")
        # The app's check reads the same answer (its contract: status and server_time).
        answer = SyncClient(f"http://127.0.0.1:{port}").health()
        assert answer["status"] == "ok" and answer["server_time"].endswith("Z") and answer["build"] == "3d41820"
        assert requests.get(f"http://127.0.0.1:{port}/openapi.json", timeout=5).status_code == 200
    finally:
        proc.terminate()
        proc.wait(10)


def test_migrations_match_the_tables_and_rerun_harmlessly(api):
    from alembic.autogenerate import compare_metadata
    from alembic.migration import MigrationContext

    from server.db import migrate
    from server.tables import Base

    migrate(api.engine)  # already at head: nothing to do
    # The CVR index is on an expression (a JSON field), written per database in migration 0004.
    expression_index = "ix_records_company_cvr"
    opts = {"include_name": lambda name, kind, parent: not (kind == "index" and name == expression_index)}
    with api.engine.connect() as conn, warnings.catch_warnings():
        warnings.filterwarnings("ignore", f".*expression-based index {expression_index}")
        assert compare_metadata(MigrationContext.configure(conn, opts=opts), Base.metadata) == []
        assert MigrationContext.configure(conn).get_current_revision() == "0006"
