"""The sync algorithm: push the outbox, pull pages, verify, repair.

Order and guarantees (DESIGN.md §4, SYNC.md §6):

1. Push pending outbox entries in mutation-id order, in batches. An entry is
   marked done only when the server returned a result for it; a replay after
   a lost response is harmless because the server skips ids it has seen.
2. Pull pages after the cursor. Each page and its cursor commit in one
   transaction, so a crash resumes at the last finished page.
3. Compare the server's summary with local counts and checksum; a mismatch
   triggers a full resync (which keeps the outbox and backs up first).

A pull or resync that would delete more than half of the local rows stops
and asks ``confirm_mass_delete`` first, as does a server that knows less
than this device has seen (an empty, reset or different server).
"""

from __future__ import annotations

import json
import logging
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import delete, func, select, update

from desktop.cancel import CancelToken, Progress, no_progress
from desktop.domain.protocol import APPLIED, PULL_MAX_LIMIT, record_hash
from desktop.errors import UserFacingError
from desktop.models.changes import Changes
from desktop.models.db import Database, raw_cursor
from desktop.models.entities import MODELS
from desktop.models.local import PENDING, REJECTED, OutboxEntry, has_unsent
from desktop.models.search import remove_records
from desktop.sync import state, wipe
from desktop.sync.apply import apply_changes, pending_fields
from desktop.sync.client import SyncClient
from desktop.sync.errors import SyncError, SyncErrorKind
from desktop.sync.pages import pages_after

log = logging.getLogger(__name__)

CLOCK_SKEW_WARNING_SECONDS = 300
MASS_DELETE_SHARE = 0.5
MIN_ROWS_FOR_MASS_DELETE_CHECK = 10
REFRESH_STATISTICS_AFTER = 5_000  # pulled records; a first sync always does
FULL_CHECK_EVERY = 20  # idle syncs between full local recounts (about 40 minutes at the 2-minute rhythm)

# confirm_mass_delete(rows_to_delete, local_rows, reason) -> True to go ahead
ConfirmMassDelete = Callable[[int, int, str], bool]


class SyncAborted(UserFacingError):
    """The user (or the safety rail) said no: nothing was deleted."""


