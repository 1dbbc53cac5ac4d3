"""Declarative base and the sync columns every synced entity carries."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import Boolean, DateTime, Integer, MetaData, String
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

from desktop.domain.ids import new_id

# Stable constraint names, so Alembic batch migrations on SQLite can find them.
NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


def utcnow() -> datetime:
    """The current time in UTC (only for display stamps, never for sync order)."""
    return datetime.now(UTC)


class Base(DeclarativeBase):
    """Base of all local tables."""

    metadata = MetaData(naming_convention=NAMING_CONVENTION)


class SyncColumns(Base):
    """The columns of DESIGN.md §2 that every synced record has (an abstract base: no table of its own).

    ``version`` is the server's sequence number for the row (0 until the
    server has accepted it); it is what the next mutation sends as its
    ``base_version``.
    """

    __abstract__ = True

    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)
    team_id: Mapped[str | None] = mapped_column(String(36), index=True)
    version: Mapped[int] = mapped_column(Integer, default=0, nullable=False)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    created_by: Mapped[str | None] = mapped_column(String(36))
    deleted: Mapped[bool] = mapped_column(Boolean, default=False, nullable=False)
