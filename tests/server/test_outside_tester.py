"""The holes an outside tester found (issue 17), each tried again over HTTP on SQLite and PostgreSQL.

Every test here failed on the server before the fix: the million-field push,
the login limiter (per worker, evictable, locking a whole office), a disabled
user's writes, the grace period from removing a non-member, server errors on
hostile pushes, free text in the audit log, weak passwords, and the smaller
holes (a visit's author, an assignee from another team, ``wrong_entity``, a
dropped pooled connection, a body that never arrives).
"""

from __future__ import annotations

import json
import socket
import time
import uuid
from pathlib import Path

import pytest
from sqlalchemy import func, insert, select
from sqlalchemy.engine import make_url

from server import limiter as limiter_module
from server.cli import main as server_cli
from server.security import utcnow
from server.tables import AuditEntry, Device, Record
from tests.server.conftest import HttpApi
from tests.support.live_server import PASSWORD, LiveServer

NAME = "Øllegård Zwyrtkæmpe"


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def raw_push(web: HttpApi, who: str, mutations: list[dict], device: str = "dev-raw") -> dict:
    """A push whose body is built by hand (ASCII JSON, so lone surrogates travel as escapes)."""
    body = json.dumps({"device_id": device, "schema_version": 1, "mutations": mutations}).encode()
    reply = web.client.post("/api/v1/sync/push", headers={**web.h(who), "Content-Type": "application/json"},
                            content=body)
    assert reply.status_code == 200, reply.text[:500]
    return reply.json()


def audit_text(web: HttpApi) -> str:
    with web.engine.connect() as conn:
        return " ".join(str(v) for row in conn.execute(select(AuditEntry)).all() for v in row)


# -- 1. one request stalls every write ----------------------------------------------------------


def test_1_a_million_field_push_is_refused_small_before_the_transaction(web):
    fields = {f"f{i:07d}": 1 for i in range(1_000_000)}
    body = json.dumps({"device_id": "attacker", "schema_version": 1, "mutations": [
        {"mutation_id": 1, "entity": "company", "id": str(uuid.uuid4()), "op": "upsert", "base_version": 0,
         "fields": fields}]}).encode()
    started = time.monotonic()
    reply = web.client.post("/api/v1/sync/push", headers={**web.h("mette"), "Content-Type": "application/json"},
                            content=body)
    elapsed = time.monotonic() - started
    assert reply.status_code == 413 and reply.json()["detail"]["code"] == "too_large"
    assert len(reply.content) < 1_000, len(reply.content)
    assert elapsed < 10, elapsed  # was 33-39 s; the bench measures the real figure (bench/hostile_push.py)
    # Under the body's member limit, the count and the names are bounded per mutation: one short 422.
    for bad in ({f"x{i}": 1 for i in range(65)}, {"n" * 65: 1}):
        reply = web.client.post("/api/v1/sync/push", headers=web.h("mette"), json={
            "device_id": "attacker", "schema_version": 1, "mutations": [
                {"mutation_id": 1, "entity": "company", "id": str(uuid.uuid4()), "op": "upsert",
                 "base_version": 0, "fields": bad}] * 500})
        assert reply.status_code == 422 and len(reply.content) < 8_000, len(reply.content)
        assert reply.json()["detail"]["error_count"] == 500 and len(reply.json()["detail"]["errors"]) == 20
    extra = {"mutation_id": 1, "entity": "company", "id": str(uuid.uuid4()), "op": "upsert", "base_version": 0,
             **{f"k{i}": 1 for i in range(10_000)}}
    reply = web.client.post("/api/v1/sync/push", headers=web.h("mette"),
                            json={"device_id": "attacker", "schema_version": 1, "mutations": [extra]})
    assert reply.status_code == 422 and len(reply.content) < 2_000
    with web.engine.connect() as conn:  # nothing reached the push transaction
        assert conn.execute(select(Device).where(Device.device_id == "attacker")).first() is None
    # Within the bounds, each mutation is refused on its own, with a short list of errors.
    results = web.push("mette", [{"entity": "company", "id": str(uuid.uuid4()), "fields": {
        "team_id": web.team_a, "name": "X", **{f"ukendt_{i}_{'ø' * 50}": 1 for i in range(60)}}}] * 200)["results"]
    assert {r["code"] for r in results} == {"invalid"} and all(len(r["reason"]) <= 300 for r in results)
    assert all(len(r["errors"] or ()) <= 20 for r in results)
    assert sum(len(r["errors"] or ()) for r in results) == 1_000


