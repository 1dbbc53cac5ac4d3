"""The server's log, metrics and health checks, as an operator sees them: ``python -m server`` in a process.

The server runs as the systemd unit runs it (settings from ``FELTBOG_*``, two workers), its standard
error goes to a file, and the tests read the JSON lines and ``/metrics`` it produces.
"""

from __future__ import annotations

import contextlib
import json
import os
import socket
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest
from prometheus_client.parser import text_string_to_metric_families
from sqlalchemy import text

from server.app import create_app
from server.db import make_engine
from tests.server.conftest import HttpApi
from tests.support.live_server import clone_database, make_database_url, postgres_available

ROOT = Path(__file__).resolve().parents[2]
NOTE = "Zebrafinke-7731 fortalte om sin skilsmisse"  # a note no log may ever contain
CONTACT = {"name": "Gunnhild Ærøskøbing-Quist", "phone": "+45 31 41 59 26", "email": "gunnhild.quist@example.dk"}


@dataclass
class Process:
    """What the ``HttpApi`` helpers need of a live server: its database."""

    engine: object


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@contextlib.contextmanager
def server_process(url: str, log: Path, **settings: str) -> Iterator[str]:
    """``python -m server`` with its settings in the environment; yields the base URL."""
    port = _free_port()
    env = {**os.environ, "PYTHONPATH": str(ROOT), "PYTHONUNBUFFERED": "1", "FELTBOG_SERVER_DB": url,
           "FELTBOG_PORT": str(port), "FELTBOG_WORKERS": "2", **settings}
    env.pop("PROMETHEUS_MULTIPROC_DIR", None)
    with open(log, "wb") as out:
        proc = subprocess.Popen([sys.executable, "-m", "server"], cwd=ROOT, env=env, stdout=out, stderr=out)
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            with contextlib.suppress(httpx.HTTPError):
                if httpx.get(f"{base}/readyz", timeout=1).status_code == 200:
                    break
            assert proc.poll() is None and time.monotonic() < deadline, log.read_text()
            time.sleep(0.1)
        yield base
    finally:
        proc.terminate()
        proc.wait(20)


@pytest.fixture
def process_web(template, tmp_path):
    """The seeded server as a process with two workers; ``.log`` is the file its log lines go to."""
    log = tmp_path / "server.log"
    with (clone_database(template.url, tmp_path) as url, server_process(url, log) as base,
          httpx.Client(base_url=base, timeout=30) as client):
        engine = make_engine(url)
        web = HttpApi(client, url, template.kind, template.team_a, template.team_b, dict(template.ids),
                      dict(template.tokens), live=Process(engine))
        web.log = log
        yield web
        engine.dispose()


def log_lines(log: Path) -> list[dict]:
    """Every line of the log, each of which must be a JSON object."""
    return [json.loads(line) for line in log.read_text(encoding="utf-8").splitlines() if line.strip()]


def wait_for(log: Path, found) -> list[dict]:
    """The log's lines once a line matching ``found`` is there (the workers write as they go)."""
    deadline = time.monotonic() + 10
    while not any(found(line) for line in log_lines(log)):
        assert time.monotonic() < deadline, log.read_text()
        time.sleep(0.05)
    return log_lines(log)


