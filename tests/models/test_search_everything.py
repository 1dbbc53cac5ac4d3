"""Search across everything (issue 16, point 5): contacts and follow-up notes are indexed with the same
Danish folding, locally and when pulled by sync, and one search groups its hits by kind."""

from __future__ import annotations

import uuid

from desktop.models.queries import list_mentors
from desktop.models.replica.page import apply_page
from desktop.models.search import search
from desktop.models.search_everything import KINDS, search_everything
from tests.conftest import TODAY


def found(db, query, **kwargs):
    with db.read() as session:
        return search_everything(session, query, **kwargs)


def test_a_contact_is_found_by_soren_typed_without_a_danish_keyboard(db, ops):
    bager = ops.create_company(name="Bageriet Ølby", city="Brovst").id
    soren = ops.add_contact(bager, name="Søren Ølgaard", title="Køkkenchef", phone="98 23 45 67",
                            email="soren@bageriet.dk").id
    hits = found(db, "soren")
    assert list(hits) == ["contact"]
    [contact] = hits["contact"]
    assert (contact.id, contact.title, contact.detail, contact.company_name) == (soren, "Søren Ølgaard", "Køkkenchef",
                                                                                 "Bageriet Ølby")
    assert contact.opens == ("company", bager)
    for typed in ("SØREN", "soeren olgaard", "kokkenchef", "98234567", "9823", "98 23", "soren@bageriet"):
        assert [f.id for f in found(db, typed).get("contact", [])] == [soren], typed


def test_a_follow_up_note_is_found_by_a_word_in_it_and_names_its_company(db, ops):
    company = ops.create_company(name="Tømrer Hansen ApS").id
    visit = ops.create_visit(company, body="Første møde").id
    on_company = ops.create_follow_up("company", company, due_on=TODAY, note="Ring om praktikpladsen i værkstedet").id
    on_visit = ops.create_follow_up("visit", visit, due_on=TODAY, note="Send referatet til værkføreren").id
    hits = found(db, "værksted")
    assert [f.id for f in hits["follow_up"]] == [on_company]
    [hit] = hits["follow_up"]
    assert (hit.company_id, hit.company_name, hit.opens) == (company, "Tømrer Hansen ApS", ("company", company))
    [hit] = found(db, "vaerkforeren")["follow_up"]
    assert (hit.id, hit.company_name, hit.opens) == (on_visit, "Tømrer Hansen ApS", ("visit", visit))


def test_hits_are_grouped_by_kind_in_a_fixed_order_with_their_company(db, ops):
    company = ops.create_company(name="Rengøring Nord", city="Aabybro").id
    ops.add_contact(company, name="Rita Rengøring")
    ops.add_mentor(company, name="Mette Holm", title="Rengøringsleder")
    ops.create_visit(company, body="Faglærte bruger tid på rengøring")
    ops.create_opening(company, title="Rengøringsassistent", kind="smaajob")
    ops.create_follow_up("company", company, due_on=TODAY, note="Rengøring: ny aftale")
    hits = found(db, "rengor")
    assert list(hits) == list(KINDS)
    assert all(f.company_name == "Rengøring Nord" for group in hits.values() for f in group)
    assert all(f.kind == kind for kind, group in hits.items() for f in group)


def test_title_matches_come_first_and_each_kind_is_limited(db, ops):
    named = ops.create_company(name="Smedie Vest").id
    others = [ops.create_company(name=f"Firma {n}", notes="Vi taler med smedien").id for n in range(6)]
    hits = found(db, "smedie", limit_per_kind=3)["company"]
    assert [f.id for f in hits] == [named, others[5], others[4]]


def test_deleted_and_done_with_records_leave_the_index(db, ops):
    company = ops.create_company(name="Bageriet").id
    contact = ops.add_contact(company, name="Søren Ølgaard").id
    follow_up = ops.create_follow_up("company", company, due_on=TODAY, note="Husk kagemanden").id
    ops.delete("contact", contact)
    ops.delete("follow_up", follow_up)
    assert found(db, "soren") == {}
    assert found(db, "kagemanden") == {}


def test_one_letter_or_nothing_finds_nothing(db, ops):
    ops.create_company(name="Aars Auto")
    assert found(db, "a") == {} and found(db, "  ") == {}


