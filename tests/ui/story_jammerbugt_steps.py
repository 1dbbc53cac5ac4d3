"""The Jammerbugt story's offline start and its closing tour, for test_story_jammerbugt.py (which walks the story).

Steps 1 to 3 happen out at the company with no network: Mette's first start ("Arbejd offline"), the company
with its contact person and mentor, and the visit note with the internship created from it. Each step is
one function that does what a user does on the real windows and checks what it did, as the test did inline;
the test calls them in order and goes on from there (back at the office, step 4). After the story, the
screens on the way are toured in English and with a dark palette. The story's dates and its small helpers
(``shot``, ``sign_in_from_menu``, ``open_tab``) are here too, for both files.

tests/ui/conftest.py registers this module for pytest's assertion rewriting, so its checks report as the
test's own do.
"""

from __future__ import annotations

from datetime import date

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication

from desktop.models.queries import list_follow_ups, list_openings
from desktop.models.record_queries import get_record
from tests.ui.story_helpers import (
    COMPANIES,
    FOLLOW_UPS,
    TODAY,
    answer_modal,
    button,
    choose,
    click,
    fill,
    go_to,
    in_language_and_palette,
    list_texts,
    menu_action,
    ok_button,
    open_window,
    raise_modal_errors,
    shoot,
    sign_in,
    tour,
    type_into,
)

START = date(2026, 11, 23)  # a Monday: the first visit
INTERNSHIP_STARTS = date(2026, 12, 1)
MIDWAY = date(2027, 1, 15)  # 1 December + 45 days (half of 13 weeks)
END = date(2027, 3, 2)  # 1 December + 13 weeks (91 days)


def shot(widget, name):
    return shoot(widget, f"jammerbugt-{name}")


def sign_in_from_menu(qtbot, window, server_url, username, name):
    """File > Log ind...: type the server address, username and password; the sign-in syncs at once."""
    from desktop.ui.dialogs.login import LoginDialog

    answer_modal(qtbot, LoginDialog,
                 lambda dialog: sign_in(qtbot, dialog, server_url, username, f"jammerbugt-{name}-login"))
    menu_action(window, "action_sign_in", "Log ind…").trigger()
    raise_modal_errors()


def open_tab(qtbot, page, index):
    """Click tab ``index`` of the company page, as a user does."""
    tabs = page.tabs
    qtbot.mouseClick(tabs.tabBar(), Qt.MouseButton.LeftButton, pos=tabs.tabBar().tabRect(index).center())
    assert tabs.currentIndex() == index


def first_start_offline(qtbot, mette):
    """1. First start with no server: the sign-in dialog; "Arbejd offline". Mette's main window."""
    from desktop.ui.app import offer_sign_in_on_first_start
    from desktop.ui.dialogs.login import LoginDialog

    window = open_window(mette, qtbot)
    seen = {}

    def work_offline(dialog):
        seen["title"] = dialog.windowTitle()
        seen["server"] = dialog.server.text()
        shot(dialog, "01-first-start-login")
        click(qtbot, button(dialog, "offline"))

    answer_modal(qtbot, LoginDialog, work_offline)
    offer_sign_in_on_first_start(mette, window)
    qtbot.waitUntil(lambda: "title" in seen, timeout=10000)
    qtbot.waitUntil(lambda: QApplication.activeModalWidget() is None, timeout=5000)
    raise_modal_errors()
    assert seen["title"] == "Log ind i Feltbog"
    assert window.sync_widget.state.text() == "Offline (ikke logget ind)"
    shot(window, "02-today-offline-empty")
    return window


