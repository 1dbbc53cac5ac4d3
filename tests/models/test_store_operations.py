"""Operations: one transaction each, row + outbox + search index, typed errors, nothing half-written."""

from __future__ import annotations

import json
import random

import pytest
from sqlalchemy import text

from bench.datagen import valid_cvr
from desktop.domain import ValidationError
from desktop.models import Actor, Operations
from desktop.models.entities import Review
from desktop.models.queries import get_record
from tests.conftest import TODAY
from tests.models.helpers import fingerprint, outbox


def test_sqlite_runs_with_wal_and_foreign_keys(db):
    with db.read() as session:
        conn = session.connection()
        assert conn.execute(text("PRAGMA journal_mode")).scalar() == "wal"
        assert conn.execute(text("PRAGMA foreign_keys")).scalar() == 1


def test_create_writes_row_outbox_and_returns_changes(ops, db, team_id, user_id):
    result = ops.create_company(name="Jammerbugt Rengøring ApS", city="Aabybro", phone="98 24 11 00")
    assert result.changes.entities == {"company"} and result.id in result.changes.ids
    [entry] = outbox(db)
    assert entry.entity == "company" and entry.entity_id == result.id and entry.op == "upsert"
    assert entry.base_version == 0
    fields = json.loads(entry.fields)
    assert fields["name"] == "Jammerbugt Rengøring ApS" and fields["team_id"] == team_id
    assert fields["responsible_user_id"] == user_id
    with db.read() as session:
        record = get_record(session, "company", result.id)
    assert record.fields["city"] == "Aabybro" and record.version == 0


def test_update_sends_only_changed_fields_with_base_version(ops, db):
    company = ops.create_company(name="Aars Tømrer", city="Aars").id
    with db.write() as session:  # as if the server had accepted it at version 7
        session.execute(text("UPDATE company SET version = 7 WHERE id = :id"), {"id": company})
    changes = ops.update_company(company, name="Aars Tømrer", city="Farsø")
    assert changes.ids == {company}
    last = outbox(db)[-1]
    assert json.loads(last.fields) == {"city": "Farsø"} and last.base_version == 7


def test_update_that_changes_nothing_writes_no_outbox_row(ops, db):
    company = ops.create_company(name="Ens ApS").id
    before = len(outbox(db))
    changes = ops.update_company(company, name="Ens ApS")
    assert not changes and len(outbox(db)) == before


def test_delete_is_a_tombstone_with_an_outbox_entry(ops, db):
    company = ops.create_company(name="Væk ApS").id
    contact = ops.add_contact(company, name="Jens").id
    ops.delete_company(company)
    entries = outbox(db)
    assert (entries[-2].entity, entries[-2].op) == ("contact", "delete") or entries[-1].op == "delete"
    with db.read() as session:
        assert get_record(session, "company", company) is None
        assert get_record(session, "contact", contact) is None


def test_cvr_unique_per_team_but_free_in_another_team_and_after_delete(db, ops, user_id):
    cvr = valid_cvr(random.Random(1))
    first = ops.create_company(name="Første", cvr=cvr).id
    with pytest.raises(ValidationError) as info:
        ops.create_company(name="Anden", cvr=cvr)
    assert info.value.field == "cvr" and "Første" in info.value.message()
    other_team = Operations(db, Actor(user_id, "7d0e8a8e-0000-4000-8000-00000000beef"), today=lambda: TODAY)
    other_team.create_company(name="Anden", cvr=cvr)
    ops.delete_company(first)
    ops.create_company(name="Tredje", cvr=cvr)


def test_references_must_exist(ops):
    with pytest.raises(ValidationError) as info:
        ops.create_visit("5a0e8a8e-0000-4000-8000-000000000000", body="x")
    assert info.value.field == "company_id"


def test_approved_visit_cannot_be_edited_or_deleted(ops, db):
    company = ops.create_company(name="Godkendt ApS").id
    visit = ops.create_visit(company, body="Referat").id
    with db.write() as session:
        session.add(Review(visit_id=visit, state="approved", version=5, team_id=None))
    with pytest.raises(ValidationError) as info:
        ops.save_visit_draft(visit, body="Ændret")
    assert "godkendt" in info.value.message()
    with pytest.raises(ValidationError):
        ops.delete("visit", visit)


def test_company_with_visits_cannot_be_deleted(ops):
    company = ops.create_company(name="Med besøg").id
    ops.create_visit(company, body="Besøg")
    with pytest.raises(ValidationError) as info:
        ops.delete_company(company)
    assert "besøg" in info.value.message()


REFUSALS = [
    ("company", {"name": ""}),
    ("company", {"name": "X", "cvr": "12345678"}),
    ("company", {"name": "X", "email": "ikke-en-mail"}),
    ("company", {"name": "X", "phone": "123"}),
    ("company", {"name": "X", "postcode": "95"}),
    ("company", {"name": "X", "centre_agreement_start": "01-02-2026", "centre_agreement_end": "01-01-2026"}),
    ("company", {"name": "X", "unknown": 1}),
    ("opening", {"title": "Rengøring", "kind": "smaajob", "hours_per_week": 40}),
    ("opening", {"title": "Rengøring", "kind": "smaajob", "places": 0}),
    ("opening", {"title": "", "kind": "smaajob"}),
    ("visit", {"visited_at": "32-13-2026"}),
    ("mentor", {"name": "Mentor", "capacity": 0}),
]


@pytest.mark.parametrize(("entity", "fields"), REFUSALS)
def test_every_refusal_leaves_the_database_and_outbox_untouched(ops, db, entity, fields):
    company = ops.create_company(name="Basis ApS").id
    if entity in ("opening", "visit", "mentor"):
        fields = {"company_id": company, **fields}
    before = fingerprint(db)
    with pytest.raises(ValidationError) as info:
        ops.create(entity, fields)
    assert info.value.field and info.value.message("da") and info.value.message("en")
    assert fingerprint(db) == before


@pytest.mark.parametrize(("entity", "fields"), REFUSALS[1:7])
def test_refused_updates_leave_the_database_untouched(ops, db, entity, fields):
    company = ops.create_company(name="Basis ApS").id
    before = fingerprint(db)
    with pytest.raises(ValidationError):
        ops.update_company(company, **{k: v for k, v in fields.items() if k != "name"} or {"name": ""})
    assert fingerprint(db) == before


def test_crash_inside_an_operation_leaves_neither_row_nor_outbox(ops, db, monkeypatch):
    company = ops.create_company(name="Før").id
    before = fingerprint(db)

    def crash(*args, **kwargs):
        raise RuntimeError("power cut")

    monkeypatch.setattr("desktop.models.planning.plan_opening_follow_ups", crash)
    with pytest.raises(RuntimeError):
        ops.create_opening(company, title="Praktik", kind="virksomhedspraktik", duration_weeks=13)
    assert fingerprint(db) == before


def test_ten_thousand_operations_make_ten_thousand_consecutive_mutation_ids(ops, db):
    company = ops.create_company(name="Mange ændringer").id
    for i in range(9_999):
        ops.update_company(company, notes=f"ændring {i}")
    ids = [row.mutation_id for row in outbox(db)]
    assert len(ids) == 10_000
    assert ids == list(range(ids[0], ids[0] + 10_000))
