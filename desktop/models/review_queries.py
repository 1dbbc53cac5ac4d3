"""Read models for supervisors: the review queue and the overviews (no Qt).

Supervisors' laptops hold their teams' synced visits, so the queue and the
overviews work offline; only the verdict itself needs the server.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from sqlalchemy import and_, func, or_, select
from sqlalchemy.orm import Session

from desktop.models.centre_queries import latest_visit_dates
from desktop.models.collation import danish
from desktop.models.entities import Company, Opening, Visit
from desktop.models.queries import latest_review_state

QUEUE_STATES = ("received", "edited")


@dataclass(frozen=True)
class QueueRow:
    visit_id: str
    team_id: str | None
    company_id: str
    company_name: str
    consultant_id: str | None
    visited_at: date
    state: str
    excerpt: str


def review_queue(
    session: Session, *, team_id: str | None = None, consultant_id: str | None = None, company_id: str | None = None
) -> list[QueueRow]:
    """Visits marked ready (or edited after a verdict) that wait for a supervisor, newest first."""
    state = latest_review_state(Visit.id)
    query = (
        select(Visit.id, Visit.team_id, Visit.company_id, func.coalesce(Company.name, ""), Visit.consultant_id,
               Visit.visited_at, state, func.coalesce(func.substr(Visit.body, 1, 200), ""))
        .outerjoin(Company, Company.id == Visit.company_id)
        .where(Visit.deleted.is_(False), Visit.status == "ready", state.in_(QUEUE_STATES))
        .order_by(Visit.visited_at.desc(), Visit.version.desc())
    )
    for column, value in ((Visit.team_id, team_id), (Visit.consultant_id, consultant_id),
                          (Visit.company_id, company_id)):
        if value:
            query = query.where(column == value)
    return [QueueRow(*row) for row in session.execute(query).all()]


@dataclass(frozen=True)
class ConsultantOverview:
    consultant_id: str | None
    visits: int
    openings_created: int
    openings_filled: int
    filled_hours_per_week: float


def overview_by_consultant(session: Session, start: date, end: date) -> list[ConsultantOverview]:
    """Per consultant in a period: visits, openings, filled openings and hours per week placed.

    Openings are counted by the supervisor report's rule (desktop/reports/supervisor.py),
    so the screen and the PDF agree: an opening belongs to the period it starts in (or,
    without a start, the day it was registered) and to the consultant of the visit it came
    from; one registered without a visit counts for the team only.
    """
    visits = dict(session.execute(
        select(Visit.consultant_id, func.count())
        .where(Visit.deleted.is_(False), Visit.visited_at.between(start, end))
        .group_by(Visit.consultant_id)
    ).all())
    in_period = and_(
        Opening.deleted.is_(False),
        or_(Opening.starts_on.between(start, end),
            and_(Opening.starts_on.is_(None),
                 func.date(Opening.created_at).between(start.isoformat(), end.isoformat()))),
    )
    by_visit = select(Visit.consultant_id).join(Opening, Opening.visit_id == Visit.id).where(in_period)
    created: dict[str | None, int] = {who: count for who, count in session.execute(
        by_visit.add_columns(func.count()).group_by(Visit.consultant_id))}
    placed_hours = func.sum(Opening.hours_per_week * func.coalesce(Opening.places, 1))
    filled = {
        who: (count, hours or 0.0)
        for who, count, hours in session.execute(
            by_visit.add_columns(func.count(), placed_hours).where(Opening.status == "filled")
            .group_by(Visit.consultant_id)
        ).all()
    }
    people = set(visits) | set(created) | set(filled)
    rows = [ConsultantOverview(p, visits.get(p, 0), created.get(p, 0), filled.get(p, (0, 0.0))[0],
                               float(filled.get(p, (0, 0.0))[1])) for p in people]
    return sorted(rows, key=lambda r: (-r.visits, r.consultant_id or ""))


@dataclass(frozen=True)
class CentreOverview:
    company_id: str
    name: str
    places: int | None
    visits_in_period: int
    last_visit: date | None
    next_due: date
    overdue: bool
    open_openings: int


def overview_by_centre(session: Session, start: date, end: date, today: date) -> list[CentreOverview]:
    """Per company centre: visits in the period, last visit, when the next is due, open openings."""
    centres = session.execute(
        select(Company.id, Company.name, Company.centre_places, Company.centre_visit_interval_days,
               Company.centre_agreement_start, Company.created_at)
        .where(Company.is_centre.is_(True), Company.deleted.is_(False))
        .order_by(danish(Company.name))
    ).all()
    ids = [c.id for c in centres]
    last = latest_visit_dates(session, ids)
    counts = dict(session.execute(
        select(Visit.company_id, func.count())
        .where(Visit.company_id.in_(ids), Visit.deleted.is_(False), Visit.visited_at.between(start, end))
        .group_by(Visit.company_id)
    ).all()) if ids else {}
    openings = dict(session.execute(
        select(Opening.company_id, func.count())
        .where(Opening.company_id.in_(ids), Opening.deleted.is_(False), Opening.status.in_(("open", "in_dialogue")))
        .group_by(Opening.company_id)
    ).all()) if ids else {}
    out = []
    for centre in centres:
        base = last.get(centre.id) or centre.centre_agreement_start or centre.created_at.date()
        due = base + timedelta(days=centre.centre_visit_interval_days or 21)
        out.append(CentreOverview(centre.id, centre.name, centre.centre_places, counts.get(centre.id, 0),
                                  last.get(centre.id), due, due <= today, openings.get(centre.id, 0)))
    return out
