"""SYNC.md §8 tests 1-3 and 6-11: crashes, replays, retries, clocks, empty servers, upgrades."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta

import pytest

from desktop.models import replica
from desktop.models import search as search_module
from desktop.sync import push as push_module
from desktop.sync import state
from desktop.sync.client import SyncClient
from desktop.sync.engine import SyncAborted, SyncEngine
from desktop.sync.errors import SyncError, SyncErrorKind


class Crash(Exception):
    """Stands for the process dying at this point."""


def seed_work(device, n: int = 5) -> list[str]:
    ids = []
    for i in range(n):
        company = device.ops.create_company(name=f"Virksomhed {i}", city="Aars").id
        device.ops.create_visit(company, body=f"Besøg nr. {i} med æøå")
        ids.append(company)
    return ids


# -- 1. kill the client at every sync step -------------------------------------------------


def test_crash_between_applying_a_page_and_saving_its_cursor(make_device, monkeypatch):
    a = make_device("a")
    seed_work(a, 6)
    a.sync()
    b = make_device("b", pull_limit=4)
    real_set = state.set_value
    calls = {"n": 0}

    def dying_set(session, key, value):
        if key == state.CURSOR:
            calls["n"] += 1
            if calls["n"] == 2:
                raise Crash()
        return real_set(session, key, value)

    monkeypatch.setattr(state, "set_value", dying_set)
    with pytest.raises(Crash):
        b.sync()
    monkeypatch.setattr(state, "set_value", real_set)
    b.restart()
    result = b.sync()
    assert result.verified
    assert b.snapshot() == a.snapshot()


def test_crash_after_server_committed_push_before_client_marked_it(make_device, monkeypatch, server):
    a = make_device("a")
    seed_work(a, 3)
    monkeypatch.setattr(push_module, "record_push", lambda *args: (_ for _ in ()).throw(Crash()))
    with pytest.raises(Crash):
        a.sync()
    monkeypatch.undo()
    a.restart()
    assert a.pending() == 6  # not marked: the push's answer was lost
    result = a.sync()  # replays the same mutation ids: the server skips them
    assert a.pending() == 0 and result.rejected == 0 and result.verified
    b = make_device("b")
    b.sync()
    assert len(b.records("company")) == 3 and len(b.records("visit")) == 3
    assert b.snapshot() == a.snapshot()


def test_crash_mid_local_write_leaves_nothing_half_written(make_device, monkeypatch):
    a = make_device("a")
    seed_work(a, 2)

    def dying_index(*args, **kwargs):
        raise Crash()

    monkeypatch.setattr("desktop.models.writer.index_records", dying_index)
    with pytest.raises(Crash):
        a.ops.create_company(name="Halvskrevet ApS")
    monkeypatch.undo()
    a.restart()
    assert "Halvskrevet ApS" not in {r["name"] for r in a.records("company").values()}
    assert a.pending() == 4
    a.sync()
    b = make_device("b")
    b.sync()
    assert b.snapshot() == a.snapshot()


# -- 2. duplicate push after a timeout -----------------------------------------------------


def test_lost_push_response_is_replayed_without_duplicates(make_device, monkeypatch):
    a = make_device("a")
    seed_work(a, 2)
    client_cls = type(a.service.client())
    real_push = client_cls.push

    def push_then_lose_answer(self, device_id, mutations):
        real_push(self, device_id, mutations)  # the server commits...
        raise SyncError(SyncErrorKind.NETWORK, "timeout")  # ...and the answer is lost

    monkeypatch.setattr(client_cls, "push", push_then_lose_answer)
    with pytest.raises(SyncError):
        a.sync()
    monkeypatch.undo()
    assert a.pending() == 4
    result = a.sync()
    assert result.pushed == 4 and a.pending() == 0 and result.verified
    b = make_device("b")
    b.sync()
    assert len(b.records("company")) == 2 and b.snapshot() == a.snapshot()


# -- 3. edit after a failed send, then retry -------------------------------------------------


def test_edit_after_failed_send_goes_as_a_new_mutation(make_device, monkeypatch):
    a = make_device("a")
    company = a.ops.create_company(name="Første navn").id
    client_cls = type(a.service.client())
    def offline(*args, **kwargs):
        raise SyncError(SyncErrorKind.NETWORK)

    monkeypatch.setattr(client_cls, "push", offline)
    with pytest.raises(SyncError):
        a.sync()
    monkeypatch.undo()
    a.ops.update_company(company, name="Andet navn")
    assert a.pending() == 2
    result = a.sync()
    assert result.pushed == 2 and result.rejected == 0
    b = make_device("b")
    b.sync()
    assert b.records("company")[company]["name"] == "Andet navn"


# -- 6. clock skew ---------------------------------------------------------------------------


@pytest.mark.parametrize("skew", [timedelta(days=1), timedelta(days=-1), timedelta(hours=-7)])
def test_clock_skew_does_not_affect_sync_and_is_reported(make_device, skew):
    a, b = make_device("a"), make_device("b")
    seed_work(a, 2)
    wrong_clock = lambda: datetime.now(UTC) + skew  # noqa: E731
    engine = SyncEngine(a.db, a.service.client(), now=wrong_clock)
    result = engine.sync()
    assert result.clock_skew_warning and abs(result.clock_skew_seconds - skew.total_seconds()) < 60
    b.sync()
    assert b.snapshot() == a.snapshot()
    right = SyncEngine(b.db, b.service.client()).sync()
    assert not right.clock_skew_warning


# -- 7. empty, wrong or reset server -------------------------------------------------------------


def test_populated_client_pointed_at_an_empty_server_asks_before_deleting(make_device, other_server):
    a = make_device("a")
    seed_work(a, 6)
    a.sync()
    a.ops.create_company(name="Ikke sendt endnu")
    before = a.snapshot()
    # The admin points the laptop at another (empty) server.
    username, password = other_server.user("consultant")
    a.service.login(other_server.url, username, password)
    a.allow_mass_delete = False
    with pytest.raises(SyncAborted):
        a.sync()
    assert a.confirmations, "the user must be asked"
    assert a.snapshot() == before, "nothing was deleted"
    assert a.pending() == 1, "the unsent change is still queued"
    b = other_server.device("b-on-other")
    b.sync()
    assert b.records("company") == {}, "nothing was sent to the other server without asking"


def test_server_restored_from_backup_gets_our_lost_mutations_again(make_device, monkeypatch):
    """A server that forgot our last mutations (restored backup) makes us renumber, not lose them."""
    a = make_device("a")
    seed_work(a, 1)
    a.sync()
    # Pretend the server lost track: it will answer 409 mutation_gap with expected=1 for an id > 1.
    with a.db.write() as session:
        state.set_value(session, state.MUTATION_OFFSET, "-10")  # we now send ids 10 higher than we should
    a.ops.create_company(name="Efter gendannelse")
    result = a.sync()
    assert result.pushed == 1 and a.pending() == 0


# -- 8. interrupted initial sync ------------------------------------------------------------------


def test_interrupted_first_sync_resumes_without_redownloading(make_device, bulk_load, monkeypatch):
    bulk_load(20_000)
    clean = make_device("clean", pull_limit=2_000)
    clean.sync()
    clean_bytes = clean.service_client_bytes

    b = make_device("b", pull_limit=2_000)
    real_apply = replica.apply_page
    pages = {"n": 0}

    def dying_apply(session, changes, *args, **kwargs):
        pages["n"] += 1
        if pages["n"] in (3, 7):
            raise Crash()
        return real_apply(session, changes, *args, **kwargs)

    monkeypatch.setattr(replica, "apply_page", dying_apply)
    runs: list[list[int]] = []  # the "since" of every page asked for, per sync attempt
    saved: list[int] = []  # the cursor on disk after each crash
    real_pull = SyncClient.pull

    def recording_pull(client, since, limit):
        runs[-1].append(since)
        return real_pull(client, since, limit)

    real_summary = SyncClient.summary

    def recording_summary(client, era=None, cursor=None, **page):
        if page.get("since") is not None:  # a resumed sync's first page comes with the summary
            runs[-1].append(page["since"])
        return real_summary(client, era, cursor, **page)

    monkeypatch.setattr(SyncClient, "pull", recording_pull)
    monkeypatch.setattr(SyncClient, "summary", recording_summary)
    total_bytes = 0
    for _ in range(5):
        runs.append([])
        try:
            b.sync()
            total_bytes += b.service_client_bytes
            break
        except Crash:
            total_bytes += b.service_client_bytes
            b.restart()
            with b.service.db.read() as session:
                saved.append(state.get_int(session, state.CURSOR))
    monkeypatch.undo()
    assert b.snapshot() == clean.snapshot()
    # Every resumed attempt starts exactly at the saved cursor and moves forward: no finished page twice.
    assert len(runs) == 3 and len(saved) == 2
    for attempt, cursor in zip(runs[1:], saved, strict=True):
        assert attempt[0] == cursor and attempt == sorted(set(attempt))
    # Each crash costs its own page and at most the one page fetched ahead (pipelined pull).
    assert total_bytes < 1.35 * clean_bytes


# -- 9. dependent mutations and order across restarts ------------------------------------------


def test_visit_on_company_created_in_the_same_offline_session(make_device):
    a = make_device("a")
    company = a.ops.create_company(name="Ny virksomhed").id
    a.ops.add_contact(company, name="Mette Sørensen", phone="+45 20 30 40 50")
    a.restart()  # the outbox survives a restart in order
    a.ops.create_visit(company, body="Første besøg")
    result = a.sync()
    assert result.rejected == 0 and result.pushed == 3


# -- 10. a permanent rejection does not block the queue ----------------------------------------


def test_permanent_rejection_is_kept_and_later_mutations_apply(make_device):
    a = make_device("a")
    company = a.ops.create_company(name="Godt ApS").id
    # An invalid mutation the server must refuse (bypassing local validation on purpose).
    with a.db.write() as session:
        from desktop.models.local import OutboxEntry

        session.add(OutboxEntry(entity="company", entity_id=company, op="upsert", base_version=0,
                                fields=json.dumps({"cvr": "12345678"})))
    a.ops.update_company(company, city="Farsø")
    result = a.sync()
    assert result.rejected == 1 and result.pushed == 2
    assert a.rejected()[0].last_error
    b = make_device("b")
    b.sync()
    assert b.records("company")[company]["city"] == "Farsø"


def test_transient_server_error_is_retryable(make_device, monkeypatch):
    a = make_device("a")
    seed_work(a, 1)
    client_cls = type(a.service.client())
    real = client_cls.push
    def unavailable(*args, **kwargs):
        raise SyncError(SyncErrorKind.SERVER, "503")

    monkeypatch.setattr(client_cls, "push", unavailable)
    with pytest.raises(SyncError) as info:
        a.sync()
    assert info.value.retryable
    monkeypatch.setattr(client_cls, "push", real)
    assert a.sync().pushed == 2


# -- 11. schema upgrade with a pending outbox; an old client is refused -----------------------


def test_pending_outbox_survives_a_local_schema_upgrade(make_device):
    from desktop.models import Database
    from desktop.models.entities import Company
    from desktop.models.local import OutboxEntry

    a = make_device("a")
    account, actor = a.service.account(), a.service.actor()
    path = a.db.path
    a.db.close()
    for leftover in path.parent.glob(path.name + "*"):
        leftover.unlink()
    # The previous app version (schema 0001) queued an unsent company, then the app was upgraded.
    old = Database(path, migrate_to="0001")
    with old.write() as session:
        state.save_account(session, account)
        session.add(Company(id="6a1d1d2e-0000-4000-8000-000000000001", name="Gammel ApS", team_id=actor.team_id,
                            is_centre=False))
        session.add(OutboxEntry(entity="company", entity_id="6a1d1d2e-0000-4000-8000-000000000001", op="upsert",
                                base_version=0, fields=json.dumps({"name": "Gammel ApS", "team_id": actor.team_id})))
    old.close()
    a.restart()  # opens with the new version: migrates after a backup
    assert a.db.last_backup is not None and a.db.last_backup.exists()
    assert a.pending() == 1
    result = a.sync()
    assert result.pushed == 1 and result.rejected == 0
    b = make_device("b")
    b.sync()
    assert [r["name"] for r in b.records("company").values()] == ["Gammel ApS"]


def test_an_old_client_is_refused_with_a_clear_message(make_device, monkeypatch):
    a = make_device("a")
    seed_work(a, 1)
    monkeypatch.setattr("desktop.sync.client.SCHEMA_VERSION", 0)
    with pytest.raises(SyncError) as info:
        a.sync()
    assert info.value.kind is SyncErrorKind.VERSION
    assert "for gammel" in info.value.message()
    assert a.pending() == 2


def test_search_index_follows_pulled_changes(make_device):
    a, b = make_device("a"), make_device("b")
    company = a.ops.create_company(name="Tømrerfirmaet Ågade").id
    a.sync()
    b.sync()
    with b.db.read() as session:
        assert [h.id for h in search_module.search(session, "toemrer aagade")] == [company]
    a.ops.update_company(company, name="Snedker Nielsen")
    a.sync()
    b.sync()
    with b.db.read() as session:
        assert search_module.search(session, "tomrer") == []
        assert [h.id for h in search_module.search(session, "snedk")] == [company]
