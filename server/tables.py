"""The server's tables (SQLAlchemy 2).

Synced records of every entity live in one ``records`` table: the shared
domain schema validates their fields, and a generic table keeps push, pull,
merge and the checksum one code path. ``meta`` remembers, per field, which
sequence number and which device last changed it: that is what tells a real
conflict from a device editing its own record twice.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import BigInteger, Boolean, DateTime, Float, ForeignKey, Index, Integer, MetaData, String, Text
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

NAMING = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING)


class Team(Base):
    """One job centre (e.g. "Jobcenter Jammerbugt")."""

    __tablename__ = "teams"
    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    name: Mapped[str] = mapped_column(String(200), unique=True)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class User(Base):
    """A consultant, supervisor or admin."""

    __tablename__ = "users"
    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    username: Mapped[str] = mapped_column(String(100), unique=True)
    full_name: Mapped[str] = mapped_column(String(200))
    email: Mapped[str | None] = mapped_column(String(254))
    role: Mapped[str] = mapped_column(String(20))
    password_hash: Mapped[str] = mapped_column(String(200))
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    # Signed in with the municipality's identity provider (server/oidc): who the provider says it is.
    oidc_issuer: Mapped[str | None] = mapped_column(String(300))
    oidc_subject: Mapped[str | None] = mapped_column(String(255))
    __table_args__ = (Index("ix_users_oidc", "oidc_issuer", "oidc_subject", unique=True),)


class Membership(Base):
    """Which teams a user belongs to (and so which data they see)."""

    __tablename__ = "memberships"
    user_id: Mapped[str] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), primary_key=True)
    team_id: Mapped[str] = mapped_column(ForeignKey("teams.id", ondelete="CASCADE"), primary_key=True)


class Token(Base):
    """A bearer token; only its SHA-256 is stored."""

    __tablename__ = "tokens"
    token_hash: Mapped[str] = mapped_column(String(64), primary_key=True)
    user_id: Mapped[str] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    device_name: Mapped[str] = mapped_column(String(200))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    expires_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    revoked_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    # A refreshed token names the one it replaces; that one is revoked when this one is first used.
    replaces: Mapped[str | None] = mapped_column(String(64), index=True)
    # A sign-in through the identity provider (oidc_sessions.id); refreshed tokens carry it on.
    oidc_session: Mapped[str | None] = mapped_column(String(36), index=True)
    # "app" (a laptop's token, for the API) or "console" (a web console session, for /admin only).
    scope: Mapped[str] = mapped_column(String(10), default="app", server_default="app")


class OidcSession(Base):
    """One sign-in through the identity provider: its refresh token reads the user's groups at each refresh."""

    __tablename__ = "oidc_sessions"
    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    user_id: Mapped[str] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    refresh_token: Mapped[str | None] = mapped_column(Text)  # the provider's (None: it gave none)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    checked_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))  # the groups were last read then


class Device(Base):
    """The last mutation id applied per (user, device): what makes replays harmless."""

    __tablename__ = "devices"
    user_id: Mapped[str] = mapped_column(String(36), primary_key=True)
    device_id: Mapped[str] = mapped_column(String(64), primary_key=True)
    last_mutation_id: Mapped[int] = mapped_column(BigInteger, default=0)
    last_seen: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))


class Record(Base):
    """One synced record of any entity, with its fields as JSON (the wire form)."""

    __tablename__ = "records"
    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    entity: Mapped[str] = mapped_column(String(20))
    team_id: Mapped[str] = mapped_column(String(36))
    version: Mapped[int] = mapped_column(BigInteger, unique=True)
    deleted: Mapped[bool] = mapped_column(Boolean, default=False)
    deleted_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    fields: Mapped[str] = mapped_column(Text)
    meta: Mapped[str] = mapped_column(Text, default="{}")
    review_state: Mapped[str | None] = mapped_column(String(20))
    __table_args__ = (
        Index("ix_records_team_version", "team_id", "version"),
        Index("ix_records_entity_review", "entity", "review_state"),
    )


