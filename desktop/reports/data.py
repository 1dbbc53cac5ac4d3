"""Report data: plain dataclasses built from the local database (no Qt, no reportlab).

Each ``*_data`` function reads through a session from ``Database.read()`` and
returns frozen dataclasses holding typed values (dates stay ``date``), so a
report can be checked exactly in tests and rendered anywhere (PDF today).
Consultant names: the local database has no users table, so callers pass
``names`` (user id -> full name) for the people they know; others show as a
short id.

The supervisor report lives in :mod:`desktop.reports.supervisor` and is
re-exported here.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from desktop.domain.formatting import choice_da, danish_sort_key, iso_week, person
from desktop.models import checks
from desktop.models.collation import danish
from desktop.models.entities import Company, Contact, Mentor, Opening, Visit
from desktop.models.queries import list_follow_ups
from desktop.reports.supervisor import (
    CentreStatus,
    ConsultantStats,
    OpeningKindRow,
    PlacedOpening,
    SupervisorReport,
    Week,
    supervisor_report_data,
)


@dataclass(frozen=True)
class CompanyInfo:
    """A company's name and how to reach it, as printed in a report header."""

    name: str
    cvr: str | None
    address: str | None
    postcode: str | None
    city: str | None
    phone: str | None
    email: str | None

    @property
    def address_line(self) -> str:
        """``"Østergade 4, 9460 Brovst"`` from the parts that are filled in."""
        town = " ".join(p for p in (self.postcode, self.city) if p)
        return ", ".join(p for p in (self.address, town) if p)


class OpeningLabels:
    """The Danish names of an opening's kind and status, for every report that lists openings."""

    kind: str
    status: str | None

    @property
    def kind_label(self) -> str:
        return choice_da("opening.kind", self.kind)

    @property
    def status_label(self) -> str:
        return choice_da("opening.status", self.status)


@dataclass(frozen=True)
class OpeningLine(OpeningLabels):
    """An opening as listed under the visit it came from."""

    title: str
    kind: str
    hours_per_week: float | None
    duration_weeks: int | None
    starts_on: date | None
    places: int | None
    status: str | None


@dataclass(frozen=True)
class VisitSummary:
    """Besøgsreferat: one visit, worded for sending to the company."""

    visit_id: str
    company: CompanyInfo
    visited_at: date
    kind: str | None
    consultant: str
    participants: str | None
    body: str | None
    needs: str | None
    next_step: str | None
    follow_up_on: date | None
    openings: tuple[OpeningLine, ...]
    generated_on: date
    # Who signs off: the consultant's name (when the app knows it, never a bare
    # id) and the jobcentre or municipality, if given. Empty: no sign-off block.
    signature: tuple[str, ...] = ()

    @property
    def week(self) -> int:
        return iso_week(self.visited_at)

    @property
    def kind_label(self) -> str:
        return choice_da("visit.kind", self.kind)


@dataclass(frozen=True)
class ContactLine:
    """A contact person of a company centre."""

    name: str
    title: str | None
    phone: str | None
    email: str | None


@dataclass(frozen=True)
class CentreEntry:
    """One company centre (virksomhedscenter) in the catalogue."""

    id: str
    name: str
    cvr: str | None
    address: str | None
    postcode: str | None
    city: str | None
    municipality: str | None
    phone: str | None
    email: str | None
    work_areas: str | None
    target_groups: str | None
    places: int | None
    visit_interval_days: int | None
    agreement_start: date | None
    agreement_end: date | None
    responsible: str
    contacts: tuple[ContactLine, ...]
    active_mentors: int

    @property
    def address_line(self) -> str:
        town = " ".join(p for p in (self.postcode, self.city) if p)
        return ", ".join(p for p in (self.address, town) if p)


@dataclass(frozen=True)
class CentreCatalogue:
    """Virksomhedscenterkatalog: every live company centre, in Danish name order."""

    centres: tuple[CentreEntry, ...]
    generated_on: date
    title: str = "Virksomhedscenterkatalog"

    @property
    def total_places(self) -> int:
        return sum(c.places or 0 for c in self.centres)


@dataclass(frozen=True)
class FollowUpLine:
    """One follow-up in a consultant's list."""

    due_on: date
    subject_kind: str
    subject_title: str
    note: str | None
    done: bool
    overdue: bool

    @property
    def week(self) -> int:
        return iso_week(self.due_on)

    @property
    def subject_kind_label(self) -> str:
        return choice_da("follow_up.subject_kind", self.subject_kind)


@dataclass(frozen=True)
class FollowUpList:
    """A consultant's follow-ups due in a period, by due date."""

    assignee_id: str | None
    assignee: str
    start: date
    end: date
    items: tuple[FollowUpLine, ...]
    generated_on: date

    @property
    def done_count(self) -> int:
        return sum(1 for f in self.items if f.done)

    @property
    def open_count(self) -> int:
        return len(self.items) - self.done_count

    @property
    def overdue_count(self) -> int:
        return sum(1 for f in self.items if f.overdue)


def _company_info(company: Company | None) -> CompanyInfo:
    if company is None:  # the company was deleted on another device; the note stays printable
        return CompanyInfo("", None, None, None, None, None, None)
    return CompanyInfo(company.name, company.cvr, company.address, company.postcode, company.city,
                       company.phone, company.email)