# -- 2. login lock-outs can be wiped, and each worker counts on its own ----------------------------


def login(client, username: str, password: str, address: str | None = None, device: str | None = None):
    headers = {}
    if address:
        headers["X-Forwarded-For"] = address
    if device:
        headers["X-Feltbog-Device"] = device
    return client.post("/api/v1/auth/login", headers=headers,
                       json={"username": username, "password": password, "device_name": "test"})


def test_2_lock_outs_are_shared_by_every_worker_and_survive_a_flood(web, monkeypatch):
    # Two app instances on one database, as two uvicorn workers (or two hosts) would be.
    with LiveServer(web.url) as second:
        import httpx

        with httpx.Client(base_url=second.url, timeout=30) as other:
            for client in (web.client, other, web.client, other, web.client):
                assert login(client, "sara", "forkert-kode-1").status_code == 401
            for client in (web.client, other):
                locked = login(client, "sara", PASSWORD)
                assert locked.status_code == 429 and int(locked.headers["retry-after"]) > 0
    # A flood of invented usernames from many addresses does not evict the lock-out (it used to clear
    # the whole table at MAX_KEYS; the test lowers it so the old code shows that in a few requests).
    monkeypatch.setattr(limiter_module, "MAX_KEYS", 20)
    monkeypatch.setattr("server.routes.auth.verify_password", lambda _hash, _password: False)
    for i in range(40):
        assert login(web.client, f"ghost-{i}", "whatever-1", address=f"198.51.100.{i + 1}").status_code == 401
    assert login(web.client, "sara", PASSWORD).status_code == 429
    from server.tables import LoginLimit

    with web.engine.connect() as conn:  # kept where every worker sees it, and no typed username in clear
        keys = list(conn.execute(select(LoginLimit.key)).scalars())
    assert len(keys) > 40 and all(len(k) == 64 and "ghost" not in k for k in keys)


# -- 3. a whole office locked out ----------------------------------------------------------------


def test_3_one_persons_mistakes_do_not_lock_the_office_and_a_known_device_gets_in(web):
    device = "mettes-laptop-key"
    assert login(web.client, "mette", PASSWORD, device=device).status_code == 200  # now a known device
    for _ in range(5):
        assert login(web.client, "jens", "forkert-kode-1").status_code == 401
    assert login(web.client, "jens", PASSWORD).status_code == 429  # the (address, user) pair
    assert login(web.client, "sara", PASSWORD).status_code == 200  # same address, another user: not locked
    # Someone guesses at mette's account from ten addresses: the user is locked out everywhere ...
    for i in range(10):
        assert login(web.client, "mette", "forkert-kode-1", address=f"203.0.113.{i + 1}").status_code == 401
    assert login(web.client, "mette", PASSWORD, address="203.0.113.99").status_code == 429
    assert login(web.client, "mette", PASSWORD).status_code == 429
    assert login(web.client, "mette", PASSWORD, device="a-device-never-seen").status_code == 429
    # ... but not from her own laptop with the right password.
    assert login(web.client, "mette", PASSWORD, device=device).status_code == 200


def test_3_x_forwarded_for_counts_only_from_a_trusted_proxy(web_with):
    from server.cli import uvicorn_limits  # what `python -m server` runs uvicorn with

    web = web_with(**uvicorn_limits("192.0.2.250"))  # a proxy that is not us: our header is ignored
    for i in range(5):
        assert login(web.client, "jens", "forkert-kode-1", address=f"198.51.100.{i + 1}").status_code == 401
    assert login(web.client, "jens", PASSWORD, address="198.51.100.77").status_code == 429
    trusted = web_with(**uvicorn_limits("127.0.0.1"))  # nginx on this host: its header names the client
    for _ in range(4):
        assert login(trusted.client, "sara", "forkert-kode-1", address="198.51.100.9").status_code == 401
    assert login(trusted.client, "sara", PASSWORD, address="198.51.100.10").status_code == 200


