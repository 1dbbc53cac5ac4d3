"""The read path: paged, sorted lists as plain dataclasses (one record's details: record_queries.py).

Screens and reports read through these functions only, so they never hold
live ORM objects (which would tie them to a session and a thread).
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any, Generic, TypeVar

from sqlalchemy import Select, func, literal_column, select
from sqlalchemy.orm import Session

from desktop.domain.schema import ENTITIES
from desktop.models.collation import danish
from desktop.models.entities import (
    Company,
    Conflict,
    Contact,
    FollowUp,
    Mentor,
    Opening,
    Review,
    Visit,
)
from desktop.models.record_queries import record_title
from desktop.models.search import SEARCH_CAP, matching_ids, search_filter

T = TypeVar("T")

AnySelect = Select[*tuple[Any, ...]]  # a SELECT of any columns


@dataclass(frozen=True)
class Page(Generic[T]):
    """One page of a list: its rows and how many rows the whole list has."""

    items: list[T]
    total: int
    offset: int = 0
    limit: int = 100

    @property
    def capped(self) -> bool:
        """True when a search matched more rows than it returns (shown as "2.000+")."""
        return self.total >= SEARCH_CAP


@dataclass(frozen=True)
class CompanyRow:
    id: str
    name: str
    cvr: str | None
    city: str | None
    municipality: str | None
    industry: str | None
    phone: str | None
    is_centre: bool
    responsible_user_id: str | None


@dataclass(frozen=True)
class VisitRow:
    id: str
    company_id: str
    company_name: str
    visited_at: date
    kind: str | None
    status: str | None
    consultant_id: str | None
    excerpt: str
    review_state: str | None


@dataclass(frozen=True)
class OpeningRow:
    id: str
    company_id: str
    company_name: str
    title: str
    kind: str
    hours_per_week: float | None
    duration_weeks: int | None
    starts_on: date | None
    places: int | None
    status: str | None


@dataclass(frozen=True)
class MentorRow:
    id: str
    company_id: str
    company_name: str
    name: str
    title: str | None
    phone: str | None
    email: str | None
    trained_on: date | None
    capacity: int | None
    active: bool


@dataclass(frozen=True)
class ContactRow:
    id: str
    company_id: str
    name: str
    title: str | None
    phone: str | None
    email: str | None


@dataclass(frozen=True)
class FollowUpRow:
    id: str
    due_on: date
    subject_kind: str
    subject_id: str
    subject_title: str
    note: str | None
    done: bool
    assignee_id: str | None
    auto_key: str | None
    company_name: str = ""  # the company the follow-up concerns (directly, or through its opening or visit)


@dataclass(frozen=True)
class ConflictRow:
    id: str
    entity: str
    record_id: str
    field: str
    kept_value: str | None
    lost_value: str | None
    kept_by: str | None
    lost_by: str | None
    resolved: bool
    record_title: str


def _page(session: Session, query: AnySelect, sort_column: Any, descending: bool, offset: int,
          limit: int) -> tuple[Sequence[Any], int]:
    # Count on the listed table alone with the same WHERE: no display columns
    # (their per-row subqueries) and no outer join (it cannot change the count).
    table = query.get_final_froms()[0]
    while hasattr(table, "left"):
        table = table.left
    count = select(func.count()).select_from(table)
    if query.whereclause is not None:
        count = count.where(query.whereclause)
    total = session.execute(count).scalar_one()
    order = sort_column.desc() if descending else sort_column.asc()
    rows = session.execute(query.order_by(order).offset(offset).limit(limit)).all()
    return rows, total


def _sort(model: Any, sort: str, default: str) -> Any:
    name = sort if sort in ENTITIES[model.__tablename__].field_map else default
    column = getattr(model, name)
    return danish(column) if name in ("name", "title") else column


def _with_search(query: AnySelect, model: Any, search: str, session: Session | None = None) -> AnySelect:
    """``query`` narrowed to the records matching ``search``.

    With a session the matching ids are looked up once, here, and passed as one
    JSON parameter (``json_each``), so the count and the page do not each run the
    full-text search again (issue 22: search-as-you-type p95 < 50 ms).
    """
    if not search:
        return query
    if session is None:
        ids = search_filter(search, model.__tablename__)
        return query if ids is None else query.where(model.id.in_(select(ids.c.entity_id)))
    found = matching_ids(session, search, model.__tablename__)
    if found is None:
        return query
    listed: Select[tuple[str]] = select(literal_column("value")).select_from(func.json_each(json.dumps(found)))
    return query.where(model.id.in_(listed))


def list_companies(
    session: Session,
    *,
    search: str = "",
    is_centre: bool | None = None,
    municipality: str | None = None,
    responsible_user_id: str | None = None,
    sort: str = "name",
    descending: bool = False,
    offset: int = 0,
    limit: int = 100,
) -> Page[CompanyRow]:
    """Companies, filtered by search words, centre or not, municipality, owner."""
    cols = [getattr(Company, f) for f in CompanyRow.__dataclass_fields__]
    query = select(*cols).where(Company.deleted.is_(False))
    if is_centre is not None:
        query = query.where(Company.is_centre.is_(is_centre))
    if municipality:
        query = query.where(Company.municipality == municipality)
    if responsible_user_id:
        query = query.where(Company.responsible_user_id == responsible_user_id)
    query = _with_search(query, Company, search, session)
    rows, total = _page(session, query, _sort(Company, sort, "name"), descending, offset, limit)
    return Page([CompanyRow(*r) for r in rows], total, offset, limit)


def latest_review_state(visit_id_column: Any) -> Any:
    """A scalar subquery: the newest review state of the visit (reviews are append-only)."""
    return (
        select(Review.state)
        .where(Review.visit_id == visit_id_column, Review.deleted.is_(False))
        .order_by(Review.version.desc())
        .limit(1)
        .scalar_subquery()
    )


def list_visits(
    session: Session,
    *,
    search: str = "",
    company_id: str | None = None,
    consultant_id: str | None = None,
    status: str | None = None,
    since: date | None = None,
    until: date | None = None,
    sort: str = "visited_at",
    descending: bool = True,
    offset: int = 0,
    limit: int = 100,
) -> Page[VisitRow]:
    """Visit notes, newest first, with their company's name and review state."""
    query = (
        select(
            Visit.id,
            Visit.company_id,
            func.coalesce(Company.name, ""),
            Visit.visited_at,
            Visit.kind,
            Visit.status,
            Visit.consultant_id,
            func.coalesce(func.substr(Visit.body, 1, 160), ""),
            latest_review_state(Visit.id),
        )
        .outerjoin(Company, Company.id == Visit.company_id)
        .where(Visit.deleted.is_(False))
    )
    for column, value in ((Visit.company_id, company_id), (Visit.consultant_id, consultant_id),
                          (Visit.status, status)):
        if value:
            query = query.where(column == value)
    if since:
        query = query.where(Visit.visited_at >= since)
    if until:
        query = query.where(Visit.visited_at <= until)
    query = _with_search(query, Visit, search, session)
    rows, total = _page(session, query, _sort(Visit, sort, "visited_at"), descending, offset, limit)
    return Page([VisitRow(*r) for r in rows], total, offset, limit)


