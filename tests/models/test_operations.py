"""Operations, the only write path: one transaction per operation, Changes returned, and every
rule that needs the database (CVR per team, references, approved visits, deletes)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import pytest
from sqlalchemy import select

from desktop.domain import ValidationError
from desktop.models import Actor, Changes, Operations, Result
from desktop.models.entities import Company, Contact, FollowUp, Mentor, Opening
from desktop.models.queries import list_contacts, list_follow_ups
from desktop.models.record_queries import get_record
from tests.conftest import TODAY
from tests.models.snapshot import approve, outbox, snapshot

CVR = "24256790"  # Novo Nordisk's, passes the modulus-11 check
CVR_2 = "61126228"
OTHER_TEAM = "7d0e8a8e-0000-4000-8000-00000000beef"
MISSING = "5a0e8a8e-0000-4000-8000-000000000000"


def record(db, entity, record_id):
    with db.read() as session:
        return get_record(session, entity, record_id)


def tombstone(db, model, record_id):
    with db.read() as session:
        row = session.get(model, record_id)
        return None if row is None else row.deleted


# -- creating, editing, deleting ---------------------------------------------------------------


def test_create_returns_the_new_id_and_what_changed(ops, db, user_id, team_id):
    result = ops.create_company(name="Jammerbugt Rengøring ApS", cvr="2425 6790", city="Aabybro",
                                phone="+45 98 24 11 00")
    assert isinstance(result, Result) and isinstance(result.changes, Changes)
    assert result.changes.entities == {"company"} and result.changes.ids == {result.id}
    assert result.changes.touches("company") and not result.changes.touches("visit")
    saved = record(db, "company", result.id)
    assert saved.fields["name"] == "Jammerbugt Rengøring ApS"
    assert saved.fields["cvr"] == CVR and saved.fields["phone"] == "98 24 11 00"
    assert saved.fields["is_centre"] is False and saved.fields["centre_visit_interval_days"] == 21
    assert saved.fields["responsible_user_id"] == user_id
    assert saved.team_id == team_id and saved.version == 0


def test_every_synced_record_gets_its_sync_columns(ops, db, user_id, team_id):
    company = ops.create_company(name="Aars Tømrer").id
    with db.read() as session:
        row = session.get(Company, company)
        assert (row.team_id, row.version, row.created_by, row.deleted) == (team_id, 0, user_id, False)
        assert row.created_at is not None and row.updated_at is not None


def test_named_operations_fill_in_sensible_defaults(ops, db, user_id):
    company = ops.create_company(name="Bageriet").id
    visit = ops.create_visit(company).id
    fields = record(db, "visit", visit).fields
    assert fields["visited_at"] == TODAY and fields["consultant_id"] == user_id
    assert (fields["status"], fields["kind"]) == ("draft", "first_contact")
    mentor = record(db, "mentor", ops.add_mentor(company, name="Søren").id).fields
    assert (mentor["capacity"], mentor["active"]) == (1, True)
    opening = record(db, "opening", ops.create_opening(company, title="Opvask", kind="smaajob").id).fields
    assert (opening["places"], opening["status"]) == (1, "open")
    follow_up = ops.create_follow_up("company", company, due_on="01-12-2026").id
    assert record(db, "follow_up", follow_up).fields["assignee_id"] == user_id
    assert record(db, "follow_up", follow_up).fields["done"] is False


def test_the_jammerbugt_story_through_the_named_operations(ops, db):
    company = ops.create_company(name="Jammerbugt Rengøring ApS", municipality="Jammerbugt").id
    contact = ops.add_contact(company, name="Lone Kristensen", title="Direktør", email="lone@rengoring.dk").id
    visit = ops.create_visit(company, kind="first_contact", participants="Lone Kristensen",
                             body="Faglærte medarbejdere bruger tid på rengøring.",
                             needs="Rengøring kan løses af en borger i praktik.").id
    ops.save_visit_draft(visit, next_step="Kollega foreslår virksomhedspraktik")
    changes = ops.mark_visit_ready(visit)
    assert changes.entities == {"visit"}
    opening = ops.create_opening(company, visit_id=visit, title="Rengøring", kind="virksomhedspraktik",
                                 job_functions="Rengøring af kontor og kantine", hours_per_week="8",
                                 duration_weeks=13, starts_on="01-12-2026")
    assert opening.changes.entities == {"opening", "follow_up"}
    assert record(db, "visit", visit).fields["status"] == "ready"
    hired = ops.create_opening(company, title="Rengøring, ordinære timer", kind="ordinary", hours_per_week=8)
    ops.update("opening", opening.id, {"status": "filled"})
    second = ops.create_opening(company, title="Lager", kind="virksomhedspraktik", job_functions="Varemodtagelse")
    with db.read() as session:
        assert [c.id for c in list_contacts(session, company)] == [contact]
    assert {record(db, "opening", o).fields["status"] for o in (opening.id, hired.id, second.id)} == {
        "filled", "open"}


def test_update_changes_only_the_given_fields_and_reports_them(ops, db):
    company = ops.create_company(name="Aars Tømrer", city="Aars", phone="12345678").id
    changes = ops.update_company(company, city="Farsø")
    assert changes.entities == {"company"} and changes.ids == {company}
    fields = record(db, "company", company).fields
    assert (fields["name"], fields["city"], fields["phone"]) == ("Aars Tømrer", "Farsø", "12 34 56 78")


def test_an_update_that_changes_nothing_writes_nothing(ops, db):
    company = ops.create_company(name="Ens ApS", phone="12 34 56 78", email="a@b.dk").id
    before = snapshot(db)
    # Same values, typed differently: they clean to what is stored.
    changes = ops.update_company(company, name=" Ens ApS ", phone="+4512345678", email="A@B.DK", city="")
    assert not changes and changes == Changes()
    assert snapshot(db) == before
    assert not ops.update("company", company, {})


def test_delete_is_a_tombstone(ops, db):
    company = ops.create_company(name="Væk ApS").id
    changes = ops.delete_company(company)
    assert changes.entities == {"company"} and changes.ids == {company}
    assert record(db, "company", company) is None
    assert tombstone(db, Company, company) is True  # kept until the server has seen the delete
    with pytest.raises(ValidationError) as info:
        ops.delete_company(company)
    assert info.value.errors[0].code == "not_found"


def test_deleting_a_company_tombstones_its_contacts_mentors_openings_and_open_follow_ups(ops, db):
    company = ops.create_company(name="Lukket ApS", is_centre=True).id
    other = ops.create_company(name="Fortsætter ApS").id
    contact = ops.add_contact(company, name="Jens").id
    mentor = ops.add_mentor(company, name="Mette").id
    opening = ops.create_opening(company, title="Praktik", kind="virksomhedspraktik", duration_weeks=8).id
    manual = ops.create_follow_up("company", company, due_on=TODAY).id
    kept = ops.add_contact(other, name="Ole").id
    changes = ops.delete_company(company)
    assert changes.entities == {"company", "contact", "mentor", "opening", "follow_up"}
    assert {company, contact, mentor, opening, manual} <= changes.ids
    for model, record_id in ((Company, company), (Contact, contact), (Mentor, mentor), (Opening, opening),
                             (FollowUp, manual)):
        assert tombstone(db, model, record_id) is True, model
    assert tombstone(db, Contact, kept) is False
    with db.read() as session:
        assert list_follow_ups(session, subject_id=opening).items == []
    deletes = {(e.entity, e.entity_id) for e in outbox(db) if e.op == "delete"}
    assert {("company", company), ("contact", contact), ("mentor", mentor), ("opening", opening),
            ("follow_up", manual)} <= deletes


def test_a_company_with_visits_cannot_be_deleted_until_they_are(ops, db):
    company = ops.create_company(name="Med besøg").id
    visit = ops.create_visit(company, body="Besøg").id
    with pytest.raises(ValidationError) as info:
        ops.delete_company(company)
    assert info.value.errors[0].code == "has_visits"
    assert info.value.message() == "Virksomheden har besøg. Slet besøgene først."
    ops.delete("visit", visit)
    ops.delete_company(company)
    assert record(db, "company", company) is None


def test_reviews_and_conflicts_are_not_written_by_a_field_client(ops, db):
    company = ops.create_company(name="X").id
    visit = ops.create_visit(company).id
    before = snapshot(db)
    for call in (lambda: ops.create("review", {"visit_id": visit, "state": "approved"}),
                 lambda: ops.update("review", visit, {"state": "approved"}),
                 lambda: ops.delete("review", visit),
                 lambda: ops.create("conflict", {"entity": "visit", "record_id": visit, "field": "body"})):
        with pytest.raises(ValueError):
            call()
    assert snapshot(db) == before


def test_an_anonymous_device_writes_records_without_a_team(db):
    ops = Operations(db, today=lambda: TODAY)
    company = ops.create_company(name="Offline ApS", cvr=CVR).id
    assert record(db, "company", company).team_id is None
    [entry] = outbox(db)
    assert "team_id" not in entry.fields and "responsible_user_id" not in entry.fields
    with pytest.raises(ValidationError):
        ops.create_company(name="Offline 2", cvr=CVR)  # unique among the team-less records too


# -- CVR unique per team ---------------------------------------------------------------------------


def test_cvr_is_unique_per_team(ops, db):
    first = ops.create_company(name="Første ApS", cvr=CVR).id
    with pytest.raises(ValidationError) as info:
        ops.create_company(name="Anden ApS", cvr="2425-6790")
    assert info.value.field == "cvr" and info.value.errors[0].code == "cvr_taken"
    assert info.value.message("da") == "CVR-nummeret er allerede brugt af Første ApS."
    assert info.value.message("en") == "The CVR number is already used by Første ApS."
    second = ops.create_company(name="Anden ApS", cvr=CVR_2).id
    with pytest.raises(ValidationError):
        ops.update_company(second, cvr=CVR)
    ops.update_company(first, cvr=CVR, name="Første A/S")  # its own number is no clash
    ops.create_company(name="Uden CVR 1")
    ops.create_company(name="Uden CVR 2", cvr="")  # many companies have no CVR


def test_the_same_cvr_in_another_team_is_fine(ops, db, user_id):
    ops.create_company(name="Første ApS", cvr=CVR)
    other_team = Operations(db, Actor(user_id, OTHER_TEAM), today=lambda: TODAY)
    assert other_team.create_company(name="Samme firma, andet jobcenter", cvr=CVR).id


def test_a_deleted_companys_cvr_can_be_reused(ops, db):
    first = ops.create_company(name="Første ApS", cvr=CVR).id
    ops.delete_company(first)
    assert ops.create_company(name="Ny ejer ApS", cvr=CVR).id


def test_two_companies_with_one_cvr_from_two_offline_devices_can_still_be_edited(ops, db, team_id):
    # Two laptops registered the same company offline; sync brought both here.
    mine = ops.create_company(name="Aars Tømrer", cvr=CVR).id
    with db.write() as session:
        session.add(Company(name="Aars Tømrerforretning", cvr=CVR, team_id=team_id, version=4))
    ops.update_company(mine, phone="98 62 11 00")
    ops.update_company(mine, cvr=CVR_2)  # the user sorts it out...
    with pytest.raises(ValidationError):
        ops.update_company(mine, cvr=CVR)  # ...and cannot make a new clash


# -- references ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("entity", "fields", "field"),
    [
        ("contact", {"company_id": MISSING, "name": "Jens"}, "company_id"),
        ("mentor", {"company_id": MISSING, "name": "Jens"}, "company_id"),
        ("visit", {"company_id": MISSING}, "company_id"),
        ("opening", {"company_id": MISSING, "title": "Job", "kind": "smaajob"}, "company_id"),
        ("follow_up", {"subject_kind": "company", "subject_id": MISSING, "due_on": TODAY}, "subject_id"),
    ],
)
def test_a_referenced_record_must_exist(ops, db, entity, fields, field):
    before = snapshot(db)
    with pytest.raises(ValidationError) as info:
        ops.create(entity, fields)
    assert info.value.field == field and info.value.errors[0].code == "not_found"
    assert "findes ikke" in info.value.message("da")
    assert snapshot(db) == before


def test_a_deleted_company_cannot_be_referenced(ops):
    company = ops.create_company(name="Væk").id
    ops.delete_company(company)
    with pytest.raises(ValidationError) as info:
        ops.create_visit(company)
    assert info.value.field == "company_id"


def test_the_subject_kind_must_match_the_subject(ops):
    company = ops.create_company(name="Firma").id
    with pytest.raises(ValidationError) as info:
        ops.create_follow_up("opening", company, due_on=TODAY)
    assert info.value.field == "subject_id"


def test_a_record_pointing_at_a_since_deleted_record_can_still_be_edited(ops, db):
    company = ops.create_company(name="Firma").id
    mentor = ops.add_mentor(company, name="Mette").id
    visit = ops.create_visit(company).id
    opening = ops.create_opening(company, title="Job", kind="smaajob", mentor_id=mentor, visit_id=visit).id
    ops.delete("mentor", mentor)
    ops.delete("visit", visit)
    # What the edit form sends: every field, the dangling ids unchanged.
    ops.update("opening", opening, {**record(db, "opening", opening).fields, "title": "Job 2"})
    assert record(db, "opening", opening).fields["title"] == "Job 2"
    ops.update("opening", opening, {"mentor_id": ops.add_mentor(company, name="Ny").id})
    with pytest.raises(ValidationError) as info:  # but a deleted mentor is not chosen anew
        ops.update("opening", opening, {"mentor_id": mentor})
    assert info.value.field == "mentor_id"


def test_a_follow_up_on_a_deleted_opening_can_still_be_ticked_off(ops, db):
    company = ops.create_company(name="Firma").id
    opening = ops.create_opening(company, title="Job", kind="smaajob").id
    follow_up = ops.create_follow_up("opening", opening, due_on=TODAY, note="Ring til Mette").id
    ops.delete("opening", opening)
    ops.complete_follow_up(follow_up)
    assert record(db, "follow_up", follow_up).fields["done"] is True


# -- approved visits -------------------------------------------------------------------------------


def test_an_approved_visit_cannot_be_edited_or_deleted(ops, db):
    company = ops.create_company(name="Godkendt ApS").id
    visit = ops.create_visit(company, body="Referat").id
    ops.mark_visit_ready(visit)
    approve(db, visit)
    before = snapshot(db)
    for call in (lambda: ops.save_visit_draft(visit, body="Ændret"),
                 lambda: ops.update("visit", visit, {"status": "draft"}),
                 lambda: ops.mark_visit_ready(visit),
                 lambda: ops.delete("visit", visit)):
        with pytest.raises(ValidationError) as info:
            call()
        assert info.value.errors[0].code == "approved_locked"
        assert info.value.message("da") == "Besøget er godkendt og kan ikke længere ændres."
        assert snapshot(db) == before
    assert record(db, "visit", visit).review.state == "approved"


@pytest.mark.parametrize("state", ["received", "edited", "has_issues", "rejected"])
def test_a_visit_under_review_or_sent_back_can_still_be_edited(ops, db, state):
    company = ops.create_company(name="Firma").id
    visit = ops.create_visit(company, body="Referat").id
    approve(db, visit, state=state)
    ops.save_visit_draft(visit, body="Rettet efter kommentar")
    assert record(db, "visit", visit).fields["body"] == "Rettet efter kommentar"


def test_the_newest_review_decides(ops, db):
    company = ops.create_company(name="Firma").id
    visit = ops.create_visit(company, body="Referat").id
    approve(db, visit, state="approved", version=5)
    approve(db, visit, state="has_issues", version=6)  # reopened by the supervisor
    ops.save_visit_draft(visit, body="Rettet")
    approve(db, visit, state="approved", version=7)
    with pytest.raises(ValidationError):
        ops.save_visit_draft(visit, body="Igen")


# -- every refusal leaves nothing behind -------------------------------------------------------------


@dataclass
class World:
    ops: Operations
    company: str
    centre: str
    visit: str
    approved: str
    opening: str
    mentor: str
    contact: str
    follow_up: str


@pytest.fixture
def world(ops, db) -> World:
    company = ops.create_company(name="Basis ApS", cvr=CVR).id
    centre = ops.create_company(name="Center", is_centre=True, centre_agreement_start="01-01-2026").id
    visit = ops.create_visit(company, body="Kladde").id
    approved = ops.create_visit(centre, body="Godkendt").id
    approve(db, approved)
    opening = ops.create_opening(company, title="Praktik", kind="virksomhedspraktik", duration_weeks=13).id
    mentor = ops.add_mentor(company, name="Mette").id
    contact = ops.add_contact(company, name="Jens").id
    follow_up = ops.create_follow_up("company", company, due_on=TODAY).id
    return World(ops, company, centre, visit, approved, opening, mentor, contact, follow_up)


# (what is tried, the field the error names, its code)
REFUSALS: list[tuple[str, Callable[[World], object], str, str]] = [
    ("company without name", lambda w: w.ops.create_company(city="Aars"), "name", "required"),
    ("blank name", lambda w: w.ops.create_company(name="   "), "name", "required"),
    ("name too long", lambda w: w.ops.create_company(name="x" * 201), "name", "too_long"),
    ("cvr not 8 digits", lambda w: w.ops.create_company(name="X", cvr="1234"), "cvr", "cvr_format"),
    ("cvr check digit", lambda w: w.ops.create_company(name="X", cvr="24256791"), "cvr", "cvr_checksum"),
    ("cvr taken", lambda w: w.ops.create_company(name="X", cvr=CVR), "cvr", "cvr_taken"),
    ("cvr taken on update", lambda w: w.ops.update_company(w.centre, cvr=CVR), "cvr", "cvr_taken"),
    ("email", lambda w: w.ops.create_company(name="X", email="ikke-en-mail"), "email", "bad_email"),
    ("phone", lambda w: w.ops.create_company(name="X", phone="123"), "phone", "bad_phone"),
    ("postcode", lambda w: w.ops.create_company(name="X", postcode="95"), "postcode", "bad_postcode"),
    ("agreement period", lambda w: w.ops.create_company(name="X", centre_agreement_start="01-02-2026",
                                                        centre_agreement_end="01-01-2026"),
     "centre_agreement_end", "end_before_start"),
    ("interval", lambda w: w.ops.update_company(w.centre, centre_visit_interval_days=0),
     "centre_visit_interval_days", "out_of_range"),
    ("unknown field", lambda w: w.ops.create_company(name="X", shoe_size=44), "shoe_size", "unknown_field"),
    ("sync column", lambda w: w.ops.update_company(w.company, version=99), "version", "unknown_field"),
    ("blank yes/no", lambda w: w.ops.update_company(w.company, is_centre=None), "is_centre", "not_bool"),
    ("name removed", lambda w: w.ops.update_company(w.company, name=""), "name", "required"),
    ("company has visits", lambda w: w.ops.delete_company(w.company), "id", "has_visits"),
    ("no such company", lambda w: w.ops.update_company(MISSING, name="X"), "id", "not_found"),
    ("no such company to delete", lambda w: w.ops.delete_company(MISSING), "id", "not_found"),
    ("contact phone", lambda w: w.ops.add_contact(w.company, name="Jens", phone="+45 1234"), "phone",
     "bad_phone"),
    ("contact without name", lambda w: w.ops.add_contact(w.company), "name", "required"),
    ("contact at no company", lambda w: w.ops.add_contact(MISSING, name="Jens"), "company_id", "not_found"),
    ("mentor capacity", lambda w: w.ops.add_mentor(w.company, name="M", capacity=0), "capacity", "out_of_range"),
    ("mentor training date", lambda w: w.ops.add_mentor(w.company, name="M", trained_on="31-02-2026"),
     "trained_on", "bad_date"),
    ("mentor email", lambda w: w.ops.update("mentor", w.mentor, {"email": "mette@"}), "email", "bad_email"),
    ("visit date", lambda w: w.ops.create_visit(w.company, visited_at="32-13-2026"), "visited_at", "bad_date"),
    ("visit kind", lambda w: w.ops.create_visit(w.company, kind="frokost"), "kind", "bad_choice"),
    ("visit note too long", lambda w: w.ops.save_visit_draft(w.visit, body="x" * 100_001), "body", "too_long"),
    ("visit at no company", lambda w: w.ops.create_visit(MISSING), "company_id", "not_found"),
    ("approved visit edited", lambda w: w.ops.save_visit_draft(w.approved, body="Nyt"), "status",
     "approved_locked"),
    ("approved visit deleted", lambda w: w.ops.delete("visit", w.approved), "status", "approved_locked"),
    ("hours 37,5", lambda w: w.ops.create_opening(w.company, title="Job", kind="smaajob", hours_per_week="37,5"),
     "hours_per_week", "out_of_range"),
    ("places 0", lambda w: w.ops.create_opening(w.company, title="Job", kind="smaajob", places=0), "places",
     "out_of_range"),
    ("opening kind", lambda w: w.ops.create_opening(w.company, title="Job", kind="deltid"), "kind", "bad_choice"),
    ("opening without kind", lambda w: w.ops.create_opening(w.company, title="Job"), "kind", "required"),
    ("opening without title", lambda w: w.ops.create_opening(w.company, kind="smaajob"), "title", "required"),
    ("opening duration 0", lambda w: w.ops.update("opening", w.opening, {"duration_weeks": 0}), "duration_weeks",
     "out_of_range"),
    ("opening mentor", lambda w: w.ops.update("opening", w.opening, {"mentor_id": MISSING}), "mentor_id",
     "not_found"),
    ("opening visit", lambda w: w.ops.create_opening(w.company, title="Job", kind="smaajob", visit_id=MISSING),
     "visit_id", "not_found"),
    ("follow-up subject", lambda w: w.ops.create_follow_up("visit", MISSING, due_on=TODAY), "subject_id",
     "not_found"),
    ("follow-up kind", lambda w: w.ops.create_follow_up("citizen", w.company, due_on=TODAY), "subject_kind",
     "bad_choice"),
    ("follow-up due date", lambda w: w.ops.update("follow_up", w.follow_up, {"due_on": None}), "due_on",
     "required"),
    ("follow-up done blank", lambda w: w.ops.complete_follow_up(w.follow_up, None), "done", "not_bool"),
    ("no such follow-up", lambda w: w.ops.complete_follow_up(MISSING), "id", "not_found"),
    ("no such conflict", lambda w: w.ops.resolve_conflict(MISSING), "id", "not_found"),
]


@pytest.mark.parametrize(("what", "attempt", "field", "code"), REFUSALS, ids=[r[0] for r in REFUSALS])
def test_every_refusal_names_the_field_in_danish_and_leaves_the_database_unchanged(
    world, db, what, attempt, field, code
):
    before = snapshot(db)
    with pytest.raises(ValidationError) as info:
        attempt(world)
    error = info.value
    assert (error.field, error.errors[0].code) == (field, code), error.errors
    assert error.message("da") and error.message("en") and error.message("da") != error.message("en")
    assert field in error.by_field("da")
    after = snapshot(db)
    assert after.outbox == before.outbox
    assert after.counts == before.counts
    assert after == before


def test_operations_never_leave_a_write_transaction_open(ops, db):
    company = ops.create_company(name="Firma").id
    with pytest.raises(ValidationError):
        ops.update_company(company, name="")
    # A second connection can write at once: the failed operation released the write lock.
    with db.write() as session:
        assert session.scalar(select(Company.name).where(Company.id == company)) == "Firma"
