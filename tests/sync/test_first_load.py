"""A first sync is a bulk load (indexes and search built at the end); it must give what page by page gives.

Against the real server on SQLite and PostgreSQL: one laptop syncs as a
bulk load, another the old way, page by page with every index kept up to
date; their databases must be identical row for row, index for index and
in the search index (the same documents, in the same order per kind).
Broken off, cancelled or crashed, a load still ends with a whole database.
"""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest
from sqlalchemy import text

from desktop.cancel import Cancelled, CancelToken
from desktop.models import Database, replica
from desktop.models.centre_queries import centres_due
from desktop.models.entities import TABLES
from desktop.models.replica import first_load
from desktop.models.search import search


def _tables(db: Database) -> dict[str, list[tuple[Any, ...]]]:
    with db.read() as session:
        conn = session.connection()
        return {name: [tuple(r) for r in conn.exec_driver_sql(f"SELECT * FROM {name} ORDER BY id")]
                for name in (t.name for t in TABLES.values())}


def _search_index(db: Database) -> list[tuple[Any, ...]]:
    """Each kind's documents in doc-id order (what "most recently indexed first" lists by)."""
    with db.read() as session:
        return [tuple(r) for r in session.connection().exec_driver_sql(
            "SELECT d.entity, d.entity_id, s.title, s.body, s.kind FROM search_doc d "
            "JOIN search_index s ON s.rowid = d.doc_id ORDER BY d.entity, d.doc_id")]


def _indexes(db: Database) -> list[tuple[str, str]]:
    with db.read() as session:
        return [tuple(r) for r in session.connection().exec_driver_sql(
            "SELECT name, sql FROM sqlite_master WHERE type = 'index' AND sql IS NOT NULL ORDER BY name")]


def _whole(db: Database) -> None:
    """The search index passes FTS5's own check, and no bulk load is left half done."""
    with db.read() as session:
        session.connection().exec_driver_sql("INSERT INTO search_index(search_index) VALUES('integrity-check')")
        assert not first_load.active(session)


def _same_replica(db: Database, reference: Database) -> None:
    """``db`` holds what ``reference`` (synced page by page) holds: rows, indexes, search documents in order;
    its search index is whole and finds the renamed companies of :func:`_server_with_history`."""
    assert _tables(db) == _tables(reference)
    assert _search_index(db) == _search_index(reference)
    assert _indexes(db) == _indexes(reference) == _indexes(Database(None))
    _whole(db)
    with db.read() as session:
        assert any(hit.entity == "company" for hit in search(session, "ændret tomrer"))


def _server_with_history(server, bulk_load) -> None:
    """Records over several pages, with later edits and deletes, so pages hold upserts, updates and deletes."""
    bulk_load(120)
    from desktop.sync.client import SyncClient

    username, password = server.user("consultant")
    client = SyncClient(server.url)
    token = client.login(username, password, "editor")["token"]
    client = SyncClient(server.url, lambda: token)
    page = client.pull(0, 500)
    companies = [c for c in page["changes"] if c["entity"] == "company"][:20]
    mutations = []
    for n, company in enumerate(companies):
        if n % 2:
            mutations.append({"mutation_id": n + 1, "entity": "company", "id": company["id"], "op": "delete",
                              "base_version": company["version"], "fields": {}})
        else:
            mutations.append({"mutation_id": n + 1, "entity": "company", "id": company["id"], "op": "upsert",
                              "base_version": company["version"], "fields": {"name": f"Ændret Tømrer {n}"}})
    answer = client.push("editor-device", mutations)
    assert not answer.get("rejected"), answer


def test_a_bulk_first_sync_equals_a_page_by_page_one(server, bulk_load, make_device, monkeypatch):
    _server_with_history(server, bulk_load)
    bulk = make_device("bulk", pull_limit=25)
    started = []
    monkeypatch.setattr(replica, "start_bulk_load",
                        lambda session: started.append(1) or first_load.start(session))
    result = bulk.sync()
    assert started and result.verified and result.pages > 4

    monkeypatch.setattr(replica, "start_bulk_load", lambda session: False)  # the old way: indexes kept up
    paged = make_device("paged", pull_limit=25)
    assert paged.sync().verified

    _same_replica(bulk.db, paged.db)


