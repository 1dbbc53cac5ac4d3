"""Ugens overblik in the supervisor's app: offered once a week on start, on demand from Work, saved as PDF."""

from __future__ import annotations

from datetime import date

import pytest
from pypdf import PdfReader
from PySide6.QtGui import QDesktopServices
from PySide6.QtWidgets import QFileDialog

from desktop.credentials import Credentials
from server.seeding import PASSWORD, seed_user
from tests.support.live_server import LiveServer, make_database_url
from tests.ui.story_helpers import Clock, button, click, menu_action, open_window, shoot

MONDAY = date(2026, 11, 23)  # week 48 begins: the digest is about week 47 (16-22 November)


@pytest.fixture
def office(make_ctx, tmp_path):
    """The real server; Mette wrote last week's visits on her laptop and synced; Sara's laptop has synced."""
    with make_database_url("sqlite", tmp_path) as url, LiveServer(url) as server:
        for username, role, name in (("mette", "consultant", "Mette Kjær"), ("sara", "supervisor", "Sara Holm")):
            seed_user(server.engine, username, role, [server.team_id], full_name=name)
        laptops = {}
        for username in ("mette", "sara"):
            ctx = make_ctx(tmp_path / username, start_sync=True, interval=3600, debounce=3600,
                           credentials=Credentials(account=f"token-{username}"))
            ctx.service.login(server.url, username, PASSWORD, username)
            ctx.today = Clock(MONDAY)
            laptops[username] = ctx
        mette = laptops["mette"]
        ops = mette.ops()
        company = ops.create_company(name="Jammerbugt Rengøring ApS").id
        waiting = ops.create_visit(company, visited_at=date(2026, 11, 17), body="Praktik aftalt.").id
        ops.mark_visit_ready(waiting)  # the server answers "received": it waits for Sara
        ops.create_visit(company, visited_at=date(2026, 11, 19), body="Kladde.")
        ops.create_visit(company, visited_at=date(2026, 11, 9), body="Ugen før.")
        ops.create_follow_up("company", company, due_on=date(2026, 11, 20), note="Ring til Lone")
        for ctx in (mette, laptops["sara"]):
            ctx.runner.request().result(timeout=30)
        yield laptops


def digest_of(qtbot, window):
    qtbot.waitUntil(lambda: window.property("digest_dialog") is not None, timeout=10000)
    dialog = window.property("digest_dialog")
    qtbot.addWidget(dialog)
    return dialog


def test_offered_once_a_week_then_on_demand_and_saved_as_pdf(office, qtbot, monkeypatch, tmp_path):
    sara = office["sara"]
    window = open_window(sara, qtbot)  # the first start of the week: the digest comes by itself
    dialog = digest_of(qtbot, window)
    qtbot.waitUntil(dialog.isVisible, timeout=5000)
    shoot(dialog, "digest-dialog")
    assert dialog.windowTitle() == "Ugens overblik: uge 47"
    assert dialog.digest.rows == [("Mette Kjær", (2, 1, 0, 0, 0, 0, 1, 0))]
    shown = dialog.text.toPlainText()
    assert "Ugens overblik · uge 47" in shown and "16-11-2026 – 22-11-2026" in shown
    assert "Mette Kjær" in shown and "Sådan er der talt" in shown
    # The PDF's charts on screen: the week per consultant, and visits per week (week 46 had one, 47 two).
    assert dialog.week_chart.describe() == "Mette Kjær: Besøg skrevet 2"
    assert dialog.trend_chart.describe() == "uge 46: Mette Kjær 1; uge 47: Mette Kjær 2"

    # "Gem som PDF…": the page with the charts.
    target = tmp_path / "overblik.pdf"
    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *a, **k: (str(target), "PDF (*.pdf)"))
    monkeypatch.setattr(QDesktopServices, "openUrl", lambda url: True)
    click(qtbot, button(dialog, "save_digest_pdf"))
    qtbot.waitUntil(lambda: dialog.property("last_pdf") == str(target), timeout=10000)
    text = " ".join(PdfReader(str(target)).pages[0].extract_text().split())
    assert "Mette Kjær 2 1 0 0 0 0 1 0" in text and "uge 47" in text
    click(qtbot, button(dialog, "close"))
    window.close()

    # Started again the same week: not offered again (the week is remembered in the local database).
    again = open_window(sara, qtbot)
    qtbot.waitUntil(lambda: again._digest_week is not None, timeout=5000)
    sara.tasks.wait_idle()
    qtbot.wait(50)
    assert again.property("digest_dialog") is None
    # ... but Work > "Ugens overblik…" shows it on demand.
    menu_action(again, "action_weekly_digest", "Ugens overblik…").trigger()
    assert digest_of(qtbot, again).digest.counts.week == 47
    again.setProperty("digest_dialog", None)

    # The window stays open over the weekend: the first sync of the next Monday offers it, about week 48.
    sara.today.set(date(2026, 11, 30))
    sara.runner.request().result(timeout=30)
    assert digest_of(qtbot, again).digest.counts.week == 48
    again.close()
    # And a start later that Monday does not offer it again.
    later = open_window(sara, qtbot)
    qtbot.waitUntil(lambda: later._digest_week == "2026-W49", timeout=5000)
    sara.tasks.wait_idle()
    qtbot.wait(50)
    assert later.property("digest_dialog") is None


def test_consultants_are_not_offered_the_digest(office, qtbot):
    window = open_window(office["mette"], qtbot)
    qtbot.waitUntil(lambda: window.ctx.account.user_id is not None, timeout=5000)
    window.ctx.tasks.wait_idle()
    qtbot.wait(50)
    assert window.property("digest_dialog") is None and window._digest_week is None
