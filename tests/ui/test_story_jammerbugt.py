"""The Jammerbugt story (DESIGN.md, seed 001), walked through the real main window against the real server.

Mette is a company consultant at Jobcenter Jammerbugt; Sara is her supervisor; Lars is the colleague (the
jobcentre's adviser) who takes the internship on from here. Each has a laptop (a data folder of their own).
Everything the story does, a user does: clicks on the sidebar, buttons, tabs and menu entries, typing into
fields (dates and numbers too) and answering dialogs. Operations and report data are called only to check what
the screens did.

1. First start, out at the company, no network: the sign-in dialog, "Arbejd offline".
2. Jammerbugt Rengøring ApS: the company (CVR typed with spaces and DK), a contact person, a mentor.
3. The visit note: skilled staff do the cleaning. From the visit, "Opret jobåbning fra besøget": an
   internship (virksomhedspraktik) of 13 weeks (3 months) at 8 hours a week, from 1 December. The midway and
   end follow-ups are planned by themselves. The note is marked ready for review.
4. Back at the office: File > Log ind..., the server address, username and password typed; the sync sends it all.
5. Sara signs in on her laptop and approves the note with a comment in Gennemsyn.
6. Mette syncs: the comment is on her I dag. Mid-January the midway follow-up is on I dag; she marks it done.
7. 2 March, the end follow-up: a follow-up visit; the citizen is hired for 8 ordinary hours a week (the
   opening becomes a småjob, filled) and the company asks for a second internship in another area, created
   from that visit. Sara returns that note ("Har mangler"); Mette corrects it and sends it again; Sara
   approves it.
8. Sara syncs; the supervisor report counts both visits and both openings for Mette; the PDF is made from
   Rapporter; Gennemsyn > Overblik agrees. Mette makes her follow-up list and the first visit's summary as PDF.
9. Lars signs in on his laptop: the company, its contact person and mentor, and both openings are there;
   "Mine besøg" is empty for him.

Screenshots of every screen on the way go to /tmp/story-shots/jammerbugt-*.png; afterwards the same screens
in English and with a dark palette (as Qt gives a window when the OS is in dark mode).
"""

from __future__ import annotations

from datetime import date

import pytest
from pypdf import PdfReader
from PySide6.QtCore import Qt
from PySide6.QtGui import QDesktopServices
from PySide6.QtWidgets import QFileDialog

from desktop.credentials import Credentials
from desktop.models.queries import list_follow_ups, list_openings, list_visits
from desktop.models.record_queries import get_record
from desktop.reports import supervisor_report_data
from server.seeding import seed_user
from tests.support.live_server import LiveServer, make_database_url
from tests.ui.story_helpers import (
    COMPANIES,
    FOLLOW_UPS,
    OPENINGS,
    REPORTS,
    REVIEW,
    STORY_DB,
    TODAY,
    VISITS,
    Clock,
    answer_modal,
    button,
    choose,
    click,
    click_box,
    fill,
    go_to,
    list_texts,
    ok_button,
    open_window,
    raise_modal_errors,
    select_row,
    sign_in_on_first_start,
    sync_by_button,
    type_into,
)
from tests.ui.story_jammerbugt_steps import (
    END,
    MIDWAY,
    START,
    first_start_offline,
    open_tab,
    register_the_company,
    shot,
    sign_in_from_menu,
    tour_in_english_and_dark,
    write_the_visit_offline,
)


@pytest.fixture
def office(make_ctx, tmp_path):
    """The real server with Mette and Sara, and a laptop (data folder, sync runner, keychain entry) for each."""
    with make_database_url(STORY_DB, tmp_path) as url, LiveServer(url) as server:
        ids = {
            "mette": seed_user(server.engine, "mette", "consultant", [server.team_id], full_name="Mette Kjær"),
            "sara": seed_user(server.engine, "sara", "supervisor", [server.team_id], full_name="Sara Holm"),
            "lars": seed_user(server.engine, "lars", "consultant", [server.team_id], full_name="Lars Vestergaard"),
        }
        clock = Clock(START)
        laptops = {}
        for name in ids:
            ctx = make_ctx(tmp_path / name, start_sync=True, interval=3600, debounce=3600,
                           credentials=Credentials(account=f"token-{name}"))
            ctx.today = clock
            laptops[name] = ctx
        yield server, ids, laptops, clock
    raise_modal_errors()


