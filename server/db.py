"""Engine set-up for SQLite and PostgreSQL, and the server's migrations."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from alembic import command
from alembic.config import Config
from sqlalchemy import Connection, Engine, create_engine, event

MIGRATIONS = Path(__file__).with_name("migrations")


def is_sqlite(engine: Engine) -> bool:
    """True for the embedded default database."""
    return engine.dialect.name == "sqlite"


def make_engine(url: str) -> Engine:
    """Create the engine. SQLite gets WAL, foreign keys and IMMEDIATE write transactions."""
    if url.startswith("sqlite"):
        engine = create_engine(url, connect_args={"check_same_thread": False, "timeout": 30})

        @event.listens_for(engine, "connect")
        def _connect(dbapi_connection: sqlite3.Connection, _record: object) -> None:
            dbapi_connection.isolation_level = None
            cursor = dbapi_connection.cursor()
            cursor.execute("PRAGMA journal_mode=WAL")
            cursor.execute("PRAGMA synchronous=NORMAL")
            cursor.execute("PRAGMA foreign_keys=ON")
            cursor.execute("PRAGMA busy_timeout=30000")
            cursor.close()

        @event.listens_for(engine, "begin")
        def _begin(conn: Connection) -> None:
            # Every server transaction may write; take the lock up front so two
            # writers never deadlock upgrading a read lock.
            conn.exec_driver_sql("BEGIN IMMEDIATE" if conn.get_execution_options().get("write") else "BEGIN")

        return engine
    # No pre-ping (a round trip per request): a connection that died with a database restart fails
    # one request, SQLAlchemy then drops the whole pool, and the client retries the sync.
    return create_engine(url, pool_size=10, max_overflow=20, pool_recycle=3600)


def migrate(engine: Engine) -> None:
    """Bring the server schema to the newest migration."""
    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    cfg.attributes["engine"] = engine
    command.upgrade(cfg, "head")
