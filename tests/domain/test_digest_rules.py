"""The weekly digest's counting rules on hand-made rows: every rule's edge, counted exactly."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from desktop.domain.digest import (
    DigestCentre,
    DigestFollowUp,
    DigestOpening,
    DigestVisit,
    count_week,
    digest_text,
    last_week,
    week_key,
)

MONDAY = date(2026, 11, 16)  # week 47: 16-22 November
METTE, SOREN = "mette-id", "soren-id"


def at(day: int, hour: int = 12) -> datetime:
    return datetime(2026, 11, day, hour, tzinfo=UTC)


def test_the_week_before_today_and_its_key():
    assert last_week(date(2026, 11, 23)) == MONDAY  # a Monday: the week just ended
    assert last_week(date(2026, 11, 29)) == MONDAY  # Sunday of the next week: still that week
    assert week_key(date(2026, 11, 23)) == "2026-W48"
    assert week_key(date(2027, 1, 1)) == "2026-W53"
    with pytest.raises(ValueError):
        count_week(date(2026, 11, 17), [], [], [], [])


def test_counts_per_consultant_at_the_edges_of_the_week():
    visits = [
        DigestVisit(METTE, date(2026, 11, 16), "ready", "received"),  # Monday, waiting
        DigestVisit(METTE, date(2026, 11, 22), "ready", "approved"),  # Sunday, answered
        DigestVisit(METTE, date(2026, 11, 23), "ready", "received"),  # next week: not counted
        DigestVisit(SOREN, date(2026, 11, 18), "ready", "edited"),  # corrected: waiting again
        DigestVisit(SOREN, date(2026, 11, 19), "draft", None),
        DigestVisit(SOREN, date(2026, 11, 15), "ready", "received"),  # the week before
    ]
    openings = [
        DigestOpening(METTE, "smaajob", "open", at(16, 0), at(16, 0), None, None),
        DigestOpening(METTE, "virksomhedspraktik", "filled", at(10), at(20), date(2026, 11, 18), 13),
        DigestOpening(SOREN, "virksomhedspraktik", "filled", at(1), at(2), date(2026, 8, 24), 13),  # ends 23-11
        DigestOpening(SOREN, "virksomhedspraktik", "filled", at(1), at(2), date(2026, 8, 23), 13),  # ends 22-11
        DigestOpening(SOREN, "smaajob", "filled", at(22, 23), at(23, 0), None, None),  # filled Monday after
        DigestOpening(None, "virksomhedspraktik", "open", at(17), at(17), date(2026, 11, 20), 4),  # not filled
    ]
    follow_ups = [
        DigestFollowUp(METTE, date(2026, 11, 22), False),  # due Sunday, not done: overdue on Monday
        DigestFollowUp(METTE, date(2026, 11, 23), False),  # due on the Monday itself: not yet
        DigestFollowUp(SOREN, date(2026, 11, 2), True),
    ]
    centres = [
        DigestCentre(SOREN, date(2026, 11, 1), None, at(1), 21),  # due 22-11: overdue
        DigestCentre(SOREN, date(2026, 11, 2), None, at(1), 21),  # due 23-11: not yet
        DigestCentre(METTE, None, date(2026, 6, 1), at(1), 14),  # never visited since the agreement
        DigestCentre(None, None, None, datetime(2026, 11, 1, 23), None),  # 21 days from registration
    ]
    counts = count_week(MONDAY, visits, openings, follow_ups, centres)
    by = {c.consultant_id: c for c in counts.consultants}
    assert by[METTE].figures() == (2, 1, 1, 1, 1, 0, 1, 1)
    assert by[SOREN].figures() == (2, 1, 1, 0, 0, 1, 0, 1)
    assert by[None].figures() == (0, 0, 1, 0, 0, 0, 0, 1)
    assert counts.totals() == (4, 2, 3, 1, 1, 1, 1, 3)
    # The visits chart: eight weeks up to this one; Søren's visit of the week before is in it.
    assert counts.trend_mondays[-1] == MONDAY and len(counts.trend_mondays) == 8
    assert by[SOREN].visits_per_week[-2:] == (1, 2)
    assert by[METTE].visits_per_week[-1] == 2


def test_the_text_names_everyone_and_says_every_total():
    counts = count_week(MONDAY, [DigestVisit(METTE, date(2026, 11, 17), "ready", "received")], [],
                        [DigestFollowUp(SOREN, date(2026, 11, 1), False)], [])
    text = digest_text(counts, {METTE: "Mette Kjær", SOREN: "Søren Østergaard"}, "Jobcenter Jammerbugt")
    assert text.startswith("Ugens overblik for Jobcenter Jammerbugt\nUge 47: 16-11-2026 – 22-11-2026\n")
    assert "  Besøg skrevet: 1\n  Venter på gennemsyn: 1\n  Jobåbninger oprettet: 0\n" in text
    assert "Mette Kjær:\n  Besøg skrevet: 1\n  Venter på gennemsyn: 1\n\nSøren Østergaard:\n" \
           "  Opfølgninger overskredet: 1\n" in text
