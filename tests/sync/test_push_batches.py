"""A push of many batches: the next batch is read (and the last one settled) while one is on its way.

The requests still go one after the other, in mutation-id order: a refusal
inside a batch does not stop the batches after it, a lost answer stops
everything after it (the next sync replays it harmlessly), and a cancel
settles the answer that arrived before it stops.
"""

from __future__ import annotations

import json

import pytest

from desktop.cancel import Cancelled, CancelToken
from desktop.models.local import OutboxEntry
from desktop.sync.engine import SyncResult
from desktop.sync.errors import SyncError, SyncErrorKind

BATCH = 5


def offline_work(device, companies: int) -> list[str]:
    """Companies with a visit each: two mutations per company."""
    ids = []
    for i in range(companies):
        company = device.ops.create_company(name=f"Firma {i}", city="Aars").id
        device.ops.create_visit(company, body=f"Besøg {i}")
        ids.append(company)
    return ids


def push(device, cancel: CancelToken | None = None, progress=lambda *_: None) -> SyncResult:
    engine = device.service.engine()
    engine.push_batch = BATCH
    result = SyncResult()
    with device.db.read() as session:
        from desktop.sync import state

        device_id = state.device_id(session)
    engine.push(device_id, result, progress, cancel or CancelToken())
    return result


def test_many_batches_arrive_in_order_and_a_refusal_does_not_stop_the_rest(make_device):
    a = make_device("a")
    ids = offline_work(a, 6)
    with a.db.write() as session:  # a mutation the server must refuse, in the middle of the third batch
        session.add(OutboxEntry(entity="company", entity_id=ids[0], op="upsert", base_version=0,
                                fields=json.dumps({"cvr": "12345678"})))
    a.ops.update_company(ids[0], city="Farsø")  # after the refused one: it must still apply
    offline_work(a, 5)
    result = push(a)
    assert (result.pushed, result.rejected) == (23, 1)
    assert a.pending() == 0 and len(a.rejected()) == 1
    a.sync()
    b = make_device("b")
    b.sync()
    assert len(b.records("company")) == 11 and b.records("company")[ids[0]]["city"] == "Farsø"
    assert b.snapshot() == a.snapshot()


def test_a_lost_answer_stops_the_batches_after_it_and_the_next_sync_replays_it(make_device, monkeypatch):
    a = make_device("a")
    offline_work(a, 10)  # 20 mutations: four batches
    client_cls = type(a.service.engine().client)
    real_push = client_cls.push
    calls = []

    def lose_the_second_answer(self, device_id, mutations):
        calls.append([m["mutation_id"] for m in mutations])
        answer = real_push(self, device_id, mutations)  # the server commits...
        if len(calls) == 2:
            raise SyncError(SyncErrorKind.NETWORK, "timeout")  # ...and the answer is lost
        return answer

    monkeypatch.setattr(client_cls, "push", lose_the_second_answer)
    with pytest.raises(SyncError):
        push(a)
    assert len(calls) == 2, "nothing may be sent after a batch whose answer did not come"
    assert calls[1][0] == calls[0][-1] + 1
    assert a.pending() == 20 - BATCH  # only the answered batch left the outbox
    monkeypatch.undo()
    result = a.sync()
    assert result.pushed == 20 - BATCH and a.pending() == 0 and result.verified
    b = make_device("b")
    b.sync()
    assert len(b.records("company")) == 10 and b.snapshot() == a.snapshot()


def test_cancel_settles_the_answer_that_arrived_and_sends_no_more(make_device):
    a = make_device("a")
    offline_work(a, 10)
    cancel = CancelToken()
    with pytest.raises(Cancelled):
        push(a, cancel, progress=lambda *_: cancel.cancel())  # cancelled as the first answer is settled
    assert a.pending() == 20 - 2 * BATCH  # the first answer settled, and the batch already on its way
    result = a.sync()
    assert result.pushed == 2 * BATCH and a.pending() == 0 and result.verified
