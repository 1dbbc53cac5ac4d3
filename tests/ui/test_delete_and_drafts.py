"""Issue 15, finding 4: visits, openings, contacts, mentors and follow-ups can be deleted (after a Danish
question, as a tombstone that syncs), and "Nyt besøg" stores nothing until something is typed."""

from __future__ import annotations

from PySide6.QtCore import Qt
from sqlalchemy import select

from desktop.models.entities import MODELS
from desktop.models.local import OutboxEntry
from tests.ui.test_ask import answer_when_shown


def tombstoned(ctx, entity, record_id) -> bool:
    """The row is a tombstone and a delete waits in the outbox to be synced."""
    with ctx.db.read() as session:
        row = session.get(MODELS[entity], record_id)
        ops = session.scalars(select(OutboxEntry.op).where(OutboxEntry.entity_id == record_id)).all()
    return row.deleted and "delete" in ops


def select_row(qtbot, screen, text):
    qtbot.waitUntil(lambda: any(text in str(v) for r in screen.model.rows for v in vars(r).values()), timeout=5000)
    index = next(i for i, r in enumerate(screen.model.rows) if any(text in str(v) for v in vars(r).values()))
    screen.table.setCurrentIndex(screen.model.index(index, 0))


def test_new_visit_backed_out_leaves_nothing_and_the_company_can_be_deleted(window, ctx, qtbot):
    company = ctx.ops().create_company(name="Brovst Bageri").id
    window.open_company(company)
    page = window.companies.page
    qtbot.waitUntil(lambda: page.heading.text() == "Brovst Bageri", timeout=5000)
    qtbot.mouseClick(_button(page, "new_visit"), Qt.MouseButton.LeftButton)
    editor = window.visits.editor
    qtbot.waitUntil(lambda: editor.heading.text().startswith("Brovst Bageri"), timeout=5000)
    assert window.visits.stack.currentWidget() is editor and editor.visit_id is None
    # Backing out without typing: no visit was stored.
    window.visits.show_list()
    ctx.tasks.wait_idle()
    with ctx.db.read() as session:
        assert session.scalars(select(MODELS["visit"])).all() == []
    window.open_company(company)
    qtbot.waitUntil(lambda: page.data is not None and page.data.record.id == company, timeout=5000)
    seen: list = []
    answer_when_shown(qtbot, "Slet", seen)
    qtbot.mouseClick(_button(page, "delete_company"), Qt.MouseButton.LeftButton)
    assert seen == [["Behold", "Slet"]]
    qtbot.waitUntil(lambda: tombstoned(ctx, "company", company), timeout=5000)


def test_typing_in_a_new_visit_creates_it_once(window, ctx, qtbot):
    company = ctx.ops().create_company(name="Aabybro Auto").id
    earlier = ctx.ops().create_visit(company, body="Sidste uges besøg", participants="Ejeren").id
    window.open_visit(earlier)
    editor = window.visits.editor
    qtbot.waitUntil(lambda: editor.form.widgets["body"].toPlainText() == "Sidste uges besøg", timeout=5000)
    window.start_visit(company)
    qtbot.waitUntil(lambda: editor.heading.text().startswith("Aabybro Auto") and editor.visit_id is None,
                    timeout=5000)
    # A clean sheet: nothing of the visit shown before is left in the form.
    assert editor.form.widgets["body"].toPlainText() == "" and editor.form.widgets["participants"].text() == ""
    body = editor.form.widgets["body"]
    body.setFocus()
    qtbot.keyClicks(body, "Værkstedet mangler en lærling.")
    qtbot.waitUntil(lambda: editor.visit_id is not None, timeout=5000)
    qtbot.keyClicks(body, " Ring i næste uge.")
    editor.save_now()
    ctx.tasks.wait_idle()
    qtbot.waitUntil(lambda: not editor._saving, timeout=5000)
    with ctx.db.read() as session:
        visits = session.scalars(select(MODELS["visit"]).where(MODELS["visit"].id != earlier)).all()
    assert [v.body for v in visits] == ["Værkstedet mangler en lærling. Ring i næste uge."]
    assert visits[0].company_id == company


def _button(widget, name):
    from PySide6.QtWidgets import QPushButton

    button = widget.findChild(QPushButton, name)
    assert button is not None, f"no {name} button"
    return button


