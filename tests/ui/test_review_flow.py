"""The review flow across two app instances and the real server (issue 7).

A consultant writes and marks ready; a supervisor approves with a comment;
the consultant sees it and can no longer edit. Reject, edit, back in the queue.
"""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt

from desktop.credentials import Credentials
from desktop.models.record_queries import get_record
from tests.support.live_server import LiveServer, make_database_url


@pytest.fixture
def two_laptops(make_ctx, tmp_path):
    with make_database_url("sqlite", tmp_path) as url, LiveServer(url) as server:
        consultant = server.user("consultant", username="mette")
        supervisor = server.user("supervisor", username="sara")
        laptops = {}
        for name, (username, password) in (("mette", consultant), ("sara", supervisor)):
            ctx = make_ctx(tmp_path / name, start_sync=True, interval=3600, debounce=3600,
                           credentials=Credentials(account=f"token-{name}"))
            ctx.service.login(server.url, username, password, name)
            laptops[name] = ctx
        yield laptops


def sync(ctx):
    return ctx.runner.request().result(timeout=30)


def test_approve_reaches_the_consultant_and_locks_the_visit(two_laptops, qtbot):
    from desktop.ui.main_window import MainWindow

    mette, sara = two_laptops["mette"], two_laptops["sara"]
    ops = mette.ops()
    company = ops.create_company(name="Jammerbugt Rengøring ApS").id
    visit = ops.create_visit(company, body="Faglærte gør rent. Forslag: praktik.").id
    ops.mark_visit_ready(visit)
    sync(mette)
    sync(sara)

    window = MainWindow(sara)
    qtbot.addWidget(window)
    window.show()
    # Supervisors see Gennemsyn (once the account snapshot, read on the worker, has arrived).
    qtbot.waitUntil(lambda: not window.sidebar.item(len(window.screens) - 1).isHidden(), timeout=5000)
    window.sidebar.setCurrentRow(len(window.screens) - 1)
    queue = window.review.queue
    qtbot.waitUntil(lambda: queue.list.count() == 1, timeout=10000)
    qtbot.waitUntil(lambda: "Faglærte gør rent" in queue.reading.toPlainText(), timeout=5000)
    assert "Mette" in queue.list.item(0).text() or "mette"[-4:] in queue.list.item(0).text()
    qtbot.keyClicks(queue.comment, "Fint referat - godt set med rengøringen.")
    qtbot.mouseClick(queue.buttons["approved"], Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: queue.message.text() == "Sendt.", timeout=10000)
    qtbot.waitUntil(lambda: queue.list.count() == 0, timeout=15000)

    sync(mette)
    with mette.db.read() as session:
        record = get_record(session, "visit", visit)
    assert record.review.state == "approved" and record.review.comment == "Fint referat - godt set med rengøringen."
    consultant_window = MainWindow(mette)
    qtbot.addWidget(consultant_window)
    consultant_window.show()
    consultant_window.today.refresh()
    reviews = consultant_window.today.reviews
    qtbot.waitUntil(lambda: reviews.count() > 0 and "Godkendt" in reviews.item(0).text(), timeout=5000)
    assert "Fint referat" in reviews.item(0).text()
    assert consultant_window.sidebar.item(len(consultant_window.screens) - 1).isHidden()
    consultant_window.open_visit(visit)
    editor = consultant_window.visits.editor
    qtbot.waitUntil(editor.review.isVisible, timeout=5000)
    assert editor.form.widgets["body"].isReadOnly()
    from desktop.domain.errors import ValidationError

    with pytest.raises(ValidationError):
        mette.ops().save_visit_draft(visit, body="Ændret bagefter")


def test_reject_then_edit_puts_the_visit_back_in_the_queue(two_laptops, qtbot):
    from desktop.ui.screens.review import ReviewScreen

    mette, sara = two_laptops["mette"], two_laptops["sara"]
    ops = mette.ops()
    visit = ops.create_visit(ops.create_company(name="Aars Bageri").id, body="Kort referat").id
    ops.mark_visit_ready(visit)
    sync(mette)
    sync(sara)
    screen = ReviewScreen(sara)
    qtbot.addWidget(screen)
    screen.show()
    queue = screen.queue
    qtbot.waitUntil(lambda: queue.list.count() == 1, timeout=10000)
    qtbot.mouseClick(queue.buttons["rejected"], Qt.MouseButton.LeftButton)
    assert "kommentar" in queue.message.text()  # a rejection needs a comment
    qtbot.keyClicks(queue.comment, "Beskriv behovet og næste skridt.")
    qtbot.mouseClick(queue.buttons["rejected"], Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: queue.list.count() == 0, timeout=15000)

    sync(mette)
    with mette.db.read() as session:
        assert get_record(session, "visit", visit).review.state == "rejected"
    mette.ops().save_visit_draft(visit, next_step="Praktik 8 timer om ugen i 13 uger")
    sync(mette)
    sync(sara)
    queue.refresh()
    qtbot.waitUntil(lambda: queue.list.count() == 1, timeout=10000)
    assert "Rettet" in queue.list.item(0).text()
    screen.tabs.setCurrentIndex(1)
    qtbot.waitUntil(lambda: screen.overview.consultants.rowCount() >= 1, timeout=5000)
