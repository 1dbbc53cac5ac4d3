"""Drive each screen as a consultant would: type, click, wait."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel, QPushButton

from desktop.models.outbox import pending_count
from desktop.models.queries import list_companies, list_conflicts


def wait_loaded(qtbot, model):
    with qtbot.waitSignal(model.loaded, timeout=5000):
        model.refresh()


def test_every_screen_opens_and_renders(window, seeded, qtbot, tmp_path):
    for row, (_title, screen) in enumerate(window.screens):
        window.sidebar.setCurrentRow(row)
        qtbot.waitUntil(lambda s=screen: s.isVisible())
        qtbot.wait(50)
        image = window.grab()
        assert not image.isNull()
        image.save(str(tmp_path / f"{row}.png"))
    assert [t for t, _ in window.screens] == ["I dag", "Virksomheder", "Besøg", "Jobåbninger", "Mentorer",
                                              "Opfølgninger", "Konflikter", "Rapporter", "Gennemsyn"]


def test_search_as_you_type_finds_tomrer_typed_without_danish_letters(window, seeded, qtbot):
    window.sidebar.setCurrentRow(1)
    companies = window.companies.list
    qtbot.waitUntil(lambda: companies.model.total == 3, timeout=5000)
    qtbot.keyClicks(companies.search, "toemrer")
    qtbot.waitUntil(lambda: companies.model.total == 1, timeout=5000)
    assert companies.model.row_at(0).name == "Aars Tømrer"
    companies.search.clear()
    qtbot.waitUntil(lambda: companies.model.total == 3, timeout=5000)
    companies.centres.setChecked(True)
    qtbot.waitUntil(lambda: companies.model.total == 1, timeout=5000)


def test_opening_a_company_shows_its_page_with_visits_and_openings(window, seeded, qtbot):
    window.open_company(seeded["company"])
    page = window.companies.page
    qtbot.waitUntil(lambda: page.heading.text() == "Jammerbugt Rengøring ApS", timeout=5000)
    qtbot.waitUntil(lambda: page.visits.rowCount() == 1 and page.openings.rowCount() == 1, timeout=5000)
    assert page.tabs.tabText(0) == "Besøg (1)"
    assert page.openings.item(0, 1).text() == "Virksomhedspraktik"


def test_validation_error_is_shown_next_to_the_field_and_nothing_is_saved(window, ctx, qtbot, monkeypatch):
    from desktop.ui.dialogs.entity_dialog import EntityDialog
    from desktop.ui.screens.companies import COMPANY_FIELDS

    dialog = EntityDialog(ctx, "company", COMPANY_FIELDS, lambda ops, v: ops.create("company", v))
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.keyClicks(dialog.form.widgets["name"], "Ny Virksomhed ApS")
    qtbot.keyClicks(dialog.form.widgets["cvr"], "12345678")
    qtbot.keyClicks(dialog.form.widgets["email"], "ikke en mail")
    save = dialog.buttons.button(dialog.buttons.StandardButton.Ok)
    qtbot.mouseClick(save, Qt.MouseButton.LeftButton)
    error = dialog.form.errors["cvr"]
    qtbot.waitUntil(error.isVisible, timeout=5000)
    assert "kontrolcifferet" in error.text()
    assert dialog.form.errors["email"].isVisible() and not dialog.form.errors["name"].isVisible()
    assert dialog.isVisible()  # still open: nothing typed is lost
    with ctx.db.read() as session:
        assert list_companies(session).total == 0 and pending_count(session) == 0
    dialog.form.widgets["cvr"].clear()
    dialog.form.widgets["email"].clear()
    qtbot.mouseClick(save, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: not dialog.isVisible(), timeout=5000)
    with ctx.db.read() as session:
        assert [c.name for c in list_companies(session).items] == ["Ny Virksomhed ApS"]


def test_follow_up_can_be_marked_done(window, seeded, qtbot, ctx):
    window.sidebar.setCurrentRow(5)
    screen = window.follow_ups
    screen.mine.setChecked(False)
    qtbot.waitUntil(lambda: screen.model.total == 2, timeout=5000)
    screen.table.selectRow(0)
    qtbot.mouseClick(screen.findChild(QPushButton, "mark_done"), Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: screen.model.total == 1, timeout=5000)


def test_conflict_screen_keeps_the_other_value(window, seeded, qtbot, ctx):
    from desktop.models.entities import Conflict

    with ctx.db.write() as session:
        session.add(Conflict(entity="company", record_id=seeded["company"], field="city", kept_value="Aabybro",
                             lost_value="Brovst", version=9, team_id=None))
    window.sidebar.setCurrentRow(6)
    screen = window.conflicts
    qtbot.waitUntil(lambda: screen.list.count() == 1, timeout=5000)
    assert screen.kept.toPlainText() == "Aabybro" and screen.lost.toPlainText() == "Brovst"
    qtbot.mouseClick(screen.findChild(QPushButton, "keep_other"), Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: screen.list.count() == 0, timeout=5000)
    with ctx.db.read() as session:
        assert list_conflicts(session, resolved=False) == []
        assert list_companies(session, search="brovst").total == 1


def test_today_shows_due_follow_ups_and_recent_visits(window, seeded, qtbot):
    today = window.today
    today.refresh()  # the data was written behind the window's back, without a change event
    qtbot.waitUntil(lambda: today.visits.count() == 1 and "Jammerbugt" in today.visits.item(0).text(), timeout=5000)
    assert today.heading.text().startswith("I dag, 23-11-2026 (uge 48)")


@pytest.mark.parametrize("language", ["da", "en"])
def test_status_bar_words(window, language):
    from desktop.sync.runner import SyncStatus

    window.sync_widget.show_status(SyncStatus(pending=3, online=False), signed_in=True)
    if language == "da":
        assert window.sync_widget.pending.text() == "3 ændringer ikke sendt"
        assert window.sync_widget.state.text() == "Offline"
    assert window.findChild(QLabel, "pending") is window.sync_widget.pending


def test_a_new_follow_up_is_planned_on_a_chosen_company_from_the_follow_up_screen(window, seeded, qtbot, ctx):
    """Issue 16, 1: the follow-up screen has "Ny opfølgning" (company, date typed, note), and the list names it."""
    from desktop.models.queries import list_follow_ups
    from desktop.ui.dialogs.company_picker import CompanyPicker
    from desktop.ui.dialogs.entity_dialog import EntityDialog
    from tests.ui.story_helpers import answer_modal, raise_modal_errors, type_into

    window.sidebar.setCurrentRow(5)
    screen = window.follow_ups
    new = screen.findChild(QPushButton, "new_follow_up")
    assert new is not None and new.text() == "Ny opfølgning"

    def choose(picker: CompanyPicker) -> None:
        qtbot.keyClicks(picker.search, "Jammerbugt")
        qtbot.waitUntil(lambda: picker.results.count() == 1, timeout=5000)
        answer_modal(qtbot, EntityDialog, fill)
        picker.accept()

    def fill(dialog: EntityDialog) -> None:
        type_into(qtbot, dialog.form.widgets["due_on"], "7-12-26")
        type_into(qtbot, dialog.form.widgets["note"], "Ring om næste praktikant")
        qtbot.mouseClick(dialog.buttons.button(dialog.buttons.StandardButton.Ok), Qt.MouseButton.LeftButton)

    answer_modal(qtbot, CompanyPicker, choose)
    qtbot.mouseClick(new, Qt.MouseButton.LeftButton)
    raise_modal_errors()

    def planned() -> list:
        with ctx.db.read() as session:
            rows = list_follow_ups(session, done=None, limit=100).items
            return [f for f in rows if f.note == "Ring om næste praktikant"]

    qtbot.waitUntil(lambda: len(planned()) == 1, timeout=5000)
    [row] = planned()
    assert (row.subject_kind, row.subject_id, str(row.due_on), row.company_name) == (
        "company", seeded["company"], "2026-12-07", "Jammerbugt Rengøring ApS")


def test_an_empty_list_shows_every_column_title_whole(window, qtbot):
    """No rows to size the columns to: the titles still fit ("Timer pr. uge" was cut to "imer pr. ug")."""
    window.sidebar.setCurrentRow(3)  # Jobåbninger, with no openings yet
    screen = window.openings
    qtbot.waitUntil(lambda: screen.isVisible() and screen.count.text() == "0 rækker", timeout=5000)
    header = screen.table.horizontalHeader()
    titles = {screen.model.headerData(c, Qt.Orientation.Horizontal): (screen.table.columnWidth(c),
                                                                      header.sectionSizeFromContents(c).width())
              for c in range(screen.model.columnCount() - 1)}
    assert "Timer pr. uge" in titles
    assert all(width >= needed for width, needed in titles.values()), titles
