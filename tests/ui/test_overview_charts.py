"""The supervisor's Overblik shows the charts the PDF draws (issue 16, point 9)."""

from __future__ import annotations

import uuid
from datetime import timedelta

from desktop.models import Actor, Operations
from desktop.ui.account import AccountSnapshot
from tests.conftest import TODAY

METTE = str(uuid.uuid4())


def test_the_overview_draws_visits_per_week_openings_and_hours(window, ctx, qtbot):
    ops = Operations(ctx.db, Actor(METTE, None), today=lambda: TODAY)
    company = ops.create_company(name="Aars Tømrer").id
    for days in (0, 0, 1):
        ops.create_visit(company, visited_at=TODAY - timedelta(days=days), body="Besøg")
    ops.create_opening(company, title="Tømrer", kind="loentilskud", hours_per_week=30, status="filled",
                       starts_on=TODAY - timedelta(days=2))
    ctx.set_account(AccountSnapshot(server_url="https://feltbog.example", user_id=str(uuid.uuid4()),
                                    role="supervisor", signed_in=True, names={METTE: "Mette Madsen"}))
    window.sidebar.setCurrentRow(window.stack.indexOf(window.review))
    overview = window.review.overview
    overview.start.set_value(TODAY - timedelta(days=13))
    window.review.tabs.setCurrentWidget(overview)
    visits = overview.visits_chart
    qtbot.waitUntil(visits.has_values, timeout=5000)
    assert visits.categories == ["uge 46", "uge 47", "uge 48"]
    assert visits.series == [("Mette Madsen", [0.0, 1.0, 2.0])]
    assert visits.accessibleName() == "Besøg pr. uge" and visits.describe() == "uge 47: Mette Madsen 1; " \
        "uge 48: Mette Madsen 2"
    assert overview.openings_chart.categories == ["Løntilskud"] and overview.openings_chart.stacked
    assert ("Besat", [1.0]) in overview.openings_chart.series
    assert overview.hours_chart.series == [("Timer pr. uge", [0.0, 30.0, 0.0])]  # started on Saturday of uge 47
    image = visits.grab().toImage()
    assert visits.isVisible() and image.width() > 100
    # the bars are drawn: the first series' colour is on the chart
    colours = {image.pixelColor(x, y).name() for x in range(0, image.width(), 2) for y in range(0, image.height(), 2)}
    assert "#0072b2" in colours


def test_an_empty_period_says_so(window, ctx, qtbot):
    ctx.set_account(AccountSnapshot(user_id=str(uuid.uuid4()), role="supervisor", signed_in=True))
    window.sidebar.setCurrentRow(window.stack.indexOf(window.review))
    overview = window.review.overview
    window.review.tabs.setCurrentWidget(overview)
    qtbot.waitUntil(lambda: overview.visits_chart.empty_text != "", timeout=5000)
    assert not overview.visits_chart.has_values()
    assert overview.visits_chart.accessibleDescription() == "Ingen besøg i perioden."
