"""GDPR on the server (SQLite and PostgreSQL): export, erase with dry run, retention, and who may do it."""

from __future__ import annotations

import json
import uuid

from sqlalchemy import select

from desktop.domain.privacy import ERASED
from desktop.domain.protocol import format_checksum, record_hash
from server.cli import main
from server.tables import AuditEntry

NAME = "Søren Ølgaard"
PHONE = "98 76 54 32"
EXPORT, ERASE, RETENTION = ("/api/v1/admin/personal-data/" + p for p in ("export", "erase", "retention"))


def _people(api) -> dict[str, str]:
    """A contact and a mentor who are the person, mentions in notes, and things that must not match."""
    company = api.company()
    ids = {"company": company}
    ids["contact"] = str(uuid.uuid4())
    assert api.push_one("mette", {"entity": "contact", "id": ids["contact"], "fields": {
        "team_id": api.team_a, "company_id": company, "name": "SOEREN OLGÅRD", "phone": "+45 98765432",
        "email": "soren@smedie.dk"}})["status"] == "applied"
    ids["mentor"] = str(uuid.uuid4())
    assert api.push_one("mette", {"entity": "mentor", "id": ids["mentor"], "fields": {
        "team_id": api.team_a, "company_id": company, "name": "Anne Holm", "email": "soren@smedie.dk",
        "notes": "Kender Søren godt."}})["status"] == "applied"
    ids["visit"] = api.visit(body=f"Mødte {NAME} på lageret. Ring på {PHONE}.", participants="Søren Olgaard")
    ids["other_visit"] = api.visit(body="Søren Ølgaardsen og Ølgaard Søren var der ikke.")
    ids["other_team"] = str(uuid.uuid4())
    b_company = api.company("otto", team=api.team_b)
    assert api.push_one("otto", {"entity": "visit", "id": ids["other_team"], "fields": {
        "team_id": api.team_b, "company_id": b_company, "visited_at": "2026-11-01", "consultant_id": api.ids["otto"],
        "body": f"Ringede til søren ølgaard ({PHONE})."}})["status"] == "applied"
    # Two consultants edit the note from the same base: the losing text is kept as a conflict copy.
    base = api.latest("mette", ids["visit"])["version"]
    api.push_one("jens", {"entity": "visit", "id": ids["visit"], "base_version": base,
                          "fields": {"body": f"Jens: {NAME} vil gerne have praktikant."}}, device="dev-j")
    api.push_one("mette", {"entity": "visit", "id": ids["visit"], "base_version": base,
                           "fields": {"body": "Mette: aftale om praktik."}})
    return ids


def test_export_finds_the_person_and_their_mentions_and_nothing_else(api):
    ids = _people(api)
    reply = api.client.post(EXPORT, json={"name": NAME, "phone": PHONE}, headers=api.h("ada"))
    assert reply.status_code == 200, reply.text
    doc = reply.json()
    by_id = {r["id"]: r for r in doc["records"]}
    assert by_id[ids["contact"]]["match"] == "person"
    assert by_id[ids["visit"]]["matched_fields"] == ["participants"]  # the body now is Mette's
    assert by_id[ids["other_team"]]["matched_fields"] == ["body"]
    assert ids["other_visit"] not in by_id and ids["mentor"] not in by_id  # "Ølgaardsen", "Søren" alone
    conflicts = [r for r in doc["records"] if r["entity"] == "conflict"]
    assert len(conflicts) == 1 and NAME in conflicts[0]["fields"]["lost_value"]
    assert {e["entity_id"] for e in doc["audit"]} >= {ids["contact"], ids["visit"]}
    assert doc["counts"] == {"conflict": 1, "contact": 1, "visit": 2}
    # By email: the mentor whose email it is, and the contact with the same email.
    doc = api.client.post(EXPORT, json={"email": "Soren@Smedie.dk"}, headers=api.h("ada")).json()
    assert {r["id"] for r in doc["records"] if r["match"] == "person"} == {ids["contact"], ids["mentor"]}


def test_export_of_a_staff_member_leaves_out_the_password_hash(api):
    doc = api.client.post(EXPORT, json={"name": "Mette"}, headers=api.h("ada")).json()
    assert [u["username"] for u in doc["users"]] == ["mette"]
    assert "password" not in json.dumps(doc) and "argon2" not in json.dumps(doc)