def test_work_made_before_the_first_sign_in_is_searchable_after_the_load(server, bulk_load, tmp_path):
    from desktop.credentials import Credentials
    from desktop.models import Operations
    from desktop.sync.service import SyncService

    bulk_load(60)
    db = Database.in_folder(tmp_path / "laptop")
    service = SyncService(db, Credentials(account=f"token-{tmp_path.name}-first"), pull_limit=20)
    offline = Operations(db, service.actor())
    offline.create_company(name="Fjerritslev Maskinfabrik", city="Fjerritslev")
    service.login(server.url, *server.user("consultant"), device_name="laptop")
    result = service.sync()
    assert result.verified and result.pulled >= 60
    with db.read() as session:
        assert [h.entity for h in search(session, "fjerritslev maskin")] == ["company"]
    _whole(db)
    db.close()


def test_a_cancelled_first_sync_leaves_a_whole_database_and_the_next_one_goes_on(server, bulk_load, make_device):
    bulk_load(120)
    laptop = make_device("laptop", pull_limit=20)
    token = CancelToken()
    seen = []

    def progress(done: int, total: int, phase: str) -> None:
        seen.append(phase)
        if phase == "pull" and done >= 40:
            token.cancel()

    with pytest.raises(Cancelled):
        laptop.sync(progress=progress, cancel=token)
    assert seen[-1] == "index"  # the indexes were built before the cancel came through
    _whole(laptop.db)
    assert _indexes(laptop.db) == _indexes(Database(None))
    with laptop.db.read() as session:
        cursor = int(session.connection().exec_driver_sql("SELECT value FROM sync_state WHERE key = 'cursor'")
                     .scalar() or 0)
        indexed = session.connection().exec_driver_sql("SELECT count(*) FROM search_doc").scalar()
    assert cursor > 0 and indexed > 0

    assert laptop.sync().verified  # goes on from the cursor, page by page
    reference = make_device("reference", pull_limit=20)
    assert reference.sync().verified
    assert _tables(laptop.db) == _tables(reference.db)
    assert sorted(_search_index(laptop.db)) == sorted(_search_index(reference.db))


def test_a_crash_before_the_load_finished_is_finished_by_the_next_sync(server, bulk_load, make_device, monkeypatch):
    bulk_load(80)
    laptop = make_device("laptop", pull_limit=20)

    def crash(session) -> None:
        raise SystemExit("the laptop's battery ran out")

    monkeypatch.setattr(replica, "finish_bulk_load", crash)
    with pytest.raises(SystemExit):
        laptop.sync()
    with laptop.db.read() as session:
        assert first_load.active(session)  # indexes dropped, search not built: the mark says so
        assert session.connection().exec_driver_sql("SELECT count(*) FROM search_doc").scalar() == 0
        centres_due(session, date(2026, 11, 23))  # names its partial index (INDEXED BY): that one stays
    assert len(_indexes(laptop.db)) < len(_indexes(Database(None)))
    monkeypatch.undo()

    laptop.restart()
    assert laptop.sync().verified  # nothing new on the server: the pull still finishes the load
    _whole(laptop.db)
    assert _indexes(laptop.db) == _indexes(Database(None))
    reference = make_device("reference", pull_limit=20)
    assert reference.sync().verified
    assert _tables(laptop.db) == _tables(reference.db)
    assert _search_index(laptop.db) == _search_index(reference.db)


def test_a_laptop_that_already_holds_pulled_records_is_not_bulk_loaded(server, make_device):
    laptop = make_device("laptop")
    laptop.ops.create_company(name="Aars Auto", city="Aars")
    assert laptop.sync().verified
    with laptop.db.write() as session:
        session.execute(text("UPDATE sync_state SET value = '0' WHERE key = 'cursor'"))
        assert not first_load.start(session)  # a pulled record is here: no index is dropped
        assert not first_load.active(session)
