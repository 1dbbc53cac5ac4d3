"""Data of the briefing before a visit ("Forberedelse til besøg"): one company on one page (no Qt, no reportlab).

What a consultant wants to know in the car park, read from the local
database only (so it works offline): the company and its contacts, the
centre agreement, the last three visits' needs and next steps, open openings
and running internships with their next follow-up, mentors and how many of
their places are in use, and the supervisor's latest comments.

Rules (printed on the briefing too):

* an internship is *running* when it is filled and its period (start date +
  duration in weeks) holds the day of the briefing; with no duration, from
  its start on;
* an opening's *next follow-up* is its earliest follow-up not yet done
  (an overdue one included, as it is still to do);
* a mentor's places *in use* are the running placements naming the mentor.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, timedelta

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from desktop.domain.digest import DEFAULT_CENTRE_INTERVAL, utc_day
from desktop.domain.formatting import choice_da, person
from desktop.models import checks
from desktop.models.collation import danish
from desktop.models.entities import Company, Contact, FollowUp, Mentor, Opening, Review, Visit
from desktop.reports.data import CompanyInfo, ContactLine, OpeningLabels, _company_info

LAST_VISITS = 3
LATEST_COMMENTS = 3
OPEN_STATUSES = ("open", "in_dialogue")
INTERNSHIP_KINDS = ("virksomhedspraktik",)


@dataclass(frozen=True)
class CentreAgreement:
    """The company-centre agreement, when the company is a centre."""

    work_areas: str | None
    target_groups: str | None
    places: int | None
    visit_interval_days: int | None
    start: date | None
    end: date | None
    next_visit_due: date  # the last visit (else the agreement's start, else registration) + the interval


@dataclass(frozen=True)
class BriefingVisit:
    """One of the last visits: when, who, and what came of it."""

    visited_at: date
    kind: str | None
    consultant: str
    needs: str | None
    next_step: str | None
    follow_up_on: date | None
    note: str | None = None  # the note itself: shown when no needs were written

    @property
    def kind_label(self) -> str:
        return choice_da("visit.kind", self.kind)


@dataclass(frozen=True)
class BriefingOpening(OpeningLabels):
    """An open opening or a running internship, with its next follow-up."""

    title: str
    kind: str
    status: str | None
    hours_per_week: float | None
    starts_on: date | None
    ends_on: date | None
    places: int | None
    mentor: str
    next_follow_up: date | None
    next_follow_up_note: str | None


@dataclass(frozen=True)
class BriefingMentor:
    """A mentor at the company: how many citizens at a time, and how many now."""

    name: str
    title: str | None
    phone: str | None
    capacity: int | None
    in_use: int
    active: bool


@dataclass(frozen=True)
class BriefingComment:
    """A supervisor's comment on one of the company's visits."""

    visited_at: date
    state: str
    comment: str
    reviewer: str
    reviewed_on: date | None

    @property
    def state_label(self) -> str:
        return choice_da("review.state", self.state)


@dataclass(frozen=True)
class Briefing:
    """Forberedelse til besøg: everything about one company worth knowing before going there."""

    company_id: str
    company: CompanyInfo
    industry: str | None
    municipality: str | None
    responsible: str
    notes: str | None
    contacts: tuple[ContactLine, ...]
    centre: CentreAgreement | None
    visits: tuple[BriefingVisit, ...]  # newest first, at most LAST_VISITS
    visit_count: int
    openings: tuple[BriefingOpening, ...]  # open or in dialogue
    internships: tuple[BriefingOpening, ...]  # running
    mentors: tuple[BriefingMentor, ...]
    comments: tuple[BriefingComment, ...]  # newest first, at most LATEST_COMMENTS
    generated_on: date


def ends_on(starts_on: date | None, duration_weeks: int | None) -> date | None:
    """The last day of a period of ``duration_weeks`` from ``starts_on`` (None without both)."""
    if starts_on is None or not duration_weeks:
        return None
    return starts_on + timedelta(weeks=duration_weeks)


def is_running(opening: Opening, today: date) -> bool:
    """A filled internship whose period holds ``today``."""
    if opening.kind not in INTERNSHIP_KINDS or opening.status != "filled" or opening.starts_on is None:
        return False
    end = ends_on(opening.starts_on, opening.duration_weeks)
    return opening.starts_on <= today and (end is None or today <= end)


def briefing_data(
    session: Session, company_id: str, *, names: Mapping[str, str] | None = None, today: date | None = None
) -> Briefing:
    """Build the briefing of one live company; raises ValidationError if it does not exist."""
    today = today or date.today()
    company = session.get(Company, company_id)
    if company is None or company.deleted:
        raise checks.not_found("company")
    contacts = session.execute(
        select(Contact.name, Contact.title, Contact.phone, Contact.email)
        .where(Contact.company_id == company_id, Contact.deleted.is_(False)).order_by(danish(Contact.name))
    ).all()
    live_visits = (Visit.company_id == company_id, Visit.deleted.is_(False))
    visits = session.scalars(
        select(Visit).where(*live_visits).order_by(Visit.visited_at.desc(), Visit.version.desc()).limit(LAST_VISITS)
    ).all()
    visit_count = session.execute(select(func.count()).select_from(Visit).where(*live_visits)).scalar_one()
    mentors = session.scalars(
        select(Mentor).where(Mentor.company_id == company_id, Mentor.deleted.is_(False))
        .order_by(Mentor.active.desc(), danish(Mentor.name))
    ).all()
    mentor_names = {m.id: m.name for m in mentors}
    openings = session.scalars(
        select(Opening).where(Opening.company_id == company_id, Opening.deleted.is_(False))
        .order_by(Opening.starts_on.is_(None), Opening.starts_on, danish(Opening.title))
    ).all()
    running = [o for o in openings if is_running(o, today)]
    still_open = [o for o in openings if o.status in OPEN_STATUSES]
    follow_ups = _next_follow_ups(session, [o.id for o in running + still_open])
    in_use: dict[str, int] = {}
    for opening in running:
        if opening.mentor_id:
            in_use[opening.mentor_id] = in_use.get(opening.mentor_id, 0) + (opening.places or 1)

    def line(o: Opening) -> BriefingOpening:
        due, note = follow_ups.get(o.id, (None, None))
        return BriefingOpening(o.title, o.kind, o.status, o.hours_per_week, o.starts_on,
                               ends_on(o.starts_on, o.duration_weeks), o.places,
                               mentor_names.get(o.mentor_id or "", ""), due, note)

    centre = None
    if company.is_centre:
        base = (visits[0].visited_at if visits else None) or company.centre_agreement_start \
            or utc_day(company.created_at)
        centre = CentreAgreement(company.centre_work_areas, company.centre_target_groups, company.centre_places,
                                 company.centre_visit_interval_days, company.centre_agreement_start,
                                 company.centre_agreement_end,
                                 base + timedelta(days=company.centre_visit_interval_days or DEFAULT_CENTRE_INTERVAL))
    return Briefing(
        company_id=company.id,
        company=_company_info(company),
        industry=company.industry,
        municipality=company.municipality,
        responsible=person(names, company.responsible_user_id),
        notes=company.notes,
        contacts=tuple(ContactLine(*row) for row in contacts),
        centre=centre,
        visits=tuple(BriefingVisit(v.visited_at, v.kind, person(names, v.consultant_id), v.needs, v.next_step,
                                   v.follow_up_on, v.body) for v in visits),
        visit_count=visit_count,
        openings=tuple(line(o) for o in still_open),
        internships=tuple(line(o) for o in running),
        mentors=tuple(BriefingMentor(m.name, m.title, m.phone, m.capacity, in_use.get(m.id, 0), m.active)
                      for m in mentors),
        comments=_latest_comments(session, company_id, names),
        generated_on=today,
    )


def _next_follow_ups(session: Session, opening_ids: list[str]) -> dict[str, tuple[date, str | None]]:
    """Each opening's earliest follow-up not done: (due date, note)."""
    out: dict[str, tuple[date, str | None]] = {}
    if not opening_ids:
        return out
    rows = session.execute(
        select(FollowUp.subject_id, FollowUp.due_on, FollowUp.note)
        .where(FollowUp.subject_kind == "opening", FollowUp.subject_id.in_(opening_ids),
               FollowUp.deleted.is_(False), FollowUp.done.is_(False))
        .order_by(FollowUp.due_on)
    ).all()
    for subject_id, due_on, note in rows:
        out.setdefault(subject_id, (due_on, note))
    return out


def _latest_comments(session: Session, company_id: str, names: Mapping[str, str] | None) -> tuple[BriefingComment, ...]:
    rows = session.execute(
        select(Visit.visited_at, Review.state, Review.comment, Review.reviewer_id, Review.reviewed_at)
        .join(Visit, Visit.id == Review.visit_id)
        .where(Visit.company_id == company_id, Visit.deleted.is_(False), Review.deleted.is_(False),
               Review.comment.is_not(None), Review.comment != "")
        .order_by(Review.version.desc())
        .limit(LATEST_COMMENTS)
    ).all()
    return tuple(
        BriefingComment(visited_at, state, comment or "", (names or {}).get(reviewer or "", "Lederen"),
                        reviewed_at.date() if reviewed_at else None)
        for visited_at, state, comment, reviewer, reviewed_at in rows
    )