def test_only_admins_and_clear_requests(api):
    assert api.client.post(EXPORT, json={"name": NAME}, headers=api.h("sara")).status_code == 403
    for body in ({}, {"name": "Sø"}, {"email": "ikke-en-adresse"}, {"phone": "12"}, {"name": ERASED}):
        reply = api.client.post(ERASE, json=body, headers=api.h("ada"))
        assert reply.status_code == 400 and reply.json()["detail"]["message"], body
    assert api.client.post(EXPORT, json={"nme": NAME}, headers=api.h("ada")).status_code == 422


def _checksum_from_pull(api, who: str) -> tuple[dict[str, int], str]:
    latest = {}
    for change in api.pull_all(who)[0]:
        latest[change["id"]] = change
    counts: dict[str, int] = {}
    xor = 0
    for c in latest.values():
        if c["op"] != "delete":
            counts[c["entity"]] = counts.get(c["entity"], 0) + 1
            xor ^= record_hash(c["id"], c["version"])
    return counts, format_checksum(xor)


def test_erase_dry_run_then_erase_reaches_pulls_and_keeps_checksums(api):
    ids = _people(api)
    versions = {i: api.latest("mette", i)["version"] for i in (ids["contact"], ids["visit"])}
    dry = api.client.post(ERASE, json={"name": NAME, "phone": PHONE, "dry_run": True}, headers=api.h("ada")).json()
    assert dry["dry_run"] and dry["records"] == 4
    plan = {c["id"]: c["fields"] for c in dry["changes"]}
    assert plan[ids["contact"]] == ["email", "name", "phone"] and plan[ids["visit"]] == ["participants"]
    assert {i: api.latest("mette", i)["version"] for i in versions} == versions  # nothing changed

    done = api.client.post(ERASE, json={"name": NAME, "phone": PHONE}, headers=api.h("ada")).json()
    assert not done["dry_run"] and done["records"] == 4
    contact = api.latest("mette", ids["contact"])
    assert contact["version"] > versions[ids["contact"]]
    assert (contact["fields"]["name"], contact["fields"]["phone"], contact["fields"]["email"]) == (ERASED, None, None)
    assert api.latest("mette", ids["visit"])["fields"]["participants"] == ERASED
    assert api.latest("otto", ids["other_team"])["fields"]["body"] == f"Ringede til {ERASED} ({ERASED})."
    conflict = next(c for c in api.pull_all("mette")[0] if c["entity"] == "conflict")
    assert NAME not in json.dumps(api.latest("mette", conflict["id"]), ensure_ascii=False)
    assert api.latest("mette", ids["other_visit"])["fields"]["body"].startswith("Søren Ølgaardsen")
    for who in ("mette", "otto"):  # the incremental checksums still describe exactly what a pull gives
        counts, checksum = _checksum_from_pull(api, who)
        summary = api.summary(who)
        assert (summary["counts"], summary["checksum"]) == (counts, checksum)
    # The audit says what happened, never the erased value.
    with api.engine.connect() as conn:
        rows = conn.execute(select(AuditEntry.action, AuditEntry.detail).where(
            AuditEntry.action.in_(["admin:erase_person", "privacy:erase"]))).all()
    assert [a for a, _ in rows].count("privacy:erase") == 4 and "admin:erase_person" in [a for a, _ in rows]
    assert not any(part in (d or "") for _, d in rows for part in ("Søren", "Ølgaard", "98765432"))
    assert api.client.post(EXPORT, json={"name": NAME, "phone": PHONE}, headers=api.h("ada")).json()["records"] == []
    again = api.client.post(ERASE, json={"name": NAME, "phone": PHONE}, headers=api.h("ada")).json()
    assert again["records"] == 0


def test_retention_anonymises_old_visits_once(api, monkeypatch, capsys):
    old = api.visit(visited_at="2015-03-01", body="Borger X fik job.", participants="Borger X", next_step="Intet")
    new = api.visit(visited_at="2026-11-20", body="Ny aftale.")
    before = api.latest("mette", old)["version"]
    dry = api.client.post(RETENTION, json={"visits_older_than_years": 5, "dry_run": True}, headers=api.h("ada"))
    assert dry.status_code == 200 and [c["id"] for c in dry.json()["changes"]] == [old]
    assert api.latest("mette", old)["version"] == before
    monkeypatch.setenv("FELTBOG_RETENTION_YEARS", "5")
    assert main(["admin", "apply-retention", "--db", api.url]) == 0
    assert '"records": 1' in capsys.readouterr().out
    fields = api.latest("mette", old)["fields"]
    assert (fields["body"], fields["participants"], fields["next_step"], fields["needs"]) == (ERASED, ERASED,
                                                                                             ERASED, None)
    assert api.latest("mette", new)["fields"]["body"] == "Ny aftale."
    assert api.client.post(RETENTION, json={}, headers=api.h("ada")).json()["records"] == 0  # already done


