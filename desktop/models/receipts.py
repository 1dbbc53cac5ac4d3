"""Proof of receipt per record: has the server got this visit, opening or follow-up?

The push (desktop/sync/push.py) calls :func:`record_applied` in the same
transaction that settles the outbox, with the server's own time and the
versions it returned; :func:`receipt_status` then tells a record's editor
whether its last change was received, is still waiting, or was refused (with
the server's reason). A record that came from another device (pulled) has no
receipt of ours: it is on the server by definition (:data:`ON_SERVER`).
:func:`waiting_visits` lists the visits that have waited long for the server.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta

import orjson
from sqlalchemy import delete, func, or_, select
from sqlalchemy.orm import Session

from desktop.models.entities import MODELS, Company, Visit
from desktop.models.local import PENDING, REJECTED, OutboxEntry, Receipt
from desktop.models.raw import raw_cursor

RECEIVED = "received"  # the server answered "applied" for this record's newest change
WAITING = "waiting"  # a change is saved here and the server has not answered for it yet
REFUSED = "refused"  # the server refused the newest change (``reason`` says why); it is kept here
ON_SERVER = "on_server"  # pulled from the server (another device's work), nothing of ours pending
WAITING_LIMIT = timedelta(days=1)  # a visit waiting longer is flagged on I dag
_CHUNK = 500


@dataclass(frozen=True)
class ReceiptStatus:
    """Where a record's newest change is; ``server_time`` is aware UTC (the server's clock)."""

    state: str
    server_time: datetime | None = None
    version: int | None = None
    reason: str | None = None
    waiting_since: datetime | None = None  # UTC: when the oldest unanswered change was saved


@dataclass(frozen=True)
class WaitingVisit:
    """A visit whose changes have not reached the server for longer than :data:`WAITING_LIMIT`."""

    visit_id: str
    company: str
    visited_at: date
    waiting_since: datetime


def _utc(value: datetime) -> datetime:
    # SQLite hands back naive date-times; every stamp the app writes is UTC.
    return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


def parse_server_time(value: str) -> datetime:
    """The server's ``server_time`` (ISO 8601; ``Z`` or an offset) as an aware UTC date-time."""
    return _utc(datetime.fromisoformat(value.replace("Z", "+00:00")))


def record_applied(session: Session, applied: dict[int, int | None], server_time: str) -> None:
    """Keep a receipt for each outbox entry the server applied (call before :func:`outbox.settle` drops them).

    ``applied`` maps local mutation ids to the version the server returned.
    The newest answered change of a record replaces its older receipt; a
    replay's answer (no version) keeps the version received before.
    """
    if not applied:
        return
    stamp = parse_server_time(server_time).isoformat()
    # One statement for the whole answer: SQLite joins the answer (a JSON object, mutation id -> version)
    # to the outbox and upserts in mutation-id order, so a record changed twice keeps its newer change.
    # (It was an executemany through SQLAlchemy, a parameter set per row: see docs/performance.md.)
    answer = orjson.dumps(applied, option=orjson.OPT_NON_STR_KEYS).decode()
    raw_cursor(session).execute(_RECORD_APPLIED, (answer, stamp))


_RECORD_APPLIED = f"""
INSERT INTO {Receipt.__tablename__} (entity_id, entity, mutation_id, version, server_time)
SELECT o.entity_id, o.entity, o.mutation_id, a.value, ?2
FROM json_each(?1) AS a JOIN {OutboxEntry.__tablename__} AS o ON o.mutation_id = CAST(a.key AS INTEGER)
WHERE true  -- SQLite reads "ON CONFLICT" after a join's ON as part of it without a WHERE here
ORDER BY o.mutation_id
ON CONFLICT (entity_id) DO UPDATE SET
    mutation_id = excluded.mutation_id, server_time = excluded.server_time,
    version = coalesce(excluded.version, {Receipt.__tablename__}.version)
WHERE {Receipt.__tablename__}.mutation_id <= excluded.mutation_id
"""


def receipt_status(session: Session, entity: str, record_id: str) -> ReceiptStatus | None:
    """Whether the server has the record's newest change; None for a record the server never had or saw."""
    pending = session.execute(
        select(func.min(OutboxEntry.created_at)).where(OutboxEntry.entity_id == record_id,
                                                       OutboxEntry.state == PENDING)).scalar()
    if pending is not None:
        return ReceiptStatus(WAITING, waiting_since=_utc(pending))
    receipt = session.get(Receipt, record_id)
    refused = session.execute(
        select(OutboxEntry.mutation_id, OutboxEntry.last_error)
        .where(OutboxEntry.entity_id == record_id, OutboxEntry.state == REJECTED)
        .order_by(OutboxEntry.mutation_id.desc()).limit(1)).first()
    if refused is not None and (receipt is None or refused.mutation_id > receipt.mutation_id):
        return ReceiptStatus(REFUSED, reason=refused.last_error)
    if receipt is not None:
        return ReceiptStatus(RECEIVED, server_time=parse_server_time(receipt.server_time), version=receipt.version)
    model = MODELS.get(entity)
    version = session.execute(select(model.version).where(model.id == record_id)).scalar() if model else None
    return ReceiptStatus(ON_SERVER, version=version) if version else None


def refused_records(session: Session) -> int:
    """How many records stand refused: the server refused their newest change, and nothing newer of them is
    waiting or was received since (a corrected change that reached the server ends the refusal)."""
    newest_refusal = (select(OutboxEntry.entity_id, func.max(OutboxEntry.mutation_id).label("mutation_id"))
                      .where(OutboxEntry.state == REJECTED).group_by(OutboxEntry.entity_id).subquery())
    waiting = select(OutboxEntry.mutation_id).where(OutboxEntry.entity_id == newest_refusal.c.entity_id,
                                                    OutboxEntry.state == PENDING)
    return session.execute(
        select(func.count()).select_from(newest_refusal)
        .outerjoin(Receipt, Receipt.entity_id == newest_refusal.c.entity_id)
        .where(or_(Receipt.mutation_id.is_(None), Receipt.mutation_id < newest_refusal.c.mutation_id),
               ~waiting.exists())
    ).scalar_one()


def waiting_visits(session: Session, now: datetime, limit: int = 50) -> list[WaitingVisit]:
    """Live visits with a change saved more than :data:`WAITING_LIMIT` before ``now`` that the server has
    not answered for, oldest first."""
    cutoff = _utc(now) - WAITING_LIMIT
    oldest = (select(OutboxEntry.entity_id, func.min(OutboxEntry.created_at).label("since"))
              .where(OutboxEntry.state == PENDING, OutboxEntry.entity == "visit")
              .group_by(OutboxEntry.entity_id).subquery())
    rows = session.execute(
        select(Visit.id, Company.name, Visit.visited_at, oldest.c.since)
        .join(oldest, oldest.c.entity_id == Visit.id)
        .outerjoin(Company, Company.id == Visit.company_id)
        .where(Visit.deleted.is_(False), oldest.c.since < cutoff.replace(tzinfo=None))
        .order_by(oldest.c.since).limit(limit))
    return [WaitingVisit(visit_id, company or "", visited_at, _utc(since))
            for visit_id, company, visited_at, since in rows]


def forget(session: Session, ids: list[str]) -> None:
    """Drop the receipts of records that are being removed from this device."""
    for start in range(0, len(ids), _CHUNK):
        session.execute(delete(Receipt).where(Receipt.entity_id.in_(ids[start:start + _CHUNK])))


def forget_all(session: Session) -> None:
    """Drop every receipt (all synced data is being removed from this device)."""
    session.execute(delete(Receipt))
