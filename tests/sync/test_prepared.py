"""A prepared first sync (server/prepared.py): one copy per team set, copied into each new laptop.

Against the real server on SQLite and PostgreSQL, with the real child process
that builds the copy: a laptop that starts from the copy must hold exactly
what a laptop that synced page by page holds, row for row, index for index
and in the search index (the same documents in the same order), before and
after later changes. Whatever is wrong with a copy, the sync goes on page by
page and loses nothing.
"""

from __future__ import annotations

import gzip
import json
from typing import Any

import pytest

from desktop.models import Database
from desktop.models.db import head_revision
from desktop.models.search import search
from desktop.sync import prepared as prepared_sync
from desktop.sync.client import SyncClient
from desktop.sync.errors import SyncError, SyncErrorKind
from tests.support.live_server import LiveServer, make_database_url
from tests.sync.conftest import BACKENDS, _skip_without_postgres
from tests.sync.harness import Device
from tests.sync.test_first_load import _same_replica, _search_index, _server_with_history, _tables, _whole


@pytest.fixture(params=BACKENDS)
def server(request, tmp_path_factory):
    """The test server with prepared copies for any team with a record, kept in a folder of the test's own."""
    _skip_without_postgres(request.param)
    folder = tmp_path_factory.mktemp("prepared")
    settings = {"prepared_min_records": 1, "prepared_max_lag": 1_000, "prepared_folder": folder}
    with make_database_url(request.param, tmp_path_factory.mktemp("db")) as url, \
            LiveServer(url, settings=settings) as live:
        live.prepared_folder = folder
        yield live


def _copies(server: LiveServer) -> list[dict[str, Any]]:
    return [json.loads(p.read_text()) for p in sorted(server.prepared_folder.glob("*.json"))]


def _prepare(server: LiveServer, device: Device) -> dict[str, Any]:
    """Ask for a copy as a new laptop would (202: being prepared), wait for it, return its description."""
    client = device.service.client()
    assert client.prepared(head_revision(), device.folder / "probe") is None
    server.app.state.prepared.wait(120)
    (copy,) = _copies(server)
    return copy


def _edit(server: LiveServer, name: str) -> None:
    """Another laptop renames a company and deletes another (both after any copy made so far)."""
    username, password = server.user("consultant")
    client = SyncClient(server.url)
    device = f"editor-{abs(hash(name))}"
    token = client.login(username, password, device)["token"]
    client = SyncClient(server.url, lambda: token)
    page = client.pull(0, 5_000)
    live = [c for c in page["changes"] if c["entity"] == "company" and c["op"] == "upsert"]
    renamed, gone = live[-1], live[-2]
    answer = client.push(device, [
        {"mutation_id": 1, "entity": "company", "id": renamed["id"], "op": "upsert",
         "base_version": renamed["version"], "fields": {"name": name}},
        {"mutation_id": 2, "entity": "company", "id": gone["id"], "op": "delete",
         "base_version": gone["version"], "fields": {}},
    ])
    assert not answer.get("rejected"), answer


def _copy_naming_bente(server: LiveServer, bulk_load, make_device) -> None:
    """A team whose prepared copy holds a visit naming Bente Ørskov (the person an erasure will be about)."""
    bulk_load(40)
    first = make_device("first")
    company = first.ops.create_company(name="Aars Auto", city="Aars").id
    first.ops.create_visit(company, participants="Bente Ørskov", body="Talte med Bente Ørskov om et fleksjob.")
    assert first.sync().verified
    _prepare(server, first)


def _no_copy(monkeypatch) -> None:
    monkeypatch.setattr("desktop.sync.pull.take_prepared", lambda *args: False)


def test_a_laptop_from_the_prepared_copy_equals_one_synced_page_by_page(server, bulk_load, make_device, monkeypatch):
    _server_with_history(server, bulk_load)
    first = make_device("first", pull_limit=25)
    copy = _prepare(server, first)
    assert copy["records"] > 120 and copy["cursor"] > 0

    from server import metrics

    sent = metrics.PREPARED_ANSWERS.labels("sent")._value.get()
    copied = make_device("copied", pull_limit=25)
    result = copied.sync()
    assert result.prepared and result.verified and result.pulled == copy["records"]
    assert metrics.PREPARED_ANSWERS.labels("sent")._value.get() == sent + 1  # IT sees copies going out
    assert not (copied.folder / "feltbog.sqlite.prepared").exists()  # the download is gone
    with monkeypatch.context() as patch:
        _no_copy(patch)
        paged = make_device("paged", pull_limit=25)
        assert not paged.sync().prepared
    _same_replica(copied.db, paged.db)
    with copied.db.read() as session:
        stats = session.connection().exec_driver_sql("SELECT count(*) FROM sqlite_stat1").scalar()
    assert stats  # the planner's statistics came along

    # Later changes come page by page after the copy's cursor, to both alike; both laptops keep working.
    _edit(server, "Vesthimmerlands Smedie")
    assert copied.sync().verified and paged.sync().verified
    late = make_device("late", pull_limit=25)
    late_result = late.sync()
    assert late_result.prepared and late_result.verified  # the copy, then the pages after it
    assert _tables(copied.db) == _tables(paged.db) == _tables(late.db)
    assert _search_index(copied.db) == _search_index(paged.db) == _search_index(late.db)
    copied.ops.create_company(name="Løgstør Bådeværft", city="Løgstør")
    assert copied.sync().verified and paged.sync().verified
    with paged.db.read() as session:
        assert [h.entity for h in search(session, "løgstør bådeværft")] == ["company"]
    _whole(copied.db)