@dataclass
class SyncResult:
    """What one sync did, for the status bar and the log."""

    pushed: int = 0
    rejected: int = 0
    pulled: int = 0
    pages: int = 0
    full_resync: bool = False
    verified: bool = False
    clock_skew_seconds: float = 0.0
    erased: bool = False  # pulled text the server erased: scrub the files afterwards
    wiped: bool = False  # removed a team's data this user may no longer keep
    changes: Changes = field(default_factory=Changes)
    rejections: list[str] = field(default_factory=list)

    @property
    def clock_skew_warning(self) -> bool:
        """True when the laptop's clock is more than 5 minutes off the server's."""
        return abs(self.clock_skew_seconds) > CLOCK_SKEW_WARNING_SECONDS


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

    # -- the whole sync ------------------------------------------------------------------------

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
        before = self._summary_or_close(device, result, progress, cancel)
        self._note_clock(before, result)
        # A team left makes the visible cursor smaller without the server being behind.
        left, teams_changed = wipe.compare_teams(self.db, before["teams"]) if "teams" in before else (set(), False)
        behind = cursor > int(before.get("cursor", 0)) and not left
        local_rows = self._local_rows() if server_changed or behind else 0
        if server_changed and local_rows:
            # Signed in to another server: ask before sending anything there or
            # replacing what this laptop holds with what that server has.
            if not self.confirm_mass_delete(local_rows, local_rows, "server_changed"):
                raise SyncAborted(
                    "Du er logget ind på en anden server. Intet er sendt eller slettet.",
                    "You signed in to another server. Nothing was sent or deleted.",
                )
            with self.db.write() as session:
                state.set_value(session, state.SERVER_CHANGED, None)
        elif behind:
            # The server has not seen what this device has: it was reset, or
            # this is another server. Never wipe local data without asking.
            if not self.confirm_mass_delete(local_rows, local_rows, "server_behind"):
                raise SyncAborted(
                    "Serveren kender ikke de data, denne computer har hentet før. Intet er slettet.",
                    "The server does not know data this computer fetched before. Nothing was deleted.",
                )
            needs_resync = True
        self._push(device, result, progress, cancel)
        if teams_changed:
            self._drop_teams_left(before, result)
        if needs_resync:
            self._full_resync(result, progress, cancel, before)
        else:
            try:
                self._pull(result, progress, cancel, before)
            except SyncError as exc:
                if exc.kind is not SyncErrorKind.RESYNC:
                    raise
                log.warning("Server dropped our cursor (410); doing a full resync")
                self._full_resync(result, progress, cancel, before)
        if not self._verify(before if not (result.pushed or result.pulled or result.rejected) else None, result):
            log.warning("Local data differs from the server's summary; doing a full resync")
            self._full_resync(result, progress, cancel, None)
            result.verified = self._verify(None, result)
            if not result.verified:
                with self.db.write() as session:
                    state.set_value(session, state.NEEDS_FULL_RESYNC, "1")
        with self.db.write() as session:
            state.set_value(session, state.LAST_SUCCESS, self.now().isoformat())
        if result.pulled >= REFRESH_STATISTICS_AFTER:
            self.db.refresh_statistics()  # the tables changed shape: let the planner see it
        if result.erased or result.wiped:
            wipe.scrub_files(self.db)  # last: nothing written after it brings old pages back into the WAL
        log.info(
            "Sync done in %.0f ms: pushed %d, rejected %d, pulled %d in %d pages%s",
            (time.perf_counter() - started) * 1000, result.pushed, result.rejected, result.pulled,
            result.pages, " (full resync)" if result.full_resync else "",
        )
        return result

    # -- access ended (server/access.py, desktop/sync/wipe.py) -------------------------------

    def _summary_or_close(self, device: str, result: SyncResult, progress: Progress,
                          cancel: CancelToken) -> dict[str, Any]:
        """The server's summary; if an admin revoked this device: push the outbox, wipe, re-raise the 401."""
        try:
            return self.client.summary()
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
                self._push(device, result, progress, cancel)
            except SyncError as push_error:
                if push_error.kind is not SyncErrorKind.AUTH:
                    raise  # offline: keep everything and hand it in next time
                log.warning("Access revoked too long ago to hand in unsent changes; removing them too")
            result.changes = result.changes | wipe.wipe_everything(self.db)
            wipe.scrub_files(self.db)
            try:
                self.client.access_wiped(device)
            except SyncError as ack_error:
                log.info("Could not confirm the wipe to the server (%s)", ack_error.kind.value)
            raise

    def _drop_teams_left(self, before: dict[str, Any], result: SyncResult) -> None:
        """After the push: remove the rows of teams the server no longer lists for this user (their list changed)."""
        teams = before["teams"]
        # The cursor may point past the newest record of the teams left: continue from the server's.
        changes = wipe.wipe_teams_not_in(self.db, teams, server_cursor=int(before.get("cursor", 0)))
        if changes:
            result.changes = result.changes | changes
            result.wiped = True

    def _note_clock(self, payload: dict[str, Any], result: SyncResult) -> None:
        server_now = _server_time(payload)
        if server_now is not None:
            result.clock_skew_seconds = (self.now() - server_now).total_seconds()

    # -- push ----------------------------------------------------------------------------------

    def _assign_team(self, session: Any) -> None:
        """Records made before the first sign-in get the user's team now."""
        team = state.load_account(session).default_team_id
        if not team:
            return
        for entry in session.scalars(
            select(OutboxEntry).where(OutboxEntry.state == PENDING, OutboxEntry.base_version == 0)
        ):
            fields = json.loads(entry.fields)
            if entry.op == "upsert" and not fields.get("team_id"):
                row = session.get(MODELS[entry.entity], entry.entity_id)
                if row is not None and row.team_id is None:
                    row.team_id = team
                fields["team_id"] = row.team_id if row is not None and row.team_id else team
                entry.fields = json.dumps(fields, ensure_ascii=False)

    def _push(self, device: str, result: SyncResult, progress: Progress, cancel: CancelToken) -> None:
        with self.db.read() as session:  # most syncs have nothing to send: no write transaction then
            if not has_unsent(session):
                return
        with self.db.write() as session:
            self._assign_team(session)
            total = session.scalar(select(func.count()).where(OutboxEntry.state == PENDING)) or 0
        gap_retries = 0
        while True:
            cancel.check()
            with self.db.read() as session:
                offset = state.get_int(session, state.MUTATION_OFFSET)
                batch = session.scalars(
                    select(OutboxEntry)
                    .where(OutboxEntry.state == PENDING)
                    .order_by(OutboxEntry.mutation_id)
                    .limit(self.push_batch)
                ).all()
                first_local_id = batch[0].mutation_id if batch else 0
                mutations = [
                    {
                        "mutation_id": e.mutation_id - offset,
                        "entity": e.entity,
                        "id": e.entity_id,
                        "op": e.op,
                        "base_version": e.base_version,
                        "fields": json.loads(e.fields),
                    }
                    for e in batch
                ]
            if not mutations:
                return
            try:
                response = self.client.push(device, mutations)
            except SyncError as exc:
                expected = self._expected_after_gap(exc)
                if expected is None or gap_retries >= 2:
                    raise
                # The server knows fewer of our mutations than we sent (it was
                # restored from a backup, or it is a new server): number the
                # unsent ones from where it is, so nothing is skipped or lost.
                gap_retries += 1
                log.warning("Server expects mutation %s, we sent %s; renumbering", expected,
                            mutations[0]["mutation_id"])
                with self.db.write() as session:
                    state.set_value(session, state.MUTATION_OFFSET, str(first_local_id - expected))
                continue
            self._record_push(response, offset, result)
            progress(result.pushed + result.rejected, total, "push")

    @staticmethod
    def _expected_after_gap(exc: SyncError) -> int | None:
        payload = getattr(exc, "payload", None)
        if exc.status == 409 and isinstance(payload, dict) and payload.get("code") == "mutation_gap":
            return int(payload["expected"])
        return None

    def _record_push(self, response: dict[str, Any], offset: int, result: SyncResult) -> None:
        """Mark only the entries the server answered for; the rest stay pending."""
        applied: list[int] = []
        with self.db.write() as session:
            for item in response.get("results", []):
                local_id = int(item["mutation_id"]) + offset
                if item.get("status") == APPLIED:
                    applied.append(local_id)
                else:
                    reason = item.get("reason") or "Afvist af serveren"
                    session.execute(
                        update(OutboxEntry)
                        .where(OutboxEntry.mutation_id == local_id)
                        .values(state=REJECTED, last_error=reason, attempts=OutboxEntry.attempts + 1)
                    )
                    result.rejected += 1
                    result.rejections.append(reason)
            for start in range(0, len(applied), 500):
                session.execute(
                    delete(OutboxEntry).where(OutboxEntry.mutation_id.in_(applied[start : start + 500]))
                )
            result.pushed += len(applied)

    # -- pull ----------------------------------------------------------------------------------

    def _local_rows(self) -> int:
        with self.db.read() as session:
            return sum(
                session.scalar(select(func.count()).select_from(m).where(m.deleted.is_(False))) or 0
                for m in MODELS.values()
            )

    def _pull(self, result: SyncResult, progress: Progress, cancel: CancelToken, before: dict) -> None:
        with self.db.read() as session:
            cursor = state.get_int(session, state.CURSOR)
        if not (result.pushed or result.rejected) and "cursor" in before and cursor == int(before["cursor"]):
            # The summary says nothing newer is visible and this sync sent nothing (a refused mutation can
            # still leave a conflict record behind): an idle sync saves the round trip.
            return
        expected = max(int(before.get("cursor", 0)) - cursor, 0)
        first_sync = cursor == 0
        local_rows: int | None = None  # counted only if a page deletes anything
        deleted_so_far = 0
        asked = False
        for page in pages_after(self.client, cursor, self.pull_limit):
            cancel.check()
            changes = page.get("changes", [])
            deletes = sum(1 for c in changes if c.get("op") == "delete")
            deleted_so_far += deletes
            if deletes and local_rows is None:
                local_rows = self._local_rows()
            if (
                not asked
                and deletes
                and local_rows >= MIN_ROWS_FOR_MASS_DELETE_CHECK
                and deleted_so_far > local_rows * MASS_DELETE_SHARE
            ):
                if not self.confirm_mass_delete(deleted_so_far, local_rows, "pull"):
                    raise SyncAborted(
                        "Synkroniseringen ville slette mere end halvdelen af dine data. Intet er slettet.",
                        "The sync would delete more than half of your data. Nothing was deleted.",
                    )
                asked = True
                self.db.backup("before-mass-delete")
            new_cursor = int(page.get("cursor", cursor))
            # A first sync (from cursor 0) has no old text to scrub; later syncs' pages may carry an erasure.
            result.erased = result.erased or (not first_sync and wipe.mentions_erasure(changes))
            with self.db.write() as session:
                result.changes = result.changes | apply_changes(session, changes)
                state.set_value(session, state.CURSOR, str(new_cursor))
            cursor = new_cursor
            result.pulled += len(changes)
            result.pages += 1
            progress(result.pulled, max(expected, result.pulled), "pull")
            if not page.get("has_more"):
                return

    def _full_resync(
        self, result: SyncResult, progress: Progress, cancel: CancelToken, before: dict | None
    ) -> None:
        """Fetch everything again; drop synced local rows the server no longer has.

        Unsent local changes (the outbox) are kept, and the database is backed
        up first. Until it finishes, the normal cursor is left alone, so a
        crash simply means the resync runs again.
        """
        result.full_resync = True
        self.db.backup("before-full-resync")
        with self.db.write() as session:
            state.set_value(session, state.NEEDS_FULL_RESYNC, "1")
        seen: set[str] = set()
        cursor = 0
        for page in pages_after(self.client, cursor, self.pull_limit):
            cancel.check()
            changes = page.get("changes", [])
            seen.update(c["id"] for c in changes if c.get("op") != "delete")
            result.erased = result.erased or wipe.mentions_erasure(changes)
            with self.db.write() as session:
                result.changes = result.changes | apply_changes(session, changes)
            cursor = int(page.get("cursor", cursor))
            result.pulled += len(changes)
            result.pages += 1
            progress(result.pulled, result.pulled, "resync")
            if not page.get("has_more"):
                break
        with self.db.read() as session:
            stale = {
                entity: [
                    i
                    for i in session.scalars(select(model.id).where(model.version > 0))
                    if i not in seen
                ]
                for entity, model in MODELS.items()
            }
        count = sum(len(v) for v in stale.values())
        local_rows = self._local_rows()
        if (
            local_rows >= MIN_ROWS_FOR_MASS_DELETE_CHECK
            and count > local_rows * MASS_DELETE_SHARE
            and not self.confirm_mass_delete(count, local_rows, "resync")
        ):
            raise SyncAborted(
                "Serveren mangler mere end halvdelen af dine data. Intet er slettet.",
                "The server lacks more than half of your data. Nothing was deleted.",
            )
        with self.db.write() as session:
            for entity, ids in stale.items():
                keep = pending_fields(session, ids)
                gone = [i for i in ids if i not in keep]
                for start in range(0, len(gone), 500):
                    model = MODELS[entity]
                    session.execute(delete(model).where(model.id.in_(gone[start : start + 500])))
                remove_records(session, gone)
                if gone:
                    result.changes = result.changes | Changes(frozenset({entity}), frozenset(gone), True)
            state.set_value(session, state.CURSOR, str(cursor))
            state.set_value(session, state.NEEDS_FULL_RESYNC, None)

    # -- verify --------------------------------------------------------------------------------

    def local_summary(self) -> tuple[dict[str, int], int]:
        """Per-entity counts and the XOR checksum of synced, live local records."""
        counts: dict[str, int] = {}
        checksum = 0
        with self.db.read() as session:
            # The raw cursor: after a first sync this reads every record, and the
            # ORM's row handling cost more than the hashing.
            cursor = raw_cursor(session)
            for entity, model in MODELS.items():
                rows = cursor.execute(
                    f"SELECT id, version FROM {model.__tablename__} WHERE deleted = 0 AND version > 0"
                ).fetchall()
                counts[entity] = len(rows)
                for record_id, version in rows:
                    checksum ^= record_hash(record_id, version)
        return counts, checksum

    def _verify(self, summary: dict | None, result: SyncResult) -> bool:
        """True if local data equals the server's; skipped while changes are unsent.

        Counting and hashing every local record costs time in proportion to
        the database, so a sync that changed nothing and finds the server's
        summary as it was at the last successful check trusts that check.
        """
        with self.db.read() as session:
            if has_unsent(session):
                return True  # cannot compare while our own edits are in flight
            last = state.get_value(session, state.LAST_VERIFIED)
            skipped = state.get_int(session, state.VERIFY_SKIPS)
        summary = summary if summary is not None else self.client.summary()
        fingerprint = f"{summary.get('checksum')}:{summary.get('cursor')}"
        if fingerprint == last and not result.changes and skipped < FULL_CHECK_EVERY:
            # Still, every FULL_CHECK_EVERY-th idle sync recounts, to catch local damage.
            with self.db.write() as session:
                state.set_value(session, state.VERIFY_SKIPS, str(skipped + 1))
            result.verified = True
            return True
        counts, checksum = self.local_summary()
        server_counts = {k: int(v) for k, v in summary.get("counts", {}).items() if int(v)}
        local_counts = {k: v for k, v in counts.items() if v}
        same = server_counts == local_counts and int(str(summary.get("checksum", "0")), 16) == checksum
        result.verified = same
        with self.db.write() as session:
            state.set_value(session, state.LAST_VERIFIED, fingerprint if same else None)
            state.set_value(session, state.VERIFY_SKIPS, "0")
        return same