def list_openings(
    session: Session,
    *,
    search: str = "",
    company_id: str | None = None,
    status: str | None = None,
    kind: str | None = None,
    visit_id: str | None = None,
    sort: str = "title",
    descending: bool = False,
    offset: int = 0,
    limit: int = 100,
) -> Page[OpeningRow]:
    """Openings with their company's name, filtered by company, status, kind, the visit they came from."""
    query = (
        select(
            Opening.id, Opening.company_id, func.coalesce(Company.name, ""), Opening.title, Opening.kind,
            Opening.hours_per_week, Opening.duration_weeks, Opening.starts_on, Opening.places,
            Opening.status,
        )
        .outerjoin(Company, Company.id == Opening.company_id)
        .where(Opening.deleted.is_(False))
    )
    for column, value in ((Opening.company_id, company_id), (Opening.status, status), (Opening.kind, kind),
                          (Opening.visit_id, visit_id)):
        if value:
            query = query.where(column == value)
    query = _with_search(query, Opening, search, session)
    rows, total = _page(session, query, _sort(Opening, sort, "title"), descending, offset, limit)
    return Page([OpeningRow(*r) for r in rows], total, offset, limit)


def list_mentors(
    session: Session,
    *,
    search: str = "",
    company_id: str | None = None,
    active: bool | None = None,
    sort: str = "name",
    descending: bool = False,
    offset: int = 0,
    limit: int = 100,
) -> Page[MentorRow]:
    """Company mentors with their company's name."""
    query = (
        select(
            Mentor.id, Mentor.company_id, func.coalesce(Company.name, ""), Mentor.name, Mentor.title,
            Mentor.phone, Mentor.email, Mentor.trained_on, Mentor.capacity, Mentor.active,
        )
        .outerjoin(Company, Company.id == Mentor.company_id)
        .where(Mentor.deleted.is_(False))
    )
    if company_id:
        query = query.where(Mentor.company_id == company_id)
    if active is not None:
        query = query.where(Mentor.active.is_(active))
    query = _with_search(query, Mentor, search, session)
    rows, total = _page(session, query, _sort(Mentor, sort, "name"), descending, offset, limit)
    return Page([MentorRow(*r) for r in rows], total, offset, limit)


