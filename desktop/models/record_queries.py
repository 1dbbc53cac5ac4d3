"""The single-record look-ups: one record with all its fields, its title, its reviews (no Qt).

Forms, detail pages and the visit editor read one record at a time through
these functions; the paged, sorted lists are in desktop/models/queries.py.
Like those, they return plain dataclasses, never live ORM objects.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from desktop.domain.schema import ENTITIES
from desktop.models.entities import MODELS, Company, Review, Visit


@dataclass(frozen=True)
class ReviewRow:
    id: str
    visit_id: str
    state: str
    comment: str | None
    reviewer_id: str | None
    reviewed_at: datetime | None


@dataclass(frozen=True)
class Record:
    """All fields of one record, for forms and detail pages."""

    entity: str
    id: str
    version: int
    team_id: str | None
    fields: dict[str, Any] = field(default_factory=dict)
    review: ReviewRow | None = None


def record_title(session: Session, entity: str, record_id: str) -> str:
    """A short human name for any record (company name, opening title, ...)."""
    model = MODELS.get(entity)
    row: Any = session.get(model, record_id) if model else None
    if row is None:
        return ""
    if entity == "visit":
        company = session.get(Company, row.company_id)
        return f"{company.name if company else ''} {row.visited_at:%d-%m-%Y}".strip()
    title = getattr(row, ENTITIES[entity].title_field, "")
    return str(title or "")


def latest_review(session: Session, visit_id: str) -> ReviewRow | None:
    """The newest review of a visit, or None if it was never reviewed."""
    row = session.execute(
        select(Review.id, Review.visit_id, Review.state, Review.comment, Review.reviewer_id,
               Review.reviewed_at)
        .where(Review.visit_id == visit_id, Review.deleted.is_(False))
        .order_by(Review.version.desc())
        .limit(1)
    ).first()
    return ReviewRow(*row) if row else None


def get_record(session: Session, entity: str, record_id: str) -> Record | None:
    """One live record with all its fields (and, for a visit, its review)."""
    row = session.get(MODELS[entity], record_id)
    if row is None or row.deleted:
        return None
    fields = {f.name: getattr(row, f.name) for f in ENTITIES[entity].fields}
    review = latest_review(session, record_id) if entity == "visit" else None
    return Record(entity, row.id, row.version, row.team_id, fields, review)


def reviews_of_visit(session: Session, visit_id: str) -> list[ReviewRow]:
    """Every review of a visit, oldest first: the verdicts and comments as they came (the visit's history)."""
    rows = session.execute(
        select(Review.id, Review.visit_id, Review.state, Review.comment, Review.reviewer_id,
               Review.reviewed_at)
        .where(Review.visit_id == visit_id, Review.deleted.is_(False))
        .order_by(Review.version.asc())
    ).all()
    return [ReviewRow(*r) for r in rows]


def reviews_on_my_visits(session: Session, consultant_id: str, limit: int = 20) -> list[ReviewRow]:
    """Supervisors' verdicts with a comment on this consultant's visits, newest first."""
    rows = session.execute(
        select(Review.id, Review.visit_id, Review.state, Review.comment, Review.reviewer_id,
               Review.reviewed_at)
        .join(Visit, Visit.id == Review.visit_id)
        .where(
            Visit.consultant_id == consultant_id,
            Review.state.in_(("has_issues", "approved", "rejected")),
            Review.deleted.is_(False),
        )
        .order_by(Review.version.desc())
        .limit(limit)
    ).all()
    return [ReviewRow(*r) for r in rows]