class CompanyMerge(Base):
    """A company merged into another (one CVR per team, or a manual merge): references to the duplicate
    that arrive later are applied to the survivor."""

    __tablename__ = "company_merges"
    duplicate_id: Mapped[str] = mapped_column(String(36), primary_key=True)
    surviving_id: Mapped[str] = mapped_column(String(36), index=True)
    team_id: Mapped[str] = mapped_column(String(36))
    kind: Mapped[str] = mapped_column(String(10))  # "cvr"
    version: Mapped[int] = mapped_column(BigInteger)  # the sequence number of the merge
    merged_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    merged_by: Mapped[str | None] = mapped_column(String(36))


class TeamExit(Base):
    """A record moved out of a team: those who could see only the old team get a delete."""

    __tablename__ = "team_exits"
    seq: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=False)
    entity: Mapped[str] = mapped_column(String(20))
    record_id: Mapped[str] = mapped_column(String(36))
    old_team_id: Mapped[str] = mapped_column(String(36))
    __table_args__ = (Index("ix_team_exits_team_seq", "old_team_id", "seq"),)


class Counter(Base):
    """Named counters: ``seq`` (the sync sequence) and ``tombstone_horizon``."""

    __tablename__ = "counters"
    name: Mapped[str] = mapped_column(String(40), primary_key=True)
    value: Mapped[int] = mapped_column(BigInteger, default=0)


class TeamStats(Base):
    """Live-record count and XOR checksum per team and entity, kept incrementally."""

    __tablename__ = "team_stats"
    team_id: Mapped[str] = mapped_column(String(36), primary_key=True)
    entity: Mapped[str] = mapped_column(String(20), primary_key=True)
    count: Mapped[int] = mapped_column(BigInteger, default=0)
    checksum: Mapped[int] = mapped_column(BigInteger, default=0)  # signed 64-bit view of the XOR


class AuditEntry(Base):
    """Who changed what, when, from which device; also refused attempts."""

    __tablename__ = "audit_log"
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    at: Mapped[datetime] = mapped_column(DateTime(timezone=True), index=True)
    user_id: Mapped[str | None] = mapped_column(String(36), index=True)
    device_id: Mapped[str | None] = mapped_column(String(64))
    action: Mapped[str] = mapped_column(String(40), index=True)
    entity: Mapped[str | None] = mapped_column(String(20))
    entity_id: Mapped[str | None] = mapped_column(String(36), index=True)
    team_id: Mapped[str | None] = mapped_column(String(36), index=True)
    detail: Mapped[str | None] = mapped_column(Text)


class LoginLimit(Base):
    """Failed logins per key (a keyed hash of the pair, user, address or device), shared by every worker."""

    __tablename__ = "login_limits"
    key: Mapped[str] = mapped_column(String(64), primary_key=True)
    failures: Mapped[int] = mapped_column(Integer, default=0)  # in the window that began at window_start
    window_start: Mapped[float] = mapped_column(Float)  # seconds since the epoch
    lockouts: Mapped[int] = mapped_column(Integer, default=0)  # in a row; each lasts twice the one before
    locked_until: Mapped[float] = mapped_column(Float, default=0.0)
    expires_at: Mapped[float] = mapped_column(Float, index=True)  # after this the row counts for nothing


class LoginDevice(Base):
    """A device (keyed hash of the key it sends) that has signed a user in: a *known device*."""

    __tablename__ = "login_devices"
    user_id: Mapped[str] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), primary_key=True)
    device_key: Mapped[str] = mapped_column(String(64), primary_key=True)
    first_seen: Mapped[float] = mapped_column(Float)


class ServerSecret(Base):
    """Secrets made at install (the limiter's HMAC key)."""

    __tablename__ = "server_secrets"
    name: Mapped[str] = mapped_column(String(40), primary_key=True)
    value: Mapped[str] = mapped_column(String(200))


class TeamDeparture(Base):
    """When a user's real membership of a team ended (what the push grace period reads)."""

    __tablename__ = "team_departures"
    user_id: Mapped[str] = mapped_column(String(36), primary_key=True)
    team_id: Mapped[str] = mapped_column(String(36), primary_key=True)
    left_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
