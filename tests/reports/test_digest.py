"""The weekly digest from the local database: a seeded week counted exactly, and its PDF."""

from __future__ import annotations

import os
import shutil
import uuid
from datetime import UTC, date, datetime

import pytest

from desktop.domain.digest import METRICS
from desktop.models.entities import Opening, Review
from desktop.models.queries import list_follow_ups
from desktop.reports import render_pdf, weekly_digest_data
from tests.conftest import TODAY
from tests.reports.dataset import SOREN
from tests.reports.test_report_pdf import pdf_text

WEEK_47 = date(2026, 11, 16)  # TODAY (23-11-2026, a Monday) looks back on week 47


def stamp(db, opening_id, created, updated):
    """Created and last changed on these days (as the records would be, had they been written then)."""
    with db.write() as session:
        row = session.get(Opening, opening_id)
        row.created_at = datetime(*created, 10, 0, tzinfo=UTC)
        row.updated_at = datetime(*updated, 10, 0, tzinfo=UTC)


def review(db, ops, visit_id, state):
    with db.write() as session:  # as the sync writes the server's review state
        session.add(Review(id=str(uuid.uuid4()), team_id=ops.actor.team_id, version=100 + len(state),
                           visit_id=visit_id, state=state, reviewed_at=datetime(2026, 11, 21, tzinfo=UTC)))


@pytest.fixture
def week(db, ops, dataset):
    """The Jammerbugt/Vesthimmerland dataset plus a week of work by Mette and Søren."""
    aars = dataset.centres["Aars Tømrer & Snedker A/S"]
    waiting = ops.create_visit(dataset.jammerbugt, visited_at=date(2026, 11, 17), kind="follow_up",
                               body="Praktikstart aftalt.", status="ready").id
    review(db, ops, waiting, "received")
    soren_visit = ops.create_visit(aars, visited_at=date(2026, 11, 20), kind="centre_visit", consultant_id=SOREN,
                                   body="Rettet efter kommentar.", status="ready").id
    review(db, ops, soren_visit, "edited")
    ending = ops.create_opening(aars, visit_id=soren_visit, title="Lager", kind="virksomhedspraktik",
                                duration_weeks=13, starts_on=date(2026, 8, 20), status="filled").id
    # The internship was filled on Tuesday of week 47; the others were registered that week.
    stamp(db, dataset.internship, (2026, 11, 12), (2026, 11, 17))
    stamp(db, dataset.ordinary, (2026, 11, 18), (2026, 11, 18))
    logstor = next(o.id for o in list_openings(db) if o.title == "Småjob i montagehallen")
    stamp(db, logstor, (2026, 11, 20), (2026, 11, 20))
    stamp(db, ending, (2026, 8, 10), (2026, 8, 15))
    return dataset


def list_openings(db):
    from desktop.models.queries import list_openings as query

    with db.read() as session:
        return query(session, limit=100).items


def test_a_seeded_week_is_counted_exactly(db, week, user_id, team_id):
    with db.read() as session:
        digest = weekly_digest_data(session, team_id, today=TODAY, names=week.names, team_name="Jobcenter Jammerbugt")
        overdue = [(f.due_on, f.note, f.assignee_id) for f in list_follow_ups(session, done=False).items
                   if f.due_on < TODAY]
    assert digest.counts.start == WEEK_47 and digest.counts.as_of == TODAY
    # Overdue on Monday 23-11: "Ring til Lone" (due 20-11) and the August internship's midway (04-10) and end
    # (19-11) follow-ups, planned for Mette who registered it; Løgstør's centre visit (due 15-06) is Søren's.
    assert sorted((due, assignee == user_id) for due, _note, assignee in overdue) == [
        (date(2026, 6, 15), False), (date(2026, 10, 4), True), (date(2026, 11, 19), True),
        (date(2026, 11, 20), True)]
    header = [key for key, _ in METRICS]
    assert header == ["visits_written", "still_waiting", "openings_created", "openings_filled",
                      "internships_starting", "internships_ending", "overdue_follow_ups", "overdue_centres"]
    assert digest.rows == [
        # Farsø (19-11, a draft) and the waiting follow-up visit (17-11); the ordinary opening and Løgstør's
        # småjob registered; the Jammerbugt internship filled and starting (16-11); three follow-ups overdue.
        ("Mette Kjær", (2, 1, 2, 1, 1, 0, 3, 0)),
        # The corrected centre visit (20-11) still waits; the August internship ends 19-11; Løgstør's visit
        # (and its follow-up) is overdue.
        ("Søren Østergaard", (1, 1, 0, 0, 0, 1, 1, 1)),
    ]
    assert digest.counts.totals() == (3, 2, 2, 1, 1, 1, 4, 1)
    # The visits chart's eight weeks end with week 47; week 46 has the first Jammerbugt visit, week 45 Aars.
    mette = next(c for c in digest.counts.consultants if c.consultant_id == user_id)
    soren = next(c for c in digest.counts.consultants if c.consultant_id == SOREN)
    assert (mette.visits_per_week[-2:], soren.visits_per_week[-3:]) == ((1, 2), (1, 0, 1))


def test_digest_pdf_holds_the_counts_and_the_charts(db, week, team_id, tmp_path):
    with db.read() as session:
        digest = weekly_digest_data(session, team_id, today=TODAY, names=week.names, team_name="Jobcenter Jammerbugt")
    path = render_pdf(digest, tmp_path / "ugens-overblik.pdf")
    if os.environ.get("FELTBOG_KEEP_PDF"):
        shutil.copy(path, os.environ["FELTBOG_KEEP_PDF"])
    pages, text = pdf_text(path)
    assert pages == 1
    for expected in ("Ugens overblik", "Jobcenter Jammerbugt · uge 47", "16-11-2026 – 22-11-2026",
                     "Mette Kjær 2 1 2 1 1 0 3 0", "Søren Østergaard 1 1 0 0 0 1 1 1",
                     "I alt 3 2 2 1 1 1 4 1", "Besøg pr. uge, de sidste 8 uger", "uge 47"):
        assert expected in text, expected
