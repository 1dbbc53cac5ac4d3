"""The engine's safety rails: 410 full resync, mass-delete confirmation, checksum repair."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import text, update

from desktop.sync.engine import SyncAborted
from desktop.sync.verify import FULL_CHECK_EVERY
from server import admin
from server.tables import Record


def test_cursor_older_than_kept_tombstones_triggers_a_full_resync_that_keeps_the_outbox(make_device, server):
    a, b = make_device("a"), make_device("b")
    doomed = a.ops.create_company(name="Forsvinder").id
    a.ops.create_company(name="Bliver")
    a.sync()
    b.sync()
    a.ops.delete_company(doomed)
    a.sync()
    with server.engine.begin() as conn:
        old = Record.deleted_at - timedelta(days=200)
        conn.execute(update(Record).where(Record.id == doomed).values(deleted_at=old))
    with server.engine.execution_options(write=True).begin() as conn:
        assert admin.purge_tombstones(conn, 180) == 1
    b.ops.create_company(name="Skrevet offline på b")  # unsent when the 410 comes
    result = b.sync()
    assert result.full_resync and result.verified and b.pending() == 0
    assert sorted(r["name"] for r in b.records("company").values()) == ["Bliver", "Skrevet offline på b"]
    assert list((b.folder / "backups").glob("*before-full-resync*"))


def test_pull_deleting_more_than_half_asks_first_and_backs_up(make_device):
    a, b = make_device("a"), make_device("b")
    ids = [a.ops.create_company(name=f"Firma {i}").id for i in range(20)]
    a.sync()
    b.sync()
    for company in ids[:15]:
        a.ops.delete_company(company)
    a.sync()
    b.allow_mass_delete = False
    with pytest.raises(SyncAborted):
        b.sync()
    assert len(b.records("company")) == 20 and b.confirmations[-1][2] == "pull"
    b.allow_mass_delete = True
    b.sync()
    assert len(b.records("company")) == 5
    assert list((b.folder / "backups").glob("*before-mass-delete*"))


def test_local_data_that_drifted_from_the_server_is_repaired(make_device):
    a = make_device("a")
    keep = a.ops.create_company(name="Skal være der").id
    a.ops.create_company(name="Også her")
    a.sync()
    # Damage the local copy behind the app's back (a bug, a disk problem, a restored backup).
    with a.db.write() as session:
        session.execute(text("DELETE FROM company WHERE id = :id"), {"id": keep})
    # Idle syncs trust the last full check for a while, then recount and repair.
    for _ in range(FULL_CHECK_EVERY + 1):
        result = a.sync()
        if result.full_resync:
            break
    assert result.full_resync and result.verified
    assert keep in a.records("company")
