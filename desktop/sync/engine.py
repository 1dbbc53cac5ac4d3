"""The sync algorithm: push the outbox, pull pages, verify, repair (DESIGN.md §4, SYNC.md §6).

1. Push pending outbox entries in mutation-id order, in batches (:mod:`desktop.sync.push`).
2. Pull pages after the cursor, each page with its cursor in one
   transaction (:mod:`desktop.sync.pull`).
3. Compare the server's summary with local counts and checksum; a mismatch
   triggers a full resync, which keeps the outbox and backs up first
   (:mod:`desktop.sync.verify`).

A pull or resync that would delete more than half of the local rows stops
and asks ``confirm_mass_delete`` first, as does a server that knows less
than this device has seen (an empty, reset or different server). This
module only orchestrates: every row, outbox entry and search entry is
written by :mod:`desktop.models` (the replica and outbox modules).
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

from desktop.cancel import CancelToken, Progress, no_progress
from desktop.domain.protocol import PULL_MAX_LIMIT
from desktop.models import replica
from desktop.models.db import Database
from desktop.sync import pull, push, state, verify, wipe
from desktop.sync.client import SyncClient
from desktop.sync.errors import SyncError, SyncErrorKind
from desktop.sync.outcome import ConfirmMassDelete, SyncAborted, SyncResult

__all__ = ["ConfirmMassDelete", "SyncAborted", "SyncEngine", "SyncResult"]

log = logging.getLogger(__name__)
REFRESH_STATISTICS_AFTER = 5_000  # pulled records; a first sync always does


def _server_time(payload: dict[str, Any]) -> datetime | None:
    value = payload.get("server_time")
    if not value:
        return None
    try:
        return datetime.fromisoformat(str(value).replace("Z", "+00:00"))
    except ValueError:
        return None


class SyncEngine:
    """Runs one sync at a time between a local :class:`Database` and a server."""

    def __init__(
        self,
        db: Database,
        client: SyncClient,
        *,
        push_batch: int = 1000,
        pull_limit: int = PULL_MAX_LIMIT,
        confirm_mass_delete: ConfirmMassDelete = lambda _n, _total, _why: False,
        now: Callable[[], datetime] = lambda: datetime.now(UTC),
    ) -> None:
        self.db = db
        self.client = client
        self.push_batch = push_batch
        self.pull_limit = pull_limit
        self.confirm_mass_delete = confirm_mass_delete
        self.now = now

    def sync(self, progress: Progress = no_progress, cancel: CancelToken | None = None) -> SyncResult:
        """Push, pull and verify. Raises SyncError, SyncAborted or Cancelled."""
        cancel = cancel or CancelToken()
        result = SyncResult()
        started = time.perf_counter()
        with self.db.write() as session:
            device = state.device_id(session)
            cursor = state.get_int(session, state.CURSOR)
            needs_resync = state.get_value(session, state.NEEDS_FULL_RESYNC) == "1"
            server_changed = state.get_value(session, state.SERVER_CHANGED) == "1"
            era = state.get_value(session, state.ERA)
            unfinished = state.get_value(session, state.SYNC_UNFINISHED) == "1"
            state.set_value(session, state.SYNC_UNFINISHED, "1")  # cleared at the end: still set means it broke off
        # The summary brings the first page after the cursor along (one round trip for the daily sync); a
        # first sync or a full resync fetches its pages as always.
        since = cursor if cursor and not (needs_resync or server_changed) else None
        before = self._summary_or_close(device, result, progress, cancel, int(era) if era else None, cursor, since)
        first = before.pop("page", None)
        self._note_clock(before, result)
        # A team left makes the visible cursor smaller without the server being behind.
        left, teams_changed = wipe.compare_teams(self.db, before["teams"]) if "teams" in before else (set(), False)
        restore_point = self._restore_point(before, era, cursor)
        behind = cursor > int(before.get("cursor", 0)) and not left and "era" not in before  # an older server
        if server_changed:
            self._ask_before_replacing()
        elif (restore_point is not None or behind) and not needs_resync:
            self._hand_back(int(before.get("cursor", 0)) if restore_point is None else restore_point, result)
        if "era" in before and str(before["era"]) != era:
            with self.db.write() as session:
                state.set_value(session, state.ERA, str(before["era"]))
        self.push(device, result, progress, cancel)
        if teams_changed:
            self._drop_teams_left(before, result)
        if needs_resync:
            self._full_resync(result, progress, cancel)
        else:
            # That page is from before the push: only when this sync sent nothing is it still the newest
            # state of its records (otherwise a record just pushed would show its old values for a moment).
            sent = result.pushed or result.rejected or result.handed_back or teams_changed
            try:
                self.pull(result, progress, cancel, before,
                          None if sent or not isinstance(first, dict) or since is None else (since, first))
            except SyncError as exc:
                if exc.kind is not SyncErrorKind.RESYNC:
                    raise
                log.warning("Server dropped our cursor (410); doing a full resync")
                self._full_resync(result, progress, cancel)
        if not verify.verify(self.db, self.client, before, result, now=self.now(), unfinished=unfinished):
            log.warning("Local data differs from the server's summary; doing a full resync")
            self._full_resync(result, progress, cancel)
            result.verified = verify.verify(self.db, self.client, None, result, now=self.now())
            if not result.verified:
                with self.db.write() as session:
                    state.set_value(session, state.NEEDS_FULL_RESYNC, "1")
        with self.db.write() as session:
            state.set_value(session, state.LAST_SUCCESS, self.now().isoformat())
            state.set_value(session, state.SYNC_UNFINISHED, None)
        if result.pulled - result.prepared >= REFRESH_STATISTICS_AFTER:  # a prepared copy brings its own
            self.db.refresh_statistics()  # the tables changed shape: let the planner see it
        if result.erased or result.wiped:
            replica.scrub_files(self.db)  # last: nothing written after it brings old pages back into the WAL
        log.info(
            "Sync done in %.0f ms: pushed %d, rejected %d, pulled %d in %d pages%s",
            (time.perf_counter() - started) * 1000, result.pushed, result.rejected, result.pulled,
            result.pages, " (full resync)" if result.full_resync else "",
        )
        return result

    def push(self, device: str, result: SyncResult, progress: Progress = no_progress,
             cancel: CancelToken | None = None) -> None:
        """Send the outbox (see :mod:`desktop.sync.push`)."""
        push.push_outbox(self.db, self.client, device, self.push_batch, result, progress, cancel or CancelToken())

    def pull(self, result: SyncResult, progress: Progress, cancel: CancelToken, before: dict[str, Any],
             first: tuple[int, dict[str, Any]] | None = None) -> None:
        """Apply the pages after the cursor (see :mod:`desktop.sync.pull`)."""
        pull.pull(self.db, self.client, self.pull_limit, self.confirm_mass_delete, result, progress, cancel, before,
                  first)

    def _full_resync(self, result: SyncResult, progress: Progress, cancel: CancelToken) -> None:
        pull.full_resync(self.db, self.client, self.pull_limit, self.confirm_mass_delete, result, progress, cancel)

    def local_summary(self) -> tuple[dict[str, int], int]:
        """Per-entity counts and the XOR checksum of synced, live local records."""
        return verify.local_summary(self.db)

    def _ask_before_replacing(self) -> None:
        """Signed in to another server: ask before sending anything there or replacing what this laptop holds."""
        rows = pull.local_rows(self.db)
        if rows and not self.confirm_mass_delete(rows, rows, "server_changed"):
            raise SyncAborted(
                "Du er logget ind på en anden server. Intet er sendt eller slettet.",
                "You signed in to another server. Nothing was sent or deleted.",
            )
        with self.db.write() as session:
            state.set_value(session, state.SERVER_CHANGED, None)

    @staticmethod
    def _restore_point(before: dict[str, Any], era: str | None, cursor: int) -> int | None:
        """The sequence number the server was restored to, if that happened since this laptop last synced."""
        if era is None or "era" not in before or str(before["era"]) == era:
            return None  # first contact, an older server, or the same era
        point = int(before.get("restore_point", 0))
        return point if cursor > point else None

    def _hand_back(self, server_cursor: int, result: SyncResult) -> None:
        """The server knows less than this laptop saw (restored from a backup): give it back, delete nothing.

        Every record newer than the server's cursor is queued as an unsent
        change (:func:`desktop.models.replica.queue_hand_back`) and the
        cursor drops to the server's in the same transaction: the push hands
        them in, the pull brings what the server has since, and the verify
        step still catches anything else (a full resync then, which asks
        before deleting).
        """
        with self.db.write() as session:
            me = state.load_account(session).user_id
            queued = replica.queue_hand_back(session, server_cursor, me)
            state.set_value(session, state.CURSOR, str(server_cursor))
            state.set_value(session, state.LAST_VERIFIED, None)
        result.handed_back = queued
        log.warning("The server is behind this laptop (restored?): handing back %d record(s)", queued)

    # -- access ended (server/access.py, desktop/sync/wipe.py) -------------------------------

    def _summary_or_close(self, device: str, result: SyncResult, progress: Progress, cancel: CancelToken,
                          era: int | None = None, cursor: int = 0, since: int | None = None) -> dict[str, Any]:
        """The server's summary (with the first page after ``since``, if asked and there is one); if an admin
        revoked this device: push the outbox, wipe, re-raise the 401."""
        try:
            if since is None:
                return self.client.summary(era, cursor)
            return self.client.summary(era, cursor, since=since, limit=self.pull_limit)
        except SyncError as exc:
            if exc.kind is not SyncErrorKind.AUTH:
                raise
            try:
                closing = self.client.access().get("state") == "closing"
            except SyncError:
                closing = False  # expired or unknown token: sign in again, keep everything
            if not closing:
                raise
            try:
                self.push(device, result, progress, cancel)
            except SyncError as push_error:
                if push_error.kind is not SyncErrorKind.AUTH:
                    raise  # offline: keep everything and hand it in next time
                log.warning("Access revoked too long ago to hand in unsent changes; removing them too")
            result.changes = result.changes | wipe.wipe_everything(self.db)
            replica.scrub_files(self.db)
            try:
                self.client.access_wiped(device)
            except SyncError as ack_error:
                log.info("Could not confirm the wipe to the server (%s)", ack_error.kind.value)
            raise

    def _drop_teams_left(self, before: dict[str, Any], result: SyncResult) -> None:
        """After the push: remove the rows of teams the server no longer lists for this user (their list changed)."""
        # The cursor may point past the newest record of the teams left: continue from the server's.
        changes = wipe.wipe_teams_not_in(self.db, before["teams"], server_cursor=int(before.get("cursor", 0)))
        if changes:
            result.changes = result.changes | changes
            result.wiped = True

    def _note_clock(self, payload: dict[str, Any], result: SyncResult) -> None:
        server_now = _server_time(payload)
        if server_now is not None:
            result.clock_skew_seconds = (self.now() - server_now).total_seconds()
