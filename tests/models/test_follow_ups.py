"""Follow-ups the app plans by itself: midway and end of an opening with a duration, and a
company centre whose visit interval ran out. Their ids are deterministic across devices."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from desktop.domain.schema import OPENING_KINDS
from desktop.models import Actor, Database, Operations
from desktop.models.centre_queries import centres_due
from desktop.models.entities import Company
from desktop.models.planning import centre_follow_up_id
from desktop.models.queries import list_follow_ups
from tests.conftest import TODAY
from tests.models.snapshot import outbox

START = date(2026, 12, 1)


def follow_ups(db, subject_id):
    with db.read() as session:
        return list_follow_ups(session, done=None, subject_id=subject_id, limit=1000).items


def planned(db, subject_id, done=False):
    return {f.auto_key: f.due_on for f in follow_ups(db, subject_id) if f.done is done}


class Clock:
    """A settable 'today' for Operations."""

    def __init__(self, today: date = TODAY) -> None:
        self.today = today

    def __call__(self) -> date:
        return self.today


@pytest.fixture
def clock():
    return Clock()


@pytest.fixture
def timed_ops(db, user_id, team_id, clock):
    return Operations(db, Actor(user_id, team_id), today=clock)


# -- openings ------------------------------------------------------------------------------------------


def test_the_jammerbugt_internship_gets_a_midway_and_an_end_follow_up(ops, db, user_id):
    """3 months, 8 hours a week, follow-up halfway and at the end."""
    company = ops.create_company(name="Jammerbugt Rengøring ApS").id
    result = ops.create_opening(company, title="Rengøring", kind="virksomhedspraktik", duration_weeks=13,
                                hours_per_week=8, starts_on="01-12-2026")
    assert planned(db, result.id) == {"opening_midway": START + timedelta(days=45),
                                      "opening_end": START + timedelta(days=91)}
    rows = follow_ups(db, result.id)
    assert {f.id for f in rows} <= result.changes.ids and result.changes.touches("follow_up")
    assert {f.subject_kind for f in rows} == {"opening"} and {f.assignee_id for f in rows} == {user_id}
    assert {f.note for f in rows} == {"Midtvejsopfølgning: Rengøring", "Slutopfølgning: Rengøring"}
    assert {f.subject_title for f in rows} == {"Rengøring"}
    # They sync like everything else.
    sent = [e for e in outbox(db) if e.entity == "follow_up"]
    assert {e.entity_id for e in sent} == {f.id for f in rows}
    assert {e.fields["due_on"] for e in sent} == {"2027-01-15", "2027-03-02"}


@pytest.mark.parametrize("kind", OPENING_KINDS)
def test_any_opening_with_a_duration_plans_them(ops, db, kind):
    company = ops.create_company(name="Firma").id
    opening = ops.create_opening(company, title="Job", kind=kind, duration_weeks=2, starts_on=START).id
    assert planned(db, opening) == {"opening_midway": START + timedelta(days=7),
                                    "opening_end": START + timedelta(days=14)}


def test_an_opening_without_a_duration_plans_nothing(ops, db):
    company = ops.create_company(name="Firma").id
    opening = ops.create_opening(company, title="Ordinært job", kind="ordinary", starts_on=START)
    assert follow_ups(db, opening.id) == [] and opening.changes.entities == {"opening"}


def test_without_a_start_date_it_plans_from_today(ops, db):
    company = ops.create_company(name="Firma").id
    opening = ops.create_opening(company, title="Småjob", kind="smaajob", duration_weeks=4).id
    assert planned(db, opening) == {"opening_midway": TODAY + timedelta(days=14),
                                    "opening_end": TODAY + timedelta(days=28)}


def test_changing_the_duration_or_the_start_moves_them(ops, db):
    company = ops.create_company(name="Aars Bageri").id
    opening = ops.create_opening(company, title="Småjob", kind="smaajob", duration_weeks=10, starts_on=START).id
    ids = {f.auto_key: f.id for f in follow_ups(db, opening)}
    changes = ops.update("opening", opening, {"duration_weeks": 20})
    assert set(ids.values()) <= changes.ids
    assert planned(db, opening) == {"opening_midway": START + timedelta(days=70),
                                    "opening_end": START + timedelta(days=140)}
    ops.update("opening", opening, {"starts_on": "04-01-2027"})
    assert planned(db, opening) == {"opening_midway": date(2027, 1, 4) + timedelta(days=70),
                                    "opening_end": date(2027, 1, 4) + timedelta(days=140)}
    assert {f.auto_key: f.id for f in follow_ups(db, opening)} == ids  # moved, not replaced
    moves = [e for e in outbox(db) if e.entity == "follow_up" and e.base_version == 0 and "due_on" in e.fields
             and len(e.fields) == 1]
    assert len(moves) == 4  # each move sends only the new date


def test_removing_the_duration_removes_the_open_ones_and_keeps_the_done_ones(ops, db):
    company = ops.create_company(name="Firma").id
    opening = ops.create_opening(company, title="Praktik", kind="virksomhedspraktik", duration_weeks=10,
                                 starts_on=START).id
    midway = next(f for f in follow_ups(db, opening) if f.auto_key == "opening_midway")
    ops.complete_follow_up(midway.id)
    ops.update("opening", opening, {"duration_weeks": 12})  # a done one is history: not moved
    assert planned(db, opening, done=True) == {"opening_midway": START + timedelta(days=35)}
    assert planned(db, opening) == {"opening_end": START + timedelta(days=84)}
    ops.update("opening", opening, {"duration_weeks": ""})
    assert [(f.auto_key, f.done) for f in follow_ups(db, opening)] == [("opening_midway", True)]
    ops.update("opening", opening, {"duration_weeks": 6})  # given again: the end is planned anew
    assert planned(db, opening) == {"opening_end": START + timedelta(days=42)}


def test_a_manual_follow_up_on_an_opening_is_never_moved_or_removed(ops, db):
    company = ops.create_company(name="Firma").id
    opening = ops.create_opening(company, title="Praktik", kind="virksomhedspraktik", duration_weeks=10,
                                 starts_on=START).id
    manual = ops.create_follow_up("opening", opening, due_on="15-12-2026", note="Ring til mentor").id
    ops.update("opening", opening, {"duration_weeks": 20, "starts_on": "2027-01-04"})
    ops.update("opening", opening, {"duration_weeks": None})
    [left] = follow_ups(db, opening)
    assert (left.id, left.due_on, left.auto_key) == (manual, date(2026, 12, 15), None)


def test_editing_something_else_on_a_later_day_does_not_move_them(timed_ops, db, clock):
    company = timed_ops.create_company(name="Firma").id
    opening = timed_ops.create_opening(company, title="Småjob", kind="smaajob", duration_weeks=4).id
    first = planned(db, opening)
    clock.today = TODAY + timedelta(days=9)
    changes = timed_ops.update("opening", opening, {"title": "Småjob i kantinen", "status": "in_dialogue"})
    assert changes.entities == {"opening"}
    assert planned(db, opening) == first


def test_deleting_an_opening_removes_its_open_planned_follow_ups(ops, db):
    company = ops.create_company(name="Firma").id
    opening = ops.create_opening(company, title="Praktik", kind="virksomhedspraktik", duration_weeks=10).id
    changes = ops.delete("opening", opening)
    assert changes.entities == {"opening", "follow_up"}
    assert follow_ups(db, opening) == []


# -- company centres --------------------------------------------------------------------------------------


def centre(ops, **fields):
    return ops.create_company(name="Vesthimmerland Virksomhedscenter", is_centre=True, **fields).id


@pytest.mark.parametrize(("days_since", "due"), [(20, False), (21, True), (40, True)])
def test_a_centre_gets_a_follow_up_when_the_default_21_days_ran_out(timed_ops, db, clock, days_since, due):
    company = centre(timed_ops)
    timed_ops.create_visit(company, visited_at=TODAY, kind="centre_visit")
    clock.today = TODAY + timedelta(days=days_since)
    changes = timed_ops.plan_centre_follow_ups()
    rows = follow_ups(db, company)
    if not due:
        assert rows == [] and not changes
        return
    [row] = rows
    assert (row.due_on, row.auto_key, row.subject_kind, row.done) == (TODAY + timedelta(days=21), "centre_visit",
                                                                       "company", False)
    assert row.note == "Besøg virksomhedscenter: Vesthimmerland Virksomhedscenter"
    assert changes.ids == {row.id} and changes.entities == {"follow_up"}


def test_the_centres_own_interval_counts(timed_ops, db, clock):
    company = centre(timed_ops, centre_visit_interval_days=14)
    timed_ops.create_visit(company, visited_at=TODAY, kind="centre_visit")
    clock.today = TODAY + timedelta(days=14)
    timed_ops.plan_centre_follow_ups()
    assert planned(db, company) == {"centre_visit": TODAY + timedelta(days=14)}


def test_a_new_visit_closes_it(timed_ops, db, clock):
    company = centre(timed_ops)
    timed_ops.create_visit(company, visited_at=TODAY - timedelta(days=25), kind="centre_visit")
    timed_ops.plan_centre_follow_ups()
    [open_one] = follow_ups(db, company)
    changes = timed_ops.create_visit(company, kind="centre_visit").changes
    assert changes.entities == {"visit", "follow_up"} and open_one.id in changes.ids
    [closed] = follow_ups(db, company)
    assert closed.id == open_one.id and closed.done
    assert outbox(db)[-1].fields == {"done": True}


def test_planning_twice_plans_once(timed_ops, db):
    company = centre(timed_ops, centre_agreement_start=TODAY - timedelta(days=60))
    assert len(follow_ups(db, company)) == 1  # planned as the centre was registered
    before = len(outbox(db))
    assert not timed_ops.plan_centre_follow_ups()
    assert not timed_ops.plan_centre_follow_ups()
    assert len(follow_ups(db, company)) == 1 and len(outbox(db)) == before


def test_without_visits_the_agreement_start_counts(timed_ops, db):
    company = centre(timed_ops, centre_agreement_start=TODAY - timedelta(days=30))
    assert planned(db, company) == {"centre_visit": TODAY - timedelta(days=9)}


def test_a_deleted_centre_follow_up_is_not_planned_again(timed_ops, db):
    company = centre(timed_ops, centre_agreement_start=TODAY - timedelta(days=30))
    [row] = follow_ups(db, company)
    timed_ops.delete("follow_up", row.id)
    timed_ops.plan_centre_follow_ups()
    assert follow_ups(db, company) == []


def test_an_ordinary_company_gets_none_and_a_former_centre_loses_its_open_one(timed_ops, db):
    plain = timed_ops.create_company(name="Ikke center", centre_agreement_start=TODAY - timedelta(days=60)).id
    timed_ops.plan_centre_follow_ups()
    assert follow_ups(db, plain) == []
    company = centre(timed_ops, centre_agreement_start=TODAY - timedelta(days=60))
    assert len(follow_ups(db, company)) == 1
    timed_ops.update_company(company, is_centre=False)
    assert follow_ups(db, company) == []


def test_the_today_list_and_the_planning_agree(timed_ops, db, clock):
    due_centre = centre(timed_ops)
    timed_ops.create_visit(due_centre, visited_at=TODAY - timedelta(days=21))
    fresh = timed_ops.create_company(name="Nyt center", is_centre=True).id
    timed_ops.create_visit(fresh, visited_at=TODAY - timedelta(days=3))
    timed_ops.plan_centre_follow_ups()
    with db.read() as session:
        assert [row.id for row, _last in centres_due(session, TODAY)] == [due_centre]
    assert len(follow_ups(db, due_centre)) == 1 and follow_ups(db, fresh) == []


def test_the_centre_follow_up_id_is_derived_from_centre_and_due_date():
    a = centre_follow_up_id("0b9d0c36-7b55-4c3a-9a63-6c1d3a0e0001", date(2026, 12, 14))
    assert a == centre_follow_up_id("0b9d0c36-7b55-4c3a-9a63-6c1d3a0e0001", date(2026, 12, 14))
    assert a != centre_follow_up_id("0b9d0c36-7b55-4c3a-9a63-6c1d3a0e0001", date(2026, 12, 15))
    assert a != centre_follow_up_id("0b9d0c36-7b55-4c3a-9a63-6c1d3a0e0002", date(2026, 12, 14))


def test_two_devices_plan_the_same_follow_up_with_the_same_id(tmp_path, user_id, team_id):
    """Two consultants' laptops, both holding the same synced centre, plan offline."""
    centre_id = "0b9d0c36-7b55-4c3a-9a63-6c1d3a0e0001"
    planned_ids = []
    for device, consultant in (("a", user_id), ("b", "3c5e0e43-1111-4e1e-8d8e-5c4a3e2f0b0b")):
        db = Database.in_folder(tmp_path / device)
        try:
            with db.write() as session:  # the centre as a sync would have stored it
                session.add(Company(id=centre_id, name="Fælles center", is_centre=True, team_id=team_id, version=3,
                                    centre_agreement_start=TODAY - timedelta(days=60)))
            ops = Operations(db, Actor(consultant, team_id), today=lambda: TODAY)
            ops.plan_centre_follow_ups()
            planned_ids.append([(f.id, f.due_on) for f in follow_ups(db, centre_id)])
        finally:
            db.close()
    assert planned_ids[0] == planned_ids[1]
    [(follow_up_id, due)] = planned_ids[0]
    assert follow_up_id == centre_follow_up_id(centre_id, due)


