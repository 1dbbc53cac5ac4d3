"""Small defects the story tests (test_story_*.py) ran into, each with the test that shows it fixed."""

from __future__ import annotations

from types import MappingProxyType

from desktop.models.changes import Actor
from desktop.models.operations import Operations
from tests.ui.story_helpers import button, click, type_into

METTE, LARS, TEAM = (f"00000000-0000-4000-8000-00000000000{n}" for n in (1, 2, 3))


def test_a_visit_date_typed_anew_shows_in_the_heading(window, ctx, qtbot):
    """The heading kept the first date ("· 23-11-2026") after the visit date was changed and saved."""
    company = ctx.ops().create_company(name="Aabybro Bageri").id
    window.start_visit(company)
    editor = window.visits.editor
    qtbot.waitUntil(lambda: editor.heading.text() == "Aabybro Bageri · 23-11-2026", timeout=5000)
    type_into(qtbot, editor.form.widgets["body"], "Bageriet mangler hænder om morgenen.")
    qtbot.waitUntil(lambda: editor.visit_id is not None, timeout=5000)
    type_into(qtbot, editor.form.widgets["visited_at"], "20-11-26")
    qtbot.waitUntil(lambda: editor.heading.text() == "Aabybro Bageri · 20-11-2026", timeout=5000)
    type_into(qtbot, editor.form.widgets["visited_at"], "31-02-2026")  # no such day: the heading keeps the last
    qtbot.waitUntil(lambda: editor.form.errors["visited_at"].isVisible(), timeout=5000)
    qtbot.wait(50)
    assert editor.heading.text() == "Aabybro Bageri · 20-11-2026"


def test_the_visit_summary_is_signed_with_the_consultant_and_the_jobcentre(window, ctx, qtbot, monkeypatch,
                                                                           tmp_path):
    from pypdf import PdfReader
    from PySide6.QtGui import QDesktopServices
    from PySide6.QtWidgets import QFileDialog

    from desktop.ui.account import AccountSnapshot, Team

    ops = Operations(ctx.db, Actor(METTE, TEAM), today=ctx.today)
    visit = ops.create_visit(ops.create_company(name="Jammerbugt Rengøring ApS").id, body="Faglærte gør rent.").id
    ctx.set_account(AccountSnapshot(server_url="http://x", user_id=METTE, full_name="Mette Kjær",
                                    teams=(Team(TEAM, "Jobcenter Jammerbugt"),),
                                    names=MappingProxyType({METTE: "Mette Kjær"}), signed_in=True))
    target = tmp_path / "referat.pdf"
    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *a, **k: (str(target), "PDF (*.pdf)"))
    monkeypatch.setattr(QDesktopServices, "openUrl", lambda url: True)
    window.open_visit(visit)
    editor = window.visits.editor
    qtbot.waitUntil(lambda: editor.record is not None, timeout=5000)
    click(qtbot, button(editor, "visit_pdf"))
    qtbot.waitUntil(lambda: editor.property("last_pdf") == str(target), timeout=20000)
    text = "\n".join(page.extract_text() for page in PdfReader(target).pages)
    assert "Mette Kjær" in text
    assert "Jobcenter Jammerbugt" in text


def test_today_lists_only_my_centres_due(window, ctx, qtbot):
    from datetime import date

    from desktop.ui.account import AccountSnapshot, Team
    from tests.ui.story_helpers import list_texts

    for owner, name in ((METTE, "Farsø Plejecenter"), (LARS, "Aars Maskinfabrik")):
        Operations(ctx.db, Actor(owner, TEAM), today=ctx.today).create_company(
            name=name, is_centre=True, centre_agreement_start=date(2026, 11, 1))
    ctx.set_account(AccountSnapshot(server_url="http://x", user_id=METTE, teams=(Team(TEAM, "Vesthimmerland"),),
                                    signed_in=True))
    window.today.refresh()
    centres = window.today.centres
    qtbot.waitUntil(lambda: any("Farsø" in t for t in list_texts(centres)), timeout=5000)
    assert list_texts(centres) == ["Farsø Plejecenter — aldrig besøgt"]


def test_an_openings_follow_up_names_the_opening_once_on_today(window, ctx, qtbot):
    """I dag read "15-01-2027 · Jammerbugt Rengøring ApS · Rengøring — Midtvejsopfølgning: Rengøring"."""
    from datetime import date

    from tests.ui.story_helpers import list_texts

    ops = ctx.ops()
    company = ops.create_company(name="Jammerbugt Rengøring ApS").id
    ops.create_opening(company, title="Rengøring", kind="virksomhedspraktik", duration_weeks=13,
                       starts_on=date(2026, 10, 1))  # the midway follow-up is due (15-11-2026)
    ops.create("follow_up", {"due_on": date(2026, 11, 20), "subject_kind": "opening",
                             "subject_id": _opening_id(ctx), "note": "Ring til mentoren"})
    window.today.refresh()
    follow_ups = window.today.follow_ups
    qtbot.waitUntil(lambda: len(list_texts(follow_ups)) == 2, timeout=5000)
    assert list_texts(follow_ups) == [
        "15-11-2026 · Jammerbugt Rengøring ApS — Midtvejsopfølgning: Rengøring  (overskredet)",
        "20-11-2026 · Jammerbugt Rengøring ApS · Rengøring — Ring til mentoren  (overskredet)",
    ]


def _opening_id(ctx):
    from desktop.models.queries import list_openings

    with ctx.db.read() as session:
        return list_openings(session).items[0].id


def test_the_overview_and_the_supervisor_report_count_an_opening_alike(ctx):
    from datetime import date

    from desktop.models.review_queries import overview_by_consultant
    from desktop.reports import supervisor_report_data

    mette = Operations(ctx.db, Actor(METTE, TEAM), today=ctx.today)
    company = mette.create_company(name="Jammerbugt Rengøring ApS").id
    visit = mette.create_visit(company, body="Faglærte gør rent.").id
    Operations(ctx.db, Actor(LARS, TEAM), today=ctx.today).create_opening(
        company, visit_id=visit, title="Rengøring", kind="virksomhedspraktik", starts_on=date(2027, 1, 4))
    with ctx.db.read() as session:
        for start, end in ((date.today().replace(day=1), date.today()), (date(2027, 1, 1), date(2027, 1, 31))):
            report = supervisor_report_data(session, TEAM, start, end, today=date(2027, 1, 31))
            on_screen = {row.consultant_id: row.openings_created for row in overview_by_consultant(session, start, end)
                         if row.openings_created}
            assert on_screen == {c.consultant_id: c.openings for c in report.consultants if c.openings}


def test_a_fresh_install_does_not_offer_a_loopback_server(ctx, qtbot):
    """Without IT's preset (desktop/preset.py) the address starts empty; the placeholder shows an example."""
    from desktop.ui.dialogs.login import LoginDialog

    dialog = LoginDialog(ctx)
    qtbot.addWidget(dialog)
    assert dialog.server.text() == ""