def test_3_an_address_alone_is_locked_only_after_a_hundred_failures(web, monkeypatch):
    device = "saras-laptop-key"
    assert login(web.client, "sara", PASSWORD, device=device).status_code == 200
    monkeypatch.setattr("server.routes.auth.verify_password", lambda _hash, _password: False)  # no Argon2 wait
    for i in range(99):  # a hundred people behind one address mistyping: not yet a lock on the address
        assert login(web.client, f"kollega-{i}", "forkert-kode-1").status_code == 401
    monkeypatch.undo()
    assert login(web.client, "jens", PASSWORD).status_code == 200
    monkeypatch.setattr("server.routes.auth.verify_password", lambda _hash, _password: False)
    assert login(web.client, "kollega-99", "forkert-kode-1").status_code == 401
    assert login(web.client, "kollega-100", "forkert-kode-1").status_code == 429  # the 101st: the address
    monkeypatch.undo()
    assert login(web.client, "mette", PASSWORD).status_code == 429
    assert login(web.client, "sara", PASSWORD, device=device).status_code == 200  # a known device still gets in


# -- 4. a disabled user keeps write access -----------------------------------------------------


def test_4_a_disabled_user_cannot_write_at_once(web):
    company = web.company("mette", name="Kollegaens Firma")
    token = web.login("jens")
    assert server_cli(["admin", "disable", "jens", "--db", web.url]) == 0
    reply = web.client.post("/api/v1/sync/push", headers=bearer(token), json={
        "device_id": "jens-laptop", "schema_version": 1, "mutations": [
            {"mutation_id": 1, "entity": "company", "id": str(uuid.uuid4()), "op": "upsert", "base_version": 0,
             "fields": {"team_id": web.team_a, "name": "Efter deaktivering"}},
            {"mutation_id": 2, "entity": "company", "id": company, "op": "delete", "base_version": 1}]})
    assert reply.status_code == 401
    assert web.client.get("/api/v1/sync/access", headers=bearer(token)).json()["state"] == "closing"
    assert web.count("company") == 1 and web.latest("mette", company).get("op") != "delete"


# -- 5. removing a non-member grants a grace period ----------------------------------------------


def test_5_removing_a_non_member_is_an_error_and_grants_nothing(web):
    reply = web.client.request("DELETE", "/api/v1/admin/memberships", headers=web.h("ada"),
                               json={"user_id": web.ids["mette"], "team_id": web.team_b})
    assert reply.status_code == 400 and reply.json()["detail"]["code"] == "admin"
    result = web.push_one("mette", {"entity": "company", "id": str(uuid.uuid4()),
                                    "fields": {"team_id": web.team_b, "name": "Indtrængen"}})
    assert (result["status"], result["code"]) == ("rejected", "not_allowed")
    # A real removal still lets the device hand in what it had (the grace period).
    assert web.client.request("DELETE", "/api/v1/admin/memberships", headers=web.h("ada"),
                              json={"user_id": web.ids["jens"], "team_id": web.team_a}).status_code == 204
    result = web.push_one("jens", {"entity": "company", "id": str(uuid.uuid4()),
                                   "fields": {"team_id": web.team_a, "name": "Skrevet før fjernelsen"}})
    assert result["status"] == "applied"


# -- 6. server errors on hostile pushes ------------------------------------------------------------


