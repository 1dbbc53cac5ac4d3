"""Ctrl+K searches everything (issue 16, point 5), and the calendar file follows the changes (point 3),
through the real main window."""

from __future__ import annotations

from datetime import timedelta

from icalendar import Calendar
from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import QApplication, QPushButton

from desktop.exchange.calendar_feed import CALENDAR_FILENAME
from desktop.ui.account import AccountSnapshot
from desktop.ui.dialogs.search_all import SearchAllDialog
from tests.conftest import TODAY


def search_with_ctrl_k(window, qtbot, typed, look):
    """Press Ctrl+K, type, let ``look(dialog)`` see the hits, press Enter; returns what ``look`` returned."""
    seen = {}

    def interact():
        dialog = QApplication.activeModalWidget()
        assert isinstance(dialog, SearchAllDialog)
        qtbot.keyClicks(dialog.query, typed)
        qtbot.waitUntil(lambda: dialog.current_hit() is not None, timeout=5000)
        seen["result"] = look(dialog)
        qtbot.keyClick(dialog.query, Qt.Key.Key_Return)

    QTimer.singleShot(0, interact)
    qtbot.keyClick(window, Qt.Key.Key_K, Qt.KeyboardModifier.ControlModifier)
    assert "result" in seen, "the dialog did not open or found nothing"
    return seen["result"]


def groups(dialog):
    tree = dialog.results
    return {tree.topLevelItem(i).text(0): [tree.topLevelItem(i).child(j).text(0)
                                           for j in range(tree.topLevelItem(i).childCount())]
            for i in range(tree.topLevelItemCount())}


def test_ctrl_k_finds_a_contact_by_soren_and_enter_opens_its_company(window, ctx, qtbot):
    ops = ctx.ops()
    bager = ops.create_company(name="Bageriet Ølby", city="Brovst").id
    ops.add_contact(bager, name="Søren Ølgaard", title="Køkkenchef")
    shown = search_with_ctrl_k(window, qtbot, "soren", groups)
    assert shown == {"Kontaktperson": ["Søren Ølgaard · Køkkenchef · Bageriet Ølby"]}
    assert window.stack.currentWidget() is window.companies
    assert window.companies.page.company_id == bager
    qtbot.waitUntil(lambda: window.companies.stack.currentWidget() is window.companies.page)


def test_ctrl_k_finds_a_follow_up_note_by_a_word_in_it_and_opens_its_visit(window, ctx, qtbot):
    ops = ctx.ops()
    company = ops.create_company(name="Tømrer Hansen ApS").id
    visit = ops.create_visit(company, body="Første møde").id
    ops.create_follow_up("visit", visit, due_on=TODAY + timedelta(days=2), note="Send referatet til værkføreren")
    shown = search_with_ctrl_k(window, qtbot, "vaerkforer", groups)
    assert shown == {"Opfølgning": ["Send referatet til værkføreren · 25-11-2026 · Tømrer Hansen ApS"]}
    assert window.stack.currentWidget() is window.visits
    qtbot.waitUntil(lambda: window.visits.editor.visit_id == visit)


def test_hits_are_grouped_by_kind_and_nothing_found_says_so(window, ctx, qtbot, seeded):
    def look(dialog):
        found = groups(dialog)
        dialog.query.setText("zzzxq")
        qtbot.waitUntil(lambda: dialog.status.text() == "Ingen resultater", timeout=5000)
        assert dialog.results.topLevelItemCount() == 0
        dialog.query.setText("rengoring")
        qtbot.waitUntil(lambda: dialog.current_hit() is not None, timeout=5000)
        return found

    found = search_with_ctrl_k(window, qtbot, "rengoring", look)
    assert list(found) == ["Virksomhed", "Jobåbning", "Opfølgning"]  # the opening plans its own follow-ups


def test_during_a_first_sync_the_search_says_the_index_is_being_built(window, ctx, qtbot):
    from desktop.models.replica import first_load

    ops = ctx.ops()
    ops.create_company(name="Rengøring Nord", city="Aabybro")
    with ctx.db.write() as session:
        assert first_load.start(session)  # what a first sync does before its first page

    def look(dialog):
        dialog.query.setText("zzzxq")
        qtbot.waitUntil(lambda: dialog.results.topLevelItemCount() == 0, timeout=5000)
        shown = dialog.status.text()  # not "Ingen resultater": the record may simply not be indexed yet
        dialog.query.setText("rengoring")
        qtbot.waitUntil(lambda: dialog.current_hit() is not None, timeout=5000)
        return shown

    shown = search_with_ctrl_k(window, qtbot, "rengoring", look)
    assert shown == "Den første synkronisering bygger stadig søgeindekset: søg igen, når den er færdig"
    with ctx.db.write() as session:
        first_load.finish(session)


