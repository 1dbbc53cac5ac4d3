"""Issue 15, finding 7: the smaller things a new user saw on screen, each through the real window."""

from __future__ import annotations

import threading

from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import QApplication, QPushButton

from desktop.models.entities import Review
from desktop.models.record_queries import get_record
from desktop.ui.account import AccountSnapshot
from tests.conftest import TODAY

SARA = "00000000-0000-4000-8000-0000000000a1"
METTE = "00000000-0000-4000-8000-0000000000a2"


def ready_visit(ctx, company_name="Jammerbugt Rengøring ApS", body="Faglærte gør rent."):
    ops = ctx.ops()
    company = ops.create_company(name=company_name).id
    visit = ops.create_visit(company, body=body).id
    ops.mark_visit_ready(visit)
    return company, visit


def add_review(ctx, visit, state, comment=None, version=3, reviewer=SARA):
    with ctx.db.write() as session:
        session.add(Review(visit_id=visit, state=state, comment=comment, version=version, reviewer_id=reviewer))


def test_an_approved_visit_reads_godkendt_everywhere(window, ctx, qtbot):
    company, visit = ready_visit(ctx)
    add_review(ctx, visit, "received", version=2)
    add_review(ctx, visit, "approved", "Fint referat", version=3)
    window.open_visit(visit)
    editor = window.visits.editor
    qtbot.waitUntil(lambda: editor.state_label.text() == "Godkendt", timeout=5000)
    assert "Klar til gennemsyn" not in editor.saved_label.text() + editor.state_label.text()
    assert "Fint referat" in editor.review.text() and not editor.ready.isEnabled()
    window.visits.show_list()
    visits = window.visits.list
    qtbot.waitUntil(lambda: visits.model.total == 1, timeout=5000)
    shown = [visits.model.index(0, c).data() for c in range(visits.model.columnCount())]
    assert "Godkendt" in shown and "Klar til gennemsyn" not in shown
    window.sidebar.setCurrentRow(0)
    qtbot.waitUntil(lambda: "Godkendt" in window.today.visits.item(0).text(), timeout=5000)
    window.open_company(company)
    page = window.companies.page
    qtbot.waitUntil(lambda: page.visits.rowCount() == 1 and page.visits.item(0, 2).text() == "Godkendt", timeout=5000)


def test_after_has_issues_the_comment_stays_and_the_note_can_be_sent_again(window, ctx, qtbot):
    _company, visit = ready_visit(ctx)
    add_review(ctx, visit, "received", version=2)
    add_review(ctx, visit, "has_issues", "Skriv hvem der deltog.", version=3)
    window.open_visit(visit)
    editor = window.visits.editor
    qtbot.waitUntil(lambda: editor.state_label.text() == "Har mangler", timeout=5000)
    assert editor.ready.isEnabled() and editor.ready.text() == "Send igen til gennemsyn"
    assert "Skriv hvem der deltog." in editor.review.text() and editor.review.isVisible()
    assert "Ret noten" in editor.review.text()  # what to do, in words
    # The consultant corrects the note; the sync brings the server's "edited" review back.
    editor.form.widgets["participants"].setFocus()
    qtbot.keyClicks(editor.form.widgets["participants"], "Værkfører Jens")
    qtbot.mouseClick(editor.ready, Qt.MouseButton.LeftButton)  # saves; offline, the next sync sends it
    assert editor.saved_label.text() == "Dine rettelser sendes til gennemsyn ved næste synkronisering."
    ctx.tasks.wait_idle()
    add_review(ctx, visit, "edited", version=4, reviewer=None)
    window.open_visit(visit)
    qtbot.waitUntil(lambda: editor.state_label.text() == "Rettet", timeout=5000)
    assert "Skriv hvem der deltog." in editor.review.text()  # the comment did not vanish
    with ctx.db.read() as session:
        assert get_record(session, "visit", visit).fields["participants"] == "Værkfører Jens"


