"""Ending a device's access to a team's data: first it hands in its work, then it wipes.

DESIGN.md §6 promises that revoked access removes the data from the device on
its next sync, and §4 that nothing typed is lost. Both hold like this:

* **A user leaves a team** (``remove-member``). The token stays valid. Pull and
  summary at once show only the remaining teams (``summary.teams``). For
  :data:`GRACE_DAYS` after the removal (``team_departures`` records when a real
  membership ended; removing a non-member is refused and grants nothing), a push may still write to the team left, so
  the device's unsent changes are accepted. The app pushes its outbox, then
  deletes every local row of a team missing from ``summary.teams``.
* **A token is revoked** (``revoke`` for all of a user's devices,
  ``revoke-device`` for one) **or the user is disabled**. Pull and summary
  answer 401 as before. A disabled user may not write at all, from that
  moment: their device still learns it is closing and wipes, but a push gets
  401 (what it had not sent is not taken in). The device then asks ``GET /sync/access``, which
  answers ``{"state": "closing"}`` for such a token; the token may still push
  (to the teams the user has or left within the grace period) for
  :data:`GRACE_DAYS` after the revocation, nothing else. The app pushes its
  outbox, deletes all synced data, and confirms with ``POST
  /sync/access/wiped``, which deletes the token for good. After the grace
  period a push gets 401 and the app wipes anyway: a revoked laptop must not
  keep the data just because it stayed offline.
* An **expired** token is not a revocation: 401 everywhere, the user signs in
  again, and nothing is wiped.

The trade-off: during the grace period a revoked token can still push (never
read) into teams it had; every such push is in the audit log.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import UTC, datetime, timedelta
from typing import NoReturn

from fastapi import Depends, HTTPException, Request
from fastapi.security import HTTPAuthorizationCredentials
from sqlalchemy import Connection, Engine, delete, select

from server.admin import device_key
from server.deps import AUTH_FAILED, CurrentUser, bearer, current_user, engine, note_user
from server.security import token_hash, utcnow
from server.store import audit, audit_rows
from server.tables import AuditEntry, Membership, TeamDeparture, Token, User
from server.tokens import APP_SCOPE, first_use

GRACE_DAYS = 14
ACTIVE, CLOSING = "active", "closing"


@dataclass(frozen=True)
class DeviceAccess:
    """A token as the access rules see it: whose, in which state, allowed to push where."""

    user: CurrentUser  # ``teams``: the teams a push may write to (current ones and those left lately)
    state: str  # ACTIVE or CLOSING
    current_teams: tuple[str, ...]
    may_push: bool


def _aware(value: datetime | None) -> datetime | None:
    return value if value is None or value.tzinfo else value.replace(tzinfo=UTC)


def _when(value: datetime) -> datetime:
    """A stored time that is never empty, as an aware datetime (SQLite gives it back naive)."""
    return value if value.tzinfo else value.replace(tzinfo=UTC)


REVOKE_ACTIONS = ("admin:revoke", "admin:revoke_device")


def _history(conn: Connection, user_id: str, digest: str) -> list[tuple[str, str | None, datetime]]:
    # Audit and departure rows always carry their time: _aware() of a real datetime is a datetime.
    """The admin actions that end access: this user's revocations, this token's revocation, and the
    user's ended memberships (only real ones: ``team_departures``, never an audit row)."""
    revocations: list[tuple[str, str | None, datetime]] = [(a, t, _when(at)) for a, t, at in conn.execute(
        select(AuditEntry.action, AuditEntry.team_id, AuditEntry.at).where(
            AuditEntry.entity_id.in_([user_id, device_key(digest)]), AuditEntry.action.in_(REVOKE_ACTIONS))
    )]
    departures: list[tuple[str, str | None, datetime]] = [("left_team", t, _when(at)) for t, at in conn.execute(
        select(TeamDeparture.team_id, TeamDeparture.left_at).where(TeamDeparture.user_id == user_id))]
    return revocations + departures


