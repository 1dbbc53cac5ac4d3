"""Follow-ups the app plans by itself: openings with a duration, company centres."""

from __future__ import annotations

from datetime import date, timedelta

from desktop.models import Actor, Operations
from desktop.models.planning import centre_follow_up_id
from desktop.models.queries import list_follow_ups
from tests.conftest import TODAY


def follow_ups(db, **kwargs):
    with db.read() as session:
        return list_follow_ups(session, done=None, **kwargs).items


def test_internship_plans_midway_and_end_follow_ups(ops, db):
    """Jammerbugt: 3 months, 8 hours a week, follow-up halfway and at the end."""
    company = ops.create_company(name="Jammerbugt Rengøring ApS").id
    opening = ops.create_opening(company, title="Rengøring", kind="virksomhedspraktik", duration_weeks=13,
                                 hours_per_week=8, starts_on="01-12-2026").id
    planned = {f.auto_key: f.due_on for f in follow_ups(db, subject_id=opening)}
    assert planned == {"opening_midway": date(2026, 12, 1) + timedelta(days=45),
                       "opening_end": date(2026, 12, 1) + timedelta(days=91)}


def test_changing_start_or_duration_moves_them_and_removing_duration_removes_open_ones(ops, db):
    company = ops.create_company(name="Aars Bageri").id
    opening = ops.create_opening(company, title="Småjob", kind="smaajob", duration_weeks=10,
                                 starts_on="2027-01-04").id
    ops.update("opening", opening, {"duration_weeks": 20})
    planned = {f.auto_key: f.due_on for f in follow_ups(db, subject_id=opening)}
    assert planned["opening_end"] == date(2027, 1, 4) + timedelta(days=140)
    ops.update("opening", opening, {"starts_on": "2027-02-01"})
    planned = {f.auto_key: f.due_on for f in follow_ups(db, subject_id=opening)}
    assert planned["opening_midway"] == date(2027, 2, 1) + timedelta(days=70)
    midway = next(f for f in follow_ups(db, subject_id=opening) if f.auto_key == "opening_midway")
    ops.complete_follow_up(midway.id)
    ops.update("opening", opening, {"duration_weeks": None})
    left = follow_ups(db, subject_id=opening)
    assert [(f.auto_key, f.done) for f in left] == [("opening_midway", True)]


def test_opening_without_duration_plans_nothing(ops, db):
    company = ops.create_company(name="Ingen varighed").id
    opening = ops.create_opening(company, title="Ordinært job", kind="ordinary").id
    assert follow_ups(db, subject_id=opening) == []


def test_centre_gets_a_follow_up_when_its_interval_ran_out_and_a_visit_closes_it(db, user_id, team_id):
    today = {"value": TODAY}
    ops = Operations(db, Actor(user_id, team_id), today=lambda: today["value"])
    centre = ops.create_company(name="Vesthimmerland Virksomhedscenter", is_centre=True,
                                centre_visit_interval_days=21).id
    ops.create_visit(centre, visited_at=TODAY - timedelta(days=10), kind="centre_visit")
    assert follow_ups(db, subject_id=centre) == []
    today["value"] = TODAY + timedelta(days=12)  # 22 days since the visit
    ops.plan_centre_follow_ups()
    [due] = follow_ups(db, subject_id=centre)
    assert due.due_on == TODAY + timedelta(days=11) and not due.done
    assert due.id == centre_follow_up_id(centre, due.due_on)
    ops.plan_centre_follow_ups()  # running again plans nothing twice
    assert len(follow_ups(db, subject_id=centre)) == 1
    ops.create_visit(centre, visited_at=today["value"], kind="centre_visit")
    [closed] = follow_ups(db, subject_id=centre)
    assert closed.done


def test_two_laptops_plan_the_same_centre_follow_up_id(tmp_path, user_id, team_id):
    from desktop.models import Database

    ids = []
    for name in ("a", "b"):
        db = Database.in_folder(tmp_path / name)
        ops = Operations(db, Actor(user_id, team_id), today=lambda: TODAY)
        centre = ops.create("company", {"name": "Fælles center", "is_centre": True,
                                        "centre_agreement_start": TODAY - timedelta(days=60)})
        ids.append({f.due_on for f in follow_ups(db, subject_id=centre.id)})
        db.close()
    assert ids[0] == ids[1] and ids[0]
