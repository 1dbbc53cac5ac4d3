"""The prepared first sync (server/prepared.py), walked as consultants meet it, through the real windows.

Jobcenter Jammerbugt's team has a few hundred records on the real server, which prepares a copy of a
team's replica once the team has ``prepared_min_records`` records (1 here; 20,000 in production).

1. Mette's laptop signs in from the first-start dialog and syncs: no copy is ready yet, so her first sync
   goes page by page and the server starts preparing one.
2. The copy is ready. Mette works on: she corrects the bakery's visit note and writes a second visit at
   the boat builder, and syncs; both are on the server after the copy's cursor.
3. Lars, new on the team, gets a laptop. On the first start he works offline: the company list is empty
   and Ctrl+K finds nothing. He signs in from File > Log ind; his first sync starts from the copy and
   pulls only what came after it (Mette's two changes).
4. The company list he is looking at fills with the team's companies (the copy alone brings companies);
   its search and Ctrl+K find the boat builder by name and a visit by a word of its note, Mette's later
   visit too, and the bakery's note by its corrected words only; the boat builder's page shows both visits.
5. Lars writes a third visit there; it syncs to the server, and Mette's next sync brings it to her laptop,
   where Ctrl+K finds it.

Screenshots: /tmp/story-shots/prepared-*.png, and the main window after the copied sync in tmp_path.
"""

from __future__ import annotations

import json
import logging
import uuid
from typing import Any

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication

from desktop.credentials import Credentials
from desktop.models.queries import list_companies, list_visits
from desktop.models.record_queries import get_record
from desktop.sync.client import SyncClient
from server.seeding import PASSWORD, seed_user
from tests.support.live_server import LiveServer, make_database_url
from tests.ui.story_helpers import (
    COMPANIES,
    STORY_DB,
    answer_modal,
    button,
    click,
    go_to,
    menu_action,
    open_window,
    raise_modal_errors,
    settle,
    shoot,
    sign_in,
    sign_in_on_first_start,
    sync_by_button,
    type_into,
)

TEAM_RECORDS = 300  # generated companies and visits, besides the named ones below
BOATS = "Løkken Bådebyggeri ApS"
BOATS_NOTE = ("Mødtes med værkføreren i bådehallen. De mangler en lærling til glasfiberarbejdet og vil gerne "
              "tage en borger i praktik fra januar.")
BAKERY = "Blokhus Bageri"
BAKERY_NOTE = "Bageren vil gerne have en borger til morgenbrødet, to timer ad gangen."
CORRECTED = "Bageren vil gerne have en borger til kringlerne i konditoriet, to timer ad gangen."  # after the copy
RIGGING_NOTE = "Værftet vil også tage en elev til riggerarbejdet til foråret."  # Mette's visit after the copy
LARS_NOTE = "Lars fulgte op: lærlingen kan starte med fire uger på skrogene."


def shot(widget, name):
    return shoot(widget, f"prepared-{name}")


@pytest.fixture
def team(make_ctx, tmp_path):
    """The real server, preparing copies for any team with a record; Mette's and Lars's laptops."""
    settings = {"prepared_min_records": 1, "prepared_folder": tmp_path / "prepared"}
    with make_database_url(STORY_DB, tmp_path) as url, LiveServer(url, settings=settings) as server:
        ids = {
            "mette": seed_user(server.engine, "mette", "consultant", [server.team_id], full_name="Mette Kjær"),
            "lars": seed_user(server.engine, "lars", "consultant", [server.team_id], full_name="Lars Vestergaard"),
        }
        _load_team(server, list(ids.values()))
        laptops = {name: make_ctx(tmp_path / name, start_sync=True, interval=3600, debounce=3600,
                                  credentials=Credentials(account=f"token-prepared-{name}"))
                   for name in ids}
        yield server, laptops
    raise_modal_errors()


def _load_team(server: LiveServer, consultants: list[str]) -> None:
    """The team's earlier work, pushed as Mette's old laptop would: generated records and two named companies."""
    from bench.datagen import Sizes, push_records, records

    client = SyncClient(server.url)
    token = client.login("mette", PASSWORD, "earlier-laptop")["token"]
    client = SyncClient(server.url, lambda: token)
    companies = TEAM_RECORDS // 3
    items = list(records(11, Sizes(companies=companies, visits=TEAM_RECORDS - companies, centre_share=0.0,
                                   openings=0, follow_ups=0), server.team_id, consultants))
    for name, city, note in ((BOATS, "Løkken", BOATS_NOTE), (BAKERY, "Blokhus", BAKERY_NOTE)):
        company = str(uuid.uuid4())
        items.append(("company", company, {"team_id": server.team_id, "name": name, "city": city,
                                           "municipality": "Jammerbugt", "responsible_user_id": consultants[0]}))
        items.append(("visit", str(uuid.uuid4()), {
            "team_id": server.team_id, "company_id": company, "consultant_id": consultants[0],
            "visited_at": "2026-11-16", "kind": "first_contact", "body": note, "status": "ready"}))
    push_records(client, "earlier-laptop", items)




