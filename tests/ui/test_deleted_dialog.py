"""Slettet (issue 16, 8), through the real window and the real server: a visit deleted by mistake is found in
File > "Slettet de sidste 30 dage…", put back with "Gendan", and comes home on a second laptop of the team."""

from __future__ import annotations

import pytest
from PySide6.QtWidgets import QApplication

from desktop.credentials import Credentials
from desktop.ui.dialogs.deleted import DeletedDialog
from tests.support.live_server import LiveServer, make_database_url
from tests.ui.story_helpers import answer_modal, click, menu_action, open_window, raise_modal_errors


@pytest.fixture
def two_laptops(make_ctx, tmp_path):
    with make_database_url("sqlite", tmp_path) as url, LiveServer(url) as server:
        laptops = {}
        for name in ("mette", "lars"):
            username, password = server.user("consultant", username=name)
            ctx = make_ctx(tmp_path / name, start_sync=True, interval=3600, debounce=3600,
                           credentials=Credentials(account=f"token-deleted-{name}"))
            ctx.service.login(server.url, username, password, name)
            laptops[name] = ctx
        yield laptops


def sync(ctx):
    return ctx.runner.request().result(timeout=30)


def visits(ctx) -> set[str]:
    from desktop.models.queries import list_visits

    with ctx.db.read() as session:
        return {v.id for v in list_visits(session, limit=100).items}


def test_a_deleted_visit_is_put_back_from_the_deleted_list_and_reaches_the_colleague(two_laptops, qtbot):
    mette, lars = two_laptops["mette"], two_laptops["lars"]
    ops = mette.ops()
    company = ops.create_company(name="Aabybro Maskinstation").id
    visit = ops.create_visit(company, body="Værkføreren vil gerne have en praktikant").id
    sync(mette)
    sync(lars)
    ops.delete("visit", visit)
    sync(mette)
    sync(lars)
    assert visit not in visits(lars)

    window = open_window(mette, qtbot)
    seen: list[list[str]] = []

    def put_back(dialog: DeletedDialog) -> None:
        qtbot.waitUntil(lambda: dialog.table.rowCount() == 1, timeout=10000)
        seen.append([dialog.table.item(0, c).text() for c in range(3)])
        dialog.table.selectRow(0)
        click(qtbot, dialog.restore)
        qtbot.waitUntil(lambda: dialog.table.rowCount() == 0, timeout=10000)
        assert "30 dage" in dialog.message.text()
        dialog.accept()

    answer_modal(qtbot, DeletedDialog, put_back)
    menu_action(window, "action_show_deleted", "Slettet de sidste 30 dage…").trigger()
    raise_modal_errors()
    [(kind, title, company)] = seen
    assert (kind, company) == ("Besøg", "Aabybro Maskinstation") and title.count("-") == 2  # the visit's date
    qtbot.waitUntil(lambda: visit in visits(mette), timeout=15000)
    sync(lars)
    assert visit in visits(lars)
    QApplication.processEvents()
