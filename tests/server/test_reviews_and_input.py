"""Review workflow, audit log, health/OpenAPI, and bad input of every kind."""

from __future__ import annotations

import uuid

import pytest
from fastapi.testclient import TestClient

from server.app import create_app
from server.config import Settings


def ready_visit(api, who="mette", body="Referat fra besøget", **fields):
    return api.visit(who, body=body, status="ready", **fields)


def queue(api, who="sara", **params):
    reply = api.client.get("/api/v1/reviews/queue", headers=api.h(who), params=params)
    assert reply.status_code == 200, reply.text
    return reply.json()["items"]


def queued(api, who="sara", **params):
    return [item["visit_id"] for item in queue(api, who, **params)]


def verdict(api, visit, state, comment="", who="sara"):
    return api.client.post(f"/api/v1/visits/{visit}/reviews", headers=api.h(who),
                           json={"state": state, "comment": comment})


def reviews_of(api, visit, who="mette"):
    return [c["fields"] for c in api.pull_all(who)[0] if c["entity"] == "review" and c["fields"]["visit_id"] == visit]


def test_ready_visit_enters_the_queue_and_approval_locks_it(api):
    visit = ready_visit(api)
    [item] = queue(api)
    assert (item["visit_id"], item["state"], item["team_id"]) == (visit, "received", api.team_a)
    assert item["company_name"] == "Aars Tømrer" and item["body_excerpt"] == "Referat fra besøget"
    assert item["consultant_id"] == api.ids["mette"] and item["visited_at"] == "2026-11-20"
    reply = verdict(api, visit, "approved", "Fint referat")
    assert reply.status_code == 201
    review = reply.json()
    assert (review["entity"], review["op"]) == ("review", "upsert") and review["version"] > 0
    assert review["fields"]["state"] == "approved" and review["fields"]["reviewer_id"] == api.ids["sara"]
    assert review["fields"]["team_id"] == api.team_a and review["fields"]["reviewed_at"].endswith("Z")
    assert queued(api) == []
    assert [(r["state"], r["comment"]) for r in reviews_of(api, visit)] == [("received", None),
                                                                            ("approved", "Fint referat")]
    edit = api.push_one("mette", {"entity": "visit", "id": visit, "base_version": 99, "fields": {"body": "Ændret"}})
    assert edit["code"] == "approved_locked" and "godkendt" in edit["reason"]
    delete = api.push_one("mette", {"entity": "visit", "id": visit, "op": "delete", "base_version": 99})
    assert delete["code"] == "approved_locked"
    assert verdict(api, visit, "rejected").status_code == 409
    assert api.latest("jens", visit)["fields"]["body"] == "Referat fra besøget"


def test_a_draft_has_no_review_until_it_is_marked_ready(api):
    visit = api.visit()
    assert queued(api) == [] and reviews_of(api, visit) == []
    api.push_one("mette", {"entity": "visit", "id": visit, "base_version": 0, "fields": {"body": "Færdig"}})
    assert queued(api) == []
    api.push_one("mette", {"entity": "visit", "id": visit, "base_version": 0, "fields": {"status": "ready"}})
    assert queued(api) == [visit]
    api.push_one("mette", {"entity": "visit", "id": visit, "base_version": 0, "fields": {"needs": "Rengøring"}})
    assert [r["state"] for r in reviews_of(api, visit)] == ["received"]  # one received, not one per edit


@pytest.mark.parametrize("state", ["has_issues", "rejected"])
def test_an_edit_after_issues_or_rejection_goes_back_to_the_queue_as_edited(api, state):
    visit = ready_visit(api)
    assert verdict(api, visit, state, "Mangler næste skridt").status_code == 201
    assert queued(api) == []
    base = api.latest("mette", visit)["version"]
    assert api.push_one("mette", {"entity": "visit", "id": visit, "base_version": base,
                                  "fields": {"next_step": "Praktik i 13 uger"}})["status"] == "applied"
    assert [(i["visit_id"], i["state"]) for i in queue(api)] == [(visit, "edited")]
    assert [r["state"] for r in reviews_of(api, visit)] == ["received", state, "edited"]
    assert verdict(api, visit, "approved").status_code == 201 and queued(api) == []


def test_queue_filters_and_order(api):
    older = ready_visit(api, visited_at="2026-10-01")
    newer = ready_visit(api, "jens", visited_at="2026-11-21")
    assert queued(api) == [newer, older]
    assert queued(api, consultant_id=api.ids["jens"]) == [newer]
    company = api.latest("mette", older)["fields"]["company_id"]
    assert queued(api, company_id=company) == [older]
    assert queued(api, team_id=api.team_b) == [] and queued(api, "ada") == [newer, older]


