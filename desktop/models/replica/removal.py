"""Removing records from the replica, so that the bytes really leave the disk.

Three situations (the server side is described in server/access.py):

* a full resync: synced rows the server no longer has are dropped
  (:func:`drop_records`), except those with an unsent local change;
* a team left: every local row of a team the server no longer lists is
  deleted, with its search entries and refused outbox entries
  (:func:`drop_teams_not_in`);
* access revoked: everything is deleted, the outbox and the search index
  too (:func:`wipe_all`), and the backups (:meth:`Database.remove_backups`).

A pulled erasure (a change carrying :data:`desktop.domain.privacy.ERASED`)
overwrites the rows through the normal apply. After any of these
:func:`scrub_files` rewrites the full-text index (FTS5 keeps the tokens of
deleted rows in old segments until they are merged; the 'secure-delete'
option would avoid that but needs SQLite 3.42, and the Python this app ships
may have an older one) and checkpoints the WAL with TRUNCATE, so no old page
image stays in the -wal file. ``PRAGMA secure_delete`` (set on every
connection in desktop/models/db.py) zeroes the freed space inside the
database file itself.

The caller owns the transaction and the sync state that goes with it.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from typing import Any

from sqlalchemy import delete, select, text
from sqlalchemy.orm import Session

from desktop.domain.privacy import ERASED
from desktop.models import outbox, receipts, upkeep
from desktop.models.changes import Changes
from desktop.models.db import Database
from desktop.models.entities import MODELS
from desktop.models.search import remove_records

log = logging.getLogger(__name__)
_CHUNK = 500


def mentions_erasure(changes: Iterable[dict[str, Any]]) -> bool:
    """True if a pulled page carries erased text (the server's erase or retention rule)."""
    return any(isinstance(value, str) and ERASED in value
               for change in changes for value in (change.get("fields") or {}).values())


def drop_records(session: Session, stale: dict[str, list[str]]) -> Changes:
    """Delete the given records and their search entries, keeping any with an unsent local change."""
    changes = Changes()
    for entity, ids in stale.items():
        keep = outbox.pending_fields(session, ids)
        gone = [i for i in ids if i not in keep]
        if gone:
            _delete_rows(session, MODELS[entity], gone)
            changes = changes | Changes(frozenset({entity}), frozenset(gone), True)
    return changes


def drop_teams_not_in(session: Session, teams: Iterable[str]) -> tuple[Changes, bool]:
    """Delete every local row (with its search and refused outbox entries) of a team not in ``teams``.

    A row with an edit still unsent stays until a later sync has handed the
    edit in (the server takes pushes to a team left for a grace period).
    Returns what was removed and whether any row was kept for that reason.
    """
    keep = set(teams)
    unsent = outbox.unsent_ids(session)
    touched: dict[str, list[str]] = {}
    kept = False
    for entity, model in MODELS.items():
        left = [rid for rid, team in session.execute(
            select(model.id, model.team_id).where(model.team_id.is_not(None))) if team not in keep]
        ids = [rid for rid in left if rid not in unsent]
        kept = kept or len(ids) < len(left)
        if ids:
            touched[entity] = ids
            _delete_rows(session, model, ids)
            outbox.forget_settled(session, ids)
            receipts.forget(session, ids)
    if touched:
        log.warning("Removed %d record(s) of teams this user no longer belongs to",
                    sum(len(v) for v in touched.values()))
    return Changes(frozenset(touched), frozenset(i for ids in touched.values() for i in ids), True), kept


def wipe_all(session: Session) -> Changes:
    """Delete every record, the outbox and the search index (access was revoked)."""
    for model in MODELS.values():
        session.execute(delete(model))
    outbox.clear(session)
    receipts.forget_all(session)
    session.execute(text("DELETE FROM search_doc"))
    session.execute(text("DELETE FROM search_index"))
    log.warning("Access to the server was revoked: all synced data was removed from this computer")
    return Changes(frozenset(MODELS), frozenset(), True)


def _delete_rows(session: Session, model: Any, ids: list[str]) -> None:
    for start in range(0, len(ids), _CHUNK):
        session.execute(delete(model).where(model.id.in_(ids[start : start + _CHUNK])))
    remove_records(session, ids)


def scrub_files(db: Database) -> None:
    """Make deleted and overwritten text unrecoverable: rewrite the search index, empty the WAL."""
    with db.write() as session:
        # 'optimize' merges every FTS5 segment into one, dropping the entries of deleted rows.
        session.execute(text("INSERT INTO search_index(search_index) VALUES('optimize')"))
    if db.path is None:
        return
    busy, _frames, _done = upkeep.checkpoint(db.engine, "TRUNCATE")
    if busy:
        log.warning("The WAL could not be emptied now (a reader is busy); it will be at the next checkpoint")
    # Older backups still hold what was just removed: one copy made now replaces them all.
    db.remove_backups()
    db.backup("after-erase")