def sync_results(ctx) -> list[Any]:
    """Every SyncResult of ``ctx``'s runner from now on (what the runner hands the window)."""
    results: list[Any] = []
    deliver = ctx.runner.on_result

    def keep(result):
        results.append(result)
        deliver(result)

    ctx.runner.on_result = keep
    return results


def wait_for_sync(qtbot, results: list[Any], count: int) -> Any:
    """The ``count``-th SyncResult (the runner hands it over just after its status says the sync is done)."""
    qtbot.waitUntil(lambda: len(results) >= count, timeout=30000)
    assert len(results) == count, results
    return results[-1]


def ctrl_k(qtbot, window, typed, *, enter: bool = True) -> dict[str, list[str]]:
    """Ctrl+K, type, wait for the answer; the hits by kind. Enter opens the first (if ``enter``), else Escape."""
    from desktop.ui.dialogs.search_all import SearchAllDialog

    seen: dict[str, Any] = {}

    def look(dialog):
        qtbot.keyClicks(dialog.query, typed)
        qtbot.waitUntil(lambda: dialog.current_hit() is not None or bool(dialog.status.text()), timeout=5000)
        tree = dialog.results
        seen["hits"] = {tree.topLevelItem(i).text(0): [tree.topLevelItem(i).child(j).text(0)
                                                      for j in range(tree.topLevelItem(i).childCount())]
                        for i in range(tree.topLevelItemCount())}
        qtbot.keyClick(dialog.query, Qt.Key.Key_Return if enter and seen["hits"] else Qt.Key.Key_Escape)

    if not window.isActiveWindow():  # the shortcut goes to the window in front
        window.activateWindow()
        qtbot.waitUntil(window.isActiveWindow, timeout=2000)
    answer_modal(qtbot, SearchAllDialog, look)
    qtbot.keyClick(window, Qt.Key.Key_K, Qt.KeyboardModifier.ControlModifier)
    raise_modal_errors()
    assert "hits" in seen, "the search did not open"
    return seen["hits"]


