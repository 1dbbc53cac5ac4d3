"""A visit typed and the app killed before any save button: the text is there on restart."""

from __future__ import annotations

from desktop.models import Database
from desktop.models.record_queries import get_record
from desktop.ui.screens import visit_editor


def test_typed_visit_survives_a_kill(make_ctx, qtbot, tmp_path, monkeypatch):
    from desktop.ui.main_window import MainWindow

    monkeypatch.setattr(visit_editor, "AUTOSAVE_MS", 200)
    folder = tmp_path / "laptop"
    ctx = make_ctx(folder)
    company = ctx.ops().create_company(name="Jammerbugt Rengøring ApS").id
    window = MainWindow(ctx)
    qtbot.addWidget(window)
    window.show()
    # A consultant starts a visit from the company page and types the note.
    window.open_company(company)
    page = window.companies.page
    qtbot.waitUntil(lambda: page.heading.text() == "Jammerbugt Rengøring ApS", timeout=5000)
    page.new_visit()
    editor = window.visits.editor
    # A new visit is a draft in the editor only: the record comes with the first keystroke.
    qtbot.waitUntil(lambda: editor.heading.text().startswith("Jammerbugt Rengøring ApS"), timeout=5000)
    assert editor.visit_id is None
    body = editor.form.widgets["body"]
    body.setFocus()
    qtbot.keyClicks(body, "Faglærte gør rent. Forslag: praktik 8 t/uge i 3 mdr.")
    qtbot.keyClicks(editor.form.widgets["next_step"], "Ring til værkføreren")
    qtbot.waitUntil(lambda: editor.saved_label.text().startswith("Gemt"), timeout=5000)
    visit_id = editor.visit_id
    # The laptop dies: no close, no save button, the window is simply gone.
    ctx.tasks.wait_idle()
    ctx.db.engine.dispose()
    reopened = Database.in_folder(folder)
    with reopened.read() as session:
        record = get_record(session, "visit", visit_id)
    reopened.close()
    assert record.fields["body"] == "Faglærte gør rent. Forslag: praktik 8 t/uge i 3 mdr."
    assert record.fields["next_step"] == "Ring til værkføreren"
    assert record.fields["status"] == "draft"


def test_an_invalid_field_does_not_hold_back_the_rest_of_the_note(make_ctx, qtbot, monkeypatch):
    from desktop.ui.screens.visits import VisitsScreen

    monkeypatch.setattr(visit_editor, "AUTOSAVE_MS", 100)
    ctx = make_ctx()
    ops = ctx.ops()
    visit = ops.create_visit(ops.create_company(name="Aars Bageri").id).id
    screen = VisitsScreen(ctx)
    qtbot.addWidget(screen)
    screen.show()
    screen.show_visit(visit)
    editor = screen.editor
    qtbot.waitUntil(lambda: editor.record is not None, timeout=5000)
    # The widgets cannot produce a bad date, but a pasted or imported value could: simulate one.
    typed = {**editor.form.values(), "body": "Vigtig tekst", "follow_up_on": "31-02-2026"}
    monkeypatch.setattr(editor.form, "values", lambda: typed)
    editor._edited()
    qtbot.waitUntil(lambda: editor.form.errors["follow_up_on"].isVisible(), timeout=5000)
    assert "Gemt" in editor.saved_label.text()
    with ctx.db.read() as session:
        assert get_record(session, "visit", visit).fields["body"] == "Vigtig tekst"


def test_approved_visit_opens_read_only_with_the_comment(make_ctx, qtbot):
    from desktop.models.entities import Review
    from desktop.ui.screens.visits import VisitsScreen

    ctx = make_ctx()
    ops = ctx.ops()
    visit = ops.create_visit(ops.create_company(name="Godkendt ApS").id, body="Referat").id
    with ctx.db.write() as session:
        session.add(Review(visit_id=visit, state="approved", comment="Fint arbejde", version=3))
    screen = VisitsScreen(ctx)
    qtbot.addWidget(screen)
    screen.show()
    screen.show_visit(visit)
    editor = screen.editor
    qtbot.waitUntil(lambda: editor.review.isVisible(), timeout=5000)
    assert "Godkendt" in editor.review.text() and "Fint arbejde" in editor.review.text()
    assert editor.form.widgets["body"].isReadOnly() and not editor.ready.isEnabled()
