"""The DB-API cursor under a session, for the few bulk paths that bypass the ORM."""

from __future__ import annotations

from typing import Any

from sqlalchemy.orm import Session


def raw_cursor(session: Session) -> Any:  # a DB-API cursor (sqlite3 or sqlcipher3)
    """A DB-API cursor on the session's connection, inside its transaction.

    For the bulk paths (a first sync's rows and search entries, the local
    summary), where SQLAlchemy's per-row handling cost more than SQLite's work.
    """
    connection = session.connection().connection.dbapi_connection
    assert connection is not None, "a session inside a transaction always has a connection"
    return connection.cursor()
