"""The outbox: each operation writes its mutation (only the changed fields, the base version, an
increasing mutation id) in the same transaction as the row, so a crash leaves neither."""

from __future__ import annotations

import json
import uuid
from datetime import date

import pytest
from sqlalchemy import text

from desktop.domain import ValidationError
from desktop.models import planning
from desktop.models.local import PENDING, OutboxEntry
from desktop.models.outbox import claim_for, pending_count
from desktop.models.record_queries import get_record
from desktop.models.writer import RecordWriter
from tests.models.snapshot import outbox, set_version, snapshot


def test_a_new_record_sends_its_fields_and_team_with_base_version_zero(ops, db, team_id, user_id):
    company = ops.create_company(name="Ågade Auto", city="Løgstør", cvr="2425 6790", centre_agreement_start=None).id
    [entry] = outbox(db)
    assert (entry.entity, entry.entity_id, entry.op, entry.base_version, entry.state) == (
        "company", company, "upsert", 0, PENDING)
    assert entry.fields == {
        "name": "Ågade Auto", "city": "Løgstør", "cvr": "24256790", "team_id": team_id,
        "responsible_user_id": user_id, "is_centre": False, "centre_visit_interval_days": 21,
    }  # blanks are not sent; defaults are


def test_fields_are_sent_in_wire_form(ops, db):
    company = ops.create_company(name="Firma").id
    ops.create_opening(company, title="Praktik", kind="virksomhedspraktik", hours_per_week="7,5",
                       starts_on="01-12-2026", places="2")
    entry = next(e for e in outbox(db) if e.entity == "opening")
    assert entry.fields["starts_on"] == "2026-12-01"
    assert entry.fields["hours_per_week"] == 7.5 and entry.fields["places"] == 2
    with db.read() as session:
        raw = session.connection().execute(text("SELECT fields FROM outbox WHERE entity = 'opening'")).scalar()
    assert "Praktik" in raw and "virksomhedspraktik" in raw


def test_an_update_sends_only_the_changed_fields_and_the_version_it_was_based_on(ops, db):
    company = ops.create_company(name="Aars Tømrer", city="Aars", phone="12345678").id
    set_version(db, "company", company, 7)  # as if the server had accepted it at version 7
    ops.update_company(company, name="Aars Tømrer", city="Farsø", phone="+45 12 34 56 78", notes="Ny")
    last = outbox(db)[-1]
    assert (last.op, last.base_version, last.fields) == ("upsert", 7, {"city": "Farsø", "notes": "Ny"})


def test_clearing_a_field_sends_null(ops, db):
    company = ops.create_company(name="Firma", city="Aars").id
    ops.update_company(company, city="")
    assert outbox(db)[-1].fields == {"city": None}


def test_an_update_that_changes_nothing_writes_no_outbox_row(ops, db):
    company = ops.create_company(name="Ens ApS").id
    ops.update_company(company, name="Ens ApS", is_centre=False, centre_visit_interval_days="21")
    ops.update("company", company, {})
    assert len(outbox(db)) == 1


def test_a_delete_sends_a_delete_with_its_base_version(ops, db):
    company = ops.create_company(name="Væk").id
    set_version(db, "company", company, 12)
    ops.delete_company(company)
    last = outbox(db)[-1]
    assert (last.entity_id, last.op, last.base_version, last.fields) == (company, "delete", 12, {})


def test_mutation_ids_increase_by_one(ops, db):
    company = ops.create_company(name="A").id
    ops.update_company(company, city="Aars")
    ops.add_contact(company, name="Jens")
    ops.create_opening(company, title="Praktik", kind="virksomhedspraktik", duration_weeks=4)  # 3 rows
    ids = [e.mutation_id for e in outbox(db)]
    assert ids == list(range(1, 7))
    with db.read() as session:
        assert pending_count(session) == 6


def test_mutation_ids_are_never_reused_after_sent_rows_are_removed(ops, db):
    company = ops.create_company(name="A").id
    ops.update_company(company, city="Aars")
    with db.write() as session:  # what the sync does once the server acknowledged them
        session.execute(text("DELETE FROM outbox"))
    ops.update_company(company, city="Farsø")
    assert [e.mutation_id for e in outbox(db)] == [3]