def test_a_push_is_logged_as_json_with_ids_and_outcome_but_never_the_note(process_web):
    web = process_web
    company = web.company()
    visit = web.visit(company=company, body=NOTE)
    reply = web.client.post("/api/v1/sync/push", headers={**web.h("mette"), "X-Request-ID": "sag-4711"},
                            json={"device_id": "dev-1", "schema_version": 1, "mutations": [{
                                "mutation_id": 3, "entity": "visit", "id": visit, "op": "upsert", "base_version": 0,
                                "fields": {"body": NOTE + " (rettet)"}}]})
    assert reply.status_code == 200 and reply.headers["X-Request-ID"] == "sag-4711"
    lines = wait_for(web.log, lambda line: line.get("request_id") == "sag-4711" and line["event"] == "request")
    mine = [line for line in lines if line.get("request_id") == "sag-4711"]
    push = next(line for line in mine if line["event"] == "push")
    assert push["mutations"] == 1 and push["refused"] == 0 and push["logger"] == "server.routes.sync"
    request = next(line for line in mine if line["event"] == "request")
    assert request | {"duration_ms": 0, "time": ""} == {
        "event": "request", "request_id": "sag-4711", "level": "info", "logger": "server.request", "method": "POST",
        "route": "/api/v1/sync/push", "status": 200, "duration_ms": 0, "user_id": web.ids["mette"],
        "outcome": "ok", "time": ""}
    # Every request got an id of its own, and the earlier pushes were logged the same way.
    pushes = [line for line in lines if line["event"] == "request" and line.get("route") == "/api/v1/sync/push"]
    assert len(pushes) == 3 and len({line["request_id"] for line in pushes}) == 3
    raw = web.log.read_text(encoding="utf-8")
    assert "Zebrafinke" not in raw and "skilsmisse" not in raw and web.tokens["mette"] not in raw
    # A wrong password: logged as refused, without the password or the typed username.
    assert web.client.post("/api/v1/auth/login", json={"username": "mette", "password": "Hemmelig-Kode-99",
                                                       "device_name": "x"}).status_code == 401
    lines = wait_for(web.log, lambda line: line.get("route") == "/api/v1/auth/login")
    login = next(line for line in lines if line.get("route") == "/api/v1/auth/login")
    assert login["outcome"] == "refused" and login["status"] == 401 and login["user_id"] == web.ids["mette"]
    assert "Hemmelig-Kode-99" not in web.log.read_text(encoding="utf-8")


def _refuse_contacts(engine, kind: str) -> None:
    """Make the database itself refuse every new contact (a failing write, as a full disk or a bug would)."""
    with engine.begin() as conn:
        if kind == "postgres":
            conn.execute(text("CREATE FUNCTION refuse_contact() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN "
                              "IF NEW.entity = 'contact' THEN RAISE EXCEPTION 'refused: %', NEW.fields; END IF; "
                              "RETURN NEW; END $$"))
            conn.execute(text("CREATE TRIGGER refuse_contact BEFORE INSERT ON records "
                              "FOR EACH ROW EXECUTE FUNCTION refuse_contact()"))
        else:
            conn.execute(text("CREATE TRIGGER refuse_contact BEFORE INSERT ON records WHEN NEW.entity = 'contact' "
                              "BEGIN SELECT RAISE(ABORT, 'refused'); END"))


def test_a_failing_database_write_logs_the_error_without_personal_data(process_web):
    web = process_web
    company = web.company()
    _refuse_contacts(web.engine, web.kind)
    reply = web.client.post("/api/v1/sync/push", headers={**web.h("mette"), "X-Request-ID": "fejl-1"}, json={
        "device_id": "dev-1", "schema_version": 1, "mutations": [{
            "mutation_id": 2, "entity": "contact", "id": str(uuid.uuid4()), "op": "upsert", "base_version": 0,
            "fields": {"team_id": web.team_a, "company_id": company, **CONTACT}}]})
    assert reply.status_code == 500
    lines = wait_for(web.log, lambda line: line.get("request_id") == "fejl-1" and line["event"] == "request")
    request = next(line for line in lines if line.get("request_id") == "fejl-1" and line["event"] == "request")
    assert request["status"] == 500 and request["outcome"] == "error" and request["user_id"] == web.ids["mette"]
    error = next(line for line in lines if line.get("request_id") == "fejl-1" and "exception" in line)
    # The database's own error, from the push route. On PostgreSQL the writes run in a psycopg pipeline, so the
    # error surfaces either at a statement (wrapped by SQLAlchemy) or when the pipeline ends (psycopg's own).
    assert "sqlalchemy.exc" in error["exception"] or "psycopg.errors" in error["exception"]
    assert "server/routes/sync.py" in error["exception"] or "server/writes.py" in error["exception"]
    raw = web.log.read_text(encoding="utf-8")
    for value in (*CONTACT.values(), "Gunnhild", "31 41 59 26", "example.dk"):
        assert value not in raw


