"""The local SQLite database: engine, transactions, migrations and backups."""

from __future__ import annotations

import logging
import re
import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING

from sqlalchemy import Connection, Engine, create_engine, event, text
from sqlalchemy.orm import Session as Session  # re-exported: desktop.sync types its sessions with it
from sqlalchemy.orm import sessionmaker

from desktop.models import backups, encryption, health, upkeep
from desktop.models.collation import register_collations

if TYPE_CHECKING:
    from alembic.config import Config

log = logging.getLogger(__name__)

DB_FILENAME = "feltbog.sqlite"
QUICK_CHECK_AT_OPEN_BYTES = 64 * 1024 * 1024  # quick_check reads ~1 GB/s here: at most ~60 ms at start-up
MIGRATIONS_DIR = Path(__file__).with_name("migrations")


def _configure_connection(dbapi_connection: sqlite3.Connection, _record: object) -> None:
    # Let SQLAlchemy's "begin" event issue BEGIN itself (pysqlite's own
    # transaction handling would defer it and break BEGIN IMMEDIATE).
    dbapi_connection.isolation_level = None
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA journal_mode=WAL")
    # WAL + NORMAL is durable against application crashes (what we promise)
    # and only risks the last transaction on power loss.
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.execute("PRAGMA busy_timeout=10000")
    # The WAL is checkpointed by Database.tidy() between syncs (desktop.models.upkeep); this is the bound.
    cursor.execute(f"PRAGMA wal_autocheckpoint={upkeep.WAL_AUTOCHECKPOINT_PAGES}")
    cursor.execute(f"PRAGMA journal_size_limit={upkeep.WAL_SIZE_LIMIT_BYTES}")
    # Deleted and overwritten text is zeroed, not left in free space: erased personal data
    # (GDPR) and a revoked team's data must really leave the file (see desktop/models/replica/removal.py).
    cursor.execute("PRAGMA secure_delete=ON")
    cursor.close()
    register_collations(dbapi_connection)  # COLLATE danish: the list indexes need it (desktop.models.collation)


def _begin(conn: Connection) -> None:
    # Writers take the write lock up front: two deferred transactions that
    # both upgrade to writers would otherwise fail with "database is locked".
    if conn.get_execution_options().get("feltbog_write"):
        conn.exec_driver_sql("BEGIN IMMEDIATE")
    else:
        conn.exec_driver_sql("BEGIN")


def make_engine(path: Path | None, key: str | None = None) -> Engine:
    """Create an engine for a database file, or an in-memory one for ``None``.

    With a ``key`` the file is an SQLCipher one: connections come from
    sqlcipher3 and are keyed before anything else runs on them.
    """
    url = f"sqlite:///{path}" if path else "sqlite://"
    # hide_parameters: an SQL error's message would otherwise quote the bound
    # values (a note's body) into the log.
    kwargs: dict[str, object] = {"connect_args": {"check_same_thread": False}, "hide_parameters": True}
    if key is not None and path is not None:
        kwargs["module"] = encryption.dbapi()  # its exceptions are the ones SQLAlchemy must wrap
        kwargs["creator"] = lambda: encryption.connect(path, key)
    if path is None:
        from sqlalchemy.pool import StaticPool

        kwargs["poolclass"] = StaticPool  # one shared connection keeps the memory DB alive
    engine = create_engine(url, **kwargs)
    event.listen(engine, "connect", _configure_connection)
    event.listen(engine, "begin", _begin)
    return engine


def _alembic_config(engine: Engine) -> Config:
    from alembic.config import Config

    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS_DIR))
    cfg.attributes["engine"] = engine
    return cfg


_REVISION_LINE = re.compile(r"""^(revision|down_revision)\s*(?::[^=]*)?=\s*["']?([^"'\n]*?)["']?\s*$""", re.MULTILINE)


def known_revisions() -> dict[str, str | None]:
    """Every migration revision shipped with this app, with the one before it (read from the files)."""
    revisions: dict[str, str | None] = {}
    for script in (MIGRATIONS_DIR / "versions").glob("*.py"):
        found = dict(_REVISION_LINE.findall(script.read_text(encoding="utf-8")))
        revisions[found["revision"]] = None if found.get("down_revision") in (None, "None") else found["down_revision"]
    return revisions


def head_revision() -> str:
    """The newest migration revision shipped with this version of the app.

    Read from the migration files' ``revision``/``down_revision`` lines rather
    than through Alembic: importing Alembic costs a third of a start-up, and
    a database that is already current (every start but the first after an
    update) never needs it. A test checks this agrees with Alembic's head.
    """
    revisions = known_revisions()
    heads = set(revisions) - set(revisions.values())
    if len(heads) != 1:
        raise RuntimeError(f"the migrations must have exactly one head, not {sorted(heads)}")
    return heads.pop()


