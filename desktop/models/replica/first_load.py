"""A first sync into an empty replica as a bulk load: indexes and the search index built once, at the end.

A laptop's first sync writes every record of its teams (135,000 at a large
job centre). Page by page, each row also updated the tables' secondary
indexes (29 of them, the list indexes comparing names in Python's Danish
collation) and the full-text index, in random key order: measured on a
recorded first sync, the indexes cost 4.1 s of the tables' 4.1 s against
1.8 s without them plus 0.9 s to build them afterwards, and the search
index cost as much again per page as built once over the finished tables.
So, like a database restore (``pg_restore`` builds indexes after the data),
a first sync into a replica that holds no pulled record:

* :func:`start` drops the entity tables' non-unique, non-partial secondary
  indexes and records their DDL in ``sync_state`` (key :data:`BULK_LOAD`),
  in one transaction; unique indexes stay, so no constraint is ever off;
* pages are applied without touching the search index
  (``apply_page(..., search=Deferred())``);
* :func:`finish` recreates the indexes and rebuilds the search index from
  the tables, in one transaction, and clears the mark.

A crash in between leaves the mark set: the next sync carries on in bulk
mode and finishes (``desktop.sync.pull`` finishes a load even when nothing
is new). Until then lists work (slower) and search finds only what was
there before the sync.

Tried and dropped: building the search index on a second thread into an
in-memory database while the pages were written, then copying FTS5's
shadow tables in (correct, and the copy is cheap next to tokenizing), was
slower end to end on 2 cores: the folding in Python and the table writes
contend for the GIL and the cores the server and the download also use.
"""

from __future__ import annotations

import json

from sqlalchemy.orm import Session

from desktop.models.entities import TABLES
from desktop.models.raw import raw_cursor
from desktop.models.search import SEARCHED_ENTITIES, index_records, searchable_fields
from desktop.models.state_store import get_value, set_value

BULK_LOAD = "bulk_load"  # sync_state key: JSON list of the dropped indexes' DDL, set while a bulk load runs
_CHUNK = 5_000  # rows read back and indexed at a time


def active(session: Session) -> bool:
    """True while a bulk load has dropped indexes that are not rebuilt yet."""
    return get_value(session, BULK_LOAD) is not None


def start(session: Session) -> bool:
    """Begin a bulk load if the replica holds no pulled record; True if it did (or one is already running).

    Local records made before the first sign-in (version 0) do not count:
    they are kept as they are and indexed again by :func:`finish`.
    """
    if active(session):
        return True
    cursor = raw_cursor(session)
    for table in TABLES.values():
        if cursor.execute(f"SELECT 1 FROM {table.name} WHERE version > 0 LIMIT 1").fetchone():
            return False
    names = ", ".join(f"'{table.name}'" for table in TABLES.values())
    indexes = cursor.execute(
        "SELECT name, sql FROM sqlite_master WHERE type = 'index' AND sql IS NOT NULL "
        f"AND tbl_name IN ({names}) AND sql NOT LIKE 'CREATE UNIQUE%' ORDER BY name"
    ).fetchall()
    # Partial indexes stay: they hold few rows, and a query may name one (centre_queries: INDEXED BY).
    indexes = [(name, sql) for name, sql in indexes if " WHERE " not in sql.upper()]
    for name, _sql in indexes:
        cursor.execute(f'DROP INDEX "{name}"')
    set_value(session, BULK_LOAD, [sql for _name, sql in indexes])
    session.flush()
    return True


def finish(session: Session) -> None:
    """Recreate the dropped indexes, rebuild the search index from the tables, clear the mark."""
    stored = get_value(session, BULK_LOAD)
    if stored is None:
        return
    cursor = raw_cursor(session)
    for sql in json.loads(stored):
        cursor.execute(sql.replace("CREATE INDEX ", "CREATE INDEX IF NOT EXISTS ", 1))
    rebuild_search_index(session)
    set_value(session, BULK_LOAD, None)
    session.flush()


def rebuild_search_index(session: Session) -> None:
    """Index every live searchable record again, each entity in server order (oldest first).

    Within an entity the documents get ids in the order a page-by-page sync
    gives them (pages come in version order), so "most recently indexed
    first" lists the same records either way; records not yet sent (version
    0) come first, as they were indexed before the sync.
    """
    cursor = raw_cursor(session)
    if cursor.execute("SELECT 1 FROM search_doc LIMIT 1").fetchone():
        cursor.execute("DELETE FROM search_index")
        cursor.execute("DELETE FROM search_doc")
    for entity in SEARCHED_ENTITIES:
        names = ["id", *searchable_fields(entity)]  # only what the documents are made of
        reader = raw_cursor(session)  # its own cursor: index_records writes while this one is read
        reader.execute(f"SELECT {', '.join(names)} FROM {TABLES[entity].name} WHERE deleted = 0 "
                       "ORDER BY version, rowid")
        while rows := reader.fetchmany(_CHUNK):
            index_records(session, entity, [dict(zip(names, row, strict=True)) for row in rows], fresh=True)