def test_consultants_cannot_review_and_the_attempt_is_audited(api):
    visit = ready_visit(api)
    reply = verdict(api, visit, "approved", who="jens")
    assert reply.status_code == 403 and reply.json()["detail"]["code"] == "not_allowed"
    assert api.client.get("/api/v1/reviews/queue", headers=api.h("jens")).status_code == 403
    pushed = api.push_one("jens", {"entity": "review", "id": str(uuid.uuid4()),
                                   "fields": {"team_id": api.team_a, "visit_id": visit, "state": "approved"}})
    assert pushed["code"] == "not_allowed"
    assert api.audit_actions(user_id=api.ids["jens"]) == ["refused:review", "refused:review_queue",
                                                          "refused:not_allowed"]
    assert [r["state"] for r in reviews_of(api, visit)] == ["received"]


def test_another_teams_supervisor_cannot_review_and_is_audited(api):
    from tests.support.live_server import mint_token, seed_user

    visit = ready_visit(api)
    vera = seed_user(api.engine, "vera", "supervisor", [api.team_b])
    api.tokens["vera"] = mint_token(api.engine, vera)
    assert queued(api, "vera") == []
    assert verdict(api, visit, "approved", who="vera").status_code == 404
    assert verdict(api, str(uuid.uuid4()), "approved", who="vera").status_code == 404
    assert api.audit_actions(user_id=vera) == ["refused:review_other_team"]
    assert queued(api) == [visit]


def test_supervisors_and_admins_push_like_consultants(api):
    for who in ("sara", "ada"):
        assert api.company(who, name=f"Oprettet af {who}")
    assert api.summary("mette")["counts"] == {"company": 2}


def test_every_write_is_in_the_audit_log(api):
    company = api.company()
    api.push_one("jens", {"entity": "company", "id": company, "base_version": 0, "fields": {"city": "Aars"}},
                 device="jens-laptop")
    from sqlalchemy import select

    from server.tables import AuditEntry

    with api.engine.connect() as conn:
        rows = conn.execute(select(AuditEntry.action, AuditEntry.user_id, AuditEntry.device_id, AuditEntry.detail)
                            .where(AuditEntry.entity_id == company).order_by(AuditEntry.id)).all()
    assert [tuple(r) for r in rows] == [("upsert", api.ids["mette"], "dev-1", '["name","team_id"]'),
                                        ("upsert", api.ids["jens"], "jens-laptop", '["city"]')]


def test_health_and_openapi(api):
    health = api.client.get("/api/v1/health").json()
    assert health["status"] == "ok" and health["schema_version"] == 1 and health["server_time"].endswith("Z")
    spec = api.client.get("/openapi.json").json()
    for path in ("/api/v1/auth/login", "/api/v1/auth/logout", "/api/v1/sync/push", "/api/v1/sync/pull",
                 "/api/v1/sync/summary", "/api/v1/reviews/queue", "/api/v1/visits/{visit_id}/reviews",
                 "/api/v1/admin/users", "/api/v1/admin/teams", "/api/v1/admin/memberships", "/api/v1/health"):
        assert path in spec["paths"], path
    schemas = spec["components"]["schemas"]
    for name in ("PushRequest", "PushResponse", "PullResponse", "SummaryResponse", "LoginResponse", "Change"):
        assert name in schemas, name