def test_a_copy_far_behind_is_prepared_again_and_the_old_one_goes(server, bulk_load, make_device):
    bulk_load(60)
    first = make_device("first")
    old = _prepare(server, first)
    server.app.state.settings = server.app.state.settings.model_copy(update={"prepared_max_lag": 0})
    _edit(server, "Aars Tømrer")
    laptop = make_device("laptop")
    assert laptop.sync().prepared  # the old copy still serves, and a newer one is started
    server.app.state.prepared.wait(120)
    (new,) = _copies(server)
    assert new["cursor"] > old["cursor"]
    assert len(list(server.prepared_folder.glob("*.sqlite.gz"))) == 1


def test_an_erasure_makes_every_copy_unusable_and_deletes_it(server, bulk_load, make_device):
    from server.erasure import erase_person
    from server.personal_data import Person

    _copy_naming_bente(server, bulk_load, make_device)
    old = next(server.prepared_folder.glob("*.sqlite.gz")).name
    assert b"Bente" in gzip.decompress(next(server.prepared_folder.glob("*.sqlite.gz")).read_bytes())

    with server.engine.begin() as conn:
        assert erase_person(conn, Person(name="Bente Ørskov"), actor=None)["records"] == 1
    laptop = make_device("laptop")
    result = laptop.sync()
    assert not result.prepared and result.verified  # page by page while a new copy is made
    server.app.state.prepared.wait(120)
    copies = _copies(server)
    assert len(copies) == 1 and copies[0]["generation"] == 1
    files = list(server.prepared_folder.glob("*.sqlite.gz"))
    assert [f.name for f in files] != [old]  # the old generation's file is gone
    assert b"Bente" not in gzip.decompress(files[0].read_bytes())


def test_a_damaged_download_is_not_used_and_the_sync_goes_on_page_by_page(server, bulk_load, make_device):
    bulk_load(40)
    first = make_device("first")
    _prepare(server, first)
    (data,) = server.prepared_folder.glob("*.sqlite.gz")
    content = bytearray(gzip.decompress(data.read_bytes()))
    content[-100] ^= 0xFF  # one flipped byte: the SHA-256 no longer matches
    data.write_bytes(gzip.compress(bytes(content)))
    laptop = make_device("laptop")
    result = laptop.sync()
    assert not result.prepared and result.verified and result.pulled >= 40
    assert not (laptop.folder / "feltbog.sqlite.prepared").exists()


def test_work_made_before_the_first_sign_in_syncs_page_by_page_and_is_kept(server, bulk_load, make_device, tmp_path):
    from desktop.credentials import Credentials
    from desktop.models import Operations
    from desktop.sync.service import SyncService

    bulk_load(40)
    _prepare(server, make_device("first"))
    db = Database.in_folder(tmp_path / "offline")
    service = SyncService(db, Credentials(account=f"token-{tmp_path.name}-offline"))
    Operations(db, service.actor()).create_company(name="Fjerritslev Maskinfabrik", city="Fjerritslev")
    service.login(server.url, *server.user("consultant"), device_name="offline")
    result = service.sync()
    assert not result.prepared and result.verified and result.pulled >= 40
    with db.read() as session:
        assert [h.entity for h in search(session, "fjerritslev maskin")] == ["company"]
    db.close()


def test_another_app_version_and_another_team_get_no_copy(server, bulk_load, make_device, make_device_for_team,
                                                          tmp_path):
    bulk_load(40)
    first = make_device("first")
    _prepare(server, first)
    client = first.service.client()
    assert client.prepared("0001_initial_schema", tmp_path / "old") is None  # 404: built for another version
    assert not (tmp_path / "old").exists()

    other_team = server.new_team("Jobcenter Vesthimmerland")
    stranger = make_device_for_team(tmp_path / "stranger", other_team)
    stranger.ops.create_company(name="Aars Auto", city="Aars")
    result = stranger.sync()
    assert not result.prepared and result.verified
    assert set(stranger.records("company")) and all(
        r["name"] == "Aars Auto" for r in stranger.records("company").values())  # never the other team's
    stranger.close()


