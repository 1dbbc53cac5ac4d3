"""A damaged laptop database is recovered with nothing lost that still exists anywhere (issue 18, finding 3).

Each test: a consultant's laptop synced with the real server, then unsent
work typed offline, then the file damaged the way files get damaged. The
recovery offered (rebuild from the server, or restore a backup) must give
back every record the server had plus every unsent change the damaged file
still holds, and the next sync must hand those changes in, with the
laptop's data equal to the server's (counts and checksum).
"""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from desktop.models.db import Database
from desktop.models.health import Damage, DatabaseDamagedError
from desktop.sync.recovery import available_backups, rebuild_from_server, restore_backup
from desktop.sync.service import SyncService


@pytest.fixture
def laptop(make_device, bulk_load):
    bulk_load(1_500)
    device = make_device("laptop")
    device.sync()
    return device


def _type_offline(device, n: int = 5) -> list[str]:
    """Unsent work: new companies with a visit each, and an edit of a synced company."""
    ids = []
    for i in range(n):
        company = device.ops.create_company(name=f"Offline Tømrer {i}", city="Brovst").id
        ids.append(company)
        ids.append(device.ops.create_visit(company, body=f"Noter fra besøget nummer {i}").id)
    return ids


def _close_quietly(device) -> Path:
    device.db.close()
    path = device.db.path
    with sqlite3.connect(path) as conn:
        conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    return path


def _page_size(path: Path) -> int:
    with sqlite3.connect(path) as conn:
        return int(conn.execute("PRAGMA page_size").fetchone()[0])


def _sync_again(device, db: Database) -> SyncService:
    service = SyncService(db, device.service.credentials)
    result = service.sync()
    assert result.rejected == 0
    assert service.sync().verified  # counts and checksum equal the server's
    return service


def _local_ids(db: Database, entity: str) -> set[str]:
    from sqlalchemy import select

    from desktop.models.entities import MODELS

    model = MODELS[entity]
    with db.read() as session:
        return set(session.scalars(select(model.id).where(model.deleted.is_(False))))


def test_a_zeroed_page_inside_is_rebuilt_from_the_server_with_the_unsent_work(laptop):
    typed = _type_offline(laptop)
    path = _close_quietly(laptop)
    size = _page_size(path)
    data = bytearray(path.read_bytes())
    middle = (len(data) // size // 3) * size  # among the pulled records, not the outbox
    data[middle : middle + size] = bytes(size)
    path.write_bytes(bytes(data))
    with pytest.raises(DatabaseDamagedError) as caught:
        Database(path, check_pages=True)
    assert caught.value.damage is Damage.CORRUPT

    recovered = rebuild_from_server(path)
    assert recovered.unsent == len(typed) and recovered.damaged_copy is not None and recovered.damaged_copy.exists()
    _sync_again(laptop, recovered.database)
    assert set(typed) <= _local_ids(recovered.database, "company") | _local_ids(recovered.database, "visit")
    recovered.database.close()


def test_an_overwritten_first_page_borrows_it_from_the_daily_backup(laptop):
    laptop.db.backup_daily_if_due()  # the backup a working day starts with
    typed = _type_offline(laptop)
    path = _close_quietly(laptop)
    size = _page_size(path)
    data = bytearray(path.read_bytes())
    data[:size] = bytes(size)
    path.write_bytes(bytes(data))
    with pytest.raises(DatabaseDamagedError) as caught:
        Database(path)
    assert caught.value.damage is Damage.HEADER

    recovered = rebuild_from_server(path)
    assert recovered.unsent == len(typed)
    _sync_again(laptop, recovered.database)
    assert set(typed) <= _local_ids(recovered.database, "company") | _local_ids(recovered.database, "visit")
    recovered.database.close()


def test_a_truncated_file_is_replaced_by_its_backup_and_the_server_fills_in_the_rest(laptop, make_device):
    laptop.db.backup_daily_if_due()
    before_backup = _type_offline(laptop, 2)  # in the backup, unsent
    laptop.db.backup("before-risky-work")
    path = _close_quietly(laptop)
    data = path.read_bytes()
    path.write_bytes(data[: len(data) * 3 // 4])
    with pytest.raises(DatabaseDamagedError) as caught:
        Database(path)
    assert caught.value.damage is Damage.TRUNCATED

    [newest, *_] = available_backups(path)  # what the "Gendan" dialog lists, without opening the damaged file
    assert newest.reason == "before-risky-work" and newest.records and newest.records >= 1_500

    recovered = restore_backup(path, newest.path)
    _sync_again(laptop, recovered.database)
    ids = _local_ids(recovered.database, "company") | _local_ids(recovered.database, "visit")
    assert set(before_backup) <= ids
    other = make_device("colleague")  # the server got them too
    other.sync()
    assert set(before_backup) <= _local_ids(other.db, "company") | _local_ids(other.db, "visit")
    recovered.database.close()


def test_an_emptied_file_is_rebuilt_from_the_server_signed_in_as_before(laptop):
    laptop.db.backup_daily_if_due()  # remembers the account: no new sign-in after the rebuild
    server_companies = _local_ids(laptop.db, "company")
    path = _close_quietly(laptop)
    path.write_bytes(b"")
    with pytest.raises(DatabaseDamagedError):
        Database(path)
    recovered = rebuild_from_server(path)
    assert recovered.unsent == 0
    _sync_again(laptop, recovered.database)
    assert _local_ids(recovered.database, "company") == server_companies
    recovered.database.close()
