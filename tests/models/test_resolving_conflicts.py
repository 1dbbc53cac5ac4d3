"""Resolving a sync conflict through the operations: keep the server's value, or restore the lost one
as an ordinary edit (refused on an approved visit; a restored duration moves the planned follow-ups)."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from desktop.domain import ValidationError
from desktop.models.entities import Conflict
from desktop.models.queries import list_follow_ups
from desktop.models.record_queries import get_record
from tests.models.snapshot import approve, outbox, snapshot


def record(db, entity, record_id):
    with db.read() as session:
        return get_record(session, entity, record_id)


def add_conflict(db, entity, record_id, field, kept, lost) -> str:
    with db.write() as session:
        conflict = Conflict(entity=entity, record_id=record_id, field=field, kept_value=kept, lost_value=lost,
                            version=3)
        session.add(conflict)
        session.flush()
        return conflict.id


def test_resolving_a_conflict_keeps_the_server_value_and_syncs_the_decision(ops, db):
    company = ops.create_company(name="Firma").id
    visit = ops.create_visit(company, body="Serverens tekst").id
    conflict = add_conflict(db, "visit", visit, "body", "Serverens tekst", "Min tekst")
    changes = ops.resolve_conflict(conflict)
    assert changes.entities == {"conflict"}
    assert record(db, "visit", visit).fields["body"] == "Serverens tekst"
    last = outbox(db)[-1]
    assert (last.entity, last.entity_id, last.fields, last.base_version) == ("conflict", conflict,
                                                                             {"resolved": True}, 3)
    assert not ops.resolve_conflict(conflict)  # already resolved: nothing to send


def test_restoring_the_lost_value_is_an_ordinary_edit(ops, db):
    company = ops.create_company(name="Firma").id
    visit = ops.create_visit(company, body="Serverens tekst").id
    conflict = add_conflict(db, "visit", visit, "body", "Serverens tekst", "Min tekst")
    changes = ops.resolve_conflict(conflict, keep_lost_value=True)
    assert changes.entities == {"conflict", "visit"}
    assert record(db, "visit", visit).fields["body"] == "Min tekst"
    assert [(e.entity, e.fields) for e in outbox(db)[-2:]] == [("visit", {"body": "Min tekst"}),
                                                                ("conflict", {"resolved": True})]


def test_restoring_a_lost_value_into_an_approved_visit_is_refused(ops, db):
    company = ops.create_company(name="Firma").id
    visit = ops.create_visit(company, body="Godkendt tekst").id
    conflict = add_conflict(db, "visit", visit, "body", "Godkendt tekst", "Min tekst")
    approve(db, visit)
    before = snapshot(db)
    with pytest.raises(ValidationError) as info:
        ops.resolve_conflict(conflict, keep_lost_value=True)
    assert info.value.errors[0].code == "approved_locked"
    assert snapshot(db) == before
    ops.resolve_conflict(conflict)  # keeping the approved text is fine


def test_restoring_a_lost_duration_moves_the_planned_follow_ups(ops, db):
    company = ops.create_company(name="Firma").id
    opening = ops.create_opening(company, title="Praktik", kind="virksomhedspraktik", duration_weeks=10,
                                 starts_on="2026-12-01").id
    conflict = add_conflict(db, "opening", opening, "duration_weeks", "10", "20")
    ops.resolve_conflict(conflict, keep_lost_value=True)
    with db.read() as session:
        due = {f.auto_key: f.due_on for f in list_follow_ups(session, subject_id=opening).items}
    assert due == {"opening_midway": date(2026, 12, 1) + timedelta(days=70),
                   "opening_end": date(2026, 12, 1) + timedelta(days=140)}
