"""Push and pull semantics: idempotence, gaps, rejections, merge, conflicts, moves, tombstones."""

from __future__ import annotations

import uuid
from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta

import requests
from sqlalchemy import func, select, update

from desktop.domain.protocol import format_checksum, record_hash
from server import admin
from server.tables import Device, Record


def new_id() -> str:
    return str(uuid.uuid4())


def test_permanent_rejection_does_not_block_later_mutations(api):
    ok1, bad, ok2 = new_id(), new_id(), new_id()
    results = api.push("mette", [
        {"entity": "company", "id": ok1, "fields": {"team_id": api.team_a, "name": "Første"}},
        {"entity": "company", "id": bad, "fields": {"team_id": api.team_a, "name": "Dårlig", "cvr": "12345678"}},
        {"entity": "company", "id": ok2, "fields": {"team_id": api.team_a, "name": "Tredje"}},
    ])
    statuses = [r["status"] for r in results["results"]]
    assert statuses == ["applied", "rejected", "applied"] and results["last_mutation_id"] == 3
    assert results["results"][1]["errors"][0]["field"] == "cvr"
    ids = {c["id"] for c in api.pull_all("jens")[0]}
    assert ids == {ok1, ok2}


def test_a_gap_is_refused_and_nothing_is_applied(api):
    body = {"device_id": "d", "schema_version": 1, "mutations": [
        {"mutation_id": 2, "entity": "company", "id": new_id(), "op": "upsert", "base_version": 0,
         "fields": {"team_id": api.team_a, "name": "X"}}]}
    reply = api.client.post("/api/v1/sync/push", headers=api.h("mette"), json=body)
    assert reply.status_code == 409 and reply.json()["detail"] == {"code": "mutation_gap", "expected": 1,
                                                                   "message": "Ændringerne kom ikke i rækkefølge."}
    assert api.pull_all("mette")[0] == []


def test_an_old_client_is_refused_with_426(api):
    reply = api.client.post("/api/v1/sync/push", headers=api.h("mette"),
                            json={"device_id": "d", "schema_version": 0, "mutations": []})
    assert reply.status_code == 426 and "for gammel" in reply.json()["detail"]["message"]


def test_replay_twenty_times_in_parallel_changes_nothing(api, tmp_path):
    from tests.support.live_server import LiveServer

    with LiveServer(api.url) as live:
        username, password = live.user("consultant", team_id=api.team_a)
        token = requests.post(f"{live.url}/api/v1/auth/login", json={"username": username, "password": password},
                              timeout=10).json()["token"]
        mutations = [{"mutation_id": i + 1, "entity": "company", "id": new_id(), "op": "upsert", "base_version": 0,
                      "fields": {"team_id": api.team_a, "name": f"Virksomhed {i}"}} for i in range(50)]
        body = {"device_id": "laptop", "schema_version": 1, "mutations": mutations}

        def send(_):
            return requests.post(f"{live.url}/api/v1/sync/push", json=body, timeout=60,
                                 headers={"Authorization": f"Bearer {token}"})

        first = send(0)
        assert first.status_code == 200
        with ThreadPoolExecutor(20) as pool:
            replies = list(pool.map(send, range(20)))
        assert all(r.status_code == 200 for r in replies), [r.text for r in replies if r.status_code != 200]
        assert all(r.json()["last_mutation_id"] == 50 for r in replies)
    with api.engine.connect() as conn:
        assert conn.execute(select(func.count()).select_from(Record)).scalar() == 50
        assert conn.execute(select(Device.last_mutation_id).where(Device.device_id == "laptop")).scalar() == 50


def test_pull_pages_in_sequence_order_and_limit_is_enforced(api):
    for i in range(7):
        api.company(name=f"Firma {i}")
    page = api.client.get("/api/v1/sync/pull", params={"since": 0, "limit": 3}, headers=api.h("jens")).json()
    assert len(page["changes"]) == 3 and page["has_more"]
    versions = [c["version"] for c in page["changes"]]
    assert versions == sorted(versions) and page["cursor"] == versions[-1]
    rest, cursor = api.pull_all("jens", since=page["cursor"], limit=3)
    assert len(rest) == 4
    too_big = api.client.get("/api/v1/sync/pull", params={"since": 0, "limit": 5001}, headers=api.h("jens"))
    assert too_big.status_code == 422


def test_disjoint_fields_merge_and_same_field_records_a_conflict(api):
    company = api.company(phone="11 11 11 11", city="Aars")
    base = api.pull_all("jens")[0][-1]["version"]
    api.push("mette", [{"entity": "company", "id": company, "base_version": base, "fields": {"city": "Farsø"}}])
    api.push("jens", [{"entity": "company", "id": company, "base_version": base, "fields": {"phone": "22 22 22 22"}}])
    changes, _ = api.pull_all("mette")
    assert not [c for c in changes if c["entity"] == "conflict"]
    latest = [c for c in changes if c["id"] == company][-1]["fields"]
    assert (latest["city"], latest["phone"]) == ("Farsø", "22 22 22 22")
    api.push("jens", [{"entity": "company", "id": company, "base_version": base, "fields": {"city": "Løgstør"}}])
    conflicts = [c for c in api.pull_all("mette")[0] if c["entity"] == "conflict"]
    assert len(conflicts) == 1
    conflict = conflicts[0]["fields"]
    assert (conflict["field"], conflict["kept_value"], conflict["lost_value"]) == ("city", "Løgstør", "Farsø")
    assert conflict["lost_by"] == api.ids["mette"] and conflict["kept_by"] == api.ids["jens"]


