"""Data of the supervisor report: a team's visits, openings, placements and centres in a period.

Counting rules (stated in the PDF too, so the figures can be checked by hand):

* a visit counts in the ISO week of its visit date, for its consultant;
* an opening belongs to the period by its start date, or, with no start date,
  by the day it was registered; it counts for the consultant of the visit it
  came from (openings registered without a visit count for the team only);
* hours placed = hours per week x places of the *filled* openings, in the
  week the opening starts;
* a company centre is overdue when its visit interval has run out since its
  last visit (the rule the app plans centre follow-ups by).
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import TypeVarTuple

from sqlalchemy import Row, Select, and_, func, or_, select
from sqlalchemy.orm import Session

from desktop.domain.formatting import choice_da, danish_sort_key, person
from desktop.domain.schema import OPENING_KINDS, OPENING_STATUSES, VISIT_KINDS
from desktop.models.centre_queries import latest_visit_dates
from desktop.models.entities import Company, FollowUp, Opening, Visit
from desktop.models.queries import latest_review_state

_Columns = TypeVarTuple("_Columns")


@dataclass(frozen=True)
class Week:
    """One ISO week of the period."""

    year: int
    week: int
    monday: date

    @property
    def label(self) -> str:
        return f"uge {self.week}"


@dataclass(frozen=True)
class ConsultantStats:
    """One consultant's figures for the period."""

    consultant_id: str | None
    name: str
    visits_per_week: tuple[int, ...]  # aligned with SupervisorReport.weeks
    visits: int
    drafts: int
    approved: int
    has_issues: int  # has issues or rejected: the notes that need another look
    openings: int
    follow_ups_done: int
    follow_ups_open: int


@dataclass(frozen=True)
class OpeningKindRow:
    """Openings of one kind, counted per status (aligned with SupervisorReport.statuses)."""

    kind: str
    counts: tuple[int, ...]

    @property
    def label(self) -> str:
        return choice_da("opening.kind", self.kind)

    @property
    def total(self) -> int:
        return sum(self.counts)


@dataclass(frozen=True)
class PlacedOpening:
    """A filled opening: where, what kind and how many hours a week."""

    company_name: str
    title: str
    kind: str
    hours_per_week: float | None
    places: int
    starts_on: date

    @property
    def kind_label(self) -> str:
        return choice_da("opening.kind", self.kind)

    @property
    def hours_placed(self) -> float:
        return (self.hours_per_week or 0) * self.places


@dataclass(frozen=True)
class CentreStatus:
    """A company centre: visits in the period and when it is due a visit."""

    name: str
    responsible: str
    visits_in_period: int
    last_visit: date | None
    next_due: date
    overdue: bool


@dataclass(frozen=True)
class SupervisorReport:
    """Supervisor report for one team (or all teams on the device) and a period."""

    team_id: str | None
    team_name: str
    start: date
    end: date
    generated_on: date
    weeks: tuple[Week, ...]
    consultants: tuple[ConsultantStats, ...]
    visits_by_kind: tuple[tuple[str | None, int], ...]  # (kind, count) in VISIT_KINDS order, then no kind; no zeros
    statuses: tuple[str, ...]
    openings_by_kind: tuple[OpeningKindRow, ...]
    hours_placed_per_week: tuple[float, ...]  # aligned with weeks
    placed: tuple[PlacedOpening, ...]
    centres: tuple[CentreStatus, ...]

    @property
    def total_visits(self) -> int:
        return sum(c.visits for c in self.consultants)

    @property
    def total_openings(self) -> int:
        return sum(r.total for r in self.openings_by_kind)

    @property
    def total_hours_placed(self) -> float:
        return sum(self.hours_placed_per_week)

    @property
    def overdue_centres(self) -> int:
        return sum(1 for c in self.centres if c.overdue)


def weeks_between(start: date, end: date) -> tuple[Week, ...]:
    """Every ISO week that has a day in ``start``..``end``."""
    monday = start - timedelta(days=start.weekday())
    out = []
    while monday <= end:
        year, week, _ = monday.isocalendar()
        out.append(Week(year, week, monday))
        monday += timedelta(days=7)
    return tuple(out)


def _team(
    query: Select[*_Columns], model: type[Company | FollowUp | Opening | Visit], team_id: str | None
) -> Select[*_Columns]:
    return query.where(model.team_id == team_id) if team_id else query