def _metric(families: dict, name: str, **labels: str) -> float:
    return sum(sample.value for family in families.values() for sample in family.samples
               if sample.name == name and all(sample.labels.get(k) == v for k, v in labels.items()))


def test_metrics_after_a_few_syncs_add_up_over_both_workers(process_web):
    web = process_web
    for _ in range(3):
        web.company()
    web.push("mette", [{"entity": "company", "id": str(uuid.uuid4()), "fields": {"team_id": web.team_a,
                                                                                 "name": "Løgstør Is"}}])
    for _ in range(2):
        web.pull_all("mette")
    assert web.client.post("/api/v1/auth/login", json={"username": "mette", "password": "forkert-forkert",
                                                       "device_name": "x"}).status_code == 401
    reply = web.client.get("/metrics")
    assert reply.status_code == 200 and reply.headers["content-type"].startswith("text/plain")
    families = {family.name: family for family in text_string_to_metric_families(reply.text)}
    push = {"method": "POST", "route": "/api/v1/sync/push", "status": "200"}
    assert _metric(families, "feltbog_http_requests_total", **push) == 4
    assert _metric(families, "feltbog_http_requests_total", route="/api/v1/sync/pull", status="200") == 2
    assert _metric(families, "feltbog_push_mutations_count") == 4
    assert _metric(families, "feltbog_push_mutations_sum") == 4
    assert _metric(families, "feltbog_push_duration_seconds_count") == 4
    assert _metric(families, "feltbog_pull_records_count") == 2
    assert _metric(families, "feltbog_pull_records_sum") == 8  # four companies, pulled twice
    assert _metric(families, "feltbog_pull_bytes_count") == 2
    lock = "sequence" if web.kind == "postgres" else "sqlite_write"
    assert _metric(families, "feltbog_lock_wait_seconds_count", lock=lock) >= 4
    assert _metric(families, "feltbog_login_failures_total", reason="credentials") == 1
    # No raw paths or values as labels: a record's id never becomes a metric.
    assert "unmatched" not in {s.labels.get("route") for f in families.values() for s in f.samples} - {None}


def test_readiness_fails_while_the_database_is_unreachable(tmp_path):
    if not postgres_available():
        pytest.skip("PostgreSQL is not running on 127.0.0.1:5432 (or FELTBOG_NO_POSTGRES=1)")
    with make_database_url("postgres", tmp_path) as url:
        app = create_app(url)
        from fastapi.testclient import TestClient

        with TestClient(app) as client:
            assert client.get("/readyz").json() == {"status": "ok", "database": "ok"}
            assert client.get("/api/v1/health").json()["status"] == "ok"
            name = url.rsplit("/", 1)[1]
            admin = make_engine(url.rsplit("/", 1)[0] + "/postgres")
            with admin.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
                conn.execute(text(f'ALTER DATABASE "{name}" ALLOW_CONNECTIONS false'))
                conn.execute(text("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = :n"),
                             {"n": name})
            try:
                ready = client.get("/readyz")
                assert ready.status_code == 503 and ready.json() == {"status": "unavailable",
                                                                     "database": "unreachable"}
                health = client.get("/api/v1/health")
                assert health.status_code == 503 and health.json()["status"] == "unavailable"
                assert client.head("/api/v1/health").status_code == 503
                assert client.get("/livez").status_code == 200  # alive: no reason to restart it
                assert client.get("/api/v1/health/live").json() == {"status": "ok"}
            finally:
                with admin.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
                    conn.execute(text(f'ALTER DATABASE "{name}" ALLOW_CONNECTIONS true'))
                admin.dispose()
            assert client.get("/readyz").status_code == 200  # back as soon as the database is
        app.state.engine.dispose()


def test_readiness_of_a_sqlite_file_that_cannot_be_opened(tmp_path):
    app = create_app(f"sqlite:///{tmp_path / 'missing-folder' / 'db.sqlite'}", run_migrations=False)
    from fastapi.testclient import TestClient

    with TestClient(app) as client:
        assert client.get("/readyz").status_code == 503
        assert client.get("/api/v1/health").json()["status"] == "unavailable"
        assert client.get("/livez").status_code == 200