def test_a_new_laptop_starts_from_the_prepared_copy_and_works_on(team, qtbot, tmp_path, caplog):
    from desktop.ui.app import offer_sign_in_on_first_start
    from desktop.ui.dialogs.login import LoginDialog

    server, laptops = team
    mette, lars = laptops["mette"], laptops["lars"]
    caplog.set_level(logging.INFO, logger="desktop.sync.prepared")

    # 1. Mette signs in on the first start; no copy is ready: page by page, and the server prepares one.
    mettes_results = sync_results(mette)
    window = open_window(mette, qtbot)
    sign_in_on_first_start(qtbot, mette, window, server.url, "mette", "prepared-01-mette-login")
    first = wait_for_sync(qtbot, mettes_results, 1)
    assert first.prepared == 0 and first.pulled >= TEAM_RECORDS + 4 and first.verified
    assert "prepared copy" not in caplog.text

    # 2. The copy is ready. Mette corrects the bakery's note, writes a second visit at the boat builder, syncs.
    server.app.state.prepared.wait(120)
    [copy_file] = (tmp_path / "prepared").glob("*.sqlite.gz")
    described = json.loads(copy_file.with_suffix("").with_suffix(".json").read_text())
    assert described["records"] == first.pulled  # what Mette's first sync brought, no more
    with mette.db.read() as session:
        [bakery] = list_companies(session, search=BAKERY).items
        [boats] = list_companies(session, search=BOATS).items
        [bakery_visit] = list_visits(session, company_id=bakery.id).items
    ops = mette.ops()
    ops.update("visit", bakery_visit.id, {"body": CORRECTED})
    ops.create_visit(boats.id, body=RIGGING_NOTE)
    sync_by_button(qtbot, window)
    assert wait_for_sync(qtbot, mettes_results, 2).pushed == 2
    assert list((tmp_path / "prepared").glob("*.sqlite.gz")) == [copy_file]  # the same copy, now behind

    # 3. Lars's new laptop: the first start offline, an empty company list and nothing to find ...
    lars_results = sync_results(lars)
    colleague = open_window(lars, qtbot)
    offline = []
    answer_modal(qtbot, LoginDialog, lambda dialog: offline.append(click(qtbot, button(dialog, "offline"))))
    offer_sign_in_on_first_start(lars, colleague)
    qtbot.waitUntil(lambda: bool(offline) and QApplication.activeModalWidget() is None, timeout=10000)
    raise_modal_errors()
    assert colleague.sync_widget.state.text() == "Offline (ikke logget ind)"
    go_to(qtbot, colleague, COMPANIES)
    companies = colleague.companies.list
    qtbot.waitUntil(lambda: companies.count.text() == "0 rækker", timeout=5000)
    assert ctrl_k(qtbot, colleague, "glasfiber") == {}
    # ... then File > Log ind: the first sync starts from the copy and pulls only what is newer.
    answer_modal(qtbot, LoginDialog,
                 lambda dialog: sign_in(qtbot, dialog, server.url, "lars", "prepared-02-lars-login"))
    menu_action(colleague, "action_sign_in", "Log ind…").trigger()
    raise_modal_errors()
    copied = wait_for_sync(qtbot, lars_results, 1)
    assert copied.verified and copied.prepared == described["records"]
    assert copied.pulled == copied.prepared + 2  # Mette's corrected note and new visit, after the copy
    assert f"First sync from a prepared copy: {described['records']} records" in caplog.text
    assert not list((tmp_path / "lars").glob("*.prepared"))  # the download is gone

    # 4. The list he is looking at fills with the team's companies: only the copy brought companies.
    qtbot.waitUntil(lambda: companies.count.text() == f"{TEAM_RECORDS // 3 + 2} rækker", timeout=5000)
    qtbot.waitUntil(lambda: colleague.sync_widget.state.text() == "Online", timeout=5000)
    settle(qtbot, lars)
    assert colleague.grab().save(str(tmp_path / "lars-after-copied-first-sync.png"))
    shot(colleague, "03-lars-companies")
    assert companies.municipality.findData("Jammerbugt") > 0  # the filter offers the copied municipalities
    type_into(qtbot, companies.search, "bådebyggeri")
    qtbot.waitUntil(lambda: _names(companies) == [BOATS], timeout=5000)
    type_into(qtbot, companies.search, "")

    # Ctrl+K finds a word of the boat builder's note (from the copy) and of Mette's later visit there, the
    # bakery's note by its corrected words only, and the boat builder by name: Enter opens its page.
    for word in ("glasfiberarbejdet", "riggerarbejdet"):
        found = ctrl_k(qtbot, colleague, word, enter=False)
        assert list(found) == ["Besøg"] and len(found["Besøg"]) == 1 and BOATS in found["Besøg"][0], found
    found = ctrl_k(qtbot, colleague, "kringlerne", enter=False)
    assert list(found) == ["Besøg"] and BAKERY in found["Besøg"][0], found
    assert ctrl_k(qtbot, colleague, "morgenbrødet", enter=False) == {}  # the copy's old words are gone
    assert ctrl_k(qtbot, colleague, "bådebyggeri") == {"Virksomhed": [f"{BOATS} · Løkken"]}
    page = colleague.companies.page
    qtbot.waitUntil(lambda: page.isVisible() and page.heading.text() == BOATS, timeout=5000)
    qtbot.waitUntil(lambda: page.visits.rowCount() == 2, timeout=5000)
    notes = {page.visits.item(row, page.visits.columnCount() - 1).text() for row in range(2)}  # the start of each
    assert {note[:40] for note in notes} == {BOATS_NOTE[:40], RIGGING_NOTE[:40]}, notes
    shot(colleague, "04-lars-boat-builder")

    # 5. Lars writes a visit at the boat builder; it syncs back, and Mette's laptop gets it.
    click(qtbot, button(page, "new_visit"))
    editor = colleague.visits.editor
    qtbot.waitUntil(lambda: editor.isVisible() and editor.heading.text().startswith(BOATS), timeout=5000)
    type_into(qtbot, editor.form.widgets["body"], LARS_NOTE)
    qtbot.waitUntil(lambda: editor.visit_id is not None and editor.saved_label.text().startswith("Gemt"),
                    timeout=5000)
    lars_visit = editor.visit_id
    qtbot.waitUntil(lambda: colleague.sync_widget.pending.text() == "1 ændring ikke sendt", timeout=5000)
    shot(colleague, "05-lars-visit")
    sync_by_button(qtbot, colleague)
    sent = wait_for_sync(qtbot, lars_results, 2)
    assert not sent.prepared and sent.pushed == 1 and sent.verified
    sync_by_button(qtbot, window)
    assert wait_for_sync(qtbot, mettes_results, 3).pulled == 1
    with mette.db.read() as session:
        assert get_record(session, "visit", lars_visit).fields["body"] == LARS_NOTE
    assert list(ctrl_k(qtbot, window, "skrogene", enter=False)) == ["Besøg"]


def _names(screen) -> list[str]:
    model = screen.model
    return [str(model.index(row, 0).data()) for row in range(model.rowCount())]
