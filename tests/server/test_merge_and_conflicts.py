"""Field-level merge, conflict records, delete vs edit, tombstones and purge, team moves and references."""

from __future__ import annotations

import uuid
from datetime import timedelta

import pytest
from sqlalchemy import select, update

from server import admin
from server.tables import Counter, Record, TeamExit


def new_id() -> str:
    return str(uuid.uuid4())


def conflicts(api, who="mette") -> list[dict]:
    latest = {}
    for change in api.pull_all(who)[0]:
        if change["entity"] == "conflict":
            latest[change["id"]] = change
    return list(latest.values())


def edit(api, who, record_id, base, entity="company", **fields) -> dict:
    return api.push_one(who, {"entity": entity, "id": record_id, "base_version": base, "fields": fields})


@pytest.mark.parametrize("first", ["mette", "jens"])
def test_disjoint_fields_merge_silently_in_either_order(api, first):
    second = "jens" if first == "mette" else "mette"
    company = api.company(phone="11 11 11 11", city="Aars")
    base = api.latest("jens", company)["version"]
    edit(api, first, company, base, city="Farsø")
    edit(api, second, company, base, phone="22 22 22 22")
    fields = api.latest("mette", company)["fields"]
    assert (fields["city"], fields["phone"]) == ("Farsø", "22 22 22 22")
    assert conflicts(api) == []


@pytest.mark.parametrize("first", ["mette", "jens"])
def test_same_field_keeps_the_arriving_value_and_records_a_conflict(api, first):
    second = "jens" if first == "mette" else "mette"
    company = api.company(city="Aars")
    base = api.latest("jens", company)["version"]
    edit(api, first, company, base, city=f"By af {first}")
    result = edit(api, second, company, base, city=f"By af {second}")
    assert result["status"] == "applied"
    assert api.latest("jens", company)["fields"]["city"] == f"By af {second}"  # server-arrival order
    [conflict] = conflicts(api)
    fields = conflict["fields"]
    assert (fields["entity"], fields["record_id"], fields["field"]) == ("company", company, "city")
    assert (fields["kept_value"], fields["lost_value"]) == (f"By af {second}", f"By af {first}")
    assert (fields["kept_by"], fields["lost_by"]) == (api.ids[second], api.ids[first])
    assert fields["resolved"] is False and fields["team_id"] == api.team_a
    assert conflict["version"] not in (0, result["version"])  # its own sequence number
    assert conflicts(api, "otto") == []  # other teams do not see it


def test_the_same_value_on_both_sides_or_an_own_second_edit_is_no_conflict(api):
    company = api.company(city="Aars")
    base = api.latest("jens", company)["version"]
    edit(api, "mette", company, base, city="Farsø")
    edit(api, "jens", company, base, city="Farsø")
    edit(api, "mette", company, base, city="Løgstør")  # the same device again, on an old base
    assert conflicts(api) == []


def test_an_edit_after_seeing_the_other_change_is_no_conflict(api):
    company = api.company(city="Aars")
    edit(api, "mette", company, api.latest("jens", company)["version"], city="Farsø")
    edit(api, "jens", company, api.latest("jens", company)["version"], city="Løgstør")
    assert conflicts(api) == []


def test_visit_body_conflict_keeps_the_losing_text_as_a_copy(api):
    visit = api.visit(body="Original")
    base = api.latest("jens", visit)["version"]
    edit(api, "mette", visit, base, entity="visit", body="Mettes tekst om rengøringen")
    edit(api, "jens", visit, base, entity="visit", body="Jens' tekst om praktikken")
    assert api.latest("mette", visit)["fields"]["body"] == "Jens' tekst om praktikken"
    [conflict] = conflicts(api)
    assert conflict["fields"]["field"] == "body" and conflict["fields"]["lost_value"] == "Mettes tekst om rengøringen"


