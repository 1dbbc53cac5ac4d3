"""Small defects the story tests (test_story_*.py) ran into, each with the test that shows it fixed."""

from __future__ import annotations

from tests.ui.story_helpers import type_into


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
