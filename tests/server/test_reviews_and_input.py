"""Review workflow, audit log, health/OpenAPI, and bad input of every kind."""

from __future__ import annotations

import uuid

from sqlalchemy import func, select

from server.tables import AuditEntry, Record


def ready_visit(api, who="mette", body="Referat fra besøget"):
    company = api.company(who)
    visit = str(uuid.uuid4())
    result = api.push(who, [{"entity": "visit", "id": visit, "fields": {
        "team_id": api.team_a, "company_id": company, "visited_at": "2026-11-20", "body": body, "status": "ready",
        "consultant_id": api.ids[who]}}])
    assert result["results"][0]["status"] == "applied"
    return visit


def queue(api, who="sara", **params):
    reply = api.client.get("/api/v1/reviews/queue", headers=api.h(who), params=params)
    assert reply.status_code == 200, reply.text
    return [item["visit_id"] for item in reply.json()["items"]]


def test_ready_visit_enters_the_queue_and_approval_locks_it(api):
    visit = ready_visit(api)
    assert queue(api) == [visit]
    assert queue(api, consultant_id=api.ids["jens"]) == []
    verdict = api.client.post(f"/api/v1/visits/{visit}/reviews", headers=api.h("sara"),
                              json={"state": "approved", "comment": "Fint referat"})
    assert verdict.status_code == 201 and verdict.json()["fields"]["state"] == "approved"
    assert queue(api) == []
    reviews = [c["fields"] for c in api.pull_all("mette")[0] if c["entity"] == "review"]
    assert [r["state"] for r in reviews] == ["received", "approved"] and reviews[-1]["comment"] == "Fint referat"
    edit = api.push("mette", [{"entity": "visit", "id": visit, "base_version": 99, "fields": {"body": "Ændret"}}])
    assert edit["results"][0]["code"] == "approved_locked" and "godkendt" in edit["results"][0]["reason"]
    delete = api.push("mette", [{"entity": "visit", "id": visit, "op": "delete", "base_version": 99}])
    assert delete["results"][0]["code"] == "approved_locked"


def test_has_issues_then_edit_goes_back_to_the_queue_as_edited(api):
    visit = ready_visit(api)
    api.client.post(f"/api/v1/visits/{visit}/reviews", headers=api.h("sara"),
                    json={"state": "has_issues", "comment": "Mangler næste skridt"})
    assert queue(api) == []
    base = [c for c in api.pull_all("mette")[0] if c["id"] == visit][-1]["version"]
    api.push("mette", [{"entity": "visit", "id": visit, "base_version": base,
                        "fields": {"next_step": "Praktik i 13 uger"}}])
    items = api.client.get("/api/v1/reviews/queue", headers=api.h("sara")).json()["items"]
    assert [(i["visit_id"], i["state"]) for i in items] == [(visit, "edited")]


def test_consultants_cannot_review_and_the_attempt_is_audited(api):
    visit = ready_visit(api)
    reply = api.client.post(f"/api/v1/visits/{visit}/reviews", headers=api.h("jens"),
                            json={"state": "approved", "comment": ""})
    assert reply.status_code == 403
    assert api.client.get("/api/v1/reviews/queue", headers=api.h("jens")).status_code == 403
    pushed = api.push("jens", [{"entity": "review", "id": str(uuid.uuid4()),
                                "fields": {"team_id": api.team_a, "visit_id": visit, "state": "approved"}}])
    assert pushed["results"][0]["code"] == "not_allowed"
    with api.engine.connect() as conn:
        actions = conn.execute(select(AuditEntry.action).where(AuditEntry.user_id == api.ids["jens"])).scalars()
        assert {"refused:review", "refused:not_allowed"} <= set(actions)


def test_other_teams_supervisor_cannot_review(api):
    visit = ready_visit(api)
    from server import admin

    with api.engine.execution_options(write=True).begin() as conn:
        admin.create_user(conn, "vera", "Vera", "supervisor", "korrekt-hest-batteri")
        admin.add_member(conn, "vera", api.team_b)
    api.tokens["vera"] = api.login("vera")
    assert queue(api, "vera") == []
    reply = api.client.post(f"/api/v1/visits/{visit}/reviews", headers=api.h("vera"), json={"state": "approved"})
    assert reply.status_code == 404


def test_every_write_is_in_the_audit_log(api):
    company = api.company()
    with api.engine.connect() as conn:
        rows = conn.execute(select(AuditEntry.action, AuditEntry.user_id, AuditEntry.device_id)
                            .where(AuditEntry.entity_id == company)).all()
    assert [tuple(r) for r in rows] == [("upsert", api.ids["mette"], "dev-1")]


def test_health_and_openapi(api):
    health = api.client.get("/api/v1/health").json()
    assert health["status"] == "ok" and health["schema_version"] == 1
    spec = api.client.get("/openapi.json").json()
    for path in ("/api/v1/auth/login", "/api/v1/sync/push", "/api/v1/sync/pull", "/api/v1/sync/summary",
                 "/api/v1/reviews/queue", "/api/v1/visits/{visit_id}/reviews", "/api/v1/admin/users"):
        assert path in spec["paths"], path
    assert "PushRequest" in spec["components"]["schemas"]


def _count(api):
    with api.engine.connect() as conn:
        return conn.execute(select(func.count()).select_from(Record)).scalar()


def test_bad_input_gets_4xx_and_changes_nothing(api):
    api.company()
    before = _count(api)
    h = {**api.h("mette"), "Content-Type": "application/json"}
    cases = [
        api.client.post("/api/v1/sync/push", headers=h, content=b"{not json"),
        api.client.post("/api/v1/sync/push", headers=h, json={"device_id": "d", "schema_version": "one",
                                                              "mutations": []}),
        api.client.post("/api/v1/sync/push", headers=h, json={"device_id": "d", "schema_version": 1,
                                                              "mutations": [{"mutation_id": "x"}]}),
        api.client.post("/api/v1/sync/push", headers=h, json=[1, 2, 3]),
        api.client.get("/api/v1/sync/pull", headers=h, params={"since": "yesterday"}),
        api.client.get("/api/v1/sync/pull", headers=h, params={"since": -1}),
        api.client.post("/api/v1/sync/push", headers={**h, "Content-Length": "30000000"}, content=b"x" * 100),
        api.client.post("/api/v1/auth/login", json={"username": "", "password": ""}),
    ]
    assert [c.status_code for c in cases] == [422, 422, 422, 422, 422, 422, 413, 422]
    assert all("detail" in c.json() for c in cases)
    assert _count(api) == before


def test_unknown_entity_wrong_types_and_a_ten_megabyte_note_are_rejected_per_mutation(api):
    company = api.company()
    before = _count(api)
    results = api.push("mette", [
        {"entity": "spaceship", "id": str(uuid.uuid4()), "fields": {"team_id": api.team_a}},
        {"entity": "company", "id": company, "base_version": 1, "fields": {"centre_places": "mange"}},
        {"entity": "company", "id": company, "base_version": 1, "fields": {"notes": "x" * 10_000_000}},
        {"entity": "company", "id": "not-a-uuid", "fields": {"team_id": api.team_a, "name": "X"}},
        {"entity": "visit", "id": str(uuid.uuid4()), "fields": {"team_id": api.team_a, "company_id": company}},
    ])["results"]
    assert [r["status"] for r in results] == ["rejected"] * 5
    assert [r["code"] for r in results] == ["unknown_entity", "invalid", "invalid", "bad_id", "invalid"]
    assert results[2]["errors"][0]["code"] == "too_long"
    assert _count(api) == before
