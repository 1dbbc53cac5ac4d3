"""Verify: compare the local replica with the server's summary (counts and an XOR checksum).

Counting and hashing every local record costs time in proportion to the
database, so a sync that changed nothing and finds the server's summary as
it was at the last successful check trusts that check; every
:data:`FULL_CHECK_EVERY`-th idle sync still recounts, to catch local damage.
"""

from __future__ import annotations

from typing import Any

from desktop.models import outbox, replica
from desktop.models.db import Database
from desktop.sync import state
from desktop.sync.client import SyncClient
from desktop.sync.outcome import SyncResult

FULL_CHECK_EVERY = 20  # idle syncs between full local recounts (about 40 minutes at the 2-minute rhythm)


def local_summary(db: Database) -> tuple[dict[str, int], int]:
    """Per-entity counts and the XOR checksum of synced, live local records."""
    with db.read() as session:
        return replica.local_summary(session)


def verify(db: Database, client: SyncClient, summary: dict[str, Any] | None, result: SyncResult) -> bool:
    """True if local data equals the server's (``summary``, or a fresh one); skipped while changes are unsent."""
    with db.read() as session:
        if outbox.has_unsent(session):
            return True  # cannot compare while our own edits are in flight
        last = state.get_value(session, state.LAST_VERIFIED)
        skipped = state.get_int(session, state.VERIFY_SKIPS)
    summary = summary if summary is not None else client.summary()
    fingerprint = f"{summary.get('checksum')}:{summary.get('cursor')}"
    if fingerprint == last and not result.changes and skipped < FULL_CHECK_EVERY:
        with db.write() as session:
            state.set_value(session, state.VERIFY_SKIPS, str(skipped + 1))
        result.verified = True
        return True
    counts, checksum = local_summary(db)
    server_counts = {k: int(v) for k, v in summary.get("counts", {}).items() if int(v)}
    local_counts = {k: v for k, v in counts.items() if v}
    same = server_counts == local_counts and int(str(summary.get("checksum", "0")), 16) == checksum
    result.verified = same
    with db.write() as session:
        state.set_value(session, state.LAST_VERIFIED, fingerprint if same else None)
        state.set_value(session, state.VERIFY_SKIPS, "0")
    return same
