"""The full recount runs when it is due, not on every sync (desktop/sync/verify.py).

Each test damages a laptop's local copy behind the app's back and shows
which syncs trust the last passing check and which recount and repair.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import text

from desktop.cancel import Cancelled, CancelToken
from desktop.sync.verify import FULL_CHECK_INTERVAL

NOON = datetime(2026, 6, 1, 12, 0, tzinfo=UTC)


def sync_at(device, when: datetime, cancel: CancelToken | None = None):
    """One sync of ``device`` with the engine's clock at ``when``."""
    engine = device.service.engine()
    engine.now = lambda: when
    return engine.sync(cancel=cancel)


def damaged_pair(make_device):
    """a and b share two companies; b's copy of one is gone; a then changes the other. Returns a, b, the lost id."""
    a, b = make_device("a"), make_device("b")
    lost = a.ops.create_company(name="Forsvinder lokalt").id
    other = a.ops.create_company(name="Ændres").id
    a.sync()
    first = sync_at(b, NOON)
    assert first.verified and not first.full_resync
    with b.db.write() as session:
        session.execute(text("DELETE FROM company WHERE id = :id"), {"id": lost})
    a.ops.update_company(other, city="Aars")
    a.sync()
    return a, b, lost, other


def test_a_pull_trusts_a_recent_check_and_the_due_recount_repairs(make_device):
    a, b, lost, other = damaged_pair(make_device)
    trusted = sync_at(b, NOON + timedelta(minutes=2))
    assert trusted.pulled == 1 and trusted.verified and not trusted.full_resync  # trusted the check at noon
    assert lost not in b.records("company") and b.records("company")[other]["city"] == "Aars"
    a.ops.update_company(other, city="Løgstør")
    a.sync()
    due = sync_at(b, NOON + FULL_CHECK_INTERVAL + timedelta(minutes=1))
    assert due.full_resync and due.verified
    assert lost in b.records("company") and b.records("company")[other]["city"] == "Løgstør"


def test_the_first_sync_of_the_day_recounts(make_device):
    a, b = make_device("a"), make_device("b")
    lost = a.ops.create_company(name="Forsvinder lokalt").id
    other = a.ops.create_company(name="Ændres").id
    a.sync()
    late = datetime(2026, 6, 1, 23, 50).astimezone()  # ten to midnight on this machine's clock
    assert sync_at(b, late).verified
    with b.db.write() as session:
        session.execute(text("DELETE FROM company WHERE id = :id"), {"id": lost})
    a.ops.update_company(other, city="Aars")
    a.sync()
    next_day = sync_at(b, late + timedelta(minutes=15))  # within the interval, but a new day
    assert next_day.full_resync and next_day.verified and lost in b.records("company")


def test_a_sync_that_broke_off_makes_the_next_one_recount(make_device):
    a, b, lost, other = damaged_pair(make_device)
    cancel = CancelToken()
    cancel.cancel()
    with pytest.raises(Cancelled):
        sync_at(b, NOON + timedelta(minutes=1), cancel)
    after = sync_at(b, NOON + timedelta(minutes=2))
    assert after.full_resync and after.verified and lost in b.records("company")


def test_a_refused_push_makes_the_sync_recount(make_device):
    a, b, lost, other = damaged_pair(make_device)
    a.ops.delete("company", other)
    a.sync()
    b.ops.update_company(other, city="Hobro")  # edits a company a deleted: the server refuses it
    refused = sync_at(b, NOON + timedelta(minutes=2))
    assert refused.rejected == 1 and refused.full_resync and refused.verified
    assert lost in b.records("company") and other not in b.records("company")
