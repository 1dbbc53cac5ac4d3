"""The local database file: a data folder, SQLite in WAL mode with foreign keys on, and Alembic
migrations at start-up after a timestamped backup, also for databases made by older versions."""

from __future__ import annotations

import re
import sqlite3
from datetime import timedelta

import pytest
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import create_engine, text

from desktop.models import Actor, Database, Operations
from desktop.models.base import Base
from desktop.models.db import DB_FILENAME, MIGRATIONS_DIR, current_revision, head_revision
from desktop.models.queries import list_companies
from desktop.models.record_queries import get_record
from desktop.models.search import search
from tests.conftest import TODAY

FIRST = "0001"
COMPANY = "0b9d0c36-7b55-4c3a-9a63-6c1d3a0e0001"
DELETED = "0b9d0c36-7b55-4c3a-9a63-6c1d3a0e0002"
VISIT = "0b9d0c36-7b55-4c3a-9a63-6c1d3a0e0003"
OPENING = "0b9d0c36-7b55-4c3a-9a63-6c1d3a0e0004"
MENTOR = "0b9d0c36-7b55-4c3a-9a63-6c1d3a0e0005"
SYNC = "version, created_at, updated_at, deleted"
STAMP = "3, '2026-01-05 09:00:00.000000', '2026-01-05 09:00:00.000000'"


def older_revisions() -> list[str]:
    script = ScriptDirectory(str(MIGRATIONS_DIR))
    return [r.revision for r in script.walk_revisions() if r.revision != script.get_current_head()][::-1]


def make_old_database(folder, revision: str = FIRST):
    """A database as an older app version left it: its schema, rows written with plain SQL."""
    old = Database(folder / DB_FILENAME, migrate_to=revision)
    assert current_revision(old.engine) == revision
    with old.write() as session:
        for statement in (
            f"INSERT INTO company (id, name, city, is_centre, {SYNC}) VALUES "
            f"('{COMPANY}', 'Tømrerfirmaet Ågade', 'Aars', 0, {STAMP}, 0)",
            f"INSERT INTO company (id, name, is_centre, {SYNC}) VALUES ('{DELETED}', 'Nedlagt Tømrer', 0, {STAMP}, 1)",
            f"INSERT INTO visit (id, company_id, visited_at, body, {SYNC}) VALUES "
            f"('{VISIT}', '{COMPANY}', '2026-01-05', 'Mangler en lærling til tagarbejde', {STAMP}, 0)",
            f"INSERT INTO opening (id, company_id, title, kind, {SYNC}) VALUES "
            f"('{OPENING}', '{COMPANY}', 'Tagdækker i praktik', 'virksomhedspraktik', {STAMP}, 0)",
            f"INSERT INTO mentor (id, company_id, name, active, {SYNC}) VALUES "
            f"('{MENTOR}', '{COMPANY}', 'Søren Østergaard', 1, {STAMP}, 0)",
            "INSERT INTO outbox (entity, entity_id, op, base_version, fields, created_at, state, attempts) VALUES "
            f"('company', '{COMPANY}', 'upsert', 3, '{{\"city\": \"Aars\"}}', '2026-01-05', 'pending', 0)",
        ):
            session.execute(text(statement))
    old.close()


def ids(hits):
    return {(h.entity, h.id) for h in hits}


# -- the file and its settings ------------------------------------------------------------------------


def test_a_new_database_is_made_in_the_data_folder_at_the_newest_revision(tmp_path):
    folder = tmp_path / "Feltbog" / "data"
    db = Database.in_folder(folder)
    try:
        assert db.path == folder / DB_FILENAME and db.path.is_file()
        assert current_revision(db.engine) == head_revision()
        assert db.last_backup is None and not (folder / "backups").exists()  # nothing to back up yet
    finally:
        db.close()