def test_jammerbugt_offline_first_then_review_follow_ups_and_report(office, qtbot, tmp_path, monkeypatch):
    from desktop.ui.dialogs.entity_dialog import EntityDialog

    server, ids, laptops, clock = office
    mette = laptops["mette"]
    opened_urls = []
    monkeypatch.setattr(QDesktopServices, "openUrl", lambda url: opened_urls.append(url) or True)

    # 1. First start with no server: the sign-in dialog; "Arbejd offline".
    window = first_start_offline(qtbot, mette)

    # 2. The company, typed in the "Ny virksomhed" dialog; its page opens.
    page = register_the_company(qtbot, window)

    # 3. The visit note, written on the company's page ("Nyt besøg"); the internship from it, its follow-ups.
    visit_id = write_the_visit_offline(qtbot, mette, window, page)
    companies, editor, follow_ups = window.companies, window.visits.editor, window.follow_ups
    form = editor.form

    # 4. Back at the office: sign in (File > Log ind...), which syncs at once.
    sign_in_from_menu(qtbot, window, server.url, "mette", "11-mette")
    qtbot.waitUntil(lambda: window.sync_widget.pending.text() == "Alle ændringer er sendt", timeout=20000)
    qtbot.waitUntil(lambda: window.sync_widget.state.text() == "Online", timeout=10000)
    shot(window, "12-today-signed-in")
    with mette.db.read() as session:
        visit = get_record(session, "visit", visit_id)
        assert visit.fields["consultant_id"] == ids["mette"]  # work done offline is Mette's (finding 1)
        assert {f.assignee_id for f in list_follow_ups(session).items} == {ids["mette"]}
    assert any("Jammerbugt Rengøring ApS" in t for t in list_texts(window.today.visits))

    # 5. Sara's laptop: she signs in and approves the note with a comment.
    sara = laptops["sara"]
    boss = open_window(sara, qtbot)
    sign_in_from_menu(qtbot, boss, server.url, "sara", "13-sara")
    qtbot.waitUntil(lambda: not boss.sidebar.item(REVIEW).isHidden(), timeout=10000)
    qtbot.waitUntil(lambda: boss.ctx.runner.status().last_success is not None, timeout=20000)
    boss.today.refresh()
    qtbot.waitUntil(lambda: boss.today.groups["reviews"].title() == "1 besøg venter på gennemsyn", timeout=5000)
    shot(boss, "14-supervisor-today")
    go_to(qtbot, boss, REVIEW)
    queue = boss.review.queue
    qtbot.waitUntil(lambda: queue.list.count() == 1, timeout=10000)
    qtbot.waitUntil(lambda: "Faglærte medarbejdere" in queue.reading.toPlainText(), timeout=5000)
    assert "Mette Kjær" in queue.list.item(0).text()
    assert "Rengøring, kontor og kantine" in queue.reading.toPlainText()
    type_into(qtbot, queue.comment, "Godt set med rengøringen. Husk at aftale midtvejsmødet med Aysel.")
    shot(boss, "15-review-queue")
    click(qtbot, queue.buttons["approved"])
    qtbot.waitUntil(lambda: queue.message.text() == "Sendt.", timeout=10000)
    qtbot.waitUntil(lambda: queue.list.count() == 0, timeout=20000)

    # 6. Mette syncs: the comment is on her I dag, and the note reads "Godkendt" and is locked.
    sync_by_button(qtbot, window)
    reviews = window.today.reviews
    qtbot.waitUntil(lambda: any("Husk at aftale midtvejsmødet" in t for t in list_texts(reviews)), timeout=10000)
    assert "Godkendt" in list_texts(reviews)[0]
    shot(window, "16-today-comment")

    # Mid-January: the midway follow-up is due on I dag; she marks it done on Opfølgninger.
    clock.set(MIDWAY)
    window.today.refresh()
    qtbot.waitUntil(lambda: any("Midtvejsopfølgning" in t for t in list_texts(window.today.follow_ups)),
                    timeout=5000)
    assert all("Slutopfølgning" not in t for t in list_texts(window.today.follow_ups))
    shot(window, "17-today-midway-due")
    go_to(qtbot, window, FOLLOW_UPS)
    qtbot.waitUntil(lambda: follow_ups.model.rowCount() == 2, timeout=5000)
    select_row(qtbot, follow_ups.table, lambda text: text == "15-01-2027")
    click(qtbot, button(follow_ups, "mark_done"))
    qtbot.waitUntil(lambda: follow_ups.model.rowCount() == 1, timeout=5000)
    shot(window, "18-follow-ups-midway-done")
    go_to(qtbot, window, TODAY)
    qtbot.waitUntil(lambda: list_texts(window.today.follow_ups) == ["Intet forfaldent. Godt gået."], timeout=5000)

    # 7. 2 March: the end follow-up, a follow-up visit, the citizen hired for 8 ordinary hours a week.
    clock.set(END)
    window.today.refresh()
    qtbot.waitUntil(lambda: any("Slutopfølgning" in t for t in list_texts(window.today.follow_ups)), timeout=5000)
    go_to(qtbot, window, COMPANIES)
    companies.show_list()
    type_into(qtbot, companies.list.search, "jammerbugt")
    qtbot.waitUntil(lambda: companies.list.model.rowCount() == 1, timeout=5000)
    select_row(qtbot, companies.list.table, lambda text: text.startswith("Jammerbugt"))
    click(qtbot, button(companies.list, "open"))
    qtbot.waitUntil(lambda: page.isVisible() and page.heading.text() == "Jammerbugt Rengøring ApS", timeout=5000)
    open_tab(qtbot, page, 0)
    click(qtbot, button(page, "new_visit"))
    qtbot.waitUntil(lambda: editor.isVisible() and editor.visit_id is None, timeout=5000)
    assert form.widgets["visited_at"].text() == "02-03-2027"
    choose(form.widgets["kind"], "follow_up")
    type_into(qtbot, form.widgets["body"], "Slutopfølgning på praktikken: virksomheden har fået det ønskede "
                                           "udbytte, og borger kan løfte opgaven. Borger ansættes i de 8 timer.")
    type_into(qtbot, form.widgets["needs"], "Samme model ønskes afprøvet i pakkeriet.")
    qtbot.waitUntil(lambda: editor.visit_id is not None, timeout=5000)
    second_visit = editor.visit_id

    # The company asks for a second internship in another area: from this visit.
    def second_internship(dialog):
        fill(qtbot, dialog.form, {"title": "Pakkeri", "kind": "virksomhedspraktik",
                                  "job_functions": "Pakning og etikettering", "hours_per_week": "7,5",
                                  "duration_weeks": "13", "starts_on": "8/3"})
        assert dialog.form.widgets["starts_on"].text() == "08-03-2027"
        click(qtbot, ok_button(dialog))

    answer_modal(qtbot, EntityDialog, second_internship)
    click(qtbot, button(editor, "opening_from_visit"))
    raise_modal_errors()
    qtbot.waitUntil(lambda: "Pakkeri" in editor.openings_label.text(), timeout=5000)
    click(qtbot, button(editor, "mark_ready"))
    qtbot.waitUntil(lambda: not button(editor, "mark_ready").isEnabled(), timeout=5000)
    shot(window, "19-second-visit")

    # The end follow-up done; the internship becomes 8 ordinary hours a week (småjob), filled.
    go_to(qtbot, window, FOLLOW_UPS)
    qtbot.waitUntil(lambda: any(follow_ups.model.index(r, 0).data() == "02-03-2027"
                                for r in range(follow_ups.model.rowCount())), timeout=5000)
    select_row(qtbot, follow_ups.table, lambda text: text == "02-03-2027")
    click(qtbot, button(follow_ups, "mark_done"))
    qtbot.waitUntil(lambda: all(follow_ups.model.index(r, 0).data() != "02-03-2027"
                                for r in range(follow_ups.model.rowCount())), timeout=5000)
    go_to(qtbot, window, OPENINGS)
    openings = window.openings
    qtbot.waitUntil(lambda: openings.model.rowCount() == 2, timeout=5000)
    select_row(qtbot, openings.table, lambda text: text == "Rengøring, kontor og kantine")

    def hired(dialog):
        assert dialog.form.widgets["kind"].currentData() == "virksomhedspraktik"
        fill(qtbot, dialog.form, {"kind": "smaajob", "status": "filled", "duration_weeks": ""})
        shot(dialog, "20-opening-becomes-smaajob")
        click(qtbot, ok_button(dialog))

    answer_modal(qtbot, EntityDialog, hired)
    click(qtbot, button(openings, "edit"))
    raise_modal_errors()
    qtbot.waitUntil(lambda: any(openings.model.index(r, 2).data() == "Småjob"
                                for r in range(openings.model.rowCount())), timeout=5000)
    shot(window, "21-openings")
    sync_by_button(qtbot, window)

    # Sara finds the follow-up note thin: "Har mangler", with a comment.
    sync_by_button(qtbot, boss)
    go_to(qtbot, boss, REVIEW)
    qtbot.waitUntil(lambda: queue.list.count() == 1 and "02-03-2027" in queue.list.item(0).text(), timeout=10000)
    type_into(qtbot, queue.comment, "Skriv hvem der deltog, og hvornår ansættelsen starter.")
    click(qtbot, queue.buttons["has_issues"])
    qtbot.waitUntil(lambda: queue.message.text() == "Sendt.", timeout=10000)
    qtbot.waitUntil(lambda: queue.list.count() == 0, timeout=20000)

    # Mette syncs: the comment on I dag opens the note; she corrects it and sends it again.
    sync_by_button(qtbot, window)
    go_to(qtbot, window, TODAY)
    qtbot.waitUntil(lambda: any("Har mangler" in t for t in list_texts(reviews)), timeout=10000)
    row = next(i for i, t in enumerate(list_texts(reviews)) if "Har mangler" in t)
    assert "Skriv hvem der deltog" in reviews.item(row).text()
    qtbot.mouseClick(reviews.viewport(), Qt.MouseButton.LeftButton,
                     pos=reviews.visualItemRect(reviews.item(row)).center())
    qtbot.keyClick(reviews, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: editor.isVisible() and editor.visit_id == second_visit and editor.review.isVisible(),
                    timeout=5000)
    assert "Skriv hvem der deltog" in editor.review.text()
    resend = button(editor, "mark_ready")
    assert resend.isEnabled() and resend.text() == "Send igen til gennemsyn"
    type_into(qtbot, form.widgets["participants"], "Aysel Lindberg (driftsleder), borger, Mette Kjær")
    type_into(qtbot, form.widgets["next_step"], "Ansættelse i 8 ordinære timer om ugen fra 2. marts.")
    qtbot.waitUntil(lambda: editor.saved_label.text().startswith("Gemt"), timeout=5000)
    assert "Skriv hvem der deltog" in editor.review.text()  # the comment stays while she corrects
    shot(window, "22-visit-has-issues")
    before = mette.runner.status().last_success
    click(qtbot, resend)  # saves and syncs at once
    qtbot.waitUntil(lambda: mette.runner.status().last_success != before and not mette.runner.status().syncing,
                    timeout=20000)
    qtbot.waitUntil(lambda: window.sync_widget.pending.text() == "Alle ændringer er sendt", timeout=5000)

    # Sara sees the corrected note ("Rettet") and approves it.
    sync_by_button(qtbot, boss)
    go_to(qtbot, boss, REVIEW)
    qtbot.waitUntil(lambda: queue.list.count() == 1 and "Rettet" in queue.list.item(0).text(), timeout=10000)
    qtbot.waitUntil(lambda: "borger, Mette Kjær" in queue.reading.toPlainText(), timeout=5000)
    click(qtbot, queue.buttons["approved"])
    qtbot.waitUntil(lambda: queue.list.count() == 0, timeout=20000)

    # 8. The report counts it all for Mette; the PDF from Rapporter.
    with sara.db.read() as session:
        report = supervisor_report_data(session, server.team_id, date(2026, 11, 1), date(2027, 3, 31),
                                        names=sara.account.names, today=END)
        visits = list_visits(session).items
        opened = {o.title: o for o in list_openings(session).items}
    assert {v.id for v in visits} == {visit_id, second_visit}
    [stats] = report.consultants
    assert (stats.consultant_id, stats.name) == (ids["mette"], "Mette Kjær")
    assert (stats.visits, stats.openings, stats.approved, stats.has_issues) == (2, 2, 2, 0)
    assert (stats.follow_ups_done, stats.follow_ups_open) == (2, 0)  # the Pakkeri ones fall after March
    assert report.total_openings == 2
    assert {(r.kind, r.total) for r in report.openings_by_kind} == {("smaajob", 1), ("virksomhedspraktik", 1)}
    assert (opened["Rengøring, kontor og kantine"].kind, opened["Rengøring, kontor og kantine"].status) == (
        "smaajob", "filled")
    assert [(p.title, p.hours_placed) for p in report.placed] == [("Rengøring, kontor og kantine", 8)]

    go_to(qtbot, boss, REPORTS)
    reports = boss.reports
    choose(reports.kind, "supervisor")
    type_into(qtbot, reports.start, "1-11-26")  # typed as in every form (a QDateEdit took "23-03--")
    type_into(qtbot, reports.end, "31.3.2027")
    assert (reports.start.text(), reports.end.text()) == ("01-11-2026", "31-03-2027")
    target = tmp_path / "lederrapport.pdf"
    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *a, **k: (str(target), "PDF (*.pdf)"))
    shot(boss, "24-reports")
    click(qtbot, button(reports, "save_pdf"))
    qtbot.waitUntil(lambda: reports.property("last_pdf") == str(target), timeout=20000)
    text = "\n".join(page.extract_text() for page in PdfReader(target).pages)
    assert "Mette Kjær" in text
    assert opened_urls and opened_urls[-1].toLocalFile() == str(target)

    # Gennemsyn > Overblik says the same for the period (the openings were registered today by the wall
    # clock, not the story's, so the period reaches today).
    go_to(qtbot, boss, REVIEW)
    tabs = boss.review.tabs
    qtbot.mouseClick(tabs.tabBar(), Qt.MouseButton.LeftButton, pos=tabs.tabBar().tabRect(1).center())
    overview = boss.review.overview
    first, last = min(date(2026, 11, 1), date.today()), max(date(2027, 3, 31), date.today())
    type_into(qtbot, overview.start, first.strftime("%-d-%-m-%y"))  # as "1-11-26"
    type_into(qtbot, overview.end, last.strftime("%-d.%-m.%Y"))  # as "31.3.2027"
    assert (overview.start.parsed(), overview.end.parsed()) == (first, last)
    table = overview.consultants

    def overview_rows():
        return [[table.item(r, c).text() for c in range(table.columnCount())] for r in range(table.rowCount())]

    qtbot.waitUntil(lambda: any(row[1] == "2" for row in overview_rows()), timeout=5000)
    shot(boss, "25-review-overview")
    assert overview_rows() == [["Mette Kjær", "2", "2", "1", "8"]]

    # Mette's own papers: her follow-ups for the spring as PDF (the midway and end ones done, Pakkeri's open) ...
    go_to(qtbot, window, REPORTS)
    mine = window.reports
    choose(mine.kind, "follow_ups")
    type_into(qtbot, mine.start, "1-12-26")
    type_into(qtbot, mine.end, "30-6-27")
    mine_pdf = tmp_path / "opfoelgninger.pdf"
    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *a, **k: (str(mine_pdf), "PDF (*.pdf)"))
    click(qtbot, button(mine, "save_pdf"))
    qtbot.waitUntil(lambda: mine.property("last_pdf") == str(mine_pdf), timeout=20000)
    text = " ".join(" ".join(p.extract_text() for p in PdfReader(mine_pdf).pages).split())
    for note in ("Midtvejsopfølgning: Rengøring, kontor og kantine", "Slutopfølgning: Rengøring, kontor og kantine",
                 "Midtvejsopfølgning: Pakkeri", "Slutopfølgning: Pakkeri"):
        assert note in text
    # ... and the summary of the approved first visit, to send to the company, signed by her and the jobcentre.
    window.open_visit(visit_id)
    qtbot.waitUntil(lambda: editor.record is not None and editor.visit_id == visit_id, timeout=5000)
    summary = tmp_path / "besoegsreferat.pdf"
    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *a, **k: (str(summary), "PDF (*.pdf)"))
    click(qtbot, button(editor, "visit_pdf"))
    qtbot.waitUntil(lambda: editor.property("last_pdf") == str(summary), timeout=20000)
    text = " ".join(" ".join(p.extract_text() for p in PdfReader(summary).pages).split())
    assert "Faglærte medarbejdere bruger timer på rengøring" in text
    assert "Mette Kjær Jobcenter Jammerbugt" in text

    # 9. Lars, the colleague, signs in on his laptop: the company and its openings are there to work on.
    lars = laptops["lars"]
    colleague = open_window(lars, qtbot)
    sign_in_on_first_start(qtbot, lars, colleague, server.url, "lars", "jammerbugt-lars-login")
    qtbot.waitUntil(lambda: lars.runner.status().last_success is not None and not lars.runner.status().syncing,
                    timeout=20000)
    go_to(qtbot, colleague, OPENINGS)
    qtbot.waitUntil(lambda: colleague.openings.model.rowCount() == 2, timeout=10000)
    shot(colleague, "26-colleague-openings")
    go_to(qtbot, colleague, VISITS)
    visit_list = colleague.visits.list
    qtbot.waitUntil(lambda: visit_list.model.rowCount() == 2, timeout=5000)
    click_box(qtbot, visit_list.mine)  # "Mine besøg": Lars has none
    qtbot.waitUntil(lambda: visit_list.model.rowCount() == 0, timeout=5000)
    colleague.open_company(company_id := page.company_id)
    lars_page = colleague.companies.page
    qtbot.waitUntil(lambda: lars_page.data is not None and lars_page.company_id == company_id, timeout=5000)
    assert (lars_page.contacts.rowCount(), lars_page.mentors.rowCount()) == (1, 1)
    assert lars_page.contacts.item(0, 0).text() == "Aysel Lindberg"

    # The screens on the way, in English and with the operating system in dark mode.
    tour_in_english_and_dark(qtbot, mette, sara, company_id, visit_id)
