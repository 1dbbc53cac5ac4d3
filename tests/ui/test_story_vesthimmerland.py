"""The Vesthimmerland story (DESIGN.md, seed 002), walked through the real main window against the real server.

Jens is the company consultant attached to a company centre (virksomhedscenter) of Jobcenter Vesthimmerland;
Lone is a colleague who uses the centre catalogue. Each has a laptop (a data folder of their own).

1. First start: Jens signs in from the sign-in dialog (address, username and password typed).
2. Farsø Plejecenter, a company centre: work areas, target groups, 3 places, the agreement's dates typed,
   a visit at least every 3 weeks (the interval's default, 21 days).
3. The centre's company mentors, imported from the usual spreadsheet (File > Importér...); a row naming a
   company Feltbog does not know is refused with its row number.
4. The centre visit reminder: not due on 2 November; due on I dag on 23 November (3 weeks after the
   agreement began), with its follow-up, though the app was not restarted; a centre visit registered that
   day takes both away; they come back 3 weeks later, on 14 December, with the date of the last visit.
5. Jens syncs; Lone signs in and syncs: the centre is not due on her I dag (it is Jens's to visit); she makes
   the centre catalogue PDF from Rapporter.

Screenshots go to /tmp/story-shots/vesthimmerland-*.png.
"""

from __future__ import annotations

import shutil
import subprocess
from datetime import date, datetime

import pytest
from openpyxl import Workbook
from PySide6.QtCore import Qt
from PySide6.QtGui import QDesktopServices
from PySide6.QtWidgets import QApplication, QFileDialog

from desktop.credentials import Credentials
from desktop.models.queries import list_follow_ups, list_mentors
from desktop.models.record_queries import get_record
from desktop.reports import centre_catalogue_data
from server.seeding import seed_user
from tests.support.live_server import LiveServer, make_database_url
from tests.ui.story_helpers import (
    COMPANIES,
    MENTORS,
    REPORTS,
    SHOTS,
    STORY_DB,
    TODAY,
    Clock,
    answer_modal,
    button,
    button_with_text,
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
    sign_in_on_first_start,
    sync_by_button,
    tour,
    type_into,
)

START = date(2026, 11, 2)  # a Monday, the day after the agreement began
DUE = date(2026, 11, 23)  # 1 November + 21 days
NEXT_DUE = date(2026, 12, 14)  # the visit on 23 November + 21 days
CENTRE = "Farsø Plejecenter"


def shot(widget, name):
    return shoot(widget, f"vesthimmerland-{name}")


@pytest.fixture
def jobcentre(make_ctx, tmp_path):
    """The real server with team Jobcenter Vesthimmerland (Jens and Lone), and a laptop for each."""
    with make_database_url(STORY_DB, tmp_path) as url, LiveServer(url) as server:
        team = server.new_team("Jobcenter Vesthimmerland")
        ids = {
            "jens": seed_user(server.engine, "jens", "consultant", [team], full_name="Jens Aagaard"),
            "lone": seed_user(server.engine, "lone", "consultant", [team], full_name="Lone Brix"),
        }
        clock = Clock(START)
        laptops = {}
        for name in ids:
            ctx = make_ctx(tmp_path / name, start_sync=True, interval=3600, debounce=3600,
                           credentials=Credentials(account=f"token-{name}"))
            ctx.today = clock
            laptops[name] = ctx
        yield server, team, ids, laptops, clock
    raise_modal_errors()


def mentor_sheet(path):
    """The centre's mentor list as the jobcentre keeps it in Excel."""
    book = Workbook()
    sheet = book.active
    sheet.append(["Mentor", "Virksomhed", "Stilling", "Telefon", "Uddannet", "Kapacitet"])
    sheet.append(["Birgitte Sørensen", CENTRE, "Køkkenleder", "98 63 12 34", datetime(2024, 3, 12), 2])
    sheet.append(["Per Østergaard", CENTRE, "Pedel", "+45 23 45 67 89", "14-06-2023", 1])
    sheet.append([None] * 6)
    sheet.append(["Aase Løvgren", CENTRE, "Social- og sundhedsassistent", "21 43 65 87", datetime(2025, 10, 2), 1])
    sheet.append(["Karim Haddad", "Aars Maskinfabrik", "Værkfører", "40 50 60 70", datetime(2022, 5, 20), 1])
    book.save(path)
    return path