def resolve(db: Engine, credentials: HTTPAuthorizationCredentials | None) -> DeviceAccess | None:
    """The access of the bearer token; None for a missing, unknown or merely expired, refreshed or logged-out one.

    A revoked token counts as *closing* only when an admin revoked it (the
    ``admin:revoke`` of its user after it was made, or ``admin:revoke_device``
    of this token): a token replaced by a refresh or ended by a logout does not
    make a device wipe itself.
    """
    if credentials is None or not credentials.credentials:
        return None
    digest = token_hash(credentials.credentials)
    now = utcnow()
    with db.connect() as conn:
        rows = conn.execute(
            select(User.id, User.username, User.full_name, User.role, User.active, Token.created_at,
                   Token.expires_at, Token.revoked_at, Token.replaces, Membership.team_id)
            .join(Token, Token.user_id == User.id)
            .join(Membership, Membership.user_id == User.id, isouter=True)
            .where(Token.token_hash == digest, Token.scope == APP_SCOPE)  # a console session syncs nothing
        ).all()
        if not rows:
            return None
        row = rows[0]
        history = _history(conn, row.id, digest)
    created, revoked = _when(row.created_at), _aware(row.revoked_at)
    by_admin = revoked is not None and any(
        action == "admin:revoke_device" or (action == "admin:revoke" and at >= created)
        for action, _team, at in history)
    closing = not row.active or by_admin
    expired = _when(row.expires_at) <= now
    if not closing and (expired or revoked is not None):
        return None
    if row.replaces and not closing and not expired:  # a refreshed token's first use ends the old one
        first_use(db, digest, row.replaces)
    current = tuple(sorted({r.team_id for r in rows if r.team_id is not None}))
    grace = now - timedelta(days=GRACE_DAYS)
    left = {team for action, team, at in history if action == "left_team" and at >= grace and team}
    # Disabled means no write at once (a revoked laptop may still hand in its work for a while).
    may_push = row.active and not expired and (revoked is None or revoked >= grace)
    user = CurrentUser(row.id, row.username, row.full_name, row.role, tuple(sorted(set(current) | left)), digest)
    return DeviceAccess(user, CLOSING if closing else ACTIVE, current, may_push)


def _refuse(request: Request, credentials: HTTPAuthorizationCredentials | None, db: Engine) -> NoReturn:
    # The usual dependency refuses (and audits the attempt) exactly as every other endpoint does.
    current_user(request=request, credentials=credentials, db=db)
    raise HTTPException(401, AUTH_FAILED, headers={"WWW-Authenticate": "Bearer"})


def device_access(request: Request, credentials: HTTPAuthorizationCredentials | None = Depends(bearer),
                  db: Engine = Depends(engine)) -> DeviceAccess:
    """Dependency: the token's access, also for a token an admin revoked or a disabled user's."""
    access = resolve(db, credentials)
    if access is None:
        _refuse(request, credentials, db)
    note_user(request, access.user.id)
    return access


def pushing_user(request: Request, credentials: HTTPAuthorizationCredentials | None = Depends(bearer),
                 db: Engine = Depends(engine)) -> CurrentUser:
    """Dependency of ``POST /sync/push``: a valid token, or a closing one within its grace period.

    ``teams`` includes the teams the user left within the grace period, so the
    device's unsent changes there are accepted before it wipes them.
    """
    access = resolve(db, credentials)
    if access is None or not access.may_push:
        _refuse(request, credentials, db)
    note_user(request, access.user.id)
    return access.user


def confirm_wiped(db: Engine, access: DeviceAccess, device_id: str | None) -> None:
    """The device has wiped: a closing token is deleted (it can do nothing more); audited either way."""
    with db.execution_options(write=True).begin() as conn:
        if access.state == CLOSING:
            conn.execute(delete(Token).where(Token.token_hash == access.user.token_hash))
        audit_rows(conn, [audit(access.user.id, "device:wiped", device_id=(device_id or "")[:64] or None,
                                detail=access.state)])


def as_current(access: DeviceAccess) -> CurrentUser:
    """The user with only their current teams (what they may keep on the device)."""
    return replace(access.user, teams=access.current_teams)
