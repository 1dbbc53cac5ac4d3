"""Push and pull: idempotence, replays (also in parallel over a real socket), gaps, paging, the summary."""

from __future__ import annotations

import uuid
from concurrent.futures import ThreadPoolExecutor

import requests
from sqlalchemy import func, select

from desktop.domain.protocol import format_checksum, record_hash
from desktop.domain.schema import ENTITIES
from server.tables import AuditEntry, Counter, Device, Record
from tests.support.live_server import LiveServer, seed_user


def new_id() -> str:
    return str(uuid.uuid4())


def checksum_of(changes: list[dict]) -> tuple[dict[str, int], str]:
    """Counts and checksum of what a client holds after applying ``changes`` in order."""
    live: dict[str, tuple[str, int]] = {}
    for change in changes:
        if change["op"] == "delete":
            live.pop(change["id"], None)
        else:
            live[change["id"]] = (change["entity"], change["version"])
    counts: dict[str, int] = {}
    value = 0
    for record_id, (entity, version) in live.items():
        counts[entity] = counts.get(entity, 0) + 1
        value ^= record_hash(record_id, version)
    return counts, format_checksum(value)


def db_state(engine) -> tuple:
    """Everything a replay must leave alone: rows, versions, sequence, devices, audit."""
    with engine.connect() as conn:
        return (
            conn.execute(select(Record.id, Record.version, Record.fields).order_by(Record.id)).all(),
            conn.execute(select(Counter.name, Counter.value).order_by(Counter.name)).all(),
            conn.execute(select(Device.device_id, Device.last_mutation_id).order_by(Device.device_id)).all(),
            conn.execute(select(func.count()).select_from(AuditEntry)).scalar(),
        )


def test_permanent_rejection_does_not_block_later_mutations(api):
    ok1, bad, ok2 = new_id(), new_id(), new_id()
    results = api.push("mette", [
        {"entity": "company", "id": ok1, "fields": {"team_id": api.team_a, "name": "Første"}},
        {"entity": "company", "id": bad, "fields": {"team_id": api.team_a, "name": "Dårlig", "cvr": "12345678"}},
        {"entity": "company", "id": ok2, "fields": {"team_id": api.team_a, "name": "Tredje"}},
    ])
    assert [r["status"] for r in results["results"]] == ["applied", "rejected", "applied"]
    assert results["last_mutation_id"] == 3
    rejected = results["results"][1]
    assert rejected["errors"][0]["field"] == "cvr" and rejected["reason"] and rejected["version"] is None
    assert rejected["errors"][0]["message"]
    assert {c["id"] for c in api.pull_all("jens")[0]} == {ok1, ok2}
    # The rejected one is not retried: the next push continues at 4.
    assert api.push("mette", [{"entity": "company", "id": new_id(),
                               "fields": {"team_id": api.team_a, "name": "Fjerde"}}])["last_mutation_id"] == 4


def test_push_response_shape_and_versions_from_one_sequence(api):
    a, b = new_id(), new_id()
    body = api.push("mette", [{"entity": "company", "id": a, "fields": {"team_id": api.team_a, "name": "A"}},
                              {"entity": "company", "id": b, "fields": {"team_id": api.team_a, "name": "B"}}])
    assert set(body) >= {"results", "last_mutation_id", "server_time"} and body["server_time"].endswith("Z")
    first, second = body["results"]
    assert set(first) >= {"mutation_id", "status", "reason", "errors", "version"}
    assert (first["reason"], first["errors"]) == (None, None)
    assert second["version"] == first["version"] + 1
    # Another team's write takes the next number of the same (server-wide) sequence.
    other = api.push_one("otto", {"entity": "company", "id": new_id(), "fields": {"team_id": api.team_b,
                                                                                  "name": "C"}})
    assert other["version"] == second["version"] + 1