def test_small_teams_get_no_copy(bulk_load, make_device, tmp_path_factory):
    with make_database_url("sqlite", tmp_path_factory.mktemp("small")) as url, \
            LiveServer(url, settings={"prepared_min_records": 1_000}) as live:
        username, password = live.user("consultant")
        laptop = Device(tmp_path_factory.mktemp("laptop") / "laptop", live.url, username, password)
        laptop.ops.create_company(name="Aars Auto", city="Aars")
        assert laptop.sync().verified
        assert laptop.service.client().prepared(head_revision(), laptop.folder / "x") is None
        assert not live.app.state.prepared.folder.exists()  # nothing was built
        laptop.close()


def test_a_copy_of_another_shape_is_refused_and_the_download_removed(server, bulk_load, make_device, monkeypatch):
    bulk_load(40)
    _prepare(server, make_device("first"))
    monkeypatch.setattr("desktop.models.replica.prepared.schema_revision", lambda path: "9999_from_the_future")
    laptop = make_device("laptop")
    result = laptop.sync()
    assert not result.prepared and result.verified and result.pulled >= 40
    assert not (laptop.folder / ("feltbog.sqlite" + prepared_sync.SUFFIX)).exists()


def test_a_server_that_cannot_keep_copies_still_gives_a_first_sync_page_by_page(server, bulk_load, make_device,
                                                                                tmp_path):
    bulk_load(40)
    blocked = tmp_path / "not-a-folder"
    blocked.write_text("")
    server.app.state.prepared.folder = blocked  # e.g. a folder the service's user may not write to
    client = make_device("probe").service.client()
    assert client.prepared(head_revision(), tmp_path / "probe") is None  # no copy, and no server error
    laptop = make_device("laptop")
    result = laptop.sync()
    assert not result.prepared and result.verified and result.pulled >= 40


@pytest.mark.parametrize("failure", [SyncError(SyncErrorKind.SERVER, "HTTP 503", 503),
                                     OSError(28, "No space left on device")])
def test_a_failed_download_of_the_optional_copy_falls_back_to_page_by_page(server, bulk_load, make_device,
                                                                           monkeypatch, failure):
    bulk_load(40)

    def fail(self, schema, dest, on_chunk=None):
        dest.write_bytes(b"half a download")
        raise failure

    monkeypatch.setattr(SyncClient, "prepared", fail)
    laptop = make_device("laptop")
    result = laptop.sync()
    assert not result.prepared and result.verified and result.pulled >= 40
    assert not (laptop.folder / ("feltbog.sqlite" + prepared_sync.SUFFIX)).exists()


def test_a_download_left_behind_by_a_stopped_app_is_removed_by_the_next_sync(server, bulk_load, make_device):
    bulk_load(40)
    laptop = make_device("laptop")
    assert laptop.sync().verified
    # The app was closed (or the laptop died) mid-download or mid-copy: the plaintext copy, with text an
    # erasure may later remove from the replica, must not stay in the data folder for good.
    leftover = laptop.folder / ("feltbog.sqlite" + prepared_sync.SUFFIX)
    leftover.write_bytes(b"Talte med Bente Orskov om et fleksjob.")
    assert laptop.sync().verified
    assert not leftover.exists()


def test_an_erasure_deletes_the_copies_that_hold_the_erased_text_at_once(server, bulk_load, make_device):
    import requests

    _copy_naming_bente(server, bulk_load, make_device)
    assert list(server.prepared_folder.glob("*.sqlite.gz"))
    admin, _password = server.user("admin")
    answer = requests.post(f"{server.url}/api/v1/admin/personal-data/erase", json={"name": "Bente Ørskov"},
                           headers={"Authorization": f"Bearer {server.token(admin)}"}, timeout=30)
    assert answer.status_code == 200 and answer.json()["records"] == 1
    # Gone now, not when (if ever) the next new laptop asks for a copy.
    assert not list(server.prepared_folder.glob("*.sqlite.gz"))
    assert not list(server.prepared_folder.glob("*.json"))


def test_a_copy_built_before_an_upgrade_of_the_app_is_built_again(server, bulk_load, make_device):
    bulk_load(40)
    _prepare(server, make_device("first"))
    (description,) = server.prepared_folder.glob("*.json")
    old = json.loads(description.read_text())
    description.write_text(json.dumps({**old, "schema": "0001_initial_schema"}))  # as the server before the update
    server.app.state.prepared.schema = None  # and restarted since
    assert not make_device("laptop").sync().prepared  # page by page this time (the copy is of another version)
    server.app.state.prepared.wait(120)
    assert make_device("next").sync().prepared  # not only once the team made max_lag changes