def test_sqlite_runs_in_wal_mode_with_foreign_keys_on(db):
    for session_of in (db.read, db.write):
        with session_of() as session:
            conn = session.connection()
            assert conn.execute(text("PRAGMA journal_mode")).scalar() == "wal"
            assert conn.execute(text("PRAGMA foreign_keys")).scalar() == 1
    # On every pooled connection, not only the first one.
    connections = [db.engine.connect() for _ in range(3)]
    try:
        for conn in connections:
            assert conn.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
            assert conn.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
    finally:
        for conn in connections:
            conn.close()


def test_the_wal_mode_is_stored_in_the_file(db):
    db.close()
    plain = sqlite3.connect(db.path)
    try:
        assert plain.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    finally:
        plain.close()


def test_the_migrated_schema_is_exactly_the_models(db):
    """Autogenerate finds nothing to do: no table, column or index missing from a migration."""

    def include(_obj, name, type_, _reflected, _compare_to) -> bool:
        return not (type_ == "table" and (name or "").startswith(("search_doc", "search_index")))

    with db.engine.connect() as conn:
        context = MigrationContext.configure(conn, opts={"include_object": include, "compare_type": True})
        assert compare_metadata(context, Base.metadata) == []


def test_a_current_database_is_opened_without_a_backup(tmp_path, user_id, team_id):
    folder = tmp_path / "data"
    db = Database.in_folder(folder)
    Operations(db, Actor(user_id, team_id), today=lambda: TODAY).create_company(name="Firma")
    db.close()
    again = Database.in_folder(folder)
    try:
        assert again.last_backup is None and not (folder / "backups").exists()
        with again.read() as session:
            assert list_companies(session).total == 1
    finally:
        again.close()


# -- upgrading an older database ------------------------------------------------------------------------------


def test_a_database_made_by_the_first_migration_is_backed_up_and_upgraded(tmp_path):
    folder = tmp_path / "data"
    make_old_database(folder, FIRST)

    db = Database(folder / DB_FILENAME)
    try:
        # Upgraded to the newest revision...
        assert current_revision(db.engine) == head_revision()
        # ...after a timestamped copy in data/backups/...
        backups = list((folder / "backups").iterdir())
        assert backups == [db.last_backup]
        assert re.fullmatch(r"feltbog-\d{8}-\d{6}-\d{6}-before-migration-0001\.sqlite", db.last_backup.name)
        # ...and the old rows are there, found by search since 0002 indexed them.
        with db.read() as session:
            assert get_record(session, "company", COMPANY).fields["name"] == "Tømrerfirmaet Ågade"
            assert get_record(session, "visit", VISIT).version == 3
            assert ids(search(session, "tomrerfirmaet aagade")) == {("company", COMPANY)}
            assert ids(search(session, "toemrer")) == {("company", COMPANY)}  # not the deleted one
            assert ids(search(session, "laerling")) == {("visit", VISIT)}
            assert ids(search(session, "tagdaekker")) == {("opening", OPENING)}
            assert ids(search(session, "soren ostergard")) == {("mentor", MENTOR)}
            assert [c.id for c in list_companies(session, search="ågade").items] == [COMPANY]
            assert session.execute(text("SELECT mutation_id, state FROM outbox")).all() == [(1, "pending")]
    finally:
        db.close()


def test_the_backup_holds_the_database_as_it_was(tmp_path):
    folder = tmp_path / "data"
    make_old_database(folder, FIRST)
    db = Database(folder / DB_FILENAME)
    db.close()
    copy = sqlite3.connect(db.last_backup)
    try:
        assert copy.execute("SELECT version_num FROM alembic_version").fetchone() == (FIRST,)
        assert copy.execute("SELECT name FROM company WHERE id = ?", (COMPANY,)).fetchone() == ("Tømrerfirmaet Ågade",)
        assert copy.execute("SELECT count(*) FROM sqlite_master WHERE name = 'search_doc'").fetchone() == (0,)
        assert copy.execute("PRAGMA integrity_check").fetchone() == ("ok",)
    finally:
        copy.close()


