"""receipts.record_applied: which answered change a record's receipt keeps."""

from __future__ import annotations

from sqlalchemy import select

from desktop.models import receipts
from desktop.models.local import OutboxEntry, Receipt

_TIME = "2026-12-01T09:30:00.123456Z"
_LATER = "2026-12-01T10:00:00Z"


def _entries(db) -> list[tuple[int, str]]:
    with db.read() as session:
        return list(session.execute(select(OutboxEntry.mutation_id, OutboxEntry.entity_id)
                                    .order_by(OutboxEntry.mutation_id)).tuples())


def _receipts(db) -> dict[str, tuple[str, int, int | None, str]]:
    with db.read() as session:
        return {r.entity_id: (r.entity, r.mutation_id, r.version, r.server_time)
                for r in session.scalars(select(Receipt))}


def test_the_newest_answered_change_of_a_record_is_its_receipt(ops, db):
    company = ops.create_company(name="Smed Ølgård").id
    ops.update("company", company, {"city": "Aars"})
    other = ops.create_company(name="Bager Bent").id
    (first, _), (second, _), (third, _) = _entries(db)
    with db.write() as session:  # both changes of the company in one answer: the newer one wins
        receipts.record_applied(session, {second: 12, first: 11, third: 13}, _TIME)
    stamp = receipts.parse_server_time(_TIME).isoformat()
    assert _receipts(db) == {company: ("company", second, 12, stamp), other: ("company", third, 13, stamp)}

    with db.write() as session:  # an older answer arriving later (a replay) changes nothing
        receipts.record_applied(session, {first: 99}, _LATER)
    assert _receipts(db)[company] == ("company", second, 12, stamp)

    with db.write() as session:  # a replay's answer carries no version: the one received before stays
        receipts.record_applied(session, {second: None}, _LATER)
    assert _receipts(db)[company] == ("company", second, 12, receipts.parse_server_time(_LATER).isoformat())


def test_a_large_answer_keeps_one_receipt_per_record(ops, db):
    ids = [ops.create_company(name=f"Firma {n}").id for n in range(1_203)]  # more than one chunk of 500
    entries = _entries(db)
    with db.write() as session:
        receipts.record_applied(session, {mutation_id: 1_000 + n for n, (mutation_id, _) in enumerate(entries)}, _TIME)
    stored = _receipts(db)
    assert set(stored) == set(ids)
    assert all(stored[entity_id][1:3] == (mutation_id, 1_000 + n) for n, (mutation_id, entity_id) in enumerate(entries))


def test_an_answer_for_entries_no_longer_here_is_ignored(ops, db):
    ops.create_company(name="Firma")
    with db.write() as session:
        receipts.record_applied(session, {987_654: 5}, _TIME)
        receipts.record_applied(session, {}, _TIME)
    assert _receipts(db) == {}