def test_a_client_may_only_mark_a_conflict_resolved(api):
    company = api.company(city="Aars")
    base = api.latest("jens", company)["version"]
    edit(api, "mette", company, base, city="Farsø")
    edit(api, "jens", company, base, city="Løgstør")
    [conflict] = conflicts(api)
    cid, version = conflict["id"], conflict["version"]
    refused = [
        api.push_one("mette", {"entity": "conflict", "id": cid, "base_version": version,
                               "fields": {"kept_value": "Snyd"}}),
        api.push_one("mette", {"entity": "conflict", "id": cid, "op": "delete", "base_version": version}),
        api.push_one("mette", {"entity": "conflict", "id": new_id(),
                               "fields": {"team_id": api.team_a, "resolved": True}}),
        api.push_one("otto", {"entity": "conflict", "id": cid, "base_version": version, "fields": {"resolved": True}}),
        api.push_one("mette", {"entity": "conflict", "id": cid, "base_version": version,
                               "fields": {"resolved": "maybe"}}),
    ]
    assert [r["status"] for r in refused] == ["rejected"] * 5
    done = api.push_one("jens", {"entity": "conflict", "id": cid, "base_version": version,
                                 "fields": {"resolved": True}})
    assert done["status"] == "applied" and done["version"] > version
    [after] = conflicts(api)
    assert after["fields"]["resolved"] is True and after["fields"]["kept_value"] == "Løgstør"


def test_delete_loses_against_an_edit_the_deleter_had_not_seen(api):
    company = api.company()
    base = api.latest("jens", company)["version"]
    edit(api, "mette", company, base, notes="Ny note")
    refused = api.push_one("jens", {"entity": "company", "id": company, "op": "delete", "base_version": base})
    assert refused["status"] == "rejected" and refused["code"] == "edited_meanwhile" and refused["reason"]
    assert api.latest("jens", company)["op"] == "upsert"
    seen = api.latest("jens", company)["version"]
    deleted = api.push_one("jens", {"entity": "company", "id": company, "op": "delete", "base_version": seen})
    assert deleted["status"] == "applied" and deleted["version"] > seen


def test_an_edit_of_a_deleted_record_is_refused_and_its_text_kept(api):
    visit = api.visit(body="Første udkast")
    base = api.latest("mette", visit)["version"]
    assert api.push_one("jens", {"entity": "visit", "id": visit, "op": "delete", "base_version": base})[
        "status"] == "applied"
    late = edit(api, "mette", visit, base, entity="visit", body="Skrevet offline i bilen", next_step="Ring igen")
    assert late["status"] == "rejected" and late["code"] == "deleted"
    changes = api.pull_all("mette")[0]
    assert [c["op"] for c in changes if c["id"] == visit] == ["delete"]
    kept = {c["fields"]["field"]: c["fields"]["lost_value"] for c in changes if c["entity"] == "conflict"}
    assert kept == {"body": "Skrevet offline i bilen", "next_step": "Ring igen"}
    # A deleted record stays deleted: a second delete is a harmless no-op, no resurrection.
    assert api.push_one("mette", {"entity": "visit", "id": visit, "op": "delete", "base_version": 0})[
        "status"] == "applied"
    with api.engine.connect() as conn:
        assert conn.execute(select(Record.deleted).where(Record.id == visit)).scalar() is True


def test_moving_a_record_to_another_team_is_a_delete_for_the_old_team(api):
    with api.engine.begin() as conn:
        admin.add_member(conn, "mette", api.team_b)
    company = api.company()
    _, jens_cursor = api.pull_all("jens")
    _, otto_cursor = api.pull_all("otto")
    base = api.latest("mette", company)["version"]
    moved = edit(api, "mette", company, base, team_id=api.team_b)
    assert moved["status"] == "applied"
    assert [(c["id"], c["op"], c["fields"]) for c in api.pull_all("jens", since=jens_cursor)[0]] == [
        (company, "delete", {"team_id": api.team_a})]
    otto = api.pull_all("otto", since=otto_cursor)[0]
    assert [(c["id"], c["op"], c["fields"]["team_id"]) for c in otto] == [(company, "upsert", api.team_b)]
    assert [(c["id"], c["op"]) for c in api.pull_all("mette", since=base)[0]] == [(company, "upsert")]
    # A full pull of the old team does not show it at all; summaries follow.
    assert company not in {c["id"] for c in api.pull_all("jens")[0] if c["op"] == "upsert"}
    assert api.summary("jens")["counts"] == {} and api.summary("otto")["counts"] == {"company": 1}
    assert api.summary("jens")["cursor"] == moved["version"]


def test_team_boundaries_for_moves(api):
    mine = api.company("mette")
    theirs = api.company("otto", team=api.team_b)
    # Moving my record into a team I am not in, or another team's record into mine: refused.
    assert edit(api, "mette", mine, 0, team_id=api.team_b)["code"] == "not_allowed"
    assert edit(api, "mette", theirs, 0, team_id=api.team_a)["code"] == "not_allowed"
    with api.engine.connect() as conn:
        assert conn.execute(select(Record.team_id).where(Record.id == theirs)).scalar() == api.team_b
    assert api.audit_actions(user_id=api.ids["mette"], entity_id=theirs) == ["refused:not_allowed"]


