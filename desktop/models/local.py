"""Local-only tables: the outbox of unsent changes and the sync state."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import DateTime, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from desktop.models.base import Base, utcnow

PENDING = "pending"
REJECTED = "rejected"


class OutboxEntry(Base):
    """One local change waiting to be pushed (DESIGN.md §4 mutation).

    ``mutation_id`` is an AUTOINCREMENT key: SQLite never reuses it, even after
    sent rows are deleted, so ids increase by one per device for as long as
    the database lives, and a rolled-back write does not consume one.
    """

    __tablename__ = "outbox"
    __table_args__ = {"sqlite_autoincrement": True}
    mutation_id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    entity: Mapped[str] = mapped_column(String(40))
    entity_id: Mapped[str] = mapped_column(String(36), index=True)
    op: Mapped[str] = mapped_column(String(10))  # upsert | delete
    base_version: Mapped[int] = mapped_column(Integer, default=0)
    fields: Mapped[str] = mapped_column(Text, default="{}")  # JSON, wire form
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    state: Mapped[str] = mapped_column(String(10), default=PENDING, index=True)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    last_error: Mapped[str | None] = mapped_column(Text)


class SyncState(Base):
    """Small key/value store: device id, pull cursor, last sync, signed-in user."""

    __tablename__ = "sync_state"
    key: Mapped[str] = mapped_column(String(60), primary_key=True)
    value: Mapped[str | None] = mapped_column(Text)



class Receipt(Base):
    """Proof of receipt: the server's answer to this device's newest accepted change of a record.

    ``server_time`` is the server's own clock in its push answer (ISO 8601, UTC),
    ``version`` the record's version it returned (None for a replay the server
    had already applied), ``mutation_id`` the local outbox id it answered for
    (so a later refusal of the same record can be told from an older receipt).
    """

    __tablename__ = "receipt"
    entity_id: Mapped[str] = mapped_column(String(36), primary_key=True)
    entity: Mapped[str] = mapped_column(String(40))
    mutation_id: Mapped[int] = mapped_column(Integer)
    version: Mapped[int | None] = mapped_column(Integer)
    server_time: Mapped[str] = mapped_column(String(40))