def test_6_hostile_names_and_ids_are_refused_one_by_one(web):
    company = web.company("mette")
    good = str(uuid.uuid4())
    results_ids = [str(uuid.uuid4()) for _ in range(6)]
    results = raw_push(web, "mette", [
        {"mutation_id": 1, "entity": "company", "id": results_ids[0], "op": "upsert", "base_version": 0,
         "fields": {"team_id": web.team_a, "name": "X", "\ud800": 1}},
        {"mutation_id": 2, "entity": "c" * 30, "id": results_ids[1], "op": "upsert", "base_version": 0,
         "fields": {"team_id": web.team_a}},
        {"mutation_id": 3, "entity": "company", "id": "x" * 50, "op": "delete", "base_version": 0},
        {"mutation_id": 4, "entity": "company", "id": company.upper(), "op": "delete", "base_version": 0},
        {"mutation_id": 5, "entity": "company", "id": uuid.uuid4().hex + "----", "op": "upsert", "base_version": 0,
         "fields": {"team_id": web.team_a, "name": "Id uden form"}},
        {"mutation_id": 6, "entity": "company", "id": results_ids[5], "op": "upsert", "base_version": 0,
         "fields": {"team_id": web.team_a, "name": "Navn \udfff"}},
        {"mutation_id": 7, "entity": "company", "id": good, "op": "upsert", "base_version": 0,
         "fields": {"team_id": web.team_a, "name": "Efter de fjendtlige"}},
    ])["results"]
    assert [(r["status"], r["code"]) for r in results] == [
        ("rejected", "invalid"), ("rejected", "unknown_entity"), ("rejected", "bad_id"), ("rejected", "bad_id"),
        ("rejected", "bad_id"), ("rejected", "invalid"), ("applied", None)]
    assert all(r["reason"] for r in results[:6])
    assert results[0]["errors"][0]["code"] == "unknown_field"
    assert web.latest("mette", good)["fields"]["name"] == "Efter de fjendtlige"
    assert web.latest("mette", company)["op"] == "upsert"  # the upper-case id deleted nothing
    with web.engine.connect() as conn:
        refused = conn.execute(select(AuditEntry.action, AuditEntry.entity, AuditEntry.entity_id)
                               .where(AuditEntry.action.like("refused:%")).order_by(AuditEntry.id)).all()
    # Audited with what is known to be safe: the entity if it is one, never an id that is not a UUID.
    assert [tuple(r) for r in refused] == [
        ("refused:invalid", "company", results_ids[0]), ("refused:unknown_entity", None, results_ids[1]),
        ("refused:bad_id", "company", None), ("refused:bad_id", "company", None),
        ("refused:bad_id", "company", None), ("refused:invalid", "company", results_ids[5])]


def test_6_a_value_the_database_refuses_inside_the_pipeline_is_a_422_not_a_500(web, monkeypatch):
    # Every id is checked now; with the check switched off, a 50-character id reaches the audit insert,
    # which PostgreSQL refuses inside the psycopg pipeline (a raw psycopg error, not SQLAlchemy's).
    monkeypatch.setattr("server.push.canonical_id", lambda value: isinstance(value, str))
    reply = web.client.post("/api/v1/sync/push", headers=web.h("mette"), json={
        "device_id": "dev-net", "schema_version": 1, "mutations": [
            {"mutation_id": 1, "entity": "company", "id": "x" * 50, "op": "delete", "base_version": 0}]})
    if web.kind == "postgres":
        assert reply.status_code == 422 and reply.json()["detail"]["code"] == "invalid_request", reply.text
        with web.engine.connect() as conn:  # rolled back as a whole
            assert conn.execute(select(Device).where(Device.device_id == "dev-net")).first() is None
    else:  # SQLite keeps any length
        assert reply.status_code == 200
    assert web.summary("mette")["teams"] == [web.team_a]  # the server carries on


# -- 7. erased names survive in the audit log and the WAL -----------------------------------------


def _disk(url: str) -> bytes:
    path = Path(make_url(url).database)
    return b"".join(p.read_bytes() for p in (path, Path(f"{path}-wal")) if p.exists())