def test_a_refused_operation_does_not_use_up_a_mutation_id(ops, db):
    company = ops.create_company(name="A").id
    for _ in range(3):
        with pytest.raises(ValidationError):
            ops.update_company(company, email="nej")
    ops.update_company(company, city="Aars")
    assert [e.mutation_id for e in outbox(db)] == [1, 2]


def test_ten_thousand_operations_make_ten_thousand_consecutive_mutations(ops, db):
    """Every operation here writes exactly one mutation: creates, edits and deletes mixed."""
    company = ops.create_company(name="Mange ændringer").id
    count = 1
    contacts: list[str] = []
    while count < 10_000:
        step = count % 4
        if step == 0:
            contacts.append(ops.add_contact(company, name=f"Kontakt {count}").id)
        elif step == 1 and contacts:
            ops.update("contact", contacts[-1], {"title": f"Titel {count}"})
        elif step == 2 and len(contacts) > 1:
            ops.delete("contact", contacts.pop(0))
        else:
            ops.update_company(company, notes=f"ændring {count}")
        count += 1
    entries = outbox(db)
    assert len(entries) == 10_000
    ids = [e.mutation_id for e in entries]
    assert ids == list(range(1, 10_001))  # strictly increasing, by one, from 1
    assert {e.op for e in entries} == {"upsert", "delete"}
    with db.read() as session:
        assert pending_count(session) == 10_000


# -- a crash inside an operation leaves nothing ---------------------------------------------------------


class PowerCut(Exception):
    pass


def crash_after(original):
    def wrapper(*args, **kwargs):
        original(*args, **kwargs)  # the row (or index entry) is written in the transaction...
        raise PowerCut  # ...and then the operation dies
    return wrapper


def crash(*_args, **_kwargs):
    raise PowerCut


CRASHES = {
    "after the row was inserted": ("desktop.models.writer.RecordWriter.insert", crash_after(RecordWriter.insert)),
    "after the row was updated": ("desktop.models.writer.RecordWriter.update", crash_after(RecordWriter.update)),
    "after the tombstone was written": ("desktop.models.writer.RecordWriter.delete",
                                        crash_after(RecordWriter.delete)),
    "while indexing for search": ("desktop.models.writer.index_records", crash),
    "while planning follow-ups": ("desktop.models.planning.plan_opening_follow_ups", crash),
    "while planning centre visits": ("desktop.models.planning.plan_centre_follow_up", crash),
}


OPERATIONS = {
    "create company": lambda ops, ids: ops.create_company(name="Ny", is_centre=True),
    "create opening": lambda ops, ids: ops.create_opening(ids["company"], title="Praktik", kind="virksomhedspraktik",
                                                          duration_weeks=13),
    "edit opening duration": lambda ops, ids: ops.update("opening", ids["opening"], {"duration_weeks": 20}),
    "delete opening": lambda ops, ids: ops.delete("opening", ids["opening"]),
    "edit company": lambda ops, ids: ops.update_company(ids["company"], name="Nyt navn", is_centre=True),
    "delete company": lambda ops, ids: ops.delete_company(ids["empty"]),
    "create visit": lambda ops, ids: ops.create_visit(ids["company"], body="Referat"),
}
# Each operation with each step it passes through.
CRASH_POINTS = [
    ("after the row was inserted", "create company"),
    ("after the row was inserted", "create opening"),
    ("after the row was inserted", "create visit"),
    ("after the row was updated", "edit company"),
    ("after the row was updated", "edit opening duration"),
    ("after the tombstone was written", "delete company"),
    ("after the tombstone was written", "delete opening"),
    ("while indexing for search", "create company"),
    ("while indexing for search", "create opening"),
    ("while indexing for search", "create visit"),
    ("while indexing for search", "edit company"),
    ("while planning follow-ups", "create opening"),
    ("while planning follow-ups", "edit opening duration"),
    ("while planning follow-ups", "delete opening"),
    ("while planning centre visits", "create company"),
    ("while planning centre visits", "edit company"),
    ("while planning centre visits", "delete company"),
]