def list_contacts(session: Session, company_id: str) -> list[ContactRow]:
    """A company's contact persons, by name."""
    rows = session.execute(
        select(Contact.id, Contact.company_id, Contact.name, Contact.title, Contact.phone, Contact.email)
        .where(Contact.company_id == company_id, Contact.deleted.is_(False))
        .order_by(danish(Contact.name))
    ).all()
    return [ContactRow(*r) for r in rows]


def _subject_title() -> Any:
    return func.coalesce(
        select(Company.name).where(Company.id == FollowUp.subject_id).scalar_subquery(),
        select(Opening.title).where(Opening.id == FollowUp.subject_id).scalar_subquery(),
        select(Company.name)
        .join(Visit, Visit.company_id == Company.id)
        .where(Visit.id == FollowUp.subject_id)
        .scalar_subquery(),
        "",
    )


def _subject_company() -> Any:
    return func.coalesce(
        select(Company.name).where(Company.id == FollowUp.subject_id).scalar_subquery(),
        select(Company.name)
        .join(Opening, Opening.company_id == Company.id)
        .where(Opening.id == FollowUp.subject_id)
        .scalar_subquery(),
        select(Company.name)
        .join(Visit, Visit.company_id == Company.id)
        .where(Visit.id == FollowUp.subject_id)
        .scalar_subquery(),
        "",
    )


def list_follow_ups(
    session: Session,
    *,
    assignee_id: str | None = None,
    done: bool | None = False,
    due_until: date | None = None,
    due_from: date | None = None,
    subject_id: str | None = None,
    sort: str = "due_on",
    descending: bool = False,
    offset: int = 0,
    limit: int = 100,
) -> Page[FollowUpRow]:
    """Follow-ups, by due date; by default the open ones."""
    query = select(
        FollowUp.id, FollowUp.due_on, FollowUp.subject_kind, FollowUp.subject_id, _subject_title(),
        FollowUp.note, FollowUp.done, FollowUp.assignee_id, FollowUp.auto_key, _subject_company(),
    ).where(FollowUp.deleted.is_(False))
    if assignee_id:
        query = query.where(FollowUp.assignee_id == assignee_id)
    if done is not None:
        query = query.where(FollowUp.done.is_(done))
    if due_until:
        query = query.where(FollowUp.due_on <= due_until)
    if due_from:
        query = query.where(FollowUp.due_on >= due_from)
    if subject_id:
        query = query.where(FollowUp.subject_id == subject_id)
    rows, total = _page(session, query, _sort(FollowUp, sort, "due_on"), descending, offset, limit)
    return Page([FollowUpRow(*r) for r in rows], total, offset, limit)


def list_conflicts(session: Session, *, resolved: bool | None = False) -> list[ConflictRow]:
    """Conflicts the server reported, newest first."""
    query = select(
        Conflict.id, Conflict.entity, Conflict.record_id, Conflict.field, Conflict.kept_value,
        Conflict.lost_value, Conflict.kept_by, Conflict.lost_by, Conflict.resolved,
    ).where(Conflict.deleted.is_(False))
    if resolved is not None:
        query = query.where(Conflict.resolved.is_(resolved))
    out = []
    for row in session.execute(query.order_by(Conflict.version.desc())).all():
        out.append(ConflictRow(*row, record_title=record_title(session, row.entity, row.record_id)))
    return out


def municipalities(session: Session) -> list[str]:
    """The municipalities companies are registered in (for a filter box)."""
    return [
        name for name in session.execute(
            select(Company.municipality)
            .where(Company.deleted.is_(False), Company.municipality.is_not(None))
            .distinct()
            .order_by(danish(Company.municipality))
        ).scalars() if name is not None
    ]