def test_the_calendar_file_follows_a_follow_up_typed_on_a_visit(window, ctx, qtbot):
    user = "5d1c2a0e-0000-4000-8000-000000000001"
    ctx.set_account(AccountSnapshot(user_id=user, signed_in=True))
    path = ctx.db.path.parent / CALENDAR_FILENAME
    ops = ctx.ops()
    company = ops.create_company(name="Bageriet Ølby").id
    visit = ops.create_visit(company, body="Første møde").id

    def events():
        if not path.exists():
            return {}
        return {str(e["UID"]): e.decoded("DTSTART") for e in Calendar.from_ical(path.read_bytes()).walk("VEVENT")}

    # Typed on the visit (the visit editor's "Opfølgning den"), as the signed-in user.
    ctx.write(lambda o: o.update("visit", visit, {"follow_up_on": TODAY + timedelta(days=5),
                                                  "consultant_id": user}))
    qtbot.waitUntil(lambda: list(events().values()) == [TODAY + timedelta(days=5)], timeout=5000)
    [uid] = events()
    follow_up = uid.removesuffix("@feltbog")
    ctx.write(lambda o: o.complete_follow_up(follow_up))
    qtbot.waitUntil(lambda: events() == {}, timeout=5000)


def test_the_follow_up_screen_exports_an_ics_of_the_chosen_period(window, ctx, qtbot, tmp_path, monkeypatch):
    user = "5d1c2a0e-0000-4000-8000-000000000002"
    ctx.set_account(AccountSnapshot(user_id=user, signed_in=True))
    ops = ctx.ops()
    company = ops.create_company(name="Bageriet Ølby").id
    soon = ops.create_follow_up("company", company, due_on=TODAY + timedelta(days=3), note="Ring",
                                assignee_id=user).id
    ops.create_follow_up("company", company, due_on=TODAY + timedelta(days=60), note="Senere", assignee_id=user)
    target = tmp_path / "uge.ics"
    monkeypatch.setattr("PySide6.QtWidgets.QFileDialog.getSaveFileName", lambda *a, **k: (str(target), ""))
    window.sidebar.setCurrentRow(5)
    screen = window.follow_ups
    screen.next_weeks.setCurrentIndex(2)  # the next 4 weeks
    screen.findChild(QPushButton, "export_calendar").click()
    qtbot.waitUntil(target.exists, timeout=5000)
    events = Calendar.from_ical(target.read_bytes()).walk("VEVENT")
    assert [str(e["UID"]) for e in events] == [f"{soon}@feltbog"]
    assert b"Ring" not in target.read_bytes()


# By hand, as a Danish dictionary orders them (the same list as tests/models/test_danish_order.py).
DANISH_ORDER = [
    "Abildgaard VVS", "Andersen & Søn", "anker smed", "Bager Bech", "bageriet i Brovst", "Brovst Begravelse",
    "Brønderslev Bilcenter", "Café Æblehaven", "Dansk Ølbryggeri", "Egholm Gartneri", "Fjerritslev Bryghus",
    "Hals Is", "Hune Camping", "Jammerbugt Kommune", "Kås Bageri", "Kaas Træ", "Løkken Fisk", "Lønstrup Keramik",
    "Nibe Tømrer", "Pandrup El", "Vesthimmerland Vand", "Zealand Logistik", "Æbelø Frugt", "Ærø Rederi",
    "Øster Hurup Fiskeindustri", "Østergaard Smed", "Åby Maskinfabrik", "Aabybro Tømrer", "Aalborg Værft",
    "Aars Auto",
]


def test_the_company_list_shows_thirty_danish_names_in_danish_order(window, ctx, qtbot):
    ops = ctx.ops()
    for name in sorted(DANISH_ORDER, key=len):  # any order but the right one
        ops.create_company(name=name)
    window.sidebar.setCurrentRow(1)
    model = window.companies.list.model
    model.refresh()
    qtbot.waitUntil(lambda: len(model.rows) == 30, timeout=5000)
    assert [row.name for row in model.rows] == DANISH_ORDER
