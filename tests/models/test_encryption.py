"""SQLCipher at rest: turning it on keeps every row and the outbox, leaves no plaintext on disk,
reopens with the keychain's key, refuses clearly (and touches nothing) without it, and turns off again."""

from __future__ import annotations

import hashlib
import os
import sqlite3

import keyring
import pytest
from keyring.backends import fail
from sqlalchemy import text

from desktop.credentials import DatabaseKeys
from desktop.models import Actor, Database, Operations
from desktop.models.db import DB_FILENAME, current_revision, head_revision
from desktop.models.encryption import SQLITE_HEADER, EncryptionError, key_id_file, shred_leftovers
from desktop.models.search import search
from tests.conftest import TODAY
from tests.models.snapshot import snapshot

BODY = "Kvistgaard-Ølholm fortalte om sin datter Zephyrine"  # appears nowhere else on disk
NEEDLES = (b"Zephyrine", "Ølholm".encode())


def files_with_plaintext(folder) -> list[str]:
    """Every file under ``folder`` whose raw bytes contain the distinctive note text."""
    return [str(p.relative_to(folder)) for p in folder.rglob("*")
            if p.is_file() and any(n in p.read_bytes() for n in NEEDLES)]


def digest(path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


@pytest.fixture
def filled(db, ops):
    """A database with a company, a distinctive visit note, a mentor, unsent changes and a backup."""
    company = ops.create_company(name="Zephyrine Rengøring ApS", city="Aabybro").id
    ops.create_visit(company, body=BODY)
    ops.add_mentor(company, name="Hanne Kjær")
    db.backup("before-test")  # an older backup must not stay readable either
    assert files_with_plaintext(db.path.parent)  # the test can see plaintext when it is there
    return db


def test_fts5_is_compiled_into_sqlciphers_sqlite():
    from desktop.models.encryption import dbapi

    conn = dbapi().connect(":memory:")
    options = {row[0] for row in conn.execute("PRAGMA compile_options")}
    assert "ENABLE_FTS5" in options
    assert conn.execute("PRAGMA cipher_version").fetchone()[0].startswith("4.")


def test_turning_encryption_on_keeps_every_row_and_the_outbox_and_leaves_no_plaintext(filled):
    before = snapshot(filled)
    assert before.outbox  # unsent changes exist and must survive
    filled.set_encrypted(True)

    assert filled.encrypted
    folder = filled.path.parent
    assert filled.path.read_bytes()[:16] != SQLITE_HEADER
    assert files_with_plaintext(folder) == []
    backups = list((folder / "backups").glob("*.sqlite"))
    assert backups and all(b.read_bytes()[:16] != SQLITE_HEADER for b in backups)
    assert not list(folder.glob("*.old")) and not list(folder.glob("*.converting"))
    assert snapshot(filled) == before
    with filled.read() as session:
        assert [h.entity for h in search(session, "zephyr")] == ["company", "visit"]


def test_an_encrypted_database_reopens_and_takes_new_writes_searches_and_backups(filled, user_id, team_id):
    filled.set_encrypted(True)
    before = snapshot(filled)
    filled.close()

    reopened = Database.in_folder(filled.path.parent)
    try:
        assert reopened.encrypted and snapshot(reopened) == before
        ops = Operations(reopened, Actor(user_id, team_id), today=lambda: TODAY)
        company = ops.create_company(name="Zephyrine Tømrer").id
        ops.create_visit(company, body=BODY + " igen")
        reopened.tidy()  # the upkeep after a sync: merges and a checkpoint through the encrypted connection
        with reopened.read() as session:
            assert len(search(session, "zephyrine")) == 4
        backup = reopened.backup("after-encryption")
        assert backup.read_bytes()[:16] != SQLITE_HEADER
        assert files_with_plaintext(filled.path.parent) == []
    finally:
        reopened.close()
    assert files_with_plaintext(filled.path.parent) == []  # the WAL is encrypted as well


def test_a_missing_key_is_explained_and_the_file_is_left_alone(filled, memory_keyring):
    filled.set_encrypted(True)
    filled.close()
    fingerprint = digest(filled.path)
    memory_keyring.secrets.clear()  # another user, or a reinstalled keychain

    with pytest.raises(EncryptionError) as refused:
        Database.in_folder(filled.path.parent)
    assert "krypteret" in refused.value.message("da") and "nøglen findes ikke" in refused.value.message("da")
    assert "key is not in this user's keychain" in refused.value.message("en")
    assert digest(filled.path) == fingerprint


def test_a_lost_key_id_file_is_a_missing_key_not_a_new_database(filled):
    filled.set_encrypted(True)
    filled.close()
    fingerprint = digest(filled.path)
    key_id_file(filled.path).unlink()

    with pytest.raises(EncryptionError, match="nøglen findes ikke"):
        Database.in_folder(filled.path.parent)
    assert digest(filled.path) == fingerprint


def test_a_wrong_key_is_explained_and_the_file_is_left_alone(filled, memory_keyring):
    filled.set_encrypted(True)
    filled.close()
    fingerprint = digest(filled.path)
    key_id = key_id_file(filled.path).read_text()
    memory_keyring.secrets[("Feltbog", DatabaseKeys.PREFIX + key_id)] = "ab" * 32

    with pytest.raises(EncryptionError, match="passer ikke"):
        Database.in_folder(filled.path.parent)
    assert digest(filled.path) == fingerprint


def test_turning_encryption_off_migrates_back_and_forgets_the_key(filled, memory_keyring):
    before = snapshot(filled)
    filled.set_encrypted(True)
    key_id = key_id_file(filled.path).read_text()
    filled.set_encrypted(False)

    assert not filled.encrypted
    assert filled.path.read_bytes()[:16] == SQLITE_HEADER
    assert all(b.read_bytes()[:16] == SQLITE_HEADER for b in (filled.path.parent / "backups").glob("*.sqlite"))
    assert snapshot(filled) == before
    assert not key_id_file(filled.path).exists()
    assert ("Feltbog", DatabaseKeys.PREFIX + key_id) not in memory_keyring.secrets
    filled.close()
    assert Database.in_folder(filled.path.parent).encrypted is False


def test_without_a_keychain_encryption_is_refused_and_nothing_changes(filled):
    fingerprint_before = snapshot(filled)
    keyring.set_keyring(fail.Keyring())

    with pytest.raises(EncryptionError, match="ingen nøglering"):
        filled.set_encrypted(True)
    assert not filled.encrypted and filled.path.read_bytes()[:16] == SQLITE_HEADER
    assert not key_id_file(filled.path).exists()
    assert snapshot(filled) == fingerprint_before


def test_migrations_run_on_an_encrypted_file_and_back_it_up_encrypted(tmp_path):
    old = Database(tmp_path / DB_FILENAME, migrate_to="0001")
    with old.write() as session:
        session.execute(text(
            "INSERT INTO company (id, name, is_centre, version, created_at, updated_at, deleted) VALUES "
            "('0b9d0c36-7b55-4c3a-9a63-6c1d3a0e0001', 'Zephyrine ApS', 0, 1, '2026-01-05', '2026-01-05', 0)"))
    old.set_encrypted(True)
    old.close()

    new = Database.in_folder(tmp_path)
    try:
        assert new.encrypted and current_revision(new.engine) == head_revision()
        assert new.last_backup is not None and new.last_backup.read_bytes()[:16] != SQLITE_HEADER
        with new.read() as session:
            assert [h.entity for h in search(session, "zephyrine")] == ["company"]  # 0002 built the index
    finally:
        new.close()
    assert files_with_plaintext(tmp_path) == []


def test_an_old_copy_left_by_an_interrupted_swap_is_overwritten_at_the_next_start(filled):
    filled.close()
    leftover = filled.path.with_name(filled.path.name + ".old")
    leftover.write_bytes(filled.path.read_bytes())
    shred_leftovers(filled.path)
    assert not leftover.exists()


def test_a_second_name_left_before_the_swap_is_removed_without_touching_the_live_file(filled):
    filled.close()
    fingerprint = digest(filled.path)
    leftover = filled.path.with_name(filled.path.name + ".old")
    os.link(filled.path, leftover)  # what _swap makes first; a crash right after leaves it
    shred_leftovers(filled.path)
    assert not leftover.exists() and digest(filled.path) == fingerprint


def test_plain_backups_left_by_an_interrupted_encryption_are_encrypted_at_the_next_start(filled):
    filled.set_encrypted(True)
    filled.close()
    plain = filled.path.parent / "backups" / f"{filled.path.stem}-20260101-000000-000000-left.sqlite"
    conn = sqlite3.connect(plain)
    conn.execute("CREATE TABLE note (body TEXT)")
    conn.execute("INSERT INTO note VALUES ('Zephyrine')")
    conn.commit()
    conn.close()

    Database.in_folder(filled.path.parent).close()
    assert plain.read_bytes()[:16] != SQLITE_HEADER
    assert files_with_plaintext(filled.path.parent) == []