@pytest.mark.parametrize("revision", older_revisions())
def test_every_older_revision_upgrades_to_the_newest_and_keeps_working(tmp_path, revision, user_id, team_id):
    folder = tmp_path / "data"
    make_old_database(folder, revision)
    db = Database.in_folder(folder)
    try:
        assert current_revision(db.engine) == head_revision()
        assert db.last_backup.name.endswith(f"before-migration-{revision}.sqlite")
        ops = Operations(db, Actor(user_id, team_id), today=lambda: TODAY)
        ops.update_company(COMPANY, name="Tømrerfirmaet Ågade ApS", is_centre=True,
                           centre_agreement_start=TODAY - timedelta(days=40))
        visit = ops.create_visit(COMPANY, body="Første besøg efter opdateringen").id
        with db.read() as session:
            assert ids(search(session, "opdateringen")) == {("visit", visit)}
            # The centre's planned follow-up names the company too: follow-ups are searched since 0007.
            assert ids(search(session, "aps", entities=("company",))) == {("company", COMPANY)}
            ids_sent = session.execute(text("SELECT mutation_id FROM outbox ORDER BY mutation_id")).scalars().all()
        assert ids_sent == list(range(1, len(ids_sent) + 1))
    finally:
        db.close()


def test_a_failed_migration_leaves_the_old_database_and_the_next_start_succeeds(tmp_path, monkeypatch):
    folder = tmp_path / "data"
    make_old_database(folder, FIRST)

    def broken(*_args, **_kwargs):
        raise RuntimeError("migration crashed half-way")

    monkeypatch.setattr("desktop.models.search.index_records", broken)  # used by 0007 to index old rows
    with pytest.raises(RuntimeError):
        Database(folder / DB_FILENAME)
    path = folder / DB_FILENAME
    plain = sqlite3.connect(path)
    try:
        # Each migration is one transaction (SQLite has no transactional DDL in Alembic's sense):
        # the steps before the one that crashed stay, the crashed one leaves nothing.
        assert plain.execute("SELECT version_num FROM alembic_version").fetchone() == ("0006",)
        columns = plain.execute("SELECT * FROM search_index LIMIT 0").description
        assert [c[0] for c in columns] == ["title", "body"]  # 0007's new index was rolled back
        assert plain.execute("SELECT name FROM company WHERE id = ?", (COMPANY,)).fetchone() is not None
    finally:
        plain.close()
    assert len(list((folder / "backups").iterdir())) == 1

    monkeypatch.undo()
    db = Database(path)
    try:
        assert current_revision(db.engine) == head_revision()
        with db.read() as session:
            assert ids(search(session, "toemrer")) == {("company", COMPANY)}
    finally:
        db.close()


def test_head_revision_is_the_last_migration_file():
    files = sorted(p.name for p in (MIGRATIONS_DIR / "versions").glob("[0-9]*.py"))
    assert files[0].startswith(FIRST) and files[-1].startswith(head_revision())


def test_an_in_memory_database_migrates_too():
    db = Database(None)
    try:
        assert current_revision(db.engine) == head_revision() and db.backup("test") is None
    finally:
        db.close()


def test_sqlalchemy_sees_the_same_tables_as_the_models(db):
    engine = create_engine(f"sqlite:///{db.path}")
    try:
        with engine.connect() as conn:
            tables = set(conn.execute(text("SELECT name FROM sqlite_master WHERE type = 'table'")).scalars())
    finally:
        engine.dispose()
    assert set(Base.metadata.tables) <= tables
    assert {"alembic_version", "search_doc", "search_index"} <= tables


def test_the_head_read_from_the_files_is_alembics_head():
    from alembic.config import Config
    from alembic.script import ScriptDirectory

    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    assert head_revision() == ScriptDirectory.from_config(config).get_current_head()
