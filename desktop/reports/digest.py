"""Data of the weekly digest for supervisors, from the local database (no Qt, no reportlab).

The counting itself is :func:`desktop.domain.digest.count_week`, the same
rules the server e-mails the digest by; this module only reads the rows.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, timedelta

from sqlalchemy import Select, func, select
from sqlalchemy.orm import Session

from desktop.domain.digest import (
    TREND_WEEKS,
    ConsultantWeek,
    DigestCentre,
    DigestCounts,
    DigestFollowUp,
    DigestOpening,
    DigestVisit,
    consultant_name,
    count_week,
    digest_text,
    last_week,
)
from desktop.domain.formatting import danish_sort_key
from desktop.models.entities import Company, FollowUp, Opening, Visit
from desktop.models.queries import latest_review_state


@dataclass(frozen=True)
class WeeklyDigest:
    """Ugens overblik: one team's last week, counted, with the names to print."""

    team_id: str | None
    team_name: str
    counts: DigestCounts
    names: Mapping[str, str] = field(default_factory=dict)
    generated_on: date = field(default_factory=date.today)

    def named(self) -> list[tuple[str, ConsultantWeek]]:
        """(consultant name, their week) in Danish name order."""
        named = [(consultant_name(self.names, c.consultant_id), c) for c in self.counts.consultants]
        return sorted(named, key=lambda pair: (danish_sort_key(pair[0]), pair[1].consultant_id or ""))

    @property
    def rows(self) -> list[tuple[str, tuple[int, ...]]]:
        """(consultant name, figures) in Danish name order."""
        return [(name, week.figures()) for name, week in self.named()]

    @property
    def text(self) -> str:
        """The same plain text the server e-mails."""
        return digest_text(self.counts, self.names, self.team_name)


def _team(query: Select, model: type[Company | FollowUp | Opening | Visit], team_id: str | None) -> Select:  # type: ignore[type-arg]
    return query.where(model.team_id == team_id) if team_id else query


def weekly_digest_data(
    session: Session,
    team_id: str | None,
    *,
    week_start: date | None = None,
    today: date | None = None,
    names: Mapping[str, str] | None = None,
    team_name: str = "",
) -> WeeklyDigest:
    """The digest of the week beginning ``week_start`` (default: last week, seen from ``today``)."""
    today = today or date.today()
    start = week_start or last_week(today)
    trend_start = start - timedelta(weeks=TREND_WEEKS - 1)
    visits = [
        DigestVisit(*row) for row in session.execute(_team(
            select(Visit.consultant_id, Visit.visited_at, Visit.status, latest_review_state(Visit.id))
            .where(Visit.deleted.is_(False), Visit.visited_at >= trend_start,
                   Visit.visited_at <= start + timedelta(days=6)), Visit, team_id))
    ]
    visit_consultants: dict[str, str | None] = {visit_id: consultant for visit_id, consultant in session.execute(
        select(Visit.id, Visit.consultant_id).where(
            Visit.id.in_(_team(select(Opening.visit_id).where(Opening.deleted.is_(False),
                                                                Opening.visit_id.is_not(None)), Opening, team_id)))
    )}
    openings = [
        DigestOpening(visit_consultants.get(o.visit_id or "", o.created_by) if o.visit_id else o.created_by,
                      o.kind, o.status, o.created_at, o.updated_at, o.starts_on, o.duration_weeks)
        for o in session.scalars(_team(select(Opening).where(Opening.deleted.is_(False)), Opening, team_id))
    ]
    follow_ups = [
        DigestFollowUp(*row) for row in session.execute(_team(
            select(FollowUp.assignee_id, FollowUp.due_on, FollowUp.done)
            .where(FollowUp.deleted.is_(False), FollowUp.done.is_(False)), FollowUp, team_id))
    ]
    last_visits = (select(Visit.company_id, func.max(Visit.visited_at).label("last"))
                   .where(Visit.deleted.is_(False)).group_by(Visit.company_id).subquery())
    centres = [
        DigestCentre(*row) for row in session.execute(_team(
            select(Company.responsible_user_id, last_visits.c.last, Company.centre_agreement_start,
                   Company.created_at, Company.centre_visit_interval_days)
            .outerjoin(last_visits, last_visits.c.company_id == Company.id)
            .where(Company.is_centre.is_(True), Company.deleted.is_(False)), Company, team_id))
    ]
    counts = count_week(start, visits, openings, follow_ups, centres)
    return WeeklyDigest(team_id, team_name, counts, dict(names or {}), today)