def current_revision(engine: Engine) -> str | None:
    """The migration revision the database is at (None for a new database)."""
    with engine.connect() as conn:
        exists = conn.execute(text("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'alembic_version'"))
        if exists.first() is None:
            return None
        return conn.execute(text("SELECT version_num FROM alembic_version")).scalar()


def backup_file(path: Path, reason: str, key: str | None = None) -> Path:
    """Copy the database to a timestamped file in ``backups/`` beside it.

    Uses SQLite's online backup API, which copies a consistent snapshot
    including what is still in the WAL file. The backup of an encrypted
    database is encrypted with the same key.
    """
    folder = path.parent / "backups"
    folder.mkdir(parents=True, exist_ok=True)
    stamp = datetime.now().strftime("%Y%m%d-%H%M%S-%f")
    target = folder / f"{path.stem}-{stamp}-{reason}.sqlite"
    open_file = sqlite3.connect if key is None else (lambda file: encryption.connect(file, key))
    src = open_file(path)
    try:
        dst = open_file(target)
        try:
            src.backup(dst)
        finally:
            dst.close()
    finally:
        src.close()
    log.info("Backed up %s to %s (%s)", path, target, reason)
    return target


def migrate(engine: Engine, path: Path | None, revision: str = "head", key: str | None = None) -> Path | None:
    """Bring the schema to ``revision``; back the file up first if it has data.

    Returns the backup's path, or None when no backup was needed (a new or
    already current database).
    """
    current = current_revision(engine)
    target = head_revision() if revision == "head" else revision
    if current == target:
        return None
    if current is not None and path is not None and current not in known_revisions():
        # Written by a newer app: say so, and neither back up (every start would add a copy) nor touch it.
        raise health.NewerSchemaError(path, current)
    backup = None
    if path is not None and current is not None:
        backup = backup_file(path, f"before-migration-{current}", key)
    from alembic import command

    command.upgrade(_alembic_config(engine), revision)
    return backup


