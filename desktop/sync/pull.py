"""Pull: pages after the cursor, or everything again (a full resync), into the local replica.

Each page and its cursor commit in one transaction, so a crash resumes at
the last finished page. A pull that would delete more than half of the
local rows stops and asks first; a full resync backs the database up,
keeps unsent local changes and leaves the normal cursor alone until it has
finished, so a crash simply means it runs again.
"""

from __future__ import annotations

from typing import Any

from desktop.cancel import CancelToken, Progress
from desktop.models import replica
from desktop.models.db import Database
from desktop.sync import state
from desktop.sync.client import SyncClient, page_may_erase
from desktop.sync.outcome import ConfirmMassDelete, SyncAborted, SyncResult, is_mass_delete
from desktop.sync.pages import pages_after
from desktop.sync.prepared import drop_download, take_prepared


def local_rows(db: Database) -> int:
    """Live local records, for the mass-delete checks."""
    with db.read() as session:
        return replica.live_rows(session)


def pull(db: Database, client: SyncClient, limit: int, confirm: ConfirmMassDelete, result: SyncResult,
         progress: Progress, cancel: CancelToken, before: dict[str, Any],
         first: tuple[int, dict[str, Any]] | None = None) -> None:
    """Apply every page after the stored cursor (``before`` is the server's summary at the start).

    ``first`` is ``(since, page)``: a page after ``since`` the summary brought along, used when the
    stored cursor is still ``since``.

    A first sync into a replica with no pulled record is a bulk load (see
    :mod:`desktop.models.replica.first_load`): indexes and the search index
    are built once after the last page. They are built whether the pull
    ends, fails or is cancelled, so the database is whole whenever no sync
    runs; after a crash the next pull carries on and finishes the load.
    """
    drop_download(db)
    with db.read() as session:
        cursor = state.get_int(session, state.CURSOR)
        bulk = replica.bulk_load_active(session)
    try:
        if not (result.pushed or result.rejected) and "cursor" in before and cursor == int(before["cursor"]):
            # The summary says nothing newer is visible and this sync sent nothing (a refused mutation can
            # still leave a conflict record behind): an idle sync saves the round trip.
            return
        if cursor == 0 and not bulk and take_prepared(db, client, result, progress, cancel):
            with db.read() as session:
                cursor = state.get_int(session, state.CURSOR)
        if cursor == 0 and not bulk:
            with db.write() as session:
                bulk = replica.start_bulk_load(session)
        at_hand = first[1] if first is not None and first[0] == cursor else None
        _pull_pages(db, client, limit, confirm, result, progress, cancel, before, cursor, at_hand,
                    replica.Deferred() if bulk else None)
    finally:
        if bulk:
            progress(result.pulled, result.pulled, "index")
            with db.write() as session:
                replica.finish_bulk_load(session)


def _pull_pages(db: Database, client: SyncClient, limit: int, confirm: ConfirmMassDelete, result: SyncResult,
                progress: Progress, cancel: CancelToken, before: dict[str, Any], cursor: int,
                at_hand: dict[str, Any] | None, search: replica.SearchSink | None) -> None:
    expected = max(int(before.get("cursor", 0)) - cursor, 0)
    first_sync = cursor == 0
    rows: int | None = None  # counted only if a page deletes anything
    deleted_so_far = 0
    asked = False
    for page in pages_after(client, cursor, limit, at_hand):
        cancel.check()
        changes = page.get("changes", [])
        deletes = sum(1 for c in changes if c.get("op") == "delete")
        deleted_so_far += deletes
        if deletes and rows is None:
            rows = local_rows(db)
        if not asked and deletes and rows is not None and is_mass_delete(deleted_so_far, rows):
            if not confirm(deleted_so_far, rows, "pull"):
                raise SyncAborted(
                    "Synkroniseringen ville slette mere end halvdelen af dine data. Intet er slettet.",
                    "The sync would delete more than half of your data. Nothing was deleted.",
                )
            asked = True
            db.backup("before-mass-delete")
        new_cursor = int(page.get("cursor", cursor))
        # A first sync (from cursor 0) has no old text to scrub; later syncs' pages may carry an erasure.
        result.erased = result.erased or (not first_sync and page_may_erase(page) and replica.mentions_erasure(changes))
        with db.write() as session:
            result.changes = result.changes | replica.apply_page(session, changes, search)
            state.set_value(session, state.CURSOR, str(new_cursor))
        cursor = new_cursor
        result.pulled += len(changes)
        result.pages += 1
        progress(result.pulled, max(expected, result.pulled), "pull")
        if not page.get("has_more"):
            return


def full_resync(db: Database, client: SyncClient, limit: int, confirm: ConfirmMassDelete, result: SyncResult,
                progress: Progress, cancel: CancelToken) -> None:
    """Fetch everything again; drop synced local rows the server no longer has (unsent changes are kept)."""
    result.full_resync = True
    db.backup("before-full-resync")
    with db.write() as session:
        state.set_value(session, state.NEEDS_FULL_RESYNC, "1")
    seen: set[str] = set()
    cursor = 0
    for page in pages_after(client, cursor, limit):
        cancel.check()
        changes = page.get("changes", [])
        seen.update(c["id"] for c in changes if c.get("op") != "delete")
        result.erased = result.erased or (page_may_erase(page) and replica.mentions_erasure(changes))
        with db.write() as session:  # every search entry anew: the repair also mends the index
            result.changes = result.changes | replica.apply_page(session, changes, reindex_all=True)
        cursor = int(page.get("cursor", cursor))
        result.pulled += len(changes)
        result.pages += 1
        progress(result.pulled, result.pulled, "resync")
        if not page.get("has_more"):
            break
    with db.read() as session:
        stale = replica.synced_ids_not_in(session, seen)
        rows = replica.live_rows(session)
    to_delete = sum(len(ids) for ids in stale.values())
    if is_mass_delete(to_delete, rows) and not confirm(to_delete, rows, "resync"):
        raise SyncAborted(
            "Serveren mangler mere end halvdelen af dine data. Intet er slettet.",
            "The server lacks more than half of your data. Nothing was deleted.",
        )
    with db.write() as session:
        result.changes = result.changes | replica.drop_records(session, stale)
        state.set_value(session, state.CURSOR, str(cursor))
        state.set_value(session, state.NEEDS_FULL_RESYNC, None)
