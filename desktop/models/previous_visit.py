"""The last visit before this one at the same company: what a new note can start from."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from desktop.models.entities import Visit


@dataclass(frozen=True)
class PreviousVisit:
    """The fields a consultant carries over from the last visit."""

    id: str
    visited_at: date
    participants: str
    next_step: str


def previous_visit(session: Session, company_id: str, exclude_id: str | None = None) -> PreviousVisit | None:
    """The newest live visit at ``company_id`` other than ``exclude_id`` (None when there is none).

    Newest by visit date, then by when it was written: two visits on one day
    carry over the one written last.
    """
    query = (
        select(Visit.id, Visit.visited_at, Visit.participants, Visit.next_step)
        .where(Visit.company_id == company_id, Visit.deleted.is_(False))
        .order_by(Visit.visited_at.desc(), Visit.created_at.desc())
        .limit(1)
    )
    if exclude_id is not None:
        query = query.where(Visit.id != exclude_id)
    row = session.execute(query).first()
    if row is None:
        return None
    return PreviousVisit(row.id, row.visited_at, row.participants or "", row.next_step or "")