def test_7_the_audit_log_keeps_no_free_text_and_an_erase_scrubs_it(web):
    typed_password = "min-hemmelige-kode-1"
    assert login(web.client, typed_password, "x" * 8).status_code == 401  # a password in the username field
    visit = web.visit("mette", status="ready", body=f"Aftalt med {NAME}.")
    assert web.client.post(f"/api/v1/visits/{visit}/reviews", headers=web.h("sara"), json={
        "state": "has_issues", "comment": f"Skriv ikke {NAME} i referatet."}).status_code == 201
    web.push_one("mette", {"entity": "company", "id": str(uuid.uuid4()),
                           "fields": {"team_id": web.team_a, "name": "X", "Zwyrtkæmpe": 1}})
    web.client.get(f"/api/v1/visits/{NAME}/reviews", headers=bearer("bad-token"))
    log = audit_text(web)
    assert NAME not in log and "Zwyrtkæmpe" not in log and typed_password not in log
    with web.engine.begin() as conn:  # a row written before the rule, as the tester found them
        conn.execute(insert(AuditEntry).values(at=utcnow(), action="review:has_issues",
                                               detail=f"Skriv ikke {NAME} i referatet."))
    if web.kind == "sqlite":
        assert "Zwyrtkæmpe".encode() in _disk(web.url)  # the test sees the name on disk before the erase
    reply = web.client.post("/api/v1/admin/personal-data/erase", headers=web.h("ada"), json={"name": NAME})
    assert reply.status_code == 200 and reply.json()["audit_rows"] == 1
    assert "Zwyrtkæmpe" not in audit_text(web)
    if web.kind == "sqlite":
        with web.engine.connect() as conn:
            assert conn.exec_driver_sql("PRAGMA secure_delete").scalar() == 1
        assert "Zwyrtkæmpe".encode() not in _disk(web.url)


def test_7_an_upgrade_clears_the_free_text_older_audit_rows_kept(template, tmp_path):
    from alembic import command
    from alembic.config import Config

    from server.db import MIGRATIONS, make_engine, migrate
    from tests.support.live_server import make_database_url

    old_rows = {"login_failed": "min-hemmelige-kode-1", "review:has_issues": f"Skriv ikke {NAME}",
                "refused:invalid": "Ukendt felt: Zwyrtkæmpe.", "admin:create_user": "mette.hansen",
                "refused:token_unknown": '{"address": "127.0.0.1"}', "admin:erase_person": '{"records": 1}'}
    with make_database_url(template.kind, tmp_path) as url:
        engine = make_engine(url)
        cfg = Config()
        cfg.set_main_option("script_location", str(MIGRATIONS))
        cfg.attributes["engine"] = engine
        command.upgrade(cfg, "0002")
        with engine.begin() as conn:
            conn.execute(insert(AuditEntry), [{"at": utcnow(), "action": a, "detail": d} for a, d in old_rows.items()])
        migrate(engine)
        with engine.connect() as conn:
            kept = dict(conn.execute(select(AuditEntry.action, AuditEntry.detail)).all())
        engine.dispose()
    assert kept == {**{action: None for action in old_rows}, "refused:token_unknown": '{"address": "127.0.0.1"}',
                    "admin:erase_person": '{"records": 1}'}


# -- 8. weak passwords ---------------------------------------------------------------------------


@pytest.mark.parametrize("password, role", [("12345678", "consultant"), ("password", "consultant"),
                                            (" " * 8, "consultant"), ("nyansat-vera", "consultant"),
                                            ("Sommer2025", "supervisor"), ("kort-men-ok", "admin")])
def test_8_weak_passwords_are_refused_in_danish(web, password, role):
    reply = web.client.post("/api/v1/admin/users", headers=web.h("ada"), json={
        "username": "nyansat-vera", "full_name": "Vera", "role": role, "password": password})
    assert reply.status_code == 400, reply.text
    detail = reply.json()["detail"]
    assert detail["code"] == "weak_password" and "Adgangskoden" in detail["message"]
    reset = web.client.post(f"/api/v1/admin/users/{web.ids['jens']}/password", headers=web.h("ada"),
                            json={"password": "password"})
    assert reset.status_code == 400 and reset.json()["detail"]["code"] == "weak_password"
    good = web.client.post("/api/v1/admin/users", headers=web.h("ada"), json={
        "username": "nyansat-vera", "full_name": "Vera", "role": role, "password": "grøn-kaffe-på-taget"})
    assert good.status_code == 201