def test_centre_fields_appear_only_when_virksomhedscenter_is_ticked(window, qtbot):
    from desktop.ui.dialogs.entity_dialog import EntityDialog

    window.sidebar.setCurrentRow(1)
    seen: list = []

    def look() -> None:
        dialog = QApplication.activeModalWidget()
        if not isinstance(dialog, EntityDialog):
            QTimer.singleShot(20, look)
            return
        form = dialog.form
        try:
            seen.append(form.row_shown("centre_places"))
            box = form.widgets["is_centre"]
            box.setFocus()
            qtbot.keyClick(box, Qt.Key.Key_Space)  # ticked from the keyboard, as with a click on the box
            seen.append(form.row_shown("centre_places") and form.row_shown("centre_agreement_end"))
            qtbot.keyClick(box, Qt.Key.Key_Space)
            seen.append(form.row_shown("centre_work_areas"))
            seen.append(form.row_shown("name"))
        finally:
            dialog.reject()

    QTimer.singleShot(0, look)
    qtbot.mouseClick(window.companies.list.findChild(QPushButton, "new_company"), Qt.MouseButton.LeftButton)
    assert seen == [False, True, False, True]


def test_follow_ups_name_their_company_in_the_list_and_on_today(window, ctx, seeded, qtbot):
    from sqlalchemy import select

    from desktop.models.entities import Opening

    with ctx.db.read() as session:
        opening = session.scalars(select(Opening.id)).one()
    ctx.ops().create_follow_up("opening", opening, due_on=TODAY, note="Ring til Hanne")
    window.today.refresh()
    items = window.today.follow_ups
    qtbot.waitUntil(lambda: items.count() == 1 and "Ring til Hanne" in items.item(0).text(), timeout=5000)
    assert "Jammerbugt Rengøring ApS" in items.item(0).text() and "Rengøring" in items.item(0).text()
    window.sidebar.setCurrentRow(5)
    screen = window.follow_ups
    screen.mine.setChecked(False)
    qtbot.waitUntil(lambda: screen.model.total == 3, timeout=5000)
    companies = {screen.model.index(r, 2).data() for r in range(screen.model.rowCount())}
    assert companies == {"Jammerbugt Rengøring ApS"}


def test_a_frozen_server_shows_waiting_for_the_server_not_syncing(window, ctx, qtbot, monkeypatch):
    from desktop.sync.runner import SyncStatus
    from desktop.ui.widgets import sync_status

    monkeypatch.setattr(sync_status, "WAIT_HINT_S", 0.5)
    ctx.set_account(AccountSnapshot(server_url="https://feltbog.example", user_id=METTE, signed_in=True))
    state = window.sync_widget.state
    window.show_sync_status(SyncStatus(syncing=True, online=True))
    assert state.text() == "Synkroniserer…"
    qtbot.waitUntil(lambda: state.text() == "Venter på serveren…", timeout=4000)
    assert "gemt på denne computer" in state.toolTip()
    # Progress means the server answers: back to "Synkroniserer…"; the timeout ends it as offline.
    window.show_sync_status(SyncStatus(syncing=True, online=True, progress=(100, 5000, "pull")))
    assert state.text() == "Synkroniserer…"
    window.show_sync_status(SyncStatus(syncing=False, online=False))
    assert state.text() == "Offline"


def test_a_supervisors_today_counts_the_visits_waiting_for_review(window, ctx, qtbot):
    for name in ("Aars Tømrer", "Brovst Bageri"):
        _company, visit = ready_visit(ctx, name)
        add_review(ctx, visit, "received", version=2)
    ctx.set_account(AccountSnapshot(server_url="https://feltbog.example", user_id=SARA, role="supervisor",
                                    signed_in=True, names={METTE: "Mette Madsen"}))
    group = window.today.groups["reviews"]
    qtbot.waitUntil(lambda: group.title() == "2 besøg venter på gennemsyn", timeout=5000)
    assert window.today.reviews.count() == 2 and "Aars Tømrer" in window.today.reviews.item(0).text() + \
        window.today.reviews.item(1).text()
    window.today.reviews.itemActivated.emit(window.today.reviews.item(0))
    assert window.stack.currentWidget() is window.review
    ctx.set_account(AccountSnapshot(server_url="https://feltbog.example", user_id=METTE, signed_in=True))
    window.sidebar.setCurrentRow(0)
    qtbot.waitUntil(lambda: group.title() == "Kommentarer fra din leder", timeout=5000)


def _body_saved(ctx, visit_id):
    with ctx.db.read() as session:
        return get_record(session, "visit", visit_id).fields["body"] or ""


