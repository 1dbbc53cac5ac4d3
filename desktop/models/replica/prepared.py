"""A prepared first sync: a team's replica built once, then copied into each new laptop.

Anki's full sync downloads the whole collection file; here the server
prepares, once per team set and cursor, exactly the database a laptop would
have after a first sync up to that cursor, with this module's own code
(:func:`build`, the same bulk load as :mod:`desktop.models.replica.first_load`),
and every new laptop of the team copies it in (:func:`install`) and then pulls
only the pages after its cursor. Both sides run the app's code, so a prepared
laptop and one that synced page by page hold the same rows, search documents
and search index (``tests/sync/test_prepared.py``).

Why it is fast: :func:`install` copies each table with ``INSERT INTO main.t
SELECT * FROM prepared.t`` into an empty table of the same shape, which
SQLite runs as its transfer optimisation (the one ``VACUUM`` uses): the
table's and its indexes' b-tree pages are copied in order, with no row
built, no index key compared (the list indexes compare in Python's Danish
collation) and no word of the search index tokenized again. The
optimisation needs foreign keys off for the copy, which
:func:`install` does on a connection of its own.

The copy is all or nothing: one transaction, and the server's summary
checks the result at the end of the sync as after every pull.
"""

from __future__ import annotations

import contextlib
import sqlite3
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sqlalchemy import Engine

from desktop.models.changes import Changes
from desktop.models.collation import register_collations
from desktop.models.entities import TABLES
from desktop.models.replica import first_load
from desktop.models.replica.page import Deferred, apply_page
from desktop.models.state_store import SET_STATE, get_value

if TYPE_CHECKING:
    from desktop.models.db import Database

ALEMBIC_TABLE = "alembic_version"
SEARCH_TABLE = "search_index"
# FTS5's shadow tables of the search index (the ``content`` one holds the folded text).
SEARCH_SHADOWS = tuple(f"{SEARCH_TABLE}_{suffix}" for suffix in ("data", "idx", "content", "docsize", "config"))
# A laptop that holds a row in any of these has a replica a copy would collide with.
REPLICA_TABLES = (*(table.name for table in TABLES.values()), "search_doc")
COPIED_TABLES = (*REPLICA_TABLES, *SEARCH_SHADOWS)
SCHEMA = "prepared"  # the name the prepared file is attached as


class PreparedCopyRefused(Exception):
    """The prepared file cannot be used here (another schema, damaged, or the laptop holds data already)."""


def build(path: Path, pages: Iterable[list[dict[str, Any]]]) -> int:
    """Write the replica a first sync of ``pages`` gives into a new file at ``path``; returns the records.

    The file is the app's own database (migrated to this build's head), bulk
    loaded as :mod:`desktop.models.replica.first_load` does, its statistics
    sampled and its free pages dropped (``VACUUM``), so a copy is compact.
    """
    from desktop.models.db import Database  # here: db imports this package

    if path.exists():
        raise FileExistsError(path)
    db = Database(path, check_pages=False)
    records = 0
    try:
        with db.write() as session:
            first_load.start(session)
        search = Deferred()
        for changes in pages:
            with db.write() as session:
                apply_page(session, changes, search)
            records += len(changes)
        with db.write() as session:
            first_load.finish(session)
        db.refresh_statistics()
    finally:
        db.engine.dispose()
    with contextlib.closing(sqlite3.connect(path, isolation_level=None)) as conn:
        register_collations(conn)  # VACUUM rebuilds the list indexes, which compare in Danish order
        conn.execute("PRAGMA journal_mode=DELETE")  # one self-contained file, no WAL beside it
        conn.execute("VACUUM")
    return records


def schema_revision(path: Path) -> str | None:
    """The migration a prepared file was built at (None if it has none: not one of ours)."""
    try:
        with contextlib.closing(sqlite3.connect(f"file:{path}?mode=ro", uri=True)) as conn:
            row = conn.execute(f"SELECT version_num FROM {ALEMBIC_TABLE}").fetchone()
    except sqlite3.Error:
        return None
    return str(row[0]) if row else None


def can_install(session: Any) -> bool:
    """True if the replica holds nothing a copy would collide with: no record, no search entry, no bulk load."""
    from desktop.models.raw import raw_cursor

    if get_value(session, first_load.BULK_LOAD) is not None:
        return False
    return _empty(raw_cursor(session))