def supervisor_report_data(
    session: Session,
    team_id: str | None,
    start: date,
    end: date,
    *,
    names: Mapping[str, str] | None = None,
    team_name: str = "",
    today: date | None = None,
) -> SupervisorReport:
    """Build the supervisor report for ``team_id`` (None: every team) from ``start`` to ``end`` (included)."""
    if end < start:
        raise ValueError("end before start")
    today = today or date.today()
    weeks = weeks_between(start, end)
    week_index = {(w.year, w.week): i for i, w in enumerate(weeks)}

    visits = session.execute(_team(
        select(Visit.id, Visit.company_id, Visit.consultant_id, Visit.visited_at, Visit.kind, Visit.status,
               latest_review_state(Visit.id))
        .where(Visit.deleted.is_(False), Visit.visited_at >= start, Visit.visited_at <= end), Visit, team_id
    )).all()
    per_week: dict[str | None, list[int]] = defaultdict(lambda: [0] * len(weeks))
    tally: dict[str | None, Counter[str]] = defaultdict(Counter)
    kinds: Counter[str | None] = Counter()
    visit_consultant: dict[str, str | None] = {}
    visits_per_company: Counter[str] = Counter()
    for visit_id, company_id, consultant, visited_at, kind, status, review in visits:
        year, week, _ = visited_at.isocalendar()
        per_week[consultant][week_index[(year, week)]] += 1
        tally[consultant]["visits"] += 1
        tally[consultant]["drafts"] += status == "draft"
        tally[consultant]["approved"] += review == "approved"
        tally[consultant]["has_issues"] += review in ("has_issues", "rejected")
        kinds[kind] += 1
        visit_consultant[visit_id] = consultant
        visits_per_company[company_id] += 1

    openings = _openings_in_period(session, team_id, start, end)
    by_kind_status: Counter[tuple[str, str]] = Counter()
    hours = [0.0] * len(weeks)
    placed = []
    for row in openings:
        by_kind_status[(row.kind, row.status)] += 1
        if row.visit_id in visit_consultant:
            tally[visit_consultant[row.visit_id]]["openings"] += 1
        elif row.visit_id:
            # The visit is outside the period (or another team's): still the consultant's opening.
            tally[_visit_consultant(session, row.visit_id)]["openings"] += 1
        if row.status == "filled":
            starts = row.starts_on or row.created_at.date()
            item = PlacedOpening(row.company_name or "", row.title, row.kind, row.hours_per_week,
                                 row.places or 1, starts)
            placed.append(item)
            year, week, _ = starts.isocalendar()
            hours[week_index[(year, week)]] += item.hours_placed

    for assignee, done, count in session.execute(_team(
        select(FollowUp.assignee_id, FollowUp.done, func.count())
        .where(FollowUp.deleted.is_(False), FollowUp.due_on >= start, FollowUp.due_on <= end)
        .group_by(FollowUp.assignee_id, FollowUp.done), FollowUp, team_id
    )):
        tally[assignee]["follow_ups_done" if done else "follow_ups_open"] += count

    consultants = sorted(
        (
            ConsultantStats(
                consultant_id=cid, name=person(names, cid) or "(ingen)", visits_per_week=tuple(per_week[cid]),
                visits=t["visits"], drafts=t["drafts"], approved=t["approved"], has_issues=t["has_issues"],
                openings=t["openings"], follow_ups_done=t["follow_ups_done"], follow_ups_open=t["follow_ups_open"],
            )
            for cid, t in tally.items()
        ),
        key=lambda c: (danish_sort_key(c.name), c.consultant_id or ""),
    )
    return SupervisorReport(
        team_id=team_id,
        team_name=team_name,
        start=start,
        end=end,
        generated_on=today,
        weeks=weeks,
        consultants=tuple(consultants),
        visits_by_kind=tuple((k, kinds[k]) for k in (*VISIT_KINDS, None) if kinds[k]),
        statuses=OPENING_STATUSES,
        openings_by_kind=tuple(
            OpeningKindRow(k, tuple(by_kind_status[(k, s)] for s in OPENING_STATUSES))
            for k in OPENING_KINDS if any(by_kind_status[(k, s)] for s in OPENING_STATUSES)
        ),
        hours_placed_per_week=tuple(hours),
        placed=tuple(sorted(placed, key=lambda p: (p.starts_on, danish_sort_key(p.company_name), p.title))),
        centres=_centres(session, team_id, visits_per_company, names, today),
    )


def _openings_in_period(
    session: Session, team_id: str | None, start: date, end: date
) -> Sequence[Row[str | None, str, str | None, str, float | None, int | None, date | None, datetime, str]]:
    registered_from = datetime.combine(start, time.min)
    registered_until = datetime.combine(end + timedelta(days=1), time.min)
    return session.execute(_team(
        select(Opening.visit_id, Opening.kind, Opening.status, Opening.title, Opening.hours_per_week,
               Opening.places, Opening.starts_on, Opening.created_at, Company.name.label("company_name"))
        .outerjoin(Company, Company.id == Opening.company_id)
        .where(
            Opening.deleted.is_(False),
            or_(
                and_(Opening.starts_on >= start, Opening.starts_on <= end),
                and_(Opening.starts_on.is_(None), Opening.created_at >= registered_from,
                     Opening.created_at < registered_until),
            ),
        ), Opening, team_id
    )).all()


def _visit_consultant(session: Session, visit_id: str) -> str | None:
    return session.execute(select(Visit.consultant_id).where(Visit.id == visit_id)).scalar()


def _centres(
    session: Session, team_id: str | None, visits: Counter[str], names: Mapping[str, str] | None, today: date
) -> tuple[CentreStatus, ...]:
    rows = session.execute(_team(
        select(Company.id, Company.name, Company.responsible_user_id, Company.centre_visit_interval_days,
               Company.centre_agreement_start, Company.created_at)
        .where(Company.is_centre.is_(True), Company.deleted.is_(False)), Company, team_id
    )).all()
    last_visits = latest_visit_dates(session, [r.id for r in rows])
    out = []
    for centre_id, name, responsible, interval, agreement_start, created in rows:
        last = last_visits.get(centre_id)
        # The same base as desktop.models.planning.centre_due_date.
        due = (last or agreement_start or created.date()) + timedelta(days=interval or 21)
        out.append(CentreStatus(name, person(names, responsible), visits[centre_id], last, due, due <= today))
    return tuple(sorted(out, key=lambda c: danish_sort_key(c.name)))
