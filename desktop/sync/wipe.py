"""Removing data this device may no longer keep, so that the bytes really leave the disk.

Three situations (the server side is described in server/access.py):

* a team left: after pushing, every local row of a team missing from the
  server's ``summary.teams`` is deleted, with its search entries and outbox
  entries (those the server refused; the accepted ones are gone already);
* access revoked: after pushing, everything synced is deleted, the cursor
  reset, and the backups removed (they hold the same data);
* a pulled erasure (a change carrying :data:`desktop.domain.privacy.ERASED`):
  the rows were already overwritten by the normal apply.

After any of them :func:`scrub_files` rewrites the full-text index (FTS5 keeps
the tokens of deleted rows in old segments until they are merged; the
'secure-delete' option would avoid that but needs SQLite 3.42, and the
Python this app ships may have an older one) and checkpoints the WAL with
TRUNCATE, so no old page image stays in the -wal file. ``PRAGMA
secure_delete`` (set on every connection in desktop/models/db.py) zeroes the
freed space inside the database file itself.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from typing import Any

from sqlalchemy import delete, select, text

from desktop.domain.privacy import ERASED
from desktop.models.changes import Changes
from desktop.models.db import Database
from desktop.models.entities import MODELS
from desktop.models.local import PENDING, OutboxEntry
from desktop.models.search import remove_records
from desktop.sync import state

log = logging.getLogger(__name__)
_CHUNK = 500
SYNCED_TEAMS = "synced_teams"  # sync_state key: the server's team list at the last check, comma-separated


def mentions_erasure(changes: Iterable[dict[str, Any]]) -> bool:
    """True if a pulled page carries erased text (the server's erase or retention rule)."""
    return any(isinstance(value, str) and ERASED in value
               for change in changes for value in (change.get("fields") or {}).values())


def compare_teams(db: Database, teams: list[str]) -> tuple[set[str], bool]:
    """The teams this device synced before (or signed in with) that the server no longer lists,
    and whether the server's list differs at all from the last check (so a team may have been left).
    """
    with db.read() as session:
        remembered = state.get_value(session, SYNCED_TEAMS)
        known = set(remembered.split(",")) if remembered else {t["id"] for t in state.load_account(session).teams}
    return {t for t in known if t} - set(teams), remembered != ",".join(sorted(teams))


def wipe_teams_not_in(db: Database, teams: list[str], server_cursor: int | None = None) -> Changes:
    """Delete every local row (and its search and outbox entries) of a team not in ``teams``.

    A row with an edit still unsent stays until a later sync has handed the edit in (the server
    takes pushes to a team left for a grace period). In the same transaction, so a crash cannot
    separate them: the account forgets the teams left (new records must not be stamped with one),
    and the cursor drops to the server's (``server_cursor``), which may lie below this device's
    once the teams left no longer count.
    """
    keep = set(teams)
    touched: dict[str, list[str]] = {}
    with db.write() as session:
        unsent = set(session.scalars(select(OutboxEntry.entity_id).where(OutboxEntry.state == PENDING)))
        kept = False
        for entity, model in MODELS.items():
            left = [rid for rid, team in session.execute(
                select(model.id, model.team_id).where(model.team_id.is_not(None))) if team not in keep]
            ids = [rid for rid in left if rid not in unsent]
            kept = kept or len(ids) < len(left)
            if ids:
                touched[entity] = ids
                _delete_ids(session, model, ids)
        if not kept:  # else the next sync, after its push, comes back for the rows kept
            state.set_value(session, SYNCED_TEAMS, ",".join(sorted(teams)))
        account = state.load_account(session)
        state.set_value(session, state.TEAMS, [t for t in account.teams if t.get("id") in keep])
        if server_cursor is not None:
            state.set_value(session, state.CURSOR, str(min(state.get_int(session, state.CURSOR), server_cursor)))
    if touched:
        log.warning("Removed %d record(s) of teams this user no longer belongs to",
                    sum(len(v) for v in touched.values()))
    return Changes(frozenset(touched), frozenset(i for ids in touched.values() for i in ids), True)


def _delete_ids(session: Any, model: Any, ids: list[str]) -> None:
    for start in range(0, len(ids), _CHUNK):
        chunk = ids[start:start + _CHUNK]
        session.execute(delete(model).where(model.id.in_(chunk)))
        session.execute(delete(OutboxEntry).where(OutboxEntry.entity_id.in_(chunk), OutboxEntry.state != PENDING))
    remove_records(session, ids)


def wipe_everything(db: Database) -> Changes:
    """Delete all synced data, the search index, the outbox and the backups (access was revoked)."""
    with db.write() as session:
        entities = frozenset(MODELS)
        for model in MODELS.values():
            session.execute(delete(model))
        session.execute(delete(OutboxEntry))
        session.execute(text("DELETE FROM search_doc"))
        session.execute(text("DELETE FROM search_index"))
        for key in (state.CURSOR, state.LAST_VERIFIED, state.VERIFY_SKIPS, state.NEEDS_FULL_RESYNC, state.TEAMS,
                    state.MEMBERS, SYNCED_TEAMS):
            state.set_value(session, key, None)
    if db.path is not None:
        for backup in (db.path.parent / "backups").glob(f"{db.path.stem}-*.sqlite"):
            backup.unlink(missing_ok=True)
    log.warning("Access to the server was revoked: all synced data was removed from this computer")
    return Changes(entities, frozenset(), True)


def scrub_files(db: Database) -> None:
    """Make deleted and overwritten text unrecoverable: rewrite the search index, empty the WAL."""
    with db.write() as session:
        # 'optimize' merges every FTS5 segment into one, dropping the entries of deleted rows.
        session.execute(text("INSERT INTO search_index(search_index) VALUES('optimize')"))
    if db.path is None:
        return
    with db.engine.connect() as conn:
        raw = conn.connection.driver_connection  # outside any transaction, as a checkpoint must be
        busy, _frames, _done = raw.execute("PRAGMA wal_checkpoint(TRUNCATE)").fetchone()
    if busy:
        log.warning("The WAL could not be emptied now (a reader is busy); it will be at the next checkpoint")