def test_a_copy_that_fails_midway_leaves_nothing_and_the_sync_goes_on_page_by_page(server, bulk_load, make_device,
                                                                                   monkeypatch):
    bulk_load(40)
    _prepare(server, make_device("first"))
    # The disk fills during the copy (it needs room for the download and the whole copy in the WAL;
    # page by page needs far less): here the cursor's write fails after every table was copied.
    monkeypatch.setattr("desktop.models.replica.prepared.SET_STATE", "INSERT INTO no_such_table VALUES (?, ?)")
    laptop = make_device("laptop")
    result = laptop.sync()
    assert not result.prepared and result.verified and result.pulled >= 40
    with monkeypatch.context() as patch:
        _no_copy(patch)
        paged = make_device("paged")
        assert paged.sync().verified
    assert _tables(laptop.db) == _tables(paged.db)
    assert _search_index(laptop.db) == _search_index(paged.db)  # the search index dropped in the copy came back
    _whole(laptop.db)


def test_a_build_that_read_before_an_erasure_is_dropped_and_the_wal_checkpointed(server, bulk_load, monkeypatch):
    """The erasure committed while the build's snapshot was open: its copy goes, and the WAL is emptied again."""
    from server import prepared as server_prepared
    from server.prepared import bump_generation, generation, key_for
    from server.restore import era_state

    bulk_load(40)
    with server.engine.begin() as conn:
        era = int(era_state(conn)[0]["era"])
        bump_generation(conn)  # the erasure, after the build below took its generation (0)
        assert generation(conn) == 1
    checkpoints = []
    monkeypatch.setattr(server_prepared, "checkpoint", lambda db: checkpoints.append(db))
    copies = server.app.state.prepared
    assert copies.start_build(key_for(era, 0, [server.team_id]), [server.team_id], era, 0, server.engine)
    copies.wait(120)
    assert checkpoints == [server.engine]
    assert not _copies(server)  # built from before the erasure: never kept


def test_the_nightly_command_builds_each_team_sets_copy_that_is_missing_or_behind(server, bulk_load, capsys):
    """``server admin prepare-copies``: builds what is missing, leaves what is up to date, builds again later."""
    from server import cli

    bulk_load(40)
    other = server.new_team("Jobcenter Vesthimmerland")
    server.user("consultant", team_id=other)  # a team set with too few records: no copy
    settings = ["--db", server.database_url]
    folder = server.prepared_folder
    environment = {"FELTBOG_PREPARED_FOLDER": str(folder), "FELTBOG_PREPARED_MIN_RECORDS": "1"}
    with pytest.MonkeyPatch.context() as patch:
        for name, value in environment.items():
            patch.setenv(name, value)
        assert cli.main([*settings, "admin", "prepare-copies"]) == 0
        (copy,) = _copies(server)
        assert "records up to" in capsys.readouterr().out
        assert cli.main([*settings, "admin", "prepare-copies"]) == 0
        assert "up to date" in capsys.readouterr().out and _copies(server) == [copy]
        _edit(server, "Aars Tømrer")
        assert cli.main([*settings, "admin", "prepare-copies"]) == 0
        (newer,) = _copies(server)
        assert newer["cursor"] > copy["cursor"]


def test_a_cancel_during_the_download_stops_it_leaves_nothing_and_the_next_sync_takes_the_copy(
        server, bulk_load, make_device, monkeypatch):
    from desktop.cancel import Cancelled, CancelToken
    from desktop.sync import client as client_module

    bulk_load(60)
    _prepare(server, make_device("first"))
    monkeypatch.setattr(client_module, "PREPARED_CHUNK", 4096)  # several chunks, so a cancel lands in between
    laptop = make_device("laptop")
    token = CancelToken()
    seen: list[tuple[int, int]] = []

    def progress(done: int, total: int, phase: str) -> None:
        if phase == "prepared" and total:
            seen.append((done, total))
            if len(seen) == 2:
                token.cancel()  # the consultant presses Cancel in the progress dialog

    with pytest.raises(Cancelled):
        laptop.sync(progress=progress, cancel=token)
    assert seen[0][1] > seen[0][0] > 0  # bytes received of the whole, as the dialog shows them
    assert not (laptop.folder / ("feltbog.sqlite" + prepared_sync.SUFFIX)).exists()
    with laptop.db.read() as session:
        assert not session.connection().exec_driver_sql("SELECT count(*) FROM company").scalar()
    result = laptop.sync()
    assert result.prepared and result.verified
