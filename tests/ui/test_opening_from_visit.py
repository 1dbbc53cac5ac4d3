"""Issue 15, finding 5: "Opret jobåbning fra besøget" links the opening to the visit, so the supervisor
report counts it for the consultant of the visit it came from."""

from __future__ import annotations

from datetime import timedelta

from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import QApplication, QPushButton
from sqlalchemy import select

from desktop.models.changes import Actor
from desktop.models.entities import Opening
from desktop.models.operations import Operations
from desktop.reports import supervisor_report_data
from tests.conftest import TODAY

METTE, LARS, TEAM = (f"00000000-0000-4000-8000-00000000000{n}" for n in (1, 2, 3))


def fill_opening_dialog(qtbot, seen: list) -> None:
    """Type the Jammerbugt internship into the opening dialog once it is open, then save."""
    from desktop.ui.dialogs.entity_dialog import EntityDialog

    def fill() -> None:
        dialog = QApplication.activeModalWidget()
        if not isinstance(dialog, EntityDialog):
            QTimer.singleShot(20, fill)
            return
        seen.append(dialog.windowTitle())
        form = dialog.form
        qtbot.keyClicks(form.widgets["title"], "Rengøring")
        kind = form.widgets["kind"]
        kind.setCurrentIndex(kind.findData("virksomhedspraktik"))
        qtbot.keyClicks(form.widgets["job_functions"], "Rengøring af kontor og kantine")
        qtbot.keyClicks(form.widgets["hours_per_week"], "8")
        qtbot.keyClicks(form.widgets["duration_weeks"], "13")
        qtbot.keyClicks(form.widgets["starts_on"], TODAY.strftime("%d-%m-%Y"))
        dialog.submit()

    QTimer.singleShot(0, fill)


def test_an_opening_created_from_the_visit_counts_for_the_visits_consultant(window, ctx, qtbot, monkeypatch):
    monkeypatch.setattr(ctx, "ops", lambda: Operations(ctx.db, Actor(METTE, TEAM), today=ctx.today))
    company = ctx.ops().create_company(name="Jammerbugt Rengøring ApS").id
    window.start_visit(company)
    editor = window.visits.editor
    qtbot.waitUntil(lambda: editor.heading.text().startswith("Jammerbugt"), timeout=5000)
    editor.form.widgets["body"].setFocus()
    qtbot.keyClicks(editor.form.widgets["body"], "Faglærte gør rent.")
    seen: list = []
    fill_opening_dialog(qtbot, seen)
    button = editor.findChild(QPushButton, "opening_from_visit")
    assert button.text() == "Opret jobåbning fra besøget…"
    qtbot.mouseClick(button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: "Rengøring" in editor.openings_label.text(), timeout=5000)
    assert seen == ["Ny jobåbning hos Jammerbugt Rengøring ApS"]
    assert editor.saved_label.text() == "Jobåbningen “Rengøring” er oprettet fra besøget."
    with ctx.db.read() as session:
        [opening] = session.scalars(select(Opening)).all()
        assert (opening.visit_id, opening.company_id) == (editor.visit_id, company)
        assert (opening.hours_per_week, opening.duration_weeks) == (8, 13)
    # A colleague registers a second opening at the company without a visit: the team's, not Mette's.
    Operations(ctx.db, Actor(LARS, TEAM), today=ctx.today).create_opening(company, title="Kantine", kind="smaajob",
                                                                    starts_on=TODAY)
    with ctx.db.read() as session:
        report = supervisor_report_data(session, None, ctx.today() - timedelta(days=7), ctx.today())
    by_consultant = {c.consultant_id: c.openings for c in report.consultants}
    assert by_consultant == {METTE: 1}
    assert report.total_openings == 2
