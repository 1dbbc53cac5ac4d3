"""Shortcuts appear in the menus and do what they say (issue 16, point 9)."""

from __future__ import annotations

from PySide6.QtGui import QKeySequence
from PySide6.QtWidgets import QFileDialog


def menu_shortcuts(window) -> dict[str, str]:
    out = {}
    for menu_action in window.menuBar().actions():
        for action in menu_action.menu().actions():
            if not action.shortcut().isEmpty():
                out[action.shortcut().toString(QKeySequence.SequenceFormat.PortableText)] = action.text()
    return out


def test_the_shortcuts_are_listed_in_the_menus(window):
    shortcuts = menu_shortcuts(window)
    assert shortcuts["Ctrl+N"] == "Nyt besøg…"
    assert shortcuts["Ctrl+F"] == "Søg i listen"
    assert shortcuts["Ctrl+P"] == "Gem rapport som PDF…"
    assert shortcuts["Ctrl+K"].startswith("Søg i alt")
    assert shortcuts["Ctrl+1"] == "I dag" and shortcuts["Ctrl+2"] == "Virksomheder"
    assert {f"Ctrl+{n}" for n in range(1, 10)} <= set(shortcuts)


def test_ctrl_n_on_a_company_page_starts_a_visit_there(window, seeded, qtbot):
    window.open_company(seeded["company"])
    qtbot.waitUntil(lambda: window.companies.page.company_id == seeded["company"], timeout=5000)
    action = next(a for m in window.menuBar().actions() for a in m.menu().actions()
                  if a.shortcut() == QKeySequence("Ctrl+N"))
    action.trigger()
    assert window.stack.currentWidget() is window.visits
    assert window.visits.stack.currentWidget() is window.visits.editor


def test_ctrl_f_goes_to_a_search_box_and_ctrl_p_to_the_report(window, qtbot, monkeypatch):
    window.activateWindow()
    window.sidebar.setCurrentRow(0)  # I dag has no search box: the company list's
    window.find()
    assert window.stack.currentWidget() is window.companies
    qtbot.waitUntil(window.companies.list.search.hasFocus, timeout=3000)
    window.sidebar.setCurrentRow(4)  # Mentorer: its own box
    window.find()
    qtbot.waitUntil(window.mentors.search.hasFocus, timeout=3000)
    asked = []
    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *a, **k: asked.append(a) or ("", ""))
    window.save_pdf()
    assert asked and window.stack.currentWidget() is window.reports
