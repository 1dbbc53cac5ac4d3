"""The period fields of Rapporter and Gennemsyn > Overblik take dates typed as in every form (issue 15, finding 2).

They were QDateEdits: "1-11-26" typed into one became "23-03--", and "31" typed into a November date's day
became 30. Found by the Jammerbugt story test.
"""

from __future__ import annotations

from datetime import date

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QFileDialog


def type_into(qtbot, widget, text):
    widget.setFocus()
    widget.selectAll()
    qtbot.keyClicks(widget, text)
    qtbot.keyClick(widget, Qt.Key.Key_Tab)


def test_the_report_period_is_typed_as_in_the_forms(ctx, qtbot, monkeypatch, tmp_path):
    from desktop.ui.screens.reports import ReportsScreen

    screen = ReportsScreen(ctx)
    qtbot.addWidget(screen)
    with qtbot.waitActive(screen):
        screen.show()
        screen.activateWindow()
    screen.kind.setCurrentIndex(screen.kind.findData("supervisor"))
    type_into(qtbot, screen.start, "1-11-26")
    type_into(qtbot, screen.end, "31.3.2027")
    assert (screen.start.text(), screen.end.text()) == ("01-11-2026", "31-03-2027")
    asked = []
    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *a, **k: asked.append(a[2]) or ("", ""))
    screen.save()
    assert asked and asked[0].endswith("lederrapport-2026-11-01.pdf")
    # A date that does not exist is said, and no file is asked for.
    type_into(qtbot, screen.end, "31-02-2027")
    assert screen.end.text() == "31-02-2027"
    screen.save()
    assert len(asked) == 1
    assert "31-02-2027" in screen.message.text() or "findes ikke" in screen.message.text()


def test_the_overview_period_is_typed_as_in_the_forms(ctx, qtbot):
    from desktop.ui.screens.review import Overview

    overview = Overview(ctx)
    qtbot.addWidget(overview)
    with qtbot.waitActive(overview):
        overview.show()
        overview.activateWindow()
    type_into(qtbot, overview.start, "1-11-26")
    type_into(qtbot, overview.end, "31-3-27")  # a QDateEdit on a November date made the 31st the 30th
    assert (overview.start.parsed(), overview.end.parsed()) == (date(2026, 11, 1), date(2027, 3, 31))
    assert overview.period_error.text() == ""
    type_into(qtbot, overview.start, "32-1")
    assert overview.period_error.text() != ""


def test_the_suggested_report_period_follows_the_day_until_one_is_typed(ctx, qtbot):
    """The period was fixed when the window opened: left open into January, it still suggested November."""
    from desktop.ui.screens.reports import ReportsScreen

    days = {"today": date(2026, 11, 23)}
    ctx.today = lambda: days["today"]
    screen = ReportsScreen(ctx)
    qtbot.addWidget(screen)
    screen.show()
    assert (screen.start.text(), screen.end.text()) == ("01-11-2026", "23-12-2026")
    screen.hide()
    days["today"] = date(2027, 1, 15)
    screen.show()
    assert (screen.start.text(), screen.end.text()) == ("01-01-2027", "14-02-2027")
    with qtbot.waitActive(screen):
        screen.activateWindow()
    screen.kind.setCurrentIndex(screen.kind.findData("follow_ups"))
    type_into(qtbot, screen.start, "1-12-26")
    screen.hide()
    days["today"] = date(2027, 2, 3)
    screen.show()
    assert (screen.start.text(), screen.end.text()) == ("01-12-2026", "14-02-2027")  # what she typed stays