def register_the_company(qtbot, window):
    """2. The company, typed in the "Ny virksomhed" dialog, then a contact person and a mentor on its page.

    Returns the company's page.
    """
    from desktop.ui.dialogs.entity_dialog import EntityDialog

    go_to(qtbot, window, COMPANIES)
    companies = window.companies

    def new_company(dialog):
        fill(qtbot, dialog.form, {"name": "Jammerbugt Rengøring ApS", "cvr": "DK 29 40 34 73",
                                  "address": "Østergade 4", "postcode": "9460", "city": "Brovst",
                                  "municipality": "Jammerbugt", "industry": "Rengøring", "phone": "98 23 45 67"})
        assert not dialog.form.row_shown("centre_work_areas")  # centre fields only for a centre
        assert dialog.form.widgets["cvr"].text() == "29403473"  # tidied when the field was left
        shot(dialog, "03-new-company")
        click(qtbot, ok_button(dialog))

    answer_modal(qtbot, EntityDialog, new_company)
    click(qtbot, button(companies.list, "new_company"))
    raise_modal_errors()
    page = companies.page
    qtbot.waitUntil(lambda: page.isVisible() and page.heading.text() == "Jammerbugt Rengøring ApS", timeout=5000)
    assert "29403473" in page.details.text()

    # A contact person ...
    open_tab(qtbot, page, 2)

    def new_contact(dialog):
        fill(qtbot, dialog.form, {"name": "Aysel Lindberg", "title": "Driftsleder", "phone": "41 91 14 54",
                                  "email": "aysel@jammerbugt-rengoering.dk"})
        shot(dialog, "04-new-contact")
        click(qtbot, ok_button(dialog))

    answer_modal(qtbot, EntityDialog, new_contact)
    click(qtbot, button(page, "new_contact"))
    raise_modal_errors()
    qtbot.waitUntil(lambda: page.contacts.rowCount() == 1, timeout=5000)

    # ... and a mentor: active and one citizen at a time unless changed (finding 3).
    open_tab(qtbot, page, 3)
    mentor_defaults = {}

    def new_mentor(dialog):
        form = dialog.form
        mentor_defaults.update(active=form.widgets["active"].isChecked(), capacity=form.widgets["capacity"].text())
        fill(qtbot, form, {"name": "Hanne Kjær", "title": "Faglært industrioperatør", "phone": "+45 22 33 44 55",
                           "trained_on": "12.3.2024"})
        assert form.widgets["trained_on"].text() == "12-03-2024"
        shot(dialog, "05-new-mentor")
        click(qtbot, ok_button(dialog))

    answer_modal(qtbot, EntityDialog, new_mentor)
    click(qtbot, button(page, "new_mentor"))
    raise_modal_errors()
    qtbot.waitUntil(lambda: page.mentors.rowCount() == 1, timeout=5000)
    assert mentor_defaults == {"active": True, "capacity": "1"}
    assert page.mentors.item(0, 4).text() == "Ja"
    shot(window, "06-company-page")
    return page


