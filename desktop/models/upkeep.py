"""Upkeep done between syncs and edits, not inside them: the search index's merges and the WAL checkpoint.

Two kinds of housekeeping used to run inside whichever commit happened to
trigger them, and a daily pull of 1,017 changed companies paid for both in
its own commit (118 ms of commit against 9 without them, measured on a copy
of a first-synced laptop):

* FTS5's *automerge*: each commit writes its new entries as a small segment,
  and with automerge on, that commit also merges older segments together,
  rewriting hundreds of pages;
* SQLite's *auto-checkpoint*: the commit that takes the WAL past 1,000 pages
  copies the WAL back into the database file.

Neither has to happen in the transaction that made the work. With
``automerge = 0`` (migration 0009) a commit only adds its segment, and
``Database.tidy`` merges them (``'merge'``, the same rule as automerge: levels
with ``usermerge`` = 4 segments or more) and checkpoints the WAL right after
each sync attempt, on the sync thread, where nobody waits for it: the sync
has already said it is done and the screens show what it brought. Searches
in between read a few more small segments; FTS5's *crisismerge* (16
segments on one level) still bounds them if no tidy runs at all, and
``wal_autocheckpoint`` stays on, at :data:`WAL_AUTOCHECKPOINT_PAGES`, as the
bound on the WAL. Together the deferred work also costs less than it did
inline (42 ms against ~110 ms for that pull): the merges' pages are
checkpointed once, not merged and copied page by page.

The same is what LevelDB (under PouchDB, the peer in bench/) does with its
compactions: they run on a background thread, not in the write.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import Engine
from sqlalchemy.orm import Session

from desktop.models.raw import raw_cursor

WAL_AUTOCHECKPOINT_PAGES = 10_000  # 40 MB: the bound on the WAL when no tidy runs (SQLite's default: 1,000)
WAL_SIZE_LIMIT_BYTES = WAL_AUTOCHECKPOINT_PAGES * 4096  # a WAL file larger than this is cut back when reused
MERGE_PAGES = 500  # leaf pages one 'merge' command writes at most: one short write transaction (~10 ms)
MERGE_ROUNDS = 40  # at most this many per tidy (20,000 pages): the next tidy carries on


def merge_step(session: Session) -> bool:
    """Merge the search index's segments by up to :data:`MERGE_PAGES` pages; False when there was nothing to do.

    FTS5 says a 'merge' that changed fewer than two rows did no work.
    """
    cursor = raw_cursor(session)
    connection: Any = cursor.connection
    before = connection.total_changes
    cursor.execute("INSERT INTO search_index(search_index, rank) VALUES('merge', ?)", (MERGE_PAGES,))
    return bool(connection.total_changes - before >= 2)


def checkpoint(engine: Engine, mode: str = "PASSIVE") -> tuple[int, int, int]:
    """Copy the WAL into the database file; (busy, WAL frames, frames copied).

    PASSIVE never waits for readers; TRUNCATE (scrubbing erased text) also empties the WAL file.
    """
    with engine.connect() as conn:
        raw: Any = conn.connection.driver_connection  # outside any transaction, as a checkpoint must be
        busy, frames, copied = raw.execute(f"PRAGMA wal_checkpoint({mode})").fetchone()
    return int(busy), int(frames), int(copied)
