"""A damaged database file is diagnosed in plain words and left untouched (issue 18, finding 3).

Each way a laptop's file gets damaged in practice (a crash while copying, a
full disk, a failing sector, a newer app's file) is made here on a real file
with a few hundred records, and the app must say what happened, never start
an empty database in its place, and never call it encrypted.
"""

from __future__ import annotations

import hashlib
import shutil
import sqlite3
import uuid
from pathlib import Path

import pytest

from desktop.models import Database, Operations
from desktop.models.changes import Actor
from desktop.models.db import DB_FILENAME
from desktop.models.health import Damage, DatabaseDamagedError, NewerSchemaError


@pytest.fixture(scope="module")
def template(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("template")
    db = Database.in_folder(folder)
    ops = Operations(db, Actor(str(uuid.uuid4()), str(uuid.uuid4())))
    for i in range(300):
        company = ops.create_company(name=f"Virksomhed {i}", city="Aars", notes="x" * 400).id
        ops.create_visit(company, body=f"Besøg hos virksomhed {i} " + "y" * 300)
    db.close()
    path = folder / DB_FILENAME
    with sqlite3.connect(path) as conn:  # everything in the main file, as after a quiet close
        conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    return path


@pytest.fixture
def filled(template, tmp_path) -> Path:
    path = tmp_path / "data" / DB_FILENAME
    path.parent.mkdir()
    shutil.copyfile(template, path)
    return path


def _digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _page_size(path: Path) -> int:
    with sqlite3.connect(path) as conn:
        return int(conn.execute("PRAGMA page_size").fetchone()[0])


def _open_fails_with(path: Path, damage: Damage) -> None:
    before = _digest(path)
    with pytest.raises(DatabaseDamagedError) as caught:
        Database(path)
    assert caught.value.damage is damage
    assert "Filen er ikke ændret" in caught.value.message("da")
    assert "krypteret" not in caught.value.message("da")
    assert _digest(path) == before  # untouched: no new empty database, no half-migration
    assert not list((path.parent / "backups").glob("*.sqlite")) if (path.parent / "backups").exists() else True


def test_an_emptied_file_is_not_replaced_by_a_new_empty_database(filled):
    filled.write_bytes(b"")
    _open_fails_with(filled, Damage.EMPTY)
    assert filled.stat().st_size == 0


def test_a_file_cut_in_half_is_reported_as_truncated(filled):
    data = filled.read_bytes()
    filled.write_bytes(data[: len(data) // 2])
    _open_fails_with(filled, Damage.TRUNCATED)


def test_a_file_cut_mid_page_is_reported_as_truncated(filled):
    data = filled.read_bytes()
    filled.write_bytes(data[: len(data) - 100])
    _open_fails_with(filled, Damage.TRUNCATED)


def test_a_zeroed_header_page_is_damage_not_encryption(filled):
    data = bytearray(filled.read_bytes())
    data[: _page_size(filled)] = bytes(_page_size(filled))
    filled.write_bytes(bytes(data))
    _open_fails_with(filled, Damage.HEADER)


def test_a_zeroed_page_in_the_middle_is_found_at_start(filled):
    size = _page_size(filled)
    data = bytearray(filled.read_bytes())
    middle = (len(data) // size // 2) * size
    data[middle : middle + size] = bytes(size)
    filled.write_bytes(bytes(data))
    _open_fails_with(filled, Damage.CORRUPT)


def test_a_database_from_a_newer_version_says_so_and_makes_no_backup(filled):
    with sqlite3.connect(filled) as conn:
        conn.execute("UPDATE alembic_version SET version_num = 'f00dfeed9999'")
    for _ in range(3):  # every start: the same message, and no new copy of the file
        with pytest.raises(NewerSchemaError) as caught:
            Database(filled)
        assert "nyere version af Feltbog" in caught.value.message("da")
    backups = filled.parent / "backups"
    assert not backups.exists() or not list(backups.glob("*.sqlite"))


def test_a_whole_file_opens_and_a_small_one_is_checked_once_as_it_opens(filled):
    db = Database(filled)
    assert db.pages_checked  # the app's check after start-up then has nothing left to do
    db.close()
    unchecked = Database(filled, check_pages=False)
    assert not unchecked.pages_checked
    unchecked.check_pages()
    assert unchecked.pages_checked
    unchecked.close()


def test_a_large_file_is_checked_after_start_not_at_open(filled):
    """Files past the start-up budget open at once; the app runs the page check on its worker."""
    size = _page_size(filled)
    data = bytearray(filled.read_bytes())
    middle = (len(data) // size // 2) * size
    data[middle : middle + size] = bytes(size)
    filled.write_bytes(bytes(data))
    db = Database(filled, check_pages=False)
    with pytest.raises(DatabaseDamagedError) as caught:
        db.check_pages()
    assert caught.value.damage is Damage.CORRUPT
    db.close()
    with pytest.raises(DatabaseDamagedError) as caught:  # the next start offers recovery at once
        Database(filled, check_pages=False)
    assert caught.value.damage is Damage.CORRUPT


def test_backups_are_kept_to_a_bounded_number_per_reason(filled):
    from desktop.models import backups

    db = Database(filled)
    for _ in range(backups.KEEP_OTHER + 4):
        db.backup("before-mass-delete")
    assert db.backup_daily_if_due() is not None
    assert db.backup_daily_if_due() is None  # once a working day
    kinds = [reason for _f, _m, reason in backups.backup_files(filled)]
    assert kinds.count("before-mass-delete") == backups.KEEP_OTHER and kinds.count(backups.DAILY) == 1
    [daily] = [b for b in db.list_backups() if b.reason == backups.DAILY]
    assert daily.counts is not None and daily.counts["company"] == 300 and daily.counts["visit"] == 300
    db.close()