def visit_summary_data(
    session: Session, visit_id: str, *, names: Mapping[str, str] | None = None, today: date | None = None,
    organisation: str = "",
) -> VisitSummary:
    """Build the Besøgsreferat of one live visit; raises ValidationError if it does not exist.

    ``organisation`` (the jobcentre or municipality, e.g. "Jobcenter
    Jammerbugt") goes under the consultant's name in the sign-off.
    """
    visit = session.get(Visit, visit_id)
    if visit is None or visit.deleted:
        raise checks.not_found("visit")
    openings = session.execute(
        select(Opening.title, Opening.kind, Opening.hours_per_week, Opening.duration_weeks, Opening.starts_on,
               Opening.places, Opening.status)
        .where(Opening.visit_id == visit_id, Opening.deleted.is_(False))
        .order_by(danish(Opening.title))
    ).all()
    return VisitSummary(
        visit_id=visit.id,
        company=_company_info(session.get(Company, visit.company_id)),
        visited_at=visit.visited_at,
        kind=visit.kind,
        consultant=person(names, visit.consultant_id),
        participants=visit.participants,
        body=visit.body,
        needs=visit.needs,
        next_step=visit.next_step,
        follow_up_on=visit.follow_up_on,
        openings=tuple(OpeningLine(*row) for row in openings),
        generated_on=today or date.today(),
        signature=tuple(line for line in ((names or {}).get(visit.consultant_id or "", ""), organisation.strip())
                        if line),
    )


_CENTRE_COLUMNS = (
    Company.id, Company.name, Company.cvr, Company.address, Company.postcode, Company.city, Company.municipality,
    Company.phone, Company.email, Company.centre_work_areas, Company.centre_target_groups, Company.centre_places,
    Company.centre_visit_interval_days, Company.centre_agreement_start, Company.centre_agreement_end,
    Company.responsible_user_id,
)


def centre_catalogue_data(
    session: Session,
    *,
    team_id: str | None = None,
    names: Mapping[str, str] | None = None,
    today: date | None = None,
) -> CentreCatalogue:
    """Build the catalogue of company centres (of one team, or all teams on this device)."""
    query = select(*_CENTRE_COLUMNS).where(Company.is_centre.is_(True), Company.deleted.is_(False))
    if team_id:
        query = query.where(Company.team_id == team_id)
    rows = session.execute(query).all()
    ids = [row.id for row in rows]
    # Two queries for all centres instead of two per centre: 500 centres stay fast.
    contacts: dict[str, list[ContactLine]] = defaultdict(list)
    mentors: dict[str, int] = {}
    for start in range(0, len(ids), 500):
        chunk = ids[start : start + 500]
        for company_id, name, title, phone, email in session.execute(
            select(Contact.company_id, Contact.name, Contact.title, Contact.phone, Contact.email)
            .where(Contact.company_id.in_(chunk), Contact.deleted.is_(False))
        ):
            contacts[company_id].append(ContactLine(name, title, phone, email))
        mentors.update((company_id, count) for company_id, count in session.execute(
            select(Mentor.company_id, func.count())
            .where(Mentor.company_id.in_(chunk), Mentor.deleted.is_(False), Mentor.active.is_(True))
            .group_by(Mentor.company_id)
        ))
    entries = []
    for row in rows:
        people = sorted(contacts.get(row.id, ()), key=lambda c: danish_sort_key(c.name))
        entries.append(CentreEntry(
            row.id, row.name, row.cvr, row.address, row.postcode, row.city, row.municipality, row.phone, row.email,
            row.centre_work_areas, row.centre_target_groups, row.centre_places, row.centre_visit_interval_days,
            row.centre_agreement_start, row.centre_agreement_end, responsible=person(names, row.responsible_user_id),
            contacts=tuple(people), active_mentors=mentors.get(row.id, 0),
        ))
    entries.sort(key=lambda e: (danish_sort_key(e.name), e.id))
    return CentreCatalogue(tuple(entries), today or date.today())


def follow_up_list_data(
    session: Session,
    assignee_id: str | None,
    start: date,
    end: date,
    *,
    names: Mapping[str, str] | None = None,
    today: date | None = None,
) -> FollowUpList:
    """Build a consultant's follow-ups due from ``start`` to ``end`` (both included), done or not."""
    today = today or date.today()
    items: list[FollowUpLine] = []
    offset = 0
    while True:
        page = list_follow_ups(session, assignee_id=assignee_id, done=None, due_from=start, due_until=end,
                               offset=offset, limit=1_000)
        items += [
            FollowUpLine(r.due_on, r.subject_kind, r.subject_title, r.note, r.done, not r.done and r.due_on < today)
            for r in page.items
        ]
        offset += len(page.items)
        if not page.items or offset >= page.total:
            break
    # Stable order for equal dates too (the query sorts by date only).
    items.sort(key=lambda f: (f.due_on, danish_sort_key(f.subject_title), f.note or ""))
    return FollowUpList(assignee_id, person(names, assignee_id) or "Alle", start, end, tuple(items), today)


__all__ = [
    "CentreCatalogue",
    "CentreEntry",
    "CentreStatus",
    "CompanyInfo",
    "ConsultantStats",
    "ContactLine",
    "FollowUpLine",
    "FollowUpList",
    "OpeningKindRow",
    "OpeningLine",
    "PlacedOpening",
    "SupervisorReport",
    "VisitSummary",
    "Week",
    "centre_catalogue_data",
    "follow_up_list_data",
    "supervisor_report_data",
    "visit_summary_data",
]
