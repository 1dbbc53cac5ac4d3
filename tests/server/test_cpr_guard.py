"""The server's CPR guard (SQLite and PostgreSQL): off by default; on, a note holding a CPR number is
refused with a Danish reason, the rest of the batch applies; export-person finds the ones that slipped in."""

from __future__ import annotations

import json
import uuid

from server.cli import main

EXPORT = "/api/v1/admin/personal-data/export"


def _visit(api, body: str, **fields) -> dict:
    return {"entity": "visit", "id": str(uuid.uuid4()), "fields": {
        "team_id": api.team_a, "company_id": fields.pop("company"), "visited_at": "2026-11-20", "body": body,
        "consultant_id": api.ids["mette"], **fields}}


def test_with_the_setting_on_a_cpr_number_in_free_text_is_refused_with_a_danish_reason(web_with):
    api = web_with(settings={"refuse_cpr_numbers": True})
    company = api.company()
    refused = _visit(api, "Talte med borgeren, cpr 010190-1234, om praktik.", company=company)
    no_date = _visit(api, "Sagsnr. 310290-1234 er ikke et CPR-nummer.", company=company)
    in_needs = _visit(api, "Fint besøg.", company=company, needs="Praktik til 0101901234")
    results = api.push("mette", [refused, no_date, in_needs])["results"]
    assert [r["status"] for r in results] == ["rejected", "applied", "rejected"]
    assert results[0]["code"] == "cpr_number"
    assert results[0]["reason"] == ("Feltet »Referat« indeholder et CPR-nummer. CPR-numre hører ikke hjemme i "
                                    "fritekst: skriv borgerens initialer eller et sagsnummer i stedet.")
    assert "010190" not in json.dumps(results)  # the answer never repeats the number
    assert [e["field"] for e in results[2]["errors"]] == ["needs"]
    ids = {c["id"] for c in api.pull_all("mette")[0]}
    assert no_date["id"] in ids and refused["id"] not in ids and in_needs["id"] not in ids
    # An edit of a record already on the server is refused the same way, and a corrected one applies.
    base = api.latest("mette", no_date["id"])["version"]
    edit = {"entity": "visit", "id": no_date["id"], "base_version": base, "fields": {"next_step": "Ring 010190 1234"}}
    assert api.push_one("mette", edit)["status"] == "rejected"
    edit["fields"] = {"next_step": "Ring til AB"}
    assert api.push_one("mette", edit)["status"] == "applied"


def test_the_guard_is_off_by_default_and_export_person_finds_what_slipped_in(api, tmp_path):
    company = api.company()
    hyphen = api.visit(company=company, body="Borger 010190-1234 starter mandag.")
    plain = api.visit(company=company, next_step="Send kontrakt til 0101901234")
    spaced = api.visit(company=company, needs="cpr 010190 1234")
    other = api.visit(company=company, body="Borger 020290-1234 og 01019012345 (ikke samme).")
    doc = api.client.post(EXPORT, json={"cpr": "010190-1234"}, headers=api.h("ada")).json()
    found = {r["id"]: r["matched_fields"] for r in doc["records"]}
    assert found == {hyphen: ["body"], plain: ["next_step"], spaced: ["needs"]}
    assert other not in found
    out = tmp_path / "cpr.json"
    assert main(["admin", "export-person", "--cpr", "0101901234", "--out", str(out), "--db", api.url]) == 0
    assert {r["id"] for r in json.loads(out.read_text(encoding="utf-8"))["records"]} == {hyphen, plain, spaced}
    reply = api.client.post(EXPORT, json={"cpr": "310290-1234"}, headers=api.h("ada"))
    assert reply.status_code == 400 and "CPR-nummeret er ugyldigt" in reply.json()["detail"]["message"]


def test_with_the_setting_on_a_review_comment_with_a_cpr_number_is_refused(web_with):
    api = web_with(settings={"refuse_cpr_numbers": True})
    visit = api.visit(status="ready")
    url = f"/api/v1/visits/{visit}/reviews"
    reply = api.client.post(url, headers=api.h("sara"), json={"state": "has_issues", "comment": "Slet 010190-1234."})
    assert reply.status_code == 400
    assert reply.json()["detail"] == {"code": "cpr_number", "message": (
        "Feltet »Kommentar« indeholder et CPR-nummer. CPR-numre hører ikke hjemme i fritekst: skriv borgerens "
        "initialer eller et sagsnummer i stedet.")}
    reply = api.client.post(url, headers=api.h("sara"), json={"state": "has_issues", "comment": "Slet sagsnr. AB."})
    assert reply.status_code == 201, reply.text