def test_a_centre_whose_agreement_ended_gets_no_more_reminders(timed_ops, db, clock):
    company = centre(timed_ops, centre_agreement_start=TODAY - timedelta(days=90),
                     centre_agreement_end=TODAY + timedelta(days=10))
    assert len(follow_ups(db, company)) == 1  # due while the agreement runs
    clock.today = TODAY + timedelta(days=11)
    timed_ops.plan_centre_follow_ups()
    assert follow_ups(db, company) == []  # the open reminder goes with the agreement
    with db.read() as session:
        assert company not in {row.id for row, _last in centres_due(session, clock.today)}


# -- a visit's "Opfølgning den" -------------------------------------------------------------------


def test_a_visits_follow_up_date_plans_a_follow_up_naming_the_company(timed_ops, db, user_id):
    company = timed_ops.create_company(name="Brovst Tømrerforretning").id
    visit = timed_ops.create_visit(company, follow_up_on=TODAY + timedelta(days=14)).id
    [row] = follow_ups(db, visit)
    assert (row.due_on, row.subject_kind, row.auto_key, row.assignee_id, row.done) == (
        TODAY + timedelta(days=14), "visit", "visit_follow_up", user_id, False)
    assert "Brovst Tømrerforretning" in row.note


def test_a_new_date_moves_it_and_no_date_removes_it(timed_ops, db):
    company = timed_ops.create_company(name="Aabybro Maskinstation").id
    visit = timed_ops.create_visit(company, follow_up_on=TODAY + timedelta(days=7)).id
    timed_ops.save_visit_draft(visit, follow_up_on=TODAY + timedelta(days=21))
    assert [f.due_on for f in follow_ups(db, visit)] == [TODAY + timedelta(days=21)]
    timed_ops.save_visit_draft(visit, body="Noter uden betydning for datoen")
    assert [f.due_on for f in follow_ups(db, visit)] == [TODAY + timedelta(days=21)]
    timed_ops.save_visit_draft(visit, follow_up_on=None)
    assert follow_ups(db, visit) == []


def test_a_done_visit_follow_up_stays_done_and_a_deleted_visit_takes_its_open_one(timed_ops, db):
    company = timed_ops.create_company(name="Pandrup Auto").id
    visit = timed_ops.create_visit(company, follow_up_on=TODAY + timedelta(days=7)).id
    [row] = follow_ups(db, visit)
    timed_ops.complete_follow_up(row.id)
    timed_ops.save_visit_draft(visit, follow_up_on=TODAY + timedelta(days=30))
    [kept] = follow_ups(db, visit)
    assert kept.done and kept.due_on == TODAY + timedelta(days=7)
    other = timed_ops.create_visit(company, follow_up_on=TODAY + timedelta(days=3)).id
    timed_ops.delete("visit", other)
    assert follow_ups(db, other) == []