def write_the_visit_offline(qtbot, mette, window, page):
    """3. The visit note, the internship created from it and the follow-ups it plans, all offline.

    Returns the visit's id.
    """
    from desktop.ui.dialogs.entity_dialog import EntityDialog

    open_tab(qtbot, page, 0)
    click(qtbot, button(page, "new_visit"))
    editor = window.visits.editor
    qtbot.waitUntil(lambda: editor.isVisible() and editor.heading.text().startswith("Jammerbugt"), timeout=5000)
    form = editor.form
    assert form.widgets["visited_at"].text() == "23-11-2026"
    choose(form.widgets["kind"], "first_contact")
    type_into(qtbot, form.widgets["participants"], "Aysel Lindberg (driftsleder), Mette Kjær")
    type_into(qtbot, form.widgets["body"], "Faglærte medarbejdere bruger timer på rengøring af kontor og "
                                           "kantine. De kompetencer er bedre brugt i produktionen.")
    type_into(qtbot, form.widgets["needs"], "Hjælp til rengøringsopgaverne, 8 timer om ugen.")
    type_into(qtbot, form.widgets["next_step"], "Rådgiveren foreslår et praktikforløb på rengøringsopgaverne.")
    qtbot.waitUntil(lambda: editor.visit_id is not None and editor.saved_label.text().startswith("Gemt"),
                    timeout=5000)
    visit_id = editor.visit_id

    # "Opret jobåbning fra besøget": the internship, 3 months (13 weeks) at 8 hours a week from 1 December.
    opening_dialog = {}

    def new_internship(dialog):
        opening_dialog["title"] = dialog.windowTitle()
        opening_dialog["places"] = dialog.form.widgets["places"].text()
        fill(qtbot, dialog.form, {"title": "Rengøring, kontor og kantine", "kind": "virksomhedspraktik",
                                  "job_functions": "Rengøring af kontor, kantine og omklædning",
                                  "hours_per_week": "8", "duration_weeks": "13", "starts_on": "1-12-26",
                                  "target_group": "Ikke-jobparate borgere"})
        assert dialog.form.widgets["starts_on"].text() == "01-12-2026"
        assert dialog.form.widgets["hours_per_week"].text() == "8"
        shot(dialog, "07-opening-from-visit")
        click(qtbot, ok_button(dialog))

    answer_modal(qtbot, EntityDialog, new_internship)
    click(qtbot, button(editor, "opening_from_visit"))
    raise_modal_errors()
    qtbot.waitUntil(lambda: "Rengøring, kontor og kantine" in editor.openings_label.text(), timeout=5000)
    assert opening_dialog == {"title": "Ny jobåbning hos Jammerbugt Rengøring ApS", "places": "1"}
    click(qtbot, button(editor, "mark_ready"))
    qtbot.waitUntil(lambda: not button(editor, "mark_ready").isEnabled(), timeout=5000)
    shot(window, "08-visit-editor-ready")
    with mette.db.read() as session:
        [internship] = list_openings(session).items
        assert (internship.kind, internship.hours_per_week, internship.duration_weeks) == ("virksomhedspraktik", 8, 13)
        assert get_record(session, "opening", internship.id).fields["visit_id"] == visit_id
        planned = list_follow_ups(session).items
    assert sorted((f.due_on, f.note) for f in planned) == [
        (MIDWAY, "Midtvejsopfølgning: Rengøring, kontor og kantine"),
        (END, "Slutopfølgning: Rengøring, kontor og kantine")]

    # The follow-ups are on Opfølgninger (all dates); not yet on I dag.
    go_to(qtbot, window, FOLLOW_UPS)
    follow_ups = window.follow_ups
    qtbot.waitUntil(lambda: follow_ups.model.rowCount() == 2, timeout=5000)
    assert [follow_ups.model.index(r, 2).data() for r in range(2)] == ["Jammerbugt Rengøring ApS"] * 2
    shot(window, "09-follow-ups-offline")
    go_to(qtbot, window, TODAY)
    qtbot.waitUntil(lambda: any("Jammerbugt Rengøring ApS" in t for t in list_texts(window.today.visits)),
                    timeout=5000)
    assert list_texts(window.today.follow_ups) == ["Intet forfaldent. Godt gået."]
    qtbot.waitUntil(lambda: window.sync_widget.pending.text().endswith("ændringer ikke sendt"), timeout=5000)
    shot(window, "10-today-offline")
    return visit_id


def tour_in_english_and_dark(qtbot, mette, sara, company_id, visit_id):
    """The screens on the way, in English and with the operating system in dark mode."""
    from desktop.ui.dialogs.entity_dialog import EntityDialog
    from desktop.ui.dialogs.import_dialog import ImportDialog
    from desktop.ui.dialogs.login import LoginDialog
    from desktop.ui.fields import MENTOR_FIELDS, OPENING_FIELDS
    from desktop.ui.i18n import tr

    dialogs = (
        lambda parent: LoginDialog(mette, parent),
        lambda parent: EntityDialog(mette, "opening", list(OPENING_FIELDS), lambda ops, v: None,
                                    title=tr("New opening at %1").replace("%1", "Jammerbugt Rengøring ApS"),
                                    parent=parent),
        lambda parent: EntityDialog(mette, "mentor", list(MENTOR_FIELDS), lambda ops, v: None, parent=parent),
        lambda parent: ImportDialog(mette, parent),
    )
    for language, dark in (("en", False), ("da", True)):
        name = f"jammerbugt-{language}{'-dark' if dark else ''}"
        back = in_language_and_palette(language, dark)
        try:
            tour(qtbot, mette, f"{name}-mette", company_id=company_id, visit_id=visit_id, dialogs=dialogs)
            tour(qtbot, sara, f"{name}-sara")
        finally:
            back()