def test_a_gap_is_refused_and_nothing_is_applied(api):
    def push(ids):
        return api.client.post("/api/v1/sync/push", headers=api.h("mette"), json={
            "device_id": "d", "schema_version": 1, "mutations": [
                {"mutation_id": i, "entity": "company", "id": new_id(), "op": "upsert", "base_version": 0,
                 "fields": {"team_id": api.team_a, "name": f"X{i}"}} for i in ids]})

    reply = push([2])
    assert reply.status_code == 409
    assert reply.json()["detail"]["code"] == "mutation_gap" and reply.json()["detail"]["expected"] == 1
    assert push([1, 3]).json()["detail"]["expected"] == 1  # not consecutive inside the batch
    assert api.count() == 0
    assert push([1, 2]).status_code == 200
    assert push([1, 2, 4]).json()["detail"] == {"code": "mutation_gap", "expected": 3,
                                                "message": "Ændringerne kom ikke i rækkefølge."}
    assert api.count() == 2
    # Skipped (old) ids followed by new ones are fine; old ones come back as applied with no version.
    body = push([2, 3]).json()
    assert [(r["mutation_id"], r["status"], r["version"]) for r in body["results"]][0] == (2, "applied", None)
    assert body["last_mutation_id"] == 3 and api.count() == 3


def test_devices_and_users_count_their_own_mutation_ids(api):
    for who, device in (("mette", "laptop"), ("mette", "tablet"), ("jens", "laptop")):
        assert api.push(who, [{"entity": "company", "id": new_id(), "fields": {"team_id": api.team_a,
                                                                               "name": "X"}}],
                        device=device)["last_mutation_id"] == 1
    with api.engine.connect() as conn:
        assert conn.execute(select(func.count()).select_from(Device)).scalar() == 3


def test_an_old_client_is_refused_with_426(api):
    reply = api.client.post("/api/v1/sync/push", headers=api.h("mette"),
                            json={"device_id": "d", "schema_version": 0, "mutations": []})
    assert reply.status_code == 426 and reply.json()["detail"]["code"] == "client_too_old"
    assert "for gammel" in reply.json()["detail"]["message"]