# -- 9. the smaller holes ------------------------------------------------------------------------


def test_9_a_visits_author_and_an_assignee_are_checked(web):
    company = web.company("mette")
    visit = str(uuid.uuid4())
    created = web.push_one("mette", {"entity": "visit", "id": visit, "fields": {
        "team_id": web.team_a, "company_id": company, "visited_at": "2026-11-20", "body": "B",
        "consultant_id": web.ids["jens"]}})
    assert created["status"] == "applied"
    assert web.latest("sara", visit)["fields"]["consultant_id"] == web.ids["mette"]  # forced to the pusher
    version = web.latest("mette", visit)["version"]
    changed = web.push_one("mette", {"entity": "visit", "id": visit, "base_version": version,
                                     "fields": {"consultant_id": web.ids["jens"]}})
    assert (changed["status"], changed["code"]) == ("rejected", "not_allowed")
    by_supervisor = web.push_one("sara", {"entity": "visit", "id": visit, "base_version": version,
                                          "fields": {"consultant_id": web.ids["jens"]}})
    assert by_supervisor["status"] == "applied"
    assert web.latest("mette", visit)["fields"]["consultant_id"] == web.ids["jens"]
    for assignee, expected in ((web.ids["otto"], ("rejected", "not_found")), (web.ids["jens"], ("applied", None))):
        result = web.push_one("mette", {"entity": "follow_up", "id": str(uuid.uuid4()), "fields": {
            "team_id": web.team_a, "due_on": "2026-12-01", "subject_kind": "company", "subject_id": company,
            "assignee_id": assignee}})
        assert (result["status"], result["code"]) == expected


def test_9_another_teams_id_answers_as_an_unknown_id(web):
    visit = web.visit("mette")
    results = web.push("otto", [
        {"entity": "company", "id": visit, "fields": {"name": "Gæt"}},
        {"entity": "company", "id": str(uuid.uuid4()), "fields": {"name": "Gæt"}},
        {"entity": "company", "id": visit, "op": "delete"},
    ])["results"]
    assert {(r["code"], r["reason"]) for r in results[:2]} == {(results[1]["code"], results[1]["reason"])}
    assert results[0]["code"] == "not_allowed" and results[2]["code"] == "not_allowed"


def test_9_a_dropped_pooled_connection_fails_no_request(web):
    assert web.summary("mette")["teams"] == [web.team_a]  # the pool now holds a connection
    if web.kind == "postgres":
        with web.engine.connect() as conn:
            name = conn.exec_driver_sql("SELECT current_database()").scalar()
        import psycopg

        with psycopg.connect("host=127.0.0.1 port=5432 user=postgres dbname=postgres", autocommit=True) as admin:
            killed = admin.execute("SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity "
                                   "WHERE datname = %s AND pid <> pg_backend_pid()", (name,)).fetchone()[0]
        assert killed >= 1
    else:  # SQLite: close the connections the pool keeps, as a crashed handle would be
        for record in list(web.engine.pool._pool.queue):
            record.dbapi_connection.close()
    for _ in range(3):
        assert web.client.get("/api/v1/sync/summary", headers=web.h("mette")).status_code == 200


def test_9_a_body_that_never_arrives_is_timed_out(web_with):
    web = web_with(settings={"body_timeout_seconds": 1.0})
    host, port = web.client.base_url.host, web.client.base_url.port
    with socket.create_connection((host, port), timeout=10) as sock:
        sock.sendall(b"POST /api/v1/auth/login HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
                     b"Content-Length: 1000\r\n\r\n{\"username\": ")
        started = time.monotonic()
        answer = sock.recv(4096)
    assert answer.startswith(b"HTTP/1.1 408"), answer[:100]
    assert time.monotonic() - started < 8
    with web.engine.connect() as conn:
        assert conn.execute(select(func.count()).select_from(Record)).scalar() == 0
