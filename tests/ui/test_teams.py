"""A user in two teams chooses the team of a new record and of the supervisor report (issue 16, point 6)."""

from __future__ import annotations

import uuid

from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication

from desktop.models.entities import Company, Contact
from desktop.ui.account import AccountSnapshot, Team

NORD, SYD = str(uuid.uuid4()), str(uuid.uuid4())
USER = str(uuid.uuid4())


def two_teams(ctx, role="consultant"):
    ctx.set_account(AccountSnapshot(server_url="https://feltbog.example", user_id=USER, role=role, signed_in=True,
                                    teams=(Team(NORD, "Team Nord"), Team(SYD, "Team Syd"))))


def _in_dialog(qtbot, act):
    """Run ``act(dialog)`` on the modal dialog once it is open."""
    done = []

    def poke():
        dialog = QApplication.activeModalWidget()
        if dialog is None:
            QTimer.singleShot(20, poke)
            return
        act(dialog)
        done.append(dialog)

    QTimer.singleShot(0, poke)
    return done


def test_a_new_company_goes_to_the_team_chosen_in_the_dialog(window, ctx, qtbot):
    two_teams(ctx)

    def fill(dialog):
        assert dialog.team.isVisibleTo(dialog) and dialog.team.count() == 2
        assert dialog.team.currentText() == "Team Nord"  # the default team first
        dialog.team.setCurrentIndex(dialog.team.findData(SYD))
        dialog.form.widgets["name"].setText("Brovst Bageri")
        dialog.submit()

    done = _in_dialog(qtbot, fill)
    window.sidebar.setCurrentRow(1)
    window.companies.list.new_company()
    assert done
    qtbot.waitUntil(lambda: window.companies.page.heading.text() == "Brovst Bageri", timeout=5000)
    with ctx.db.read() as session:
        company = session.query(Company).one()
        assert company.team_id == SYD
    # a contact added on its page: the dialog offers the teams too, the company's team chosen first
    seen = []
    done = _in_dialog(qtbot, lambda d: (seen.append(d.team.currentText()), d.form.widgets["name"].setText(
        "Søren Ølund"), d.submit()))
    window.companies.page.new_contact()
    assert done
    with ctx.db.read() as session:
        qtbot.waitUntil(lambda: session.query(Contact).count() == 1, timeout=5000)
    with ctx.db.read() as session:
        assert session.query(Contact).one().team_id == SYD
    assert seen == ["Team Syd"]


def test_with_one_team_there_is_nothing_to_choose(window, ctx, qtbot):
    from desktop.ui.dialogs.entity_dialog import EntityDialog
    from desktop.ui.fields import COMPANY_FIELDS

    ctx.set_account(AccountSnapshot(user_id=USER, signed_in=True, teams=(Team(NORD, "Team Nord"),)))
    dialog = EntityDialog(ctx, "company", list(COMPANY_FIELDS), lambda ops, v: ops.create("company", v))
    qtbot.addWidget(dialog)
    dialog.show()
    assert not dialog.team.isVisible()
    two_teams(ctx)
    edit = EntityDialog(ctx, "company", list(COMPANY_FIELDS), lambda ops, v: ops.update("company", "x", v),
                        {"name": "Aars Tømrer"})
    qtbot.addWidget(edit)
    edit.show()
    assert not edit.team.isVisible()  # an existing record keeps its team


def test_the_supervisor_report_is_for_the_team_chosen(window, ctx, qtbot, monkeypatch):
    from desktop.ui.screens import reports

    two_teams(ctx, role="supervisor")
    screen = window.reports
    window.sidebar.setCurrentRow(window.stack.indexOf(screen))
    screen.kind.setCurrentIndex(screen.kind.findData("catalogue"))
    assert not screen.team.isVisibleTo(screen)  # the catalogue is not a team's report
    screen.kind.setCurrentIndex(screen.kind.findData("supervisor"))
    assert screen.team.isVisibleTo(screen) and [screen.team.itemText(i) for i in range(2)] == ["Team Nord",
                                                                                              "Team Syd"]
    screen.team.setCurrentIndex(1)
    made = []
    monkeypatch.setattr(reports, "save_pdf", lambda _ctx, _parent, suggested, build: made.append(build))
    screen.save()
    with ctx.db.read() as session:
        data = made[0](session)
    assert (data.team_id, data.team_name) == (SYD, "Team Syd")
    ctx.set_account(AccountSnapshot(user_id=USER, signed_in=True, teams=(Team(NORD, "Team Nord"),)))
    assert not screen.team.isVisibleTo(screen)
