"""Engine set-up for SQLite and PostgreSQL, and the server's migrations."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from alembic import command
from alembic.config import Config
from sqlalchemy import Connection, Engine, create_engine, event

from server import metrics

MIGRATIONS = Path(__file__).with_name("migrations")


def is_sqlite(engine: Engine) -> bool:
    """True for the embedded default database."""
    return engine.dialect.name == "sqlite"


def make_engine(url: str, *, pool_size: int = 10, max_overflow: int = 10) -> Engine:
    """Create the engine. SQLite gets WAL, foreign keys, secure_delete and IMMEDIATE write transactions.

    ``hide_parameters``: an SQL error's message (logged, and in a traceback) would otherwise quote the
    bound values, which are the contacts' names, phone numbers and notes being written. PostgreSQL
    opens at most ``pool_size + max_overflow`` connections per worker process (docs/deploy.md).

    Both check a pooled connection before handing it out (``pool_pre_ping``): a
    connection the database dropped (a restart, an idle timeout, an operator's
    ``pg_terminate_backend``) is replaced instead of failing a request with 500.
    """
    if url.startswith("sqlite"):
        engine = create_engine(url, connect_args={"check_same_thread": False, "timeout": 30}, pool_pre_ping=True,
                               hide_parameters=True)

        @event.listens_for(engine, "connect")
        def _connect(dbapi_connection: sqlite3.Connection, _record: object) -> None:
            dbapi_connection.isolation_level = None
            cursor = dbapi_connection.cursor()
            cursor.execute("PRAGMA journal_mode=WAL")
            cursor.execute("PRAGMA synchronous=NORMAL")
            cursor.execute("PRAGMA foreign_keys=ON")
            cursor.execute("PRAGMA busy_timeout=30000")
            # Deleted and overwritten content is zeroed in the file, so an erased name does not linger.
            cursor.execute("PRAGMA secure_delete=ON")
            cursor.close()

        @event.listens_for(engine, "begin")
        def _begin(conn: Connection) -> None:
            # Every server transaction may write; take the lock up front so two
            # writers never deadlock upgrading a read lock.
            if not conn.get_execution_options().get("write"):
                conn.exec_driver_sql("BEGIN")
                return
            with metrics.LOCK_WAIT.labels("sqlite_write").time():  # waits while another writer holds the file
                conn.exec_driver_sql("BEGIN IMMEDIATE")

        return engine
    # The pre-ping costs one short round trip per checkout; without it a connection that died with a
    # database restart fails a request with 500.
    return create_engine(url, pool_size=pool_size, max_overflow=max_overflow, pool_recycle=3600, pool_pre_ping=True,
                         hide_parameters=True)


def checkpoint(engine: Engine) -> None:
    """SQLite: copy the WAL into the database file and empty it (after an erasure, so the erased text is
    not left in old page images); nothing to do on PostgreSQL."""
    if not is_sqlite(engine):
        return
    with engine.connect() as conn:
        conn.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")


def migrate(engine: Engine) -> None:
    """Bring the server schema to the newest migration."""
    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    cfg.attributes["engine"] = engine
    command.upgrade(cfg, "head")