def test_leaving_a_field_saves_at_once(window, ctx, qtbot):
    _company, visit = ready_visit(ctx, body="")
    window.open_visit(visit)
    editor = window.visits.editor
    editor._timer.setInterval(60_000)  # no timer helps here
    qtbot.waitUntil(lambda: editor.record is not None, timeout=5000)
    body = editor.form.widgets["body"]
    body.setFocus()
    qtbot.keyClicks(body, "Sidste sætning")
    qtbot.keyClick(body, Qt.Key.Key_Tab)  # on to the next field
    ctx.tasks.wait_idle()
    qtbot.waitUntil(lambda: _body_saved(ctx, visit) == "Sidste sætning", timeout=1000)


def test_typing_on_without_a_pause_is_still_saved(window, ctx, qtbot):
    _company, visit = ready_visit(ctx, body="")
    window.open_visit(visit)
    editor = window.visits.editor
    editor._timer.setInterval(400)
    qtbot.waitUntil(lambda: editor.record is not None, timeout=5000)
    body = editor.form.widgets["body"]
    body.setFocus()
    # A key every 100 ms for 1.6 s: never a 400 ms pause, yet the text is saved while typing goes on.
    for letter in "Referat uden pause":
        qtbot.keyClicks(body, letter)
        qtbot.wait(100)
    ctx.tasks.wait_idle()
    assert _body_saved(ctx, visit).startswith("Referat")


def test_list_counts_and_unsent_changes_use_real_plurals(window, ctx, qtbot):
    from desktop.sync.runner import SyncStatus

    ctx.ops().create_company(name="Aars Tømrer")
    window.sidebar.setCurrentRow(1)
    companies = window.companies.list
    companies.model.refresh()
    qtbot.waitUntil(lambda: companies.count.text() == "1 række", timeout=5000)
    ctx.ops().create_company(name="Brovst Bageri")
    companies.model.refresh()
    qtbot.waitUntil(lambda: companies.count.text() == "2 rækker", timeout=5000)
    window.sync_widget.show_status(SyncStatus(pending=1, online=False), signed_in=True)
    assert window.sync_widget.pending.text() == "1 ændring ikke sendt"
    window.sync_widget.show_status(SyncStatus(pending=4, online=False), signed_in=True)
    assert window.sync_widget.pending.text() == "4 ændringer ikke sendt"


def test_the_syncs_own_question_has_danish_buttons(app, qtbot):
    from PySide6.QtWidgets import QMessageBox

    from desktop.ui.app import GuiConfirmer

    confirmer = GuiConfirmer()
    seen: list = []

    def answer() -> None:
        box = QApplication.activeModalWidget()
        if not isinstance(box, QMessageBox):
            QTimer.singleShot(20, answer)
            return
        seen.append(sorted(b.text() for b in box.buttons()))
        yes = [b for b in box.buttons() if b.text() == "Ja"]
        if yes:
            qtbot.mouseClick(yes[0], Qt.MouseButton.LeftButton)
        else:
            box.reject()

    QTimer.singleShot(0, answer)
    box = {"event": threading.Event(), "answer": False, "count": 40, "total": 50, "reason": "mass_delete"}
    confirmer._ask(box)
    assert seen == [["Ja", "Nej"]] and box["answer"] is True and box["event"].is_set()


def test_every_column_of_a_list_starts_inside_the_table(window, ctx, qtbot):
    """Long titles and company names no longer push Start and Status out of sight (cut-off headers)."""
    company = ctx.ops().create_company(name="Jammerbugt Rengøring og Facility Service ApS, afdeling Aabybro").id
    ctx.ops().create_opening(company, title="Rengøring af kontor, kantine og mødelokaler i stueetagen",
                             kind="virksomhedspraktik", hours_per_week=8, duration_weeks=13)
    window.sidebar.setCurrentRow(3)
    screen = window.openings
    qtbot.waitUntil(lambda: screen.model.total == 1, timeout=5000)
    qtbot.waitUntil(lambda: screen._sized, timeout=5000)
    header = screen.table.horizontalHeader()
    last = screen.model.columnCount() - 1
    assert header.sectionViewportPosition(last) < screen.table.viewport().width() - 40
    assert screen.model.headerData(last, Qt.Orientation.Horizontal) == "Status"