def test_a_device_editing_its_own_record_twice_is_not_a_conflict(api):
    company = api.company(city="Aars")
    api.push("mette", [{"entity": "company", "id": company, "base_version": 0, "fields": {"city": "Farsø"}}])
    assert not [c for c in api.pull_all("mette")[0] if c["entity"] == "conflict"]


def test_visit_body_conflict_keeps_the_losing_text(api):
    company = api.company()
    visit = new_id()
    api.push("mette", [{"entity": "visit", "id": visit, "fields": {"team_id": api.team_a, "company_id": company,
                                                                  "visited_at": "2026-11-20", "body": "Original"}}])
    base = [c for c in api.pull_all("jens")[0] if c["id"] == visit][0]["version"]
    api.push("mette", [{"entity": "visit", "id": visit, "base_version": base, "fields": {"body": "Mettes tekst"}}])
    api.push("jens", [{"entity": "visit", "id": visit, "base_version": base, "fields": {"body": "Jens' tekst"}}])
    changes = api.pull_all("mette")[0]
    body = [c for c in changes if c["id"] == visit][-1]["fields"]["body"]
    [copy] = [c["fields"] for c in changes if c["entity"] == "conflict"]
    assert {body, copy["lost_value"]} == {"Mettes tekst", "Jens' tekst"}


def test_delete_loses_against_an_unseen_edit_and_edit_after_delete_keeps_text(api):
    company = api.company()
    base = api.pull_all("jens")[0][-1]["version"]
    api.push("mette", [{"entity": "company", "id": company, "base_version": base, "fields": {"notes": "Ny note"}}])
    refused = api.push("jens", [{"entity": "company", "id": company, "op": "delete", "base_version": base}])
    assert refused["results"][0]["code"] == "edited_meanwhile"
    latest = api.pull_all("jens")[0]
    seen = [c for c in latest if c["id"] == company][-1]["version"]
    deleted = api.push("jens", [{"entity": "company", "id": company, "op": "delete", "base_version": seen}])
    assert deleted["results"][0]["status"] == "applied"
    late = api.push("mette", [{"entity": "company", "id": company, "base_version": base,
                               "fields": {"notes": "Skrevet offline"}}])
    assert late["results"][0]["code"] == "deleted"
    changes = api.pull_all("mette")[0]
    assert [c["op"] for c in changes if c["id"] == company] == ["delete"]
    assert any(c["fields"].get("lost_value") == "Skrevet offline" for c in changes if c["entity"] == "conflict")


def test_moving_a_record_to_another_team_is_a_delete_for_the_old_team(api):
    with api.engine.execution_options(write=True).begin() as conn:
        admin.add_member(conn, "mette", api.team_b)
    company = api.company()
    _, jens_cursor = api.pull_all("jens")
    _, otto_cursor = api.pull_all("otto")
    base = api.pull_all("mette")[0][-1]["version"]
    api.push("mette", [{"entity": "company", "id": company, "base_version": base, "fields": {"team_id": api.team_b}}])
    jens = api.pull_all("jens", since=jens_cursor)[0]
    otto = api.pull_all("otto", since=otto_cursor)[0]
    assert [(c["id"], c["op"]) for c in jens] == [(company, "delete")]
    assert [(c["id"], c["op"]) for c in otto] == [(company, "upsert")]
    mette = api.pull_all("mette", since=base)[0]
    assert [(c["id"], c["op"]) for c in mette] == [(company, "upsert")]


def test_old_cursor_after_tombstone_purge_gets_410_and_since_zero_works(api):
    company = api.company()
    _, cursor = api.pull_all("jens")
    api.company(name="Bliver")
    base = api.pull_all("mette")[0][-1]["version"]
    api.push("mette", [{"entity": "company", "id": company, "op": "delete", "base_version": base}])
    with api.engine.begin() as conn:
        conn.execute(update(Record).where(Record.id == company).values(
            deleted_at=Record.deleted_at - timedelta(days=181)))
    with api.engine.execution_options(write=True).begin() as conn:
        assert admin.purge_tombstones(conn, 180) == 1
    old = api.client.get("/api/v1/sync/pull", params={"since": cursor}, headers=api.h("jens"))
    assert old.status_code == 410 and old.json()["detail"]["code"] == "resync_required"
    assert [c["fields"]["name"] for c in api.pull_all("jens")[0]] == ["Bliver"]


def test_ten_thousand_mutations_pulled_by_another_device_match_the_summary(api):
    mutations = [{"entity": "company", "id": new_id(), "fields": {"team_id": api.team_a, "name": f"Firma {i}"}}
                 for i in range(10_000)]
    for start in range(0, 10_000, 2_500):
        results = api.push("mette", mutations[start : start + 2_500])["results"]
        assert {r["status"] for r in results} == {"applied"}
    changes, cursor = api.pull_all("jens", limit=5_000)
    live = {c["id"]: c["version"] for c in changes if c["op"] == "upsert"}
    checksum = 0
    for record_id, version in live.items():
        checksum ^= record_hash(record_id, version)
    summary = api.client.get("/api/v1/sync/summary", headers=api.h("jens")).json()
    assert summary["counts"] == {"company": 10_000} and summary["checksum"] == format_checksum(checksum)
    assert summary["cursor"] == cursor
    assert api.client.get("/api/v1/sync/summary", headers=api.h("mette")).json()["checksum"] == summary["checksum"]