def _mixed_batch(team: str, n: int) -> list[dict]:
    """Creates, edits of them, a ready visit (which appends a review) and a delete."""
    company_ids = [new_id() for _ in range(n)]
    visit = new_id()
    muts = [{"entity": "company", "id": c, "op": "upsert", "base_version": 0,
             "fields": {"team_id": team, "name": f"Virksomhed {i}"}} for i, c in enumerate(company_ids)]
    muts += [{"entity": "company", "id": c, "op": "upsert", "base_version": 0, "fields": {"city": "Aars"}}
             for c in company_ids[: n // 2]]
    muts.append({"entity": "visit", "id": visit, "op": "upsert", "base_version": 0, "fields": {
        "team_id": team, "company_id": company_ids[-1], "visited_at": "2026-11-20", "status": "ready"}})
    muts.append({"entity": "company", "id": company_ids[0], "op": "delete", "base_version": 0, "fields": {}})
    for i, m in enumerate(muts):
        m["mutation_id"] = i + 1
    return muts


def test_replay_once_then_twenty_times_in_parallel_changes_nothing(api):
    muts = _mixed_batch(api.team_a, 200)
    with LiveServer(api.url) as live:
        url, token = live.base_url, api.tokens["mette"]
        body = {"device_id": "laptop", "schema_version": 1, "mutations": muts}

        def send(_):
            return requests.post(f"{url}/api/v1/sync/push", json=body, timeout=120,
                                 headers={"Authorization": f"Bearer {token}"})

        first = send(0)
        assert first.status_code == 200 and {r["status"] for r in first.json()["results"]} == {"applied"}
        after_first = db_state(api.engine)
        again = send(0)  # the response was lost: the same batch once more
        assert again.status_code == 200 and again.json()["last_mutation_id"] == len(muts)
        assert {(r["status"], r["version"]) for r in again.json()["results"]} == {("applied", None)}
        with ThreadPoolExecutor(20) as pool:
            replies = list(pool.map(send, range(20)))
        assert [r.status_code for r in replies] == [200] * 20, [r.text for r in replies if r.status_code != 200]
        assert all(r.json()["last_mutation_id"] == len(muts) for r in replies)
    assert db_state(api.engine) == after_first
    assert api.count("company") == 200 and api.count("visit") == 1 and api.count("review") == 1


def test_a_first_push_sent_twenty_times_at_once_is_applied_exactly_once(api):
    """The real race: nothing applied yet, twenty copies arrive together (a client retrying hard)."""
    muts = _mixed_batch(api.team_a, 100)
    with LiveServer(api.url) as live:
        username, _ = live.user("consultant", team_id=api.team_a)
        token = live.token(username)
        body = {"device_id": "laptop", "schema_version": 1, "mutations": muts}

        def send(_):
            return requests.post(f"{live.base_url}/api/v1/sync/push", json=body, timeout=120,
                                 headers={"Authorization": f"Bearer {token}"})

        with ThreadPoolExecutor(20) as pool:
            replies = list(pool.map(send, range(20)))
    assert [r.status_code for r in replies] == [200] * 20, [r.text[:200] for r in replies if r.status_code != 200]
    applied_with_version = [r for r in replies if r.json()["results"][0]["version"] is not None]
    assert len(applied_with_version) == 1  # one did the work; the other nineteen found it done
    assert api.count("company") == 100 and api.count("review") == 1
    with api.engine.connect() as conn:
        assert conn.execute(select(Device.last_mutation_id).where(Device.device_id == "laptop")).scalar() == len(muts)
        seq = conn.execute(select(Counter.value).where(Counter.name == "seq")).scalar()
        assert seq == conn.execute(select(func.max(Record.version))).scalar()
        upserts = select(func.count()).select_from(AuditEntry).where(AuditEntry.action == "upsert")
        assert conn.execute(upserts).scalar() == len(muts) - 1


def test_pull_pages_in_sequence_order_and_limit_is_enforced(api):
    for i in range(7):
        api.company(name=f"Firma {i}")
    page = api.client.get("/api/v1/sync/pull", params={"since": 0, "limit": 3}, headers=api.h("jens")).json()
    assert len(page["changes"]) == 3 and page["has_more"] and page["server_time"].endswith("Z")
    versions = [c["version"] for c in page["changes"]]
    assert versions == sorted(versions) and page["cursor"] == versions[-1]
    rest, cursor = api.pull_all("jens", since=page["cursor"], limit=3)
    assert len(rest) == 4
    empty = api.client.get("/api/v1/sync/pull", params={"since": cursor}, headers=api.h("jens")).json()
    assert (empty["changes"], empty["cursor"], empty["has_more"]) == ([], cursor, False)
    for bad in ({"limit": 5001}, {"limit": 0}, {"since": -1}):
        assert api.client.get("/api/v1/sync/pull", params=bad, headers=api.h("jens")).status_code == 422


def test_pulled_records_carry_every_field_and_the_sync_columns(api):
    company = api.company(city="Aars", centre_agreement_start="01-02-2026")
    [change] = api.pull_all("jens")[0]
    fields = change["fields"]
    assert (change["entity"], change["id"], change["op"]) == ("company", company, "upsert")
    assert set(ENTITIES["company"].field_map) | {"team_id", "created_at", "updated_at", "created_by"} == set(fields)
    assert fields["centre_agreement_start"] == "2026-02-01"  # wire form of a date
    assert fields["is_centre"] is False and fields["centre_visit_interval_days"] == 21 and fields["cvr"] is None
    assert fields["created_by"] == api.ids["mette"] and fields["team_id"] == api.team_a
    assert fields["created_at"].endswith("Z") and fields["updated_at"].endswith("Z")
    base = change["version"]
    api.push_one("mette", {"entity": "company", "id": company, "op": "delete", "base_version": base})
    [gone] = api.pull_all("jens", since=base)[0]
    assert (gone["op"], gone["fields"]) == ("delete", {"team_id": api.team_a})


def test_a_user_in_two_teams_pulls_both_in_one_sequence_across_pages(api):
    from server import admin

    with api.engine.begin() as conn:
        admin.add_member(conn, "jens", api.team_b)
    made = set()
    for i in range(12):
        who, team = ("mette", api.team_a) if i % 3 else ("otto", api.team_b)
        made.add(api.company(who, team=team, name=f"Firma {i}"))
    changes, cursor = api.pull_all("jens", limit=5)
    versions = [c["version"] for c in changes]
    assert versions == sorted(set(versions)) and {c["id"] for c in changes} == made
    assert cursor == versions[-1] == api.summary("jens")["cursor"]


def test_summary_counts_every_entity_and_matches_what_was_pulled(api):
    visit = api.visit(status="ready")  # company + visit + review
    company = api.latest("jens", visit)["fields"]["company_id"]
    base = api.latest("jens", company)["version"]
    api.push_one("mette", {"entity": "company", "id": company, "base_version": base, "fields": {"city": "Aars"}})
    api.push_one("jens", {"entity": "company", "id": company, "base_version": base,
                          "fields": {"city": "Farsø"}})  # a conflict record
    doomed = api.company(name="Lukket")
    api.push_one("mette", {"entity": "company", "id": doomed, "op": "delete",
                           "base_version": api.latest("mette", doomed)["version"]})
    summary = api.summary("jens")
    assert summary["counts"] == {"company": 1, "conflict": 1, "review": 1, "visit": 1}
    assert len(summary["checksum"]) == 16
    changes, cursor = api.pull_all("jens", limit=2)
    assert checksum_of(changes) == (summary["counts"], summary["checksum"])
    assert summary["cursor"] == cursor
    assert api.summary("otto")["counts"] == {}


def test_ten_thousand_mutations_pulled_by_another_device_match_the_summary(api):
    mutations = []
    for i in range(5_000):
        company = new_id()
        mutations.append({"entity": "company", "id": company, "fields": {"team_id": api.team_a, "name": f"Firma {i}",
                                                                         "city": "Aars"}})
        mutations.append({"entity": "visit", "id": new_id(), "fields": {
            "team_id": api.team_a, "company_id": company, "visited_at": "2026-11-20", "body": "Referat " * 20}})
    for start in range(0, 10_000, 5_000):
        results = api.push("mette", mutations[start : start + 5_000])["results"]
        assert {r["status"] for r in results} == {"applied"}
    changes, cursor = api.pull_all("jens", limit=3_000)
    assert len(changes) == 10_000
    summary = api.summary("jens")
    assert summary["counts"] == {"company": 5_000, "visit": 5_000}
    assert checksum_of(changes) == (summary["counts"], summary["checksum"])
    assert summary["cursor"] == cursor
    assert api.summary("mette")["checksum"] == summary["checksum"]
    # The checksum kept incrementally equals one computed from scratch over the table.
    with api.engine.connect() as conn:
        rows = conn.execute(select(Record.id, Record.version).where(Record.deleted.is_(False))).all()
    value = 0
    for record_id, version in rows:
        value ^= record_hash(record_id, version)
    assert format_checksum(value) == summary["checksum"]


def test_seeded_users_from_the_helper_can_sign_in_over_http(api):
    seed_user(api.engine, "nyansat", "consultant", [api.team_a])
    assert api.login("nyansat")


def test_the_summary_brings_the_first_page_after_since_when_asked(api):
    first = api.company(name="Første")
    _, cursor = api.pull_all("jens")
    later = [api.company(name=f"Senere {n}") for n in range(3)]

    def summary(**params):
        reply = api.client.get("/api/v1/sync/summary", params=params, headers=api.h("jens"))
        assert reply.status_code == 200, reply.text
        return reply.json()

    page = api.client.get("/api/v1/sync/pull", params={"since": cursor, "limit": 2}, headers=api.h("jens")).json()
    with_page = summary(since=cursor, limit=2)
    assert [c["id"] for c in with_page["page"]["changes"]] == [c["id"] for c in page["changes"]] == later[:2]
    assert (with_page["page"]["cursor"], with_page["page"]["has_more"]) == (page["cursor"], True)
    assert {k: v for k, v in with_page.items() if k not in ("page", "server_time")} == \
        {k: v for k, v in summary().items() if k != "server_time"}
    assert "page" not in summary()  # not asked
    assert "page" not in summary(since=with_page["cursor"], limit=2)  # nothing newer
    assert first not in {c["id"] for c in summary(since=cursor)["page"]["changes"]}