def install(db: Database, path: Path, state: dict[str, str]) -> Changes:
    """Copy a prepared file's replica into this (empty) database in one transaction; what changed.

    ``state`` (``sync_state`` keys and values, the pull cursor) is written in
    the same transaction, so a crash leaves either nothing or the copy with
    its cursor.

    A file built at another migration than this build's head is refused, as
    is one whose tables do not have this database's columns, and any copy
    into an encrypted database (the file would lie unencrypted beside it).
    Raises :class:`PreparedCopyRefused` (nothing changed) if the file cannot be used or the copy
    fails (a full disk: the copy needs room for the whole replica in the WAL beside the download).
    """
    from desktop.models.db import head_revision

    if db.encrypted or db.path is None:
        raise PreparedCopyRefused("an encrypted database syncs page by page")
    if schema_revision(path) != head_revision():
        raise PreparedCopyRefused("the prepared copy was built for another version of the app")
    with _own_connection(db.engine) as conn:
        conn.execute(f"ATTACH DATABASE ? AS {SCHEMA}", (str(path),))
        try:
            conn.execute("BEGIN IMMEDIATE")
            try:
                entities = _copy(conn)
                conn.executemany(SET_STATE, list(state.items()))
                conn.execute("COMMIT")
            except BaseException as exc:
                conn.execute("ROLLBACK")
                if isinstance(exc, sqlite3.Error):  # e.g. a full disk: the copy needs far more room than pages
                    raise PreparedCopyRefused(f"the copy failed and was undone ({exc})") from exc
                raise
        finally:
            conn.execute(f"DETACH DATABASE {SCHEMA}")
    return Changes(frozenset(entities), frozenset(), from_sync=True)


def _empty(cursor: Any) -> bool:
    """True if the main database holds no row in any of :data:`REPLICA_TABLES`."""
    return all(cursor.execute(f"SELECT 1 FROM main.{name} LIMIT 1").fetchone() is None for name in REPLICA_TABLES)


def _copy(conn: Any) -> set[str]:
    if not _empty(conn):  # checked again inside the copy's transaction: a save may have come in between
        raise PreparedCopyRefused("this laptop already holds records")
    for name in COPIED_TABLES:
        if _columns(conn, "main", name) != _columns(conn, SCHEMA, name):
            raise PreparedCopyRefused(f"the prepared copy's table {name} differs from this database's")
    # FTS5 keeps the index's structure in memory per connection: the table is made anew here (with this
    # database's own definition, never the file's) before its shadow tables are filled, and this connection
    # is closed afterwards, so no connection ever uses a structure read before the copy.
    (definition,) = conn.execute("SELECT sql FROM main.sqlite_master WHERE name = ?", (SEARCH_TABLE,)).fetchone()
    conn.execute(f"DROP TABLE main.{SEARCH_TABLE}")
    conn.execute(definition)
    for name in COPIED_TABLES:
        conn.execute(f"DELETE FROM main.{name}")  # only the FTS5 shadows hold anything (their empty state)
        conn.execute(f"INSERT INTO main.{name} SELECT * FROM {SCHEMA}.{name}")
    # The planner's statistics of the same rows (ANALYZE ran when the file was built).
    if conn.execute(f"SELECT 1 FROM {SCHEMA}.sqlite_master WHERE name = 'sqlite_stat1'").fetchone():
        names = ", ".join(f"'{name}'" for name in COPIED_TABLES)
        conn.execute(f"DELETE FROM main.sqlite_stat1 WHERE tbl IN ({names})")
        conn.execute(f"INSERT INTO main.sqlite_stat1 SELECT * FROM {SCHEMA}.sqlite_stat1 WHERE tbl IN ({names})")
    return {entity for entity, table in TABLES.items()
            if conn.execute(f"SELECT 1 FROM main.{table.name} LIMIT 1").fetchone() is not None}


def _columns(conn: Any, schema: str, table: str) -> list[tuple[Any, ...]]:
    return [tuple(row) for row in conn.execute(f"PRAGMA {schema}.table_info({table})")]


@contextlib.contextmanager
def _own_connection(engine: Engine) -> Iterator[Any]:
    """A pooled connection with foreign keys off (SQLite's copy shortcut needs that), closed afterwards."""
    fairy = engine.raw_connection()
    conn = fairy.driver_connection
    assert conn is not None, "a connection just checked out of the pool is open"
    try:
        conn.execute("PRAGMA foreign_keys=OFF")
        yield conn
    finally:
        fairy.invalidate()  # closes it: never reused with the FTS5 structure it read, nor with foreign keys off
