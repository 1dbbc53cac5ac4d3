"""Forberedelse til besøg from the company page: one click, the briefing on screen and as a one-page PDF."""

from __future__ import annotations

import json

import pytest
from openpyxl import load_workbook
from pypdf import PdfReader
from PySide6.QtWidgets import QFileDialog

from tests.reports.dataset import build
from tests.ui.story_helpers import button, click, menu_action, open_window, shoot


def test_briefing_button_shows_the_company_on_one_page_offline(ctx, qtbot):
    ops = ctx.ops()  # offline: no server, nobody signed in
    dataset = build(ops, ctx.db, ops.actor.user_id)
    window = open_window(ctx, qtbot)
    window.open_company(dataset.jammerbugt)
    page = window.companies.page
    qtbot.waitUntil(lambda: page.data is not None and page.company_id == dataset.jammerbugt, timeout=5000)

    click(qtbot, button(page, "briefing"))
    qtbot.waitUntil(lambda: page.property("briefing_dialog") is not None, timeout=10000)
    dialog = page.property("briefing_dialog")
    qtbot.addWidget(dialog)
    qtbot.waitUntil(dialog.isVisible, timeout=5000)
    shoot(dialog, "briefing-dialog")
    shown = dialog.text.toPlainText()
    for expected in ("Hjælp til daglig rengøring, 8 timer om ugen.", "Rengøring af værksted og kantine",
                     "31-12-2026 (uge 53)", "Midtvejsopfølgning: Rengøring af værksted og kantine",
                     "Lone Bødker", "Fint referat."):
        assert expected in shown, expected

    reader = PdfReader(str(dialog.pdf))
    assert len(reader.pages) == 1
    text = " ".join(reader.pages[0].extract_text().split())
    # The last visit's needs and the running internship's next follow-up, as printed.
    assert "Hjælp til daglig rengøring, 8 timer om ugen." in text
    assert "31-12-2026 (uge 53) Midtvejsopfølgning: Rengøring af værksted og kantine" in text
    assert dialog.windowTitle() == "Forberedelse til besøg: Jammerbugt Rengøring ApS"
    click(qtbot, button(dialog, "close"))
    assert not dialog.isVisible()


@pytest.mark.parametrize("suffix", [".json", ".xlsx"])
def test_open_openings_export_from_the_file_menu(ctx, qtbot, monkeypatch, tmp_path, suffix):
    ops = ctx.ops()
    build(ops, ctx.db, ops.actor.user_id)
    window = open_window(ctx, qtbot)
    target = tmp_path / f"ledige{suffix}"
    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *a, **k: (str(target.with_suffix("")), k.get(
        "filter", a[3] if len(a) > 3 else "").split(";;")[1 if suffix == ".json" else 0]))
    menu_action(window, "action_export_openings", "Eksportér ledige jobåbninger…").trigger()
    screen = window.openings
    qtbot.waitUntil(lambda: screen.property("last_postings_export") is not None, timeout=10000)
    assert screen.property("last_postings_export") == str(target)  # the ending the chosen format gives
    if suffix == ".json":
        titles = [o["title"] for o in json.loads(target.read_text(encoding="utf-8"))["openings"]]
    else:
        titles = [row[0] for row in load_workbook(target).active.iter_rows(min_row=2, values_only=True)]
    assert titles == ["Småjob i montagehallen"]  # the only open one in the dataset
