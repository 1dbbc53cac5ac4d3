"""SQLAlchemy models of the synced entities (DESIGN.md §2).

Column names are the wire names. ``tests/models/test_schema_matches.py``
checks that every field of ``desktop.domain.schema`` has a column here with a
matching type, so the two can never drift apart.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import cast

from sqlalchemy import Boolean, Date, DateTime, Float, Index, Integer, String, Table, Text, column, text
from sqlalchemy.orm import Mapped, mapped_column

from desktop.models.base import Base, SyncColumns
from desktop.models.collation import danish

# Foreign keys are not declared between synced tables on purpose: pulled pages
# arrive in server order, and a visit may arrive before the company it points
# at was moved into this device's teams. References are checked by the
# operations (local writes) and by the server instead.


class Company(SyncColumns, Base):
    """A company (virksomhed), possibly a company centre (virksomhedscenter)."""

    __tablename__ = "company"
    __table_args__ = (
        Index("ix_company_live_name_da", "deleted", danish(column("name"))),
        Index("ix_company_centres", "name", sqlite_where=text("is_centre = 1 AND deleted = 0")),
    )
    name: Mapped[str] = mapped_column(String(200), index=True)
    cvr: Mapped[str | None] = mapped_column(String(8), index=True)
    address: Mapped[str | None] = mapped_column(String(200))
    postcode: Mapped[str | None] = mapped_column(String(4))
    city: Mapped[str | None] = mapped_column(String(200))
    municipality: Mapped[str | None] = mapped_column(String(200), index=True)
    industry: Mapped[str | None] = mapped_column(String(200))
    phone: Mapped[str | None] = mapped_column(String(20))
    email: Mapped[str | None] = mapped_column(String(254))
    website: Mapped[str | None] = mapped_column(String(200))
    notes: Mapped[str | None] = mapped_column(Text)
    responsible_user_id: Mapped[str | None] = mapped_column(String(36), index=True)
    is_centre: Mapped[bool] = mapped_column(Boolean, default=False)
    centre_work_areas: Mapped[str | None] = mapped_column(Text)
    centre_target_groups: Mapped[str | None] = mapped_column(Text)
    centre_places: Mapped[int | None] = mapped_column(Integer)
    centre_visit_interval_days: Mapped[int | None] = mapped_column(Integer, default=21)
    centre_agreement_start: Mapped[date | None] = mapped_column(Date)
    centre_agreement_end: Mapped[date | None] = mapped_column(Date)


class Contact(SyncColumns, Base):
    """A contact person at a company."""

    __tablename__ = "contact"
    company_id: Mapped[str] = mapped_column(String(36), index=True)
    name: Mapped[str] = mapped_column(String(200))
    title: Mapped[str | None] = mapped_column(String(200))
    phone: Mapped[str | None] = mapped_column(String(20))
    email: Mapped[str | None] = mapped_column(String(254))


class Mentor(SyncColumns, Base):
    """A trained company mentor (virksomhedsmentor)."""

    __tablename__ = "mentor"
    __table_args__ = (Index("ix_mentor_live_name_da", "deleted", danish(column("name"))),)
    company_id: Mapped[str] = mapped_column(String(36), index=True)
    name: Mapped[str] = mapped_column(String(200))
    title: Mapped[str | None] = mapped_column(String(200))
    phone: Mapped[str | None] = mapped_column(String(20))
    email: Mapped[str | None] = mapped_column(String(254))
    trained_on: Mapped[date | None] = mapped_column(Date)
    capacity: Mapped[int | None] = mapped_column(Integer, default=1)
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    notes: Mapped[str | None] = mapped_column(Text)


class Visit(SyncColumns, Base):
    """A company visit note (virksomhedsbesøg)."""

    __tablename__ = "visit"
    __table_args__ = (
        Index("ix_visit_live_visited_at", "deleted", "visited_at"),
        Index("ix_visit_company_live", "company_id", "deleted", "visited_at"),
    )
    company_id: Mapped[str] = mapped_column(String(36), index=True)
    consultant_id: Mapped[str | None] = mapped_column(String(36), index=True)
    visited_at: Mapped[date] = mapped_column(Date, index=True)
    kind: Mapped[str | None] = mapped_column(String(20), default="first_contact")
    participants: Mapped[str | None] = mapped_column(Text)
    body: Mapped[str | None] = mapped_column(Text)
    needs: Mapped[str | None] = mapped_column(Text)
    next_step: Mapped[str | None] = mapped_column(Text)
    follow_up_on: Mapped[date | None] = mapped_column(Date)
    status: Mapped[str | None] = mapped_column(String(10), default="draft")


class Opening(SyncColumns, Base):
    """A small-job, internship or other opening (jobåbning)."""

    __tablename__ = "opening"
    __table_args__ = (Index("ix_opening_live_title_da", "deleted", danish(column("title"))),)
    company_id: Mapped[str] = mapped_column(String(36), index=True)
    visit_id: Mapped[str | None] = mapped_column(String(36))
    title: Mapped[str] = mapped_column(String(200))
    job_functions: Mapped[str | None] = mapped_column(Text)
    kind: Mapped[str] = mapped_column(String(30))
    hours_per_week: Mapped[float | None] = mapped_column(Float)
    duration_weeks: Mapped[int | None] = mapped_column(Integer)
    starts_on: Mapped[date | None] = mapped_column(Date)
    places: Mapped[int | None] = mapped_column(Integer, default=1)
    target_group: Mapped[str | None] = mapped_column(Text)
    accommodations: Mapped[str | None] = mapped_column(Text)
    mentor_id: Mapped[str | None] = mapped_column(String(36))
    status: Mapped[str | None] = mapped_column(String(20), default="open", index=True)


class FollowUp(SyncColumns, Base):
    """A planned follow-up (opfølgning) on a company, visit or opening."""

    __tablename__ = "follow_up"
    __table_args__ = (Index("ix_follow_up_live_due_on", "deleted", "done", "due_on"),)
    due_on: Mapped[date] = mapped_column(Date, index=True)
    subject_kind: Mapped[str] = mapped_column(String(20))
    subject_id: Mapped[str] = mapped_column(String(36), index=True)
    assignee_id: Mapped[str | None] = mapped_column(String(36), index=True)
    note: Mapped[str | None] = mapped_column(Text)
    done: Mapped[bool] = mapped_column(Boolean, default=False)
    auto_key: Mapped[str | None] = mapped_column(String(40))


class Review(SyncColumns, Base):
    """Local copy of a supervisor's verdict on a visit (server-owned, append-only)."""

    __tablename__ = "review"
    visit_id: Mapped[str] = mapped_column(String(36), index=True)
    state: Mapped[str] = mapped_column(String(20))
    comment: Mapped[str | None] = mapped_column(Text)
    reviewer_id: Mapped[str | None] = mapped_column(String(36))
    reviewed_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))


class Conflict(SyncColumns, Base):
    """A field both sides changed; the server kept one value, this keeps the other."""

    __tablename__ = "conflict"
    entity: Mapped[str] = mapped_column(String(40))
    record_id: Mapped[str] = mapped_column(String(36), index=True)
    field: Mapped[str] = mapped_column(String(60))
    kept_value: Mapped[str | None] = mapped_column(Text)
    lost_value: Mapped[str | None] = mapped_column(Text)
    kept_by: Mapped[str | None] = mapped_column(String(36))
    lost_by: Mapped[str | None] = mapped_column(String(36))
    resolved: Mapped[bool] = mapped_column(Boolean, default=False)


MODELS: dict[str, type[SyncColumns]] = {
    m.__tablename__: m
    for m in (Company, Contact, Mentor, Visit, Opening, FollowUp, Review, Conflict)
}
# Each entity's Table, for the bulk paths that write without the ORM (a declarative class's
# ``__table__`` is typed as any FromClause; for these classes it is always a Table).
TABLES: dict[str, Table] = {entity: cast(Table, model.__table__) for entity, model in MODELS.items()}