def test_vesthimmerland_centre_mentors_reminder_and_catalogue(jobcentre, qtbot, tmp_path, monkeypatch):
    from desktop.ui.dialogs.entity_dialog import EntityDialog
    from desktop.ui.dialogs.import_dialog import ImportDialog

    server, team, ids, laptops, clock = jobcentre
    jens = laptops["jens"]
    monkeypatch.setattr(QDesktopServices, "openUrl", lambda url: True)

    # 1. First start: Jens signs in from the dialog that greets him.
    window = open_window(jens, qtbot)
    sign_in_on_first_start(qtbot, jens, window, server.url, "jens", "vesthimmerland-01-jens-login")
    qtbot.waitUntil(lambda: QApplication.activeModalWidget() is None, timeout=5000)
    raise_modal_errors()
    qtbot.waitUntil(lambda: window.sync_widget.state.text() == "Online", timeout=20000)
    assert jens.account.default_team.name == "Jobcenter Vesthimmerland"

    # 2. The company centre, with its agreement.
    go_to(qtbot, window, COMPANIES)
    companies = window.companies
    seen = {}

    def new_centre(dialog):
        form = dialog.form
        fill(qtbot, form, {"name": CENTRE, "address": "Plejecentervej 2", "postcode": "9640", "city": "Farsø",
                           "municipality": "Vesthimmerland", "industry": "Ældrepleje", "is_centre": True})
        assert form.row_shown("centre_work_areas")  # ticking "Virksomhedscenter" shows the agreement's fields
        seen["interval"] = form.widgets["centre_visit_interval_days"].text()
        fill(qtbot, form, {"centre_work_areas": "Køkken, rengøring, pedelopgaver",
                           "centre_target_groups": "Ikke-jobparate borgere, borgere med sprogbarrierer",
                           "centre_places": "3", "centre_agreement_start": "1-11-26",
                           "centre_agreement_end": "31.10.2027"})
        assert (form.widgets["centre_agreement_start"].text(), form.widgets["centre_agreement_end"].text()) == (
            "01-11-2026", "31-10-2027")
        shot(dialog, "02-new-centre")
        click(qtbot, ok_button(dialog))

    answer_modal(qtbot, EntityDialog, new_centre)
    click(qtbot, button(companies.list, "new_company"))
    raise_modal_errors()
    page = companies.page
    qtbot.waitUntil(lambda: page.isVisible() and page.heading.text() == CENTRE, timeout=5000)
    assert seen["interval"] == "21"  # every 3 weeks unless the agreement says otherwise
    qtbot.waitUntil(lambda: "Køkken, rengøring" in page.centre_text.text(), timeout=5000)
    assert "01-11-2026 – 31-10-2027" in page.centre_text.text()
    centre_id = page.company_id
    with jens.db.read() as session:
        fields = get_record(session, "company", centre_id).fields
    assert (fields["is_centre"], fields["centre_places"], fields["centre_visit_interval_days"]) == (True, 3, 21)
    assert (fields["centre_agreement_start"], fields["centre_agreement_end"]) == (date(2026, 11, 1),
                                                                                 date(2027, 10, 31))
    assert fields["responsible_user_id"] == ids["jens"]
    shot(window, "03-centre-page")

    # 3. The mentors, from the spreadsheet: File > Importér fra CSV eller Excel...
    sheet = mentor_sheet(tmp_path / "mentorer.xlsx")
    monkeypatch.setattr(QFileDialog, "getOpenFileName", lambda *a, **k: (str(sheet), ""))
    report = {}

    def import_mentors(dialog):
        choose(dialog.entity, "mentor")
        click(qtbot, button_with_text(dialog, "Vælg fil…"))
        assert dialog.file_label.text() == "mentorer.xlsx · 4 rækker"
        assert [box.currentData() for box in dialog.mapping_boxes] == [
            "name", "company_name", "title", "phone", "trained_on", "capacity"]
        click(qtbot, button(dialog, "check"))
        qtbot.waitUntil(lambda: "bliver importeret" in dialog.report.toPlainText(), timeout=10000)
        report["check"] = dialog.report.toPlainText().splitlines()
        shot(dialog, "04-import-mentors-checked")
        click(qtbot, button(dialog, "do_import"))
        qtbot.waitUntil(lambda: "importeret." in dialog.report.toPlainText().splitlines()[-1], timeout=10000)
        report["done"] = dialog.report.toPlainText().splitlines()[-1]
        shot(dialog, "05-import-mentors-done")
        click(qtbot, button_with_text(dialog, "Luk"))

    answer_modal(qtbot, ImportDialog, import_mentors)
    menu_action(window, "action_import_file", "Importér fra CSV eller Excel…").trigger()
    raise_modal_errors()
    assert report["check"][0] == "3 rækker bliver importeret, 1 afvises."
    assert report["check"][1].startswith("Række 6: ")  # Aars Maskinfabrik, on row 6 of the sheet
    assert report["done"] == "3 rækker importeret."
    qtbot.waitUntil(lambda: page.mentors.rowCount() == 3, timeout=5000)
    go_to(qtbot, window, MENTORS)
    qtbot.waitUntil(lambda: window.mentors.model.rowCount() == 3, timeout=5000)
    shot(window, "06-mentors")
    with jens.db.read() as session:
        mentors = {m.name: m for m in list_mentors(session, company_id=centre_id).items}
    assert sorted(mentors) == ["Aase Løvgren", "Birgitte Sørensen", "Per Østergaard"]
    assert all(m.active for m in mentors.values())
    assert mentors["Per Østergaard"].trained_on == date(2023, 6, 14)

    # 4. The visit reminder: not yet on 2 November ...
    go_to(qtbot, window, TODAY)
    today = window.today
    qtbot.waitUntil(lambda: list_texts(today.centres) == ["Alle centre er besøgt i tide."], timeout=5000)
    shot(window, "07-today-not-due")
    # ... due three weeks after the agreement began.
    clock.set(DUE)
    today.refresh()
    qtbot.waitUntil(lambda: list_texts(today.centres) == [f"{CENTRE} — aldrig besøgt"], timeout=5000)
    # ... and its follow-up, planned on the new day for Jens (the app was not restarted), is due too.
    qtbot.waitUntil(lambda: list_texts(today.follow_ups) == [
        f"22-11-2026 · {CENTRE} — Besøg virksomhedscenter: {CENTRE}  (overskredet)"], timeout=5000)
    shot(window, "08-today-centre-due")

    # A centre visit that day, started from the reminder (click it, Enter) and the centre's page.
    item = today.centres.item(0)
    qtbot.mouseClick(today.centres.viewport(), Qt.MouseButton.LeftButton,
                     pos=today.centres.visualItemRect(item).center())
    qtbot.keyClick(today.centres, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: page.isVisible() and page.heading.text() == CENTRE, timeout=5000)
    click(qtbot, button(page, "new_visit"))
    editor = window.visits.editor
    qtbot.waitUntil(lambda: editor.isVisible() and editor.heading.text().startswith(CENTRE), timeout=5000)
    form = editor.form
    assert form.widgets["visited_at"].text() == "23-11-2026"
    choose(form.widgets["kind"], "centre_visit")
    type_into(qtbot, form.widgets["participants"], "Birgitte Sørensen (køkkenleder)")
    type_into(qtbot, form.widgets["body"], "Sparring om køkkenets behov: to borgere i gang, en plads ledig. "
                                           "Pedelopgaverne kan rumme en borger mere fra januar.")
    qtbot.waitUntil(lambda: editor.visit_id is not None and editor.saved_label.text().startswith("Gemt"),
                    timeout=5000)
    centre_visit = editor.visit_id
    shot(window, "09-centre-visit")
    go_to(qtbot, window, TODAY)
    qtbot.waitUntil(lambda: list_texts(today.centres) == ["Alle centre er besøgt i tide."], timeout=5000)
    assert list_texts(today.follow_ups) == ["Intet forfaldent. Godt gået."]  # the visit closed the follow-up
    assert any(CENTRE in t for t in list_texts(today.visits))
    shot(window, "10-today-after-visit")

    # Three weeks later it is due again, with the date of the last visit.
    clock.set(NEXT_DUE)
    today.refresh()
    qtbot.waitUntil(lambda: list_texts(today.centres) == [f"{CENTRE} — sidste besøg 23-11-2026"], timeout=5000)
    qtbot.waitUntil(lambda: list_texts(today.follow_ups) == [
        f"14-12-2026 · {CENTRE} — Besøg virksomhedscenter: {CENTRE}"], timeout=5000)
    shot(window, "11-today-due-again")

    # 5. Jens syncs; Lone signs in on her laptop and makes the catalogue from Rapporter.
    sync_by_button(qtbot, window)
    lone = laptops["lone"]
    colleague = open_window(lone, qtbot)
    sign_in_on_first_start(qtbot, lone, colleague, server.url, "lone", "vesthimmerland-12-lone-login")
    qtbot.waitUntil(lambda: lone.runner.status().last_success is not None and not lone.runner.status().syncing,
                    timeout=20000)
    # The centre is Jens's to visit: it is due on his I dag, not on Lone's.
    colleague.today.refresh()
    qtbot.waitUntil(lambda: list_texts(colleague.today.centres) == ["Alle centre er besøgt i tide."], timeout=5000)
    today.refresh()
    qtbot.waitUntil(lambda: list_texts(today.centres) == [f"{CENTRE} — sidste besøg 23-11-2026"], timeout=5000)
    with lone.db.read() as session:
        catalogue = centre_catalogue_data(session, names=lone.account.names, today=NEXT_DUE)
    [entry] = catalogue.centres
    assert (entry.name, entry.places, entry.active_mentors, entry.responsible) == (CENTRE, 3, 3, "Jens Aagaard")
    assert (entry.agreement_start, entry.agreement_end, entry.visit_interval_days) == (
        date(2026, 11, 1), date(2027, 10, 31), 21)

    go_to(qtbot, colleague, REPORTS)
    reports = colleague.reports
    choose(reports.kind, "catalogue")
    assert not reports.start.isEnabled()  # the catalogue has no period
    target = tmp_path / "virksomhedscenterkatalog.pdf"
    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *a, **k: (str(target), "PDF (*.pdf)"))
    shot(colleague, "13-reports-catalogue")
    click(qtbot, button(reports, "save_pdf"))
    qtbot.waitUntil(lambda: reports.property("last_pdf") == str(target), timeout=20000)
    from pypdf import PdfReader

    text = "\n".join(p.extract_text() for p in PdfReader(target).pages)
    for expected in (CENTRE, "Køkken, rengøring, pedelopgaver", "Jens Aagaard", "3 aktive"):
        assert expected in text
    if shutil.which("pdftoppm"):  # page 1 as a picture, to look at
        subprocess.run(["pdftoppm", "-png", "-r", "70", "-f", "1", "-l", "1", "-singlefile", str(target),
                        str(SHOTS / "vesthimmerland-14-catalogue-page1")], check=True, timeout=60)

    # The centre's follow-ups are Jens's: the first done by his visit, the second open.
    with jens.db.read() as session:
        centre_follow_ups = list_follow_ups(session, subject_id=centre_id, done=None).items
    assert sorted((f.due_on, f.done, f.assignee_id) for f in centre_follow_ups) == [
        (date(2026, 11, 22), True, ids["jens"]), (NEXT_DUE, False, ids["jens"])]

    # The screens on the way, in English and with the operating system in dark mode.
    from desktop.ui.fields import COMPANY_FIELDS

    def centre_dialog(parent):
        dialog = EntityDialog(jens, "company", list(COMPANY_FIELDS), lambda ops, v: None, parent=parent)
        dialog.form.widgets["is_centre"].setChecked(True)
        return dialog

    dialogs = (centre_dialog, lambda parent: ImportDialog(jens, parent))
    for language, dark in (("en", False), ("da", True)):
        name = f"vesthimmerland-{language}{'-dark' if dark else ''}"
        back = in_language_and_palette(language, dark)
        try:
            tour(qtbot, jens, f"{name}-jens", company_id=centre_id, visit_id=centre_visit, dialogs=dialogs)
            tour(qtbot, lone, f"{name}-lone")
        finally:
            back()
