"""Verify: compare the local replica with the server's summary (counts and an XOR checksum).

Counting and hashing every local record costs time in proportion to the
database (about 0.6-1 s at 135,000 records), so the full recount runs when
it is due rather than on every sync, the way Anki runs its full check
rarely. It is due:

* when no check has passed yet, or the last one failed;
* after a full resync, a refused push, a hand-back to a restored server, a
  removal of a team's data, or a sync that did not finish (an error, a
  crash, a cancel);
* when the server's summary changed although this sync sent and brought nothing;
* on the first sync of the day, when the last passing check is older than
  :data:`FULL_CHECK_INTERVAL`, and after :data:`FULL_CHECK_EVERY` syncs
  that trusted it.

Between checks a sync trusts the last one: an ordinary pull applies the
server's own changes page by page, and the next due check catches anything
that went wrong meanwhile (followed by a full resync, as always).
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from desktop.models import outbox, replica
from desktop.models.db import Database
from desktop.sync import state
from desktop.sync.client import SyncClient
from desktop.sync.outcome import SyncResult

FULL_CHECK_EVERY = 20  # syncs that trust the last check before the next recount
FULL_CHECK_INTERVAL = timedelta(minutes=30)  # the longest a passing check is trusted


def local_summary(db: Database) -> tuple[dict[str, int], int]:
    """Per-entity counts and the XOR checksum of synced, live local records."""
    with db.read() as session:
        return replica.local_summary(session)


def _fingerprint(summary: dict[str, Any]) -> str:
    return f"{summary.get('checksum')}:{summary.get('cursor')}"


def _parse_time(value: str | None) -> datetime | None:
    try:
        return datetime.fromisoformat(value) if value else None
    except ValueError:
        return None


def recount_due(result: SyncResult, *, last: str | None, fingerprint: str | None, skipped: int,
                verified_at: datetime | None, now: datetime, unfinished: bool) -> bool:
    """True when this sync must recount the local records rather than trust the last passing check."""
    if last is None or unfinished or verified_at is None:
        return True
    if result.full_resync or result.rejected or result.handed_back or result.wiped:
        return True
    if skipped >= FULL_CHECK_EVERY or now - verified_at >= FULL_CHECK_INTERVAL or now < verified_at:
        return True
    if now.astimezone().date() != verified_at.astimezone().date():
        return True  # the first sync of the day
    # Nothing arrived, yet the server's state moved: something this laptop should have seen.
    return not (result.changes or result.pushed) and fingerprint != last


def verify(db: Database, client: SyncClient, before: dict[str, Any] | None, result: SyncResult, *,
           now: datetime, unfinished: bool = False) -> bool:
    """True if local data equals the server's, checked now or trusted from the last check (see the module).

    ``before`` is the server's summary from the start of this sync (None: ask
    for a fresh one); it stands for the server's state after the sync when
    this sync sent nothing and the pull reached its cursor. Skipped while
    changes are unsent.
    """
    with db.read() as session:
        if outbox.has_unsent(session):
            return True  # cannot compare while our own edits are in flight
        last = state.get_value(session, state.LAST_VERIFIED)
        skipped = state.get_int(session, state.VERIFY_SKIPS)
        verified_at = _parse_time(state.get_value(session, state.VERIFIED_AT))
        cursor = state.get_int(session, state.CURSOR)
    current = before is not None and not (result.pushed or result.rejected) and cursor == int(before.get("cursor", -1))
    summary = before if current and before is not None else None
    due = recount_due(result, last=last, fingerprint=_fingerprint(summary) if summary else None, skipped=skipped,
                      verified_at=verified_at, now=now, unfinished=unfinished)
    if not due:
        summary = summary if summary is not None else client.summary()
        with db.write() as session:
            state.set_value(session, state.LAST_VERIFIED, _fingerprint(summary))
            state.set_value(session, state.VERIFY_SKIPS, str(skipped + 1))
        result.verified = True
        return True
    if summary is None:
        summary = client.summary()  # compare with the server as it is now
    counts, checksum = local_summary(db)
    server_counts = {k: int(v) for k, v in summary.get("counts", {}).items() if int(v)}
    local_counts = {k: v for k, v in counts.items() if v}
    same = server_counts == local_counts and int(str(summary.get("checksum", "0")), 16) == checksum
    result.verified = same
    with db.write() as session:
        state.set_value(session, state.LAST_VERIFIED, _fingerprint(summary) if same else None)
        state.set_value(session, state.VERIFY_SKIPS, "0")
        state.set_value(session, state.VERIFIED_AT, now.isoformat() if same else None)
    return same
