"""Proof of receipt and the CPR guard through the real windows, against the real server (issue 21, 1-2).

A visit says "Modtaget af serveren" only after the server has answered for it; a CPR number typed into a
note brings up the guard with its replacement, a number without a real date does not; with the server's
guard on, a note holding a CPR number is refused and kept on the laptop with the server's reason.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select, update

from desktop.credentials import Credentials
from desktop.models.local import OutboxEntry
from desktop.models.record_queries import get_record
from desktop.ui.screens import visit_editor
from desktop.ui.widgets.cpr_guard import CprGuard
from server.tables import Record
from tests.support.live_server import LiveServer, make_database_url
from tests.ui.story_helpers import (
    OPENINGS,
    STORY_DB,
    answer_modal,
    button,
    click,
    go_to,
    open_window,
    raise_modal_errors,
    select_row,
    shoot,
    sync_by_button,
    type_into,
)

RECEIVED = re.compile(r"^Modtaget af serveren \d\d-\d\d \d\d:\d\d$")


@pytest.fixture
def server(tmp_path, request):
    settings = getattr(request, "param", {})
    with make_database_url(STORY_DB, tmp_path) as url, LiveServer(url, settings=settings) as live:
        yield live


@pytest.fixture
def laptop(server, make_ctx, tmp_path, monkeypatch):
    monkeypatch.setattr(visit_editor, "AUTOSAVE_MS", 100)
    username, password = server.user("consultant", username="mette")
    ctx = make_ctx(tmp_path / "mette", start_sync=True, interval=3600, debounce=3600,
                   credentials=Credentials(account="token-mette"))
    ctx.service.login(server.url, username, password, "mette")
    return ctx


def saved(ctx, visit_id: str, field: str) -> str | None:
    """What the laptop's database holds in a visit's field now."""
    with ctx.db.read() as session:
        return get_record(session, "visit", visit_id).fields[field]


def start_visit(qtbot, window, company_name: str):
    """A company made on the laptop, and a new visit started from its page, as a consultant does."""
    ctx = window.ctx
    company = ctx.ops().create_company(name=company_name).id
    window.open_company(company)
    page = window.companies.page
    qtbot.waitUntil(lambda: page.heading.text() == company_name, timeout=5000)
    page.new_visit()
    editor = window.visits.editor
    qtbot.waitUntil(lambda: editor.heading.text().startswith(company_name), timeout=5000)
    return company, editor


def test_a_visit_shows_modtaget_af_serveren_only_after_the_server_answered(server, laptop, qtbot):
    window = open_window(laptop, qtbot)
    _company, editor = start_visit(qtbot, window, "Jammerbugt Rengoering ApS")
    type_into(qtbot, editor.form.widgets["body"], "Faglaerte goer rent. Forslag: praktik.")
    qtbot.waitUntil(lambda: editor.visit_id is not None and editor.saved_label.text().startswith("Gemt"),
                    timeout=5000)
    receipt = editor.receipt
    qtbot.waitUntil(lambda: receipt.text().startswith("Venter på serveren (gemt på denne computer "), timeout=5000)
    assert "Modtaget" not in receipt.text()
    with server.engine.connect() as conn:
        assert conn.execute(select(Record.id).where(Record.id == editor.visit_id)).first() is None
    sync_by_button(qtbot, window)
    qtbot.waitUntil(lambda: RECEIVED.match(receipt.text()) is not None, timeout=5000)
    with server.engine.connect() as conn:
        version = conn.execute(select(Record.version).where(Record.id == editor.visit_id)).scalar_one()
    assert receipt.status.version == version and receipt.toolTip() == f"Version {version} på serveren"
    shoot(window, "receipt-received")
    # Typing again: waiting until the next sync has been answered.
    type_into(qtbot, editor.form.widgets["next_step"], "Ring til vaerkfoereren")
    qtbot.waitUntil(lambda: receipt.text().startswith("Venter på serveren"), timeout=5000)
    sync_by_button(qtbot, window)
    qtbot.waitUntil(lambda: RECEIVED.match(receipt.text()) is not None, timeout=5000)
    assert receipt.status.version > version


def test_a_visit_waiting_more_than_a_day_is_flagged_on_today(server, laptop, qtbot):
    window = open_window(laptop, qtbot)
    _company, editor = start_visit(qtbot, window, "Aars Tomrer")
    type_into(qtbot, editor.form.widgets["body"], "Skrevet i bilen uden net.")
    qtbot.waitUntil(lambda: editor.visit_id is not None and editor.saved_label.text().startswith("Gemt"),
                    timeout=5000)
    laptop.tasks.wait_idle()
    window.sidebar.setCurrentRow(0)
    banner = window.today.waiting
    qtbot.wait(200)
    laptop.tasks.wait_idle()
    assert banner.isHidden()  # saved minutes ago: nothing to flag yet
    with laptop.db.write() as session:  # the laptop was offline since yesterday
        session.execute(update(OutboxEntry).values(created_at=datetime.now(UTC) - timedelta(hours=26)))
    window.today.refresh()
    qtbot.waitUntil(banner.isVisible, timeout=5000)
    assert banner.text().startswith("<b>1 besøg har ventet mere end et døgn uden at nå serveren</b>")
    assert "Aars Tomrer" in banner.text() and editor.visit_id in banner.text()
    shoot(window, "receipt-waiting-on-today")
    sync_by_button(qtbot, window)
    qtbot.waitUntil(banner.isHidden, timeout=5000)


def test_typing_a_cpr_number_into_a_note_shows_the_guard_and_the_replacement(laptop, qtbot):
    window = open_window(laptop, qtbot)
    _company, editor = start_visit(qtbot, window, "Jammerbugt Rengoering ApS")
    body, needs = editor.form.widgets["body"], editor.form.widgets["needs"]
    body_guard = editor.form.findChild(CprGuard, "cpr_guard_body")
    needs_guard = editor.form.findChild(CprGuard, "cpr_guard_needs")
    assert body_guard is not None and needs_guard is not None and body_guard.isHidden()
    # No such date (31 February): no alarm.
    type_into(qtbot, needs, "Sagsnr. 310290-1234")
    qtbot.waitUntil(lambda: editor.saved_label.text().startswith("Gemt"), timeout=5000)
    needs_guard.check()
    assert needs_guard.isHidden()
    # A real one: the guard says why and offers the replacement.
    type_into(qtbot, body, "Borger 010190-1234 starter mandag.")
    qtbot.waitUntil(body_guard.isVisible, timeout=5000)
    message = body_guard.message.text()
    assert message.startswith("010190-1234 ligner et CPR-nummer.")
    assert "Skriv borgerens initialer eller et sagsnummer i stedet." in message
    assert body_guard.replacement.placeholderText() == "Borgerens initialer eller et sagsnummer"
    assert not body_guard.replace_button.isEnabled()  # nothing to put in its place yet
    shoot(window, "cpr-guard")
    type_into(qtbot, body_guard.replacement, "AB", replace=False)
    click(qtbot, body_guard.replace_button)
    assert body.toPlainText() == "Borger AB starter mandag."
    qtbot.waitUntil(body_guard.isHidden, timeout=5000)
    # Both numbers in one field: only the real one is named.
    type_into(qtbot, needs, "Sagsnr. 310290-1234, borger 0101901234")
    qtbot.waitUntil(needs_guard.isVisible, timeout=5000)
    assert needs_guard.message.text().startswith("0101901234 ligner")
    # What was replaced is what is saved.
    qtbot.waitUntil(lambda: saved(laptop, editor.visit_id, "body") == "Borger AB starter mandag.", timeout=5000)


@pytest.mark.parametrize("server", [{"refuse_cpr_numbers": True}], indirect=True)
def test_with_the_server_guard_on_a_note_with_a_cpr_number_is_refused_and_kept(server, laptop, qtbot):
    window = open_window(laptop, qtbot)
    company, editor = start_visit(qtbot, window, "Jammerbugt Rengoering ApS")
    type_into(qtbot, editor.form.widgets["body"], "Borger 010190-1234 starter mandag.")
    qtbot.waitUntil(lambda: editor.visit_id is not None and editor.saved_label.text().startswith("Gemt"),
                    timeout=5000)
    visit = editor.visit_id
    sync_by_button(qtbot, window)
    receipt = editor.receipt
    reason = ("Feltet »Referat« indeholder et CPR-nummer. CPR-numre hører ikke hjemme i fritekst: "
              "skriv borgerens initialer eller et sagsnummer i stedet.")
    qtbot.waitUntil(lambda: receipt.text() == f"Afvist af serveren, gemt på denne computer: {reason}", timeout=5000)
    assert receipt.property("role") == "error"
    # The status bar does not say "all sent" while the server holds no copy of the note.
    qtbot.waitUntil(lambda: window.sync_widget.pending.text() == "1 ændring afvist af serveren", timeout=5000)
    shoot(window, "cpr-refused")
    with laptop.db.read() as session:  # kept on the laptop as typed
        assert get_record(session, "visit", visit).fields["body"] == "Borger 010190-1234 starter mandag."
    with server.engine.connect() as conn:
        assert conn.execute(select(Record.id).where(Record.id == visit)).first() is None
        assert conn.execute(select(Record.id).where(Record.id == company)).first() is not None
    # Replaced through the guard, the corrected visit reaches the server.
    guard = editor.form.findChild(CprGuard, "cpr_guard_body")
    qtbot.waitUntil(guard.isVisible, timeout=5000)
    type_into(qtbot, guard.replacement, "AB", replace=False)
    click(qtbot, guard.replace_button)
    qtbot.waitUntil(lambda: receipt.text().startswith("Venter på serveren"), timeout=5000)
    sync_by_button(qtbot, window)
    qtbot.waitUntil(lambda: RECEIVED.match(receipt.text()) is not None, timeout=5000)
    qtbot.waitUntil(lambda: window.sync_widget.pending.text() == "Alle ændringer er sendt", timeout=5000)


def test_an_internship_opening_shows_its_receipt_in_its_edit_dialog(server, laptop, qtbot):
    from desktop.ui.dialogs.entity_dialog import EntityDialog

    window = open_window(laptop, qtbot)
    company = laptop.ops().create_company(name="Jammerbugt Rengoering ApS").id
    laptop.ops().create_opening(company, title="Rengoering i praktik", kind="virksomhedspraktik")
    sync_by_button(qtbot, window)
    go_to(qtbot, window, OPENINGS)
    screen = window.openings
    qtbot.waitUntil(lambda: screen.table.model().rowCount() == 1, timeout=5000)
    select_row(qtbot, screen.table, lambda text: text.startswith("Rengoering"))
    seen = {}

    def look(dialog):
        qtbot.waitUntil(lambda: RECEIVED.match(dialog.receipt.text()) is not None, timeout=5000)
        seen["text"] = dialog.receipt.text()
        shoot(dialog, "receipt-opening-dialog")
        dialog.reject()

    answer_modal(qtbot, EntityDialog, look)
    click(qtbot, button(screen, "edit"))  # the record is read first, then the dialog opens

    def looked() -> bool:
        raise_modal_errors()
        return "text" in seen

    qtbot.waitUntil(looked, timeout=10000)
    assert RECEIVED.match(seen["text"])


def test_the_guard_on_a_one_line_field_replaces_and_the_change_is_saved(laptop, qtbot):
    window = open_window(laptop, qtbot)
    _company, editor = start_visit(qtbot, window, "Aars Tomrer")
    type_into(qtbot, editor.form.widgets["body"], "Kort besoeg.")
    qtbot.waitUntil(lambda: editor.visit_id is not None and editor.saved_label.text().startswith("Gemt"),
                    timeout=5000)
    participants = editor.form.widgets["participants"]
    guard = editor.form.findChild(CprGuard, "cpr_guard_participants")
    type_into(qtbot, participants, "Mester og borger 010190 1234")
    qtbot.waitUntil(guard.isVisible, timeout=5000)
    type_into(qtbot, guard.replacement, "sag 2026-114", replace=False)
    click(qtbot, guard.replace_button)
    assert participants.text() == "Mester og borger sag 2026-114"
    qtbot.waitUntil(guard.isHidden, timeout=5000)
    qtbot.waitUntil(lambda: saved(laptop, editor.visit_id, "participants") == "Mester og borger sag 2026-114",
                    timeout=5000)