class Database:
    """The app's local database. Open one per data folder and share it.

    ``read()`` gives a session for queries; ``write()`` gives a session inside
    one IMMEDIATE transaction that commits when the block ends and rolls back
    on any exception, so a failed operation leaves nothing behind.
    """

    def __init__(self, path: Path | None, *, migrate_to: str = "head", check_pages: bool | None = None) -> None:
        """Open (creating or migrating) the database at ``path`` (None: in memory).

        ``check_pages``: run SQLite's quick check of every page now. By default
        only for files up to :data:`QUICK_CHECK_AT_OPEN_BYTES`, where it is not
        felt; the app checks a larger file on its database worker after the
        window is up (:meth:`check_pages`).
        """
        self.path = Path(path) if path else None
        if self.path:
            self.path.parent.mkdir(parents=True, exist_ok=True)
        if self.path:  # a damaged file stops here, untouched, with a diagnosis (never an empty new one)
            damage = health.check_file(self.path)
            if damage is None and health.marker_of(self.path).exists():
                damage = health.Damage.CORRUPT  # found by the check while the app last ran
            if damage is not None:
                raise health.DatabaseDamagedError(self.path, damage)
        self.pages_checked = False  # set by check_pages(): the app checks a large file once, after start-up
        # An encrypted file whose key is missing stops here, untouched.
        self._key = encryption.load_key(self.path) if self.path else None
        self._open_engine()
        try:
            if check_pages or (check_pages is None and self._small()):
                self.check_pages()
            self.last_backup = migrate(self.engine, self.path, migrate_to, self._key)
        except health.DatabaseDamagedError:
            self.engine.dispose()
            raise
        except Exception as exc:
            self.engine.dispose()
            if self.path and health.is_damage_error(exc):
                raise health.DatabaseDamagedError(self.path, health.Damage.CORRUPT, str(exc)) from exc
            raise

    def _small(self) -> bool:
        return self.path is not None and self.path.exists() and self.path.stat().st_size <= QUICK_CHECK_AT_OPEN_BYTES

    def check_pages(self) -> None:
        """SQLite's quick check of every page; raises DatabaseDamagedError (~1 s per GB: bench/startup_check.py)."""
        if self.path is None or not self.path.exists():
            return
        with self.engine.connect() as conn:
            problem = health.quick_check(conn.connection.driver_connection)
        if problem is not None:
            health.marker_of(self.path).write_text(problem[:2000], encoding="utf-8")  # the next start offers recovery
            raise health.DatabaseDamagedError(self.path, health.Damage.CORRUPT, problem)
        self.pages_checked = True

    def _open_engine(self) -> None:
        self.engine = make_engine(self.path, self._key)
        self._reader = sessionmaker(self.engine, expire_on_commit=False)
        self._writer = sessionmaker(
            self.engine.execution_options(feltbog_write=True), expire_on_commit=False
        )

    @property
    def encrypted(self) -> bool:
        """True when the file is encrypted with SQLCipher."""
        return self._key is not None

    def set_encrypted(self, on: bool) -> None:
        """Encrypt or decrypt the file in place (see desktop.models.encryption).

        Nothing else may use the database meanwhile: the app runs this on its
        one database worker with the sync stopped.
        """
        if self.path is None or on == self.encrypted:
            return
        self.engine.dispose()
        try:
            if on:
                encryption.encrypt(self.path)
            else:
                encryption.decrypt(self.path, self._key or "")
        finally:
            # Whatever happened, open the file as it now is.
            self._key = encryption.load_key(self.path)
            self._open_engine()

    @classmethod
    def in_folder(cls, folder: Path) -> Database:
        """Open (creating and migrating) the database in a data folder."""
        return cls(Path(folder) / DB_FILENAME)

    @contextmanager
    def read(self) -> Iterator[Session]:
        """A session for reading; nothing it does is committed.

        Closing (not rolling back) ends it, so rows read here stay readable
        after the block, detached, as plain values.
        """
        with self._reader() as session:
            yield session

    @contextmanager
    def write(self) -> Iterator[Session]:
        """A session in one write transaction: commit on success, roll back on error."""
        with self._writer() as session, session.begin():
            yield session

    def backup(self, reason: str) -> Path | None:
        """Back the database file up now (no-op for an in-memory database); old copies beyond the limit go."""
        if self.path is None:
            return None
        made = backup_file(self.path, reason, self._key)
        backups.prune(self.path)
        return made

    def backup_daily_if_due(self) -> Path | None:
        """The daily backup, if the last one is older than a working day (run off the GUI thread)."""
        if self.path is None or not backups.daily_due(self.path):
            return None
        return self.backup(backups.DAILY)

    def list_backups(self) -> list[backups.BackupInfo]:
        """This database's backups, newest first, with their record counts."""
        return backups.list_backups(self.path, self._key) if self.path else []

    def remove_backups(self) -> int:
        """Delete every backup copy of this database (they hold the same data); returns how many."""
        if self.path is None:
            return 0
        files = backups.backup_files(self.path)
        for file, _made, _reason in files:
            file.unlink(missing_ok=True)
        return len(files)

    def refresh_statistics(self) -> None:
        """Sample the tables for SQLite's query planner (``ANALYZE`` with a row limit, ~0.2 s on 300,000 rows).

        Without statistics the planner guesses, and after a first sync it
        guessed badly: a search over 200,000 visit notes walked every visit
        (1 s per keystroke) instead of looking up the 2,000 matching ids
        (30 ms). ``PRAGMA optimize`` alone does not create missing statistics
        on the SQLite versions Python ships with, so big syncs call this.
        """
        with self.engine.execution_options(feltbog_write=True).begin() as conn:
            conn.exec_driver_sql("PRAGMA analysis_limit=1000")
            conn.exec_driver_sql("ANALYZE")

    def tidy(self) -> bool:
        """Merge the search index's new segments and checkpoint the WAL (see :mod:`desktop.models.upkeep`).

        Runs after each sync attempt on the sync thread. Each merge step is a
        write transaction of its own, so an edit made meanwhile waits for one
        step (~10 ms), not for the whole tidy. False if merging is left for
        the next tidy (after a first sync's index build, say).
        """
        done = False
        for _ in range(upkeep.MERGE_ROUNDS):
            with self.write() as session:
                if not upkeep.merge_step(session):
                    done = True
                    break
        if self.path is not None:
            busy, _frames, _copied = upkeep.checkpoint(self.engine)
            if busy:
                log.info("The WAL checkpoint waits for a reader; the next tidy carries on")
        return done

    def close(self) -> None:
        """Let SQLite refresh its planner statistics if needed, then release all connections."""
        try:
            with self.engine.connect() as conn:
                conn.exec_driver_sql("PRAGMA optimize")
        except Exception:  # closing must not fail on a busy or read-only file
            pass
        self.engine.dispose()
