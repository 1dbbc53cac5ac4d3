"""Supervisor read models: the queue and the overviews, computed exactly."""

from __future__ import annotations

from datetime import date, timedelta

from desktop.models.entities import Review
from desktop.models.review_queries import overview_by_centre, overview_by_consultant, review_queue
from tests.conftest import TODAY


def test_queue_holds_ready_visits_whose_latest_review_is_received_or_edited(ops, db):
    company = ops.create_company(name="Aars Bageri").id
    waiting = ops.create_visit(company, body="Venter").id
    approved = ops.create_visit(company, body="Godkendt").id
    draft = ops.create_visit(company, body="Kladde").id
    edited = ops.create_visit(company, body="Rettet").id
    for visit in (waiting, approved, edited):
        ops.mark_visit_ready(visit)
    with db.write() as session:
        session.add_all([
            Review(visit_id=waiting, state="received", version=1),
            Review(visit_id=approved, state="received", version=2),
            Review(visit_id=approved, state="approved", version=3),
            Review(visit_id=edited, state="rejected", version=4),
            Review(visit_id=edited, state="edited", version=5),
        ])
    with db.read() as session:
        rows = review_queue(session)
    assert {r.visit_id: r.state for r in rows} == {waiting: "received", edited: "edited"}
    assert draft not in {r.visit_id for r in rows}


def test_overview_per_consultant_counts_visits_openings_and_placed_hours(ops, db, user_id):
    company = ops.create_company(name="Jammerbugt Rengøring ApS").id
    visit = ops.create_visit(company, visited_at=TODAY).id
    ops.create_visit(company, visited_at=TODAY - timedelta(days=40))  # outside the period
    # As the supervisor report counts them: for the consultant of the visit they came from.
    ops.create_opening(company, visit_id=visit, title="Rengøring", kind="virksomhedspraktik", hours_per_week=8)
    ops.create_opening(company, visit_id=visit, title="Ordinære timer", kind="ordinary", hours_per_week=8, places=2,
                       status="filled")
    ops.create_opening(company, title="Uden besøg", kind="smaajob")  # no visit: the team's, nobody's in particular
    # Openings without a start count by the day they were created: the real clock, past the tests' fixed TODAY.
    end = max(TODAY, date.today())
    with db.read() as session:
        [row] = overview_by_consultant(session, TODAY - timedelta(days=30), end)
    assert (row.consultant_id, row.visits, row.openings_created, row.openings_filled,
            row.filled_hours_per_week) == (user_id, 1, 2, 1, 16.0)


def test_overview_per_centre_shows_the_next_due_visit(ops, db):
    centre = ops.create_company(name="Vesthimmerland Virksomhedscenter", is_centre=True, centre_places=6).id
    ops.create_visit(centre, visited_at=TODAY - timedelta(days=25))
    ops.create_opening(centre, title="Lager", kind="smaajob")
    with db.read() as session:
        [row] = overview_by_centre(session, date(2026, 10, 1), TODAY, TODAY)
    assert (row.name, row.places, row.visits_in_period, row.last_visit, row.next_due, row.overdue,
            row.open_openings) == ("Vesthimmerland Virksomhedscenter", 6, 1, TODAY - timedelta(days=25),
                                   TODAY - timedelta(days=4), True, 1)