def test_a_moved_record_takes_its_references_along(api):
    with api.engine.begin() as conn:
        admin.add_member(conn, "mette", api.team_b)
    visit = api.visit()
    refused = edit(api, "mette", visit, 0, entity="visit", team_id=api.team_b)
    assert refused["code"] == "not_found" and refused["errors"][0]["field"] == "company_id"


def test_many_moves_between_two_visible_teams_page_without_stalling(api):
    """Exits of records still visible through the other team must not stall the cursor."""
    with api.engine.begin() as conn:
        admin.add_member(conn, "mette", api.team_b)
    ids = [api.company(name=f"F{i}") for i in range(8)]
    for record_id in ids:
        edit(api, "mette", record_id, 0, team_id=api.team_b)
    for record_id in ids:
        edit(api, "mette", record_id, 0, city="Aars")
    changes, cursor = api.pull_all("mette", limit=3)
    assert {c["id"] for c in changes} == set(ids) and {c["op"] for c in changes} == {"upsert"}
    assert cursor == api.summary("mette")["cursor"]


def test_references_must_exist_alive_in_the_same_team_and_of_the_right_kind(api):
    company = api.company()
    other_team_company = api.company("otto", team=api.team_b)
    gone = api.company(name="Lukket")
    api.push_one("mette", {"entity": "company", "id": gone, "op": "delete", "base_version": 0})
    visit = api.visit(company=company)

    def create(entity, **fields):
        return api.push_one("mette", {"entity": entity, "id": new_id(), "fields": {"team_id": api.team_a,
                                                                                    **fields}})

    for company_id in (new_id(), other_team_company, gone, visit):
        result = create("contact", company_id=company_id, name="Kontakt")
        assert result["code"] == "not_found" and result["errors"][0]["field"] == "company_id"
    assert create("contact", company_id=company, name="Kontakt")["status"] == "applied"
    follow = {"due_on": "2026-12-01", "subject_kind": "visit"}
    assert create("follow_up", subject_id=company, **follow)["code"] == "not_found"
    assert create("follow_up", subject_id=visit, **follow)["status"] == "applied"
    # A company and the contact for it in the same batch: the order inside the batch counts.
    new_company = new_id()
    results = api.push("mette", [
        {"entity": "company", "id": new_company, "fields": {"team_id": api.team_a, "name": "Ny"}},
        {"entity": "contact", "id": new_id(), "fields": {"team_id": api.team_a, "company_id": new_company,
                                                         "name": "Kontakt"}},
    ])["results"]
    assert [r["status"] for r in results] == ["applied", "applied"]


def test_old_cursor_after_tombstone_purge_gets_410_and_since_zero_works(api):
    company = api.company()
    _, cursor = api.pull_all("jens")
    api.company(name="Bliver")
    api.push_one("mette", {"entity": "company", "id": company, "op": "delete", "base_version": 99})
    fresh = api.company(name="Ny efter sletning")
    with api.engine.begin() as conn:
        conn.execute(update(Record).where(Record.id == company).values(
            deleted_at=Record.deleted_at - timedelta(days=181)))
    with api.engine.execution_options(write=True).begin() as conn:
        assert admin.purge_tombstones(conn, 170) == 1
        assert admin.purge_tombstones(conn, 170) == 0
    old = api.client.get("/api/v1/sync/pull", params={"since": cursor}, headers=api.h("jens"))
    assert old.status_code == 410 and old.json()["detail"]["code"] == "resync_required"
    changes, _ = api.pull_all("jens")
    assert [c["fields"]["name"] for c in changes] == ["Bliver", "Ny efter sletning"]
    with api.engine.connect() as conn:
        horizon = conn.execute(select(Counter.value).where(Counter.name == "tombstone_horizon")).scalar()
        assert conn.execute(select(TeamExit)).all() == []
    # A cursor at or after the horizon still works.
    assert api.client.get("/api/v1/sync/pull", params={"since": horizon},
                          headers=api.h("jens")).json()["changes"][-1]["id"] == fresh


def test_recent_tombstones_are_kept(api):
    company = api.company()
    api.push_one("mette", {"entity": "company", "id": company, "op": "delete", "base_version": 99})
    with api.engine.execution_options(write=True).begin() as conn:
        assert admin.purge_tombstones(conn) == 0
    assert [c["op"] for c in api.pull_all("jens")[0]] == ["delete"]