def test_cli_export_to_file_and_erase_dry_run(api, tmp_path, capsys):
    ids = _people(api)
    out = tmp_path / "person.json"
    assert main(["admin", "export-person", "--name", NAME, "--out", str(out), "--db", api.url]) == 0
    assert ids["contact"] in {r["id"] for r in json.loads(out.read_text(encoding="utf-8"))["records"]}
    assert main(["admin", "erase-person", "--name", NAME, "--dry-run", "--db", api.url]) == 0
    assert json.loads(capsys.readouterr().out.split("\n", 1)[1])["dry_run"] is True
    assert main(["admin", "erase-person", "--db", api.url]) == 2  # nothing to look for: a message, no traceback


def test_only_an_admin_revocation_makes_a_device_wipe(api):
    """A token ended by logout or replaced by refresh is just signed out; one an admin revoked is closing."""
    token = api.login("jens")
    h = {"Authorization": f"Bearer {token}"}
    assert api.client.get("/api/v1/sync/access", headers=h).json() == {"state": "active", "teams": [api.team_a]}
    assert api.client.post("/api/v1/auth/logout", headers=h).status_code == 204
    assert api.client.get("/api/v1/sync/access", headers=h).status_code == 401
    token = api.login("jens")
    h = {"Authorization": f"Bearer {token}"}
    assert api.client.post("/api/v1/admin/users/jens/revoke", headers=api.h("ada")).status_code == 204
    assert api.client.get("/api/v1/sync/summary", headers=h).status_code == 401
    assert api.client.get("/api/v1/sync/access", headers=h).json() == {"state": "closing", "teams": []}
    api.tokens["jens-old"] = token
    company = api.company("jens-old")  # the closing token may still hand in its changes
    assert api.client.post("/api/v1/sync/access/wiped", headers=h).status_code == 204
    assert api.client.get("/api/v1/sync/access", headers=h).status_code == 401  # the token is gone
    api.push("jens-old", [{"entity": "company", "id": company, "fields": {"name": "Igen"}}], expect=401)


def test_a_name_typed_without_danish_letters_finds_and_erases_the_person(api, tmp_path, capsys):
    """Issue 18, 4: "Soren Olgaard" from an English keyboard is "Søren Ølgaard" (the app's own fold)."""
    ids = _people(api)
    typed = "Soren Olgaard"
    doc = api.client.post(EXPORT, json={"name": typed}, headers=api.h("ada")).json()
    by_id = {r["id"]: r for r in doc["records"]}
    assert by_id[ids["contact"]]["match"] == "person"  # "SOEREN OLGÅRD"
    assert by_id[ids["visit"]]["matched_fields"] == ["participants"]
    assert by_id[ids["other_team"]]["matched_fields"] == ["body"]  # "søren ølgaard"
    assert ids["other_visit"] not in by_id  # "Ølgaardsen" is another name
    for spelling in ("SØREN ØLGÅRD", "soeren oelgaard", "Søren Ølgaard"):
        again = api.client.post(EXPORT, json={"name": spelling}, headers=api.h("ada")).json()
        assert {r["id"] for r in again["records"]} == set(by_id), spelling
    out = tmp_path / "soren.json"
    assert main(["admin", "export-person", "--name", typed, "--out", str(out), "--db", api.url]) == 0
    exported = json.loads(out.read_text(encoding="utf-8"))
    assert {r["id"] for r in exported["records"]} == set(by_id)
    assert main(["admin", "erase-person", "--name", typed, "--db", api.url]) == 0
    capsys.readouterr()
    assert api.latest("mette", ids["contact"])["fields"]["name"] == ERASED
    assert api.latest("mette", ids["visit"])["fields"]["participants"] == ERASED
    assert api.latest("otto", ids["other_team"])["fields"]["body"].startswith(f"Ringede til {ERASED}")
    assert api.client.post(EXPORT, json={"name": NAME}, headers=api.h("ada")).json()["records"] == []