def test_each_kind_of_record_can_be_deleted_after_a_danish_question(window, ctx, seeded, qtbot):
    ops = ctx.ops()
    company = seeded["company"]
    contact = ops.add_contact(company, name="Per Hansen").id
    follow_up = ops.create_follow_up("company", company, due_on=ctx.today(), note="Ring til Per").id
    with ctx.db.read() as session:
        opening = session.scalars(select(MODELS["opening"].id)).one()
        mentor = session.scalars(select(MODELS["mentor"].id)).one()

    # Openings: "Behold" keeps it, "Slet" deletes it (and its planned follow-ups).
    window.sidebar.setCurrentRow(3)
    screen = window.openings
    select_row(qtbot, screen, "Rengøring")
    seen: list = []
    answer_when_shown(qtbot, "Behold", seen)
    qtbot.mouseClick(_button(screen, "delete"), Qt.MouseButton.LeftButton)
    assert seen == [["Behold", "Slet"]]
    ctx.tasks.wait_idle()
    assert not tombstoned(ctx, "opening", opening)
    answer_when_shown(qtbot, "Slet", seen)
    qtbot.mouseClick(_button(screen, "delete"), Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: tombstoned(ctx, "opening", opening), timeout=5000)
    qtbot.waitUntil(lambda: screen.model.total == 0, timeout=5000)
    with ctx.db.read() as session:
        planned = session.scalars(select(MODELS["follow_up"]).where(MODELS["follow_up"].subject_id == opening)).all()
    assert planned and all(f.deleted for f in planned)

    # Mentors and follow-ups from their lists.
    for row, screen, text, entity, record_id in ((4, window.mentors, "Hanne Kjær", "mentor", mentor),
                                                 (5, window.follow_ups, "Ring til Per", "follow_up", follow_up)):
        window.sidebar.setCurrentRow(row)
        if entity == "follow_up":
            screen.mine.setChecked(False)
        select_row(qtbot, screen, text)
        answer_when_shown(qtbot, "Slet", seen)
        qtbot.mouseClick(_button(screen, "delete"), Qt.MouseButton.LeftButton)
        qtbot.waitUntil(lambda e=entity, r=record_id: tombstoned(ctx, e, r), timeout=5000)
        qtbot.waitUntil(lambda s=screen, t=text: not any(t in str(vars(r)) for r in s.model.rows), timeout=5000)

    # A contact from the company page's tab.
    window.open_company(company)
    page = window.companies.page
    qtbot.waitUntil(lambda: page.contacts.rowCount() == 1, timeout=5000)
    page.tabs.setCurrentIndex(2)
    page.contacts.selectRow(0)
    answer_when_shown(qtbot, "Slet", seen)
    qtbot.mouseClick(_button(page, "delete_contact"), Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: tombstoned(ctx, "contact", contact), timeout=5000)
    qtbot.waitUntil(lambda: page.contacts.rowCount() == 0, timeout=5000)

    # A visit from its editor: the editor goes back to the list and the list no longer shows it.
    window.open_visit(seeded["visit"])
    editor = window.visits.editor
    qtbot.waitUntil(lambda: editor.record is not None, timeout=5000)
    answer_when_shown(qtbot, "Slet", seen)
    qtbot.mouseClick(editor.delete_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: tombstoned(ctx, "visit", seeded["visit"]), timeout=5000)
    qtbot.waitUntil(lambda: window.visits.stack.currentWidget() is window.visits.list, timeout=5000)
    qtbot.waitUntil(lambda: window.visits.list.model.total == 0, timeout=5000)
    assert all(texts == ["Behold", "Slet"] for texts in seen)


def test_an_approved_visit_is_not_deleted_and_says_why(window, ctx, qtbot):
    from PySide6.QtWidgets import QApplication, QMessageBox

    from desktop.models.entities import Review

    ops = ctx.ops()
    visit = ops.create_visit(ops.create_company(name="Godkendt ApS").id, body="Referat").id
    with ctx.db.write() as session:
        session.add(Review(visit_id=visit, state="approved", comment="Fint", version=3))
    window.sidebar.setCurrentRow(2)
    screen = window.visits.list
    select_row(qtbot, screen, "Godkendt ApS")
    seen: list = []
    answer_when_shown(qtbot, "Slet", seen)
    warnings: list = []

    def close_warning():
        box = QApplication.activeModalWidget()
        if isinstance(box, QMessageBox) and box.objectName() != "ask":
            warnings.append(box.text())
            box.accept()

    timer = qtbot_timer(close_warning)
    qtbot.mouseClick(_button(screen, "delete"), Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: bool(warnings), timeout=5000)
    timer.stop()
    assert "godkendt" in warnings[0]
    assert not tombstoned(ctx, "visit", visit)


def qtbot_timer(callback):
    from PySide6.QtCore import QTimer

    timer = QTimer()
    timer.setInterval(30)
    timer.timeout.connect(callback)
    timer.start()
    return timer