def test_bad_requests_get_4xx_with_a_reason_and_change_nothing(api):
    api.company()
    before = api.count()
    h = {**api.h("mette"), "Content-Type": "application/json"}
    ok_mutation = {"mutation_id": 2, "entity": "company", "id": str(uuid.uuid4()), "op": "upsert",
                   "base_version": 0, "fields": {"team_id": api.team_a, "name": "X"}}

    def push(body, **kw):
        return api.client.post("/api/v1/sync/push", headers=h, json=body, **kw)

    cases = {
        "malformed JSON": api.client.post("/api/v1/sync/push", headers=h, content=b"{not json"),
        "wrong type": push({"device_id": "d", "schema_version": "one", "mutations": []}),
        "mutation id text": push({"device_id": "d", "schema_version": 1, "mutations": [{"mutation_id": "x"}]}),
        "array body": push([1, 2, 3]),
        "fields not an object": push({"device_id": "d", "schema_version": 1,
                                      "mutations": [{**ok_mutation, "fields": [1, 2]}]}),
        "unknown op": push({"device_id": "d", "schema_version": 1, "mutations": [{**ok_mutation, "op": "merge"}]}),
        "extra key": push({"device_id": "d", "schema_version": 1, "mutations": [{**ok_mutation, "x": 1}]}),
        "too many": push({"device_id": "d", "schema_version": 1, "mutations": [ok_mutation] * 5_001}),
        "negative base": push({"device_id": "d", "schema_version": 1,
                               "mutations": [{**ok_mutation, "base_version": -1}]}),
        "empty device": push({"device_id": "", "schema_version": 1, "mutations": []}),
        "since text": api.client.get("/api/v1/sync/pull", headers=h, params={"since": "yesterday"}),
        "since negative": api.client.get("/api/v1/sync/pull", headers=h, params={"since": -1}),
        "since huge": api.client.get("/api/v1/sync/pull", headers=h, params={"since": 10**30}),
        "empty login": api.client.post("/api/v1/auth/login", json={"username": "", "password": ""}),
        "review state": api.client.post(f"/api/v1/visits/{uuid.uuid4()}/reviews", headers=api.h("sara"),
                                        json={"state": "great"}),
    }
    assert {name: r.status_code for name, r in cases.items()} == dict.fromkeys(cases, 422)
    for reply in cases.values():
        detail = reply.json()["detail"]
        assert detail["code"] == "invalid_request" and detail["message"] and detail["errors"]
    not_utf8 = api.client.post("/api/v1/sync/push", headers=h, content=b'{"device_id": "\xff\xfe"}')
    assert not_utf8.status_code == 400 and not_utf8.json()["detail"]["code"] == "invalid_request"
    assert api.client.get("/api/v1/nowhere").json()["detail"]["code"] == "not_found"
    declared_too_large = api.client.post("/api/v1/sync/push", headers={**h, "Content-Length": "30000000"},
                                         content=b"x" * 100)
    assert declared_too_large.status_code == 413 and declared_too_large.json()["detail"]["code"] == "too_large"
    assert api.count() == before


def test_an_oversized_body_is_refused_even_when_streamed_without_a_length(api):
    app = create_app(api.url, settings=Settings(api.url, max_body_bytes=50_000), run_migrations=False)

    def chunks():
        for _ in range(100):
            yield b"x" * 1_000

    with TestClient(app) as client:
        streamed = client.post("/api/v1/sync/push", headers={**api.h("mette"), "Content-Type": "application/json"},
                               content=chunks())
        assert streamed.status_code == 413 and streamed.json()["detail"]["code"] == "too_large"
        big = client.post("/api/v1/sync/push", headers=api.h("mette"), content=b"x" * 60_000)
        assert big.status_code == 413
    app.state.engine.dispose()
    assert api.count() == 0


def test_unknown_entity_wrong_types_and_a_ten_megabyte_note_are_rejected_per_mutation(api):
    company = api.company()
    before = api.count()
    results = api.push("mette", [
        {"entity": "spaceship", "id": str(uuid.uuid4()), "fields": {"team_id": api.team_a}},
        {"entity": "company", "id": company, "base_version": 1, "fields": {"centre_places": "mange"}},
        {"entity": "company", "id": company, "base_version": 1, "fields": {"notes": "x" * 10_000_000}},
        {"entity": "company", "id": "not-a-uuid", "fields": {"team_id": api.team_a, "name": "X"}},
        {"entity": "visit", "id": str(uuid.uuid4()), "fields": {"team_id": api.team_a, "company_id": company}},
        {"entity": "company", "id": str(uuid.uuid4()), "fields": {"team_id": {"nested": 1}, "name": "X"}},
        {"entity": "company", "id": str(uuid.uuid4()), "fields": {"team_id": api.team_a, "name": {"a": 1}}},
        {"entity": "company", "id": str(uuid.uuid4()), "fields": {"team_id": api.team_a, "name": "X", "hack": 1}},
        {"entity": "company", "id": company, "base_version": 1, "fields": {"name": None}},
        {"entity": "company", "id": company, "base_version": 1, "fields": {"centre_places": 2**70}},
        {"entity": "company", "id": company, "base_version": 1, "fields": {"is_centre": "ja"}},
        {"entity": "visit", "id": company, "base_version": 1, "fields": {"body": "Forkert type"}},
    ])["results"]
    assert [r["status"] for r in results] == ["rejected"] * 12
    assert [r["code"] for r in results] == ["unknown_entity", "invalid", "invalid", "bad_id", "invalid",
                                            "not_allowed", "invalid", "invalid", "invalid", "invalid", "invalid",
                                            "wrong_entity"]
    assert results[2]["errors"][0]["code"] == "too_long"
    assert results[7]["errors"][0] == {"field": "hack", "code": "unknown_field", "message": "Ukendt felt: hack."}
    assert api.count() == before
    assert api.latest("jens", company)["fields"]["name"] == "Aars Tømrer"