def test_a_list_search_stays_within_its_kind(db, ops):
    """The kind column keeps a list's search box to its own records (a mentor named like a contact)."""
    company = ops.create_company(name="Bageriet").id
    ops.add_contact(company, name="Søren Ølgaard")
    mentor = ops.add_mentor(company, name="Søren Holm").id
    with db.read() as session:
        assert [m.id for m in list_mentors(session, search="soren").items] == [mentor]
        assert {h.entity for h in search(session, "soren")} == {"contact", "mentor"}
        assert {h.entity for h in search(session, "company")} == set()  # a kind's word is not searchable


def test_contacts_and_follow_ups_pulled_by_sync_are_indexed(db, team_id):
    company, contact, follow_up = (str(uuid.uuid4()) for _ in range(3))
    changes = [
        {"entity": "company", "id": company, "op": "upsert", "version": 1,
         "fields": {"team_id": team_id, "name": "Brovst Bilcenter"}},
        {"entity": "contact", "id": contact, "op": "upsert", "version": 2,
         "fields": {"team_id": team_id, "company_id": company, "name": "Søren Kjær", "phone": "+45 20 30 40 50"}},
        {"entity": "follow_up", "id": follow_up, "op": "upsert", "version": 3,
         "fields": {"team_id": team_id, "due_on": "2026-12-01", "subject_kind": "company", "subject_id": company,
                    "note": "Spørg om fleksjobbet"}},
    ]
    with db.write() as session:
        apply_page(session, changes)
    assert [f.id for f in found(db, "soren kjaer")["contact"]] == [contact]
    assert [f.id for f in found(db, "20304050")["contact"]] == [contact]
    [hit] = found(db, "fleksjob")["follow_up"]
    assert (hit.id, hit.company_name) == (follow_up, "Brovst Bilcenter")
    with db.write() as session:
        apply_page(session, [{"entity": "contact", "id": contact, "op": "delete", "version": 4, "fields": {}}])
    assert "contact" not in found(db, "soren")


def _doc_id(db, record_id):
    with db.read() as session:
        return session.connection().exec_driver_sql(
            "SELECT doc_id FROM search_doc WHERE entity_id = ?", (record_id,)).scalar()


def test_a_pulled_change_of_unsearched_fields_keeps_the_search_entry(db, team_id):
    company = str(uuid.uuid4())
    fields = {"team_id": team_id, "name": "Brovst Bilcenter", "city": "Aabybro"}
    with db.write() as session:
        apply_page(session, [{"entity": "company", "id": company, "op": "upsert", "version": 1, "fields": fields}])
    first = _doc_id(db, company)
    with db.write() as session:  # only a field that is not searched (the visit interval) changes
        apply_page(session, [{"entity": "company", "id": company, "op": "upsert", "version": 2,
                              "fields": {**fields, "centre_visit_interval_days": 14}}])
    assert _doc_id(db, company) == first
    assert [f.id for f in found(db, "aabybro")["company"]] == [company]
    with db.write() as session:  # the city is searched: the record is indexed again
        apply_page(session, [{"entity": "company", "id": company, "op": "upsert", "version": 3,
                              "fields": {**fields, "centre_visit_interval_days": 14, "city": "Fjerritslev"}}])
    assert [f.id for f in found(db, "fjerritslev")["company"]] == [company]
    assert "company" not in found(db, "aabybro")


def test_a_full_resync_page_indexes_every_record_again(db, team_id):
    company = str(uuid.uuid4())
    page = [{"entity": "company", "id": company, "op": "upsert", "version": 1,
             "fields": {"team_id": team_id, "name": "Brovst Bilcenter"}}]
    with db.write() as session:
        apply_page(session, page)
        session.connection().exec_driver_sql("DELETE FROM search_index")  # an index damaged behind the app's back
        session.connection().exec_driver_sql("DELETE FROM search_doc")
    with db.write() as session:
        apply_page(session, page)  # the same row again: an ordinary pull trusts the index
    assert "company" not in found(db, "bilcenter")
    with db.write() as session:
        apply_page(session, page, reindex_all=True)
    assert [f.id for f in found(db, "bilcenter")["company"]] == [company]
