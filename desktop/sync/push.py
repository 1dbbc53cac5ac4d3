"""Push the outbox: pending changes in mutation-id order, in batches (DESIGN.md §4).

An entry leaves the outbox only when the server returned a result for it; a
replay after a lost response is harmless because the server skips ids it
has seen. A server that knows fewer of this device's mutations than were
sent (restored from a backup, or new) gets the unsent ones renumbered from
where it is, so nothing is skipped or lost.
"""

from __future__ import annotations

import logging
from concurrent.futures import Future, ThreadPoolExecutor
from typing import Any

from desktop.cancel import CancelToken, Progress
from desktop.domain.protocol import APPLIED
from desktop.models import outbox, receipts
from desktop.models.db import Database
from desktop.sync import state
from desktop.sync.client import SyncClient
from desktop.sync.errors import SyncError
from desktop.sync.outcome import SyncResult

log = logging.getLogger(__name__)
MAX_GAP_RETRIES = 2


def push_outbox(db: Database, client: SyncClient, device: str, batch_size: int, result: SyncResult,
                progress: Progress, cancel: CancelToken) -> None:
    """Send every pending change, batch by batch, and settle each one the server answered for."""
    with db.read() as session:  # most syncs have nothing to send: no write transaction then
        if not outbox.has_unsent(session):
            return
    with db.write() as session:
        account = state.load_account(session)
        outbox.claim_for(session, account.default_team_id, account.user_id)  # work done before the first sign-in
        total = outbox.pending_count(session)
    gap_retries = 0
    with ThreadPoolExecutor(1, thread_name_prefix="feltbog-push") as sender:
        while True:
            try:
                _push_pipelined(db, client, device, batch_size, result, progress, cancel, total, sender)
                return
            except SyncError as exc:
                expected = expected_after_gap(exc)
                if expected is None or gap_retries >= MAX_GAP_RETRIES:
                    raise
                gap_retries += 1
                with db.write() as session:
                    first = outbox.pending_batch(session, 1)
                    if not first:
                        return
                    offset = state.get_int(session, state.MUTATION_OFFSET)
                    log.warning("Server expects mutation %s, we sent %s; renumbering", expected,
                                first[0].mutation_id - offset)
                    state.set_value(session, state.MUTATION_OFFSET, str(first[0].mutation_id - expected))


def _push_pipelined(db: Database, client: SyncClient, device: str, batch_size: int, result: SyncResult,
                    progress: Progress, cancel: CancelToken, total: int, sender: ThreadPoolExecutor) -> None:
    """Send the batches one after the other, but read the next batch and settle the last one while a
    batch is on its way: the server's work and the app's overlap.

    A batch is sent only after the answer to the one before it has arrived, so a refusal (a gap, an
    error) stops everything after it; an answer that arrived is always settled, even when cancelled.
    """
    with db.read() as session:
        offset = state.get_int(session, state.MUTATION_OFFSET)
        batch = outbox.pending_batch(session, batch_size)
    if not batch:
        return
    cancel.check()
    in_flight: Future[dict[str, Any]] = sender.submit(client.push, device, _wire(batch, offset))
    while True:
        with db.read() as session:  # while the server works on the batch in flight
            batch = outbox.pending_batch(session, batch_size, after=batch[-1].mutation_id)
        response = in_flight.result()  # a SyncError stops here: nothing after it was sent
        stop = cancel.cancelled
        if batch and not stop:
            in_flight = sender.submit(client.push, device, _wire(batch, offset))
        record_push(db, response, offset, result)  # while the next batch is on its way
        progress(result.pushed + result.rejected, total, "push")
        if stop:
            cancel.check()
        if not batch:
            return


def _wire(batch: list[outbox.Mutation], offset: int) -> list[dict[str, Any]]:
    return [{"mutation_id": m.mutation_id - offset, "entity": m.entity, "id": m.entity_id, "op": m.op,
             "base_version": m.base_version, "fields": m.fields} for m in batch]


def expected_after_gap(exc: SyncError) -> int | None:
    """The mutation id the server expects, if it refused the batch as having a gap before it."""
    payload = exc.payload
    if exc.status == 409 and isinstance(payload, dict) and payload.get("code") == "mutation_gap":
        return int(payload["expected"])
    return None


def record_push(db: Database, response: dict[str, Any], offset: int, result: SyncResult) -> None:
    """Settle only the entries the server answered for; the rest stay pending.

    An applied entry leaves a receipt (the server's time and the version it returned) before it leaves
    the outbox, in the same transaction: the record's editor shows "Modtaget af serveren" from it.
    """
    applied: dict[int, int | None] = {}
    rejected: dict[int, str] = {}
    for item in response.get("results", []):
        local_id = int(item["mutation_id"]) + offset
        if item.get("status") == APPLIED:
            applied[local_id] = item.get("version")
        else:
            rejected[local_id] = item.get("reason") or "Afvist af serveren"
    with db.write() as session:
        if response.get("server_time"):
            receipts.record_applied(session, applied, str(response["server_time"]))
        outbox.settle(session, list(applied), rejected)
    result.pushed += len(applied)
    result.rejected += len(rejected)
    result.rejections.extend(rejected.values())