@pytest.mark.parametrize(("where", "operation"), CRASH_POINTS, ids=[f"{o} / {w}" for w, o in CRASH_POINTS])
def test_a_crash_inside_an_operation_leaves_neither_row_nor_outbox_entry(ops, db, monkeypatch, where, operation):
    company = ops.create_company(name="Før").id
    empty = ops.create_company(name="Tom")
    ops.add_contact(empty.id, name="Jens")
    ops.add_mentor(empty.id, name="Mette")
    opening = ops.create_opening(company, title="Job", kind="smaajob", duration_weeks=4).id
    ids = {"company": company, "empty": empty.id, "opening": opening}
    before = snapshot(db)
    target, replacement = CRASHES[where]
    monkeypatch.setattr(target, replacement)
    with pytest.raises(PowerCut):
        OPERATIONS[operation](ops, ids)
    assert snapshot(db) == before
    monkeypatch.undo()
    # The next operation carries on with the next mutation id, as if nothing happened.
    ops.update_company(company, city="Aars")
    assert outbox(db)[-1].mutation_id == before.outbox[-1][0] + 1


def test_a_crash_after_planning_follow_ups_takes_them_back_too(ops, db, monkeypatch):
    company = ops.create_company(name="Før").id
    before = snapshot(db)
    original = planning.plan_opening_follow_ups

    def plan_then_crash(writer, opening, today):
        original(writer, opening, today)
        assert writer.changes.touches("follow_up")
        raise PowerCut

    monkeypatch.setattr(planning, "plan_opening_follow_ups", plan_then_crash)
    with pytest.raises(PowerCut):
        ops.create_opening(company, title="Praktik", kind="virksomhedspraktik", duration_weeks=13,
                           starts_on=date(2026, 12, 1))
    assert snapshot(db) == before


def test_the_outbox_row_commits_with_the_row_it_describes(ops, db):
    company = ops.create_company(name="Firma").id
    with db.read() as session:
        assert get_record(session, "company", company) is not None
        entries = session.connection().execute(text("SELECT entity_id FROM outbox")).scalars().all()
    assert entries == [company]


def test_a_change_queued_in_this_transaction_counts_as_unsent(db):
    from desktop.models import outbox as queue

    with db.write() as session:
        assert not queue.has_unsent(session)
        queue.append(session, "company", "c-1", "upsert", 0, {"name": "Aars Tømrer"})
        assert queue.has_unsent(session)  # not committed yet, nor flushed: it counts all the same


def test_the_first_sign_in_claims_exactly_the_creations_whose_team_or_owner_is_empty(db, team_id, user_id):
    """claim_for: SQLite picks the candidates, Python decides what empty means (missing, null, "", 0...)."""
    owner = str(uuid.uuid4())
    kinds = {  # name -> the creation's fields as sent
        "no_team": {"name": "A"},
        "null_team": {"name": "B", "team_id": None, "responsible_user_id": owner},
        "empty_team": {"name": "C", "team_id": "", "responsible_user_id": owner},
        "zero_owner": {"name": "D", "team_id": team_id, "responsible_user_id": 0},
        "empty_list_owner": {"name": "E", "team_id": team_id, "responsible_user_id": []},
        "string_zero_owner": {"name": "F", "team_id": team_id, "responsible_user_id": "0"},
        "complete": {"name": "G", "team_id": team_id, "responsible_user_id": owner},
    }
    entries = {}
    with db.write() as session:
        for name, fields in kinds.items():
            entry = OutboxEntry(entity="company", entity_id=str(uuid.uuid4()), op="upsert", base_version=0,
                                fields=json.dumps(fields))
            session.add(entry)
            session.flush()
            entries[name] = entry.mutation_id
        # An edit (base version 1) is never claimed, however empty.
        session.add(OutboxEntry(entity="company", entity_id=str(uuid.uuid4()), op="upsert", base_version=1,
                                fields=json.dumps({"name": "H"})))
    with db.write() as session:
        assert claim_for(session, team_id, user_id) == 5  # all but "0" (a text) and the complete one
    with db.read() as session:
        sent = {m: json.loads(f) for m, f in session.execute(
            text("SELECT mutation_id, fields FROM outbox WHERE base_version = 0"))}
    for name in ("no_team", "null_team", "empty_team"):
        assert sent[entries[name]]["team_id"] == team_id, name
    for name in ("zero_owner", "empty_list_owner"):
        assert sent[entries[name]]["responsible_user_id"] == user_id, name
    assert sent[entries["string_zero_owner"]] == kinds["string_zero_owner"]
    assert sent[entries["complete"]] == kinds["complete"]
