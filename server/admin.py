"""Administration used by both the admin CLI and the admin endpoints."""

from __future__ import annotations

import uuid
from datetime import timedelta
from typing import Any

from sqlalchemy import Connection, delete, func, insert, select, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert

from desktop.domain.protocol import TOMBSTONE_DAYS
from server.passwords import password_problem
from server.restore import ensure_era
from server.security import hash_password, utcnow
from server.store import audit, audit_rows
from server.tables import Counter, Membership, Record, Team, TeamDeparture, TeamExit, Token, User

ROLES = ("consultant", "supervisor", "admin")


class AdminError(Exception):
    """A refused admin action, with a message for the operator."""


class WeakPassword(AdminError):
    """A password the server refuses (NIST SP 800-63B rules, server/passwords.py); the message is Danish."""


def check_password(password: str, username: str, role: str) -> None:
    """Raise :class:`WeakPassword` for a password that is too short, common, breached or the username."""
    problem = password_problem(password, username, role)
    if problem:
        raise WeakPassword(problem)


def ensure_counters(conn: Connection) -> None:
    """Create the sequence counters on a fresh database."""
    for name in ("seq", "tombstone_horizon"):
        if conn.execute(select(Counter.name).where(Counter.name == name)).first() is None:
            conn.execute(insert(Counter).values(name=name, value=0))
    ensure_era(conn)


def create_team(conn: Connection, name: str, actor: str | None = None) -> str:
    """Create a team (one per job centre); returns its id."""
    name = name.strip()
    if not name:
        raise AdminError("A team needs a name.")
    if conn.execute(select(Team.id).where(Team.name == name)).first():
        raise AdminError(f"A team called {name!r} exists already.")
    team_id = str(uuid.uuid4())
    conn.execute(insert(Team).values(id=team_id, name=name, created_at=utcnow()))
    audit_rows(conn, [audit(actor, "admin:create_team", entity="team", entity_id=team_id)])
    return team_id


def find_user(conn: Connection, user: str) -> str:
    """A user id from an id or a username."""
    found = conn.execute(select(User.id).where((User.id == user) | (User.username == user))).scalar()
    if found is None:
        raise AdminError(f"No user {user!r}.")
    return found


def find_team(conn: Connection, team: str) -> str:
    """A team id from an id or a name."""
    found = conn.execute(select(Team.id).where((Team.id == team) | (Team.name == team))).scalar()
    if found is None:
        raise AdminError(f"No team {team!r}.")
    return found


def create_user(
    conn: Connection, username: str, full_name: str, role: str, password: str,
    email: str | None = None, actor: str | None = None, *, password_hash: str | None = None,
) -> str:
    """Create a user with a role; the password is stored as an Argon2 hash.

    ``password_hash`` (an Argon2 hash of ``password`` made earlier) skips the
    hashing, for imports and for test fixtures that make many users.
    """
    if role not in ROLES:
        raise AdminError("Role must be consultant, supervisor or admin.")
    check_password(password, username, role)
    if conn.execute(select(User.id).where(func.lower(User.username) == username.lower())).first():
        raise AdminError(f"The username {username!r} is taken.")
    user_id = str(uuid.uuid4())
    conn.execute(insert(User).values(
        id=user_id, username=username, full_name=full_name, role=role, email=email,
        password_hash=password_hash or hash_password(password), active=True, created_at=utcnow(),
    ))
    audit_rows(conn, [audit(actor, "admin:create_user", entity="user", entity_id=user_id)])
    return user_id


def add_member(conn: Connection, user: str, team: str, actor: str | None = None) -> None:
    """Give a user access to a team's data."""
    user_id, team_id = find_user(conn, user), find_team(conn, team)
    exists = conn.execute(
        select(Membership.user_id).where(Membership.user_id == user_id, Membership.team_id == team_id)
    ).first()
    if not exists:
        conn.execute(insert(Membership).values(user_id=user_id, team_id=team_id))
    audit_rows(conn, [audit(actor, "admin:add_member", entity="user", entity_id=user_id, team_id=team_id)])


def remove_member(conn: Connection, user: str, team: str, actor: str | None = None) -> None:
    """Take a team away from a user; their devices drop its data on the next sync.

    Only a membership that existed can end: removing a non-member is an error and
    records nothing (the push grace period, server/access.py, reads ``team_departures``).
    """
    user_id, team_id = find_user(conn, user), find_team(conn, team)
    removed = conn.execute(delete(Membership).where(Membership.user_id == user_id,
                                                    Membership.team_id == team_id)).rowcount
    if not removed:
        raise AdminError("Brugeren er ikke medlem af det team.")
    now = utcnow()
    dialect = pg_insert if conn.dialect.name == "postgresql" else sqlite_insert
    stmt = dialect(TeamDeparture).values(user_id=user_id, team_id=team_id, left_at=now)
    conn.execute(stmt.on_conflict_do_update(index_elements=[TeamDeparture.user_id, TeamDeparture.team_id],
                                            set_={"left_at": now}))
    audit_rows(conn, [audit(actor, "admin:remove_member", entity="user", entity_id=user_id, team_id=team_id)])


def reset_password(conn: Connection, user: str, password: str, actor: str | None = None) -> None:
    """Set a new password and sign the user out everywhere."""
    user_id = find_user(conn, user)
    username, role = conn.execute(select(User.username, User.role).where(User.id == user_id)).one()
    check_password(password, username, role)
    conn.execute(update(User).where(User.id == user_id).values(password_hash=hash_password(password)))
    revoke_user(conn, user_id, actor)


def revoke_user(conn: Connection, user: str, actor: str | None = None) -> int:
    """Revoke every token of a user (all their devices must sign in again)."""
    user_id = find_user(conn, user)
    result = conn.execute(
        update(Token).where(Token.user_id == user_id, Token.revoked_at.is_(None)).values(revoked_at=utcnow())
    )
    audit_rows(conn, [audit(actor, "admin:revoke", entity="user", entity_id=user_id)])
    return result.rowcount or 0


def device_key(digest: str) -> str:
    """How the audit log names one token (a prefix of its hash) when an admin revokes that device."""
    return f"token:{digest[:30]}"


class AmbiguousDevice(AdminError):
    """A device name that more than one live sign-in of the user carries; the message lists them with their ids."""


def revoke_device(conn: Connection, user: str, device_name: str, actor: str | None = None) -> int:
    """Revoke a user's sign-in on one device (by the name it signed in with); it wipes itself on its next sync.

    Two laptops may carry the same name ("Bærbar"): when more than one live
    sign-in matches, nothing is revoked and :class:`AmbiguousDevice` lists them
    with the ids that :func:`revoke_token` takes.
    """
    user_id = find_user(conn, user)
    now = utcnow()
    matches = conn.execute(select(Token.token_hash, Token.created_at, Token.expires_at).where(
        Token.user_id == user_id, Token.device_name == device_name, Token.revoked_at.is_(None))
        .order_by(Token.created_at)).all()
    if not matches:
        raise AdminError(f"Brugeren er ikke logget ind på en enhed ved navn {device_name!r}.")
    live = [m for m in matches if (m.expires_at if m.expires_at.tzinfo else m.expires_at.replace(tzinfo=now.tzinfo))
            > now]
    if len(live) > 1:
        listed = "; ".join(f"id {m.token_hash[:DEVICE_ID_LENGTH]} (logget ind {m.created_at:%Y-%m-%d %H:%M})"
                           for m in live)
        raise AmbiguousDevice(f"{len(live)} enheder er logget ind som {device_name!r}: {listed}. "
                              "Vælg én med dens id (--id).")
    digests = [m.token_hash for m in matches]  # the live one, and any expired one under that name
    conn.execute(update(Token).where(Token.token_hash.in_(digests)).values(revoked_at=now))
    audit_rows(conn, [audit(actor, "admin:revoke_device", entity="token", entity_id=device_key(d), team_id=None,
                            detail={"user_id": user_id}) for d in digests])
    return len(digests)


def devices(conn: Connection, user: str | None = None, *, include_ended: bool = False,
            limit: int = 500) -> list[dict[str, Any]]:
    """Sign-ins (one token per device and login), newest first, with an ``id`` (a prefix of the token's hash)
    that :func:`revoke_token` takes; never the token. Only live ones unless ``include_ended``."""
    query = (select(Token.token_hash, Token.device_name, Token.created_at, Token.expires_at, Token.revoked_at,
                    User.id, User.username).join(User, User.id == Token.user_id)
             .order_by(Token.created_at.desc(), Token.token_hash).limit(limit))
    if user is not None:
        query = query.where(Token.user_id == find_user(conn, user))
    now = utcnow()
    if not include_ended:  # in the query, so the limit counts live sign-ins only
        query = query.where(Token.revoked_at.is_(None), Token.expires_at > now)
    rows = []
    for digest, name, created, expires, revoked, user_id, username in conn.execute(query):
        expires = expires if expires.tzinfo else expires.replace(tzinfo=now.tzinfo)
        live = revoked is None and expires > now
        if live or include_ended:
            rows.append({"id": digest[:DEVICE_ID_LENGTH], "user_id": user_id, "username": username,
                         "device_name": name, "created_at": created.isoformat(), "expires_at": expires.isoformat(),
                         "revoked": revoked is not None, "live": live})
    return rows


DEVICE_ID_LENGTH = 30  # the token-hash prefix that names one sign-in (also in the audit log: device_key)


def revoke_token(conn: Connection, device_id: str, actor: str | None = None) -> str:
    """Revoke one sign-in by its id (from :func:`devices`); audited exactly as ``revoke-device``. Returns the user id.

    Unlike ``revoke-device`` by name, two laptops that signed in under the same name are told apart.
    """
    if len(device_id) != DEVICE_ID_LENGTH or any(c not in "0123456789abcdef" for c in device_id):
        raise AdminError("Ukendt enhed.")
    found = conn.execute(select(Token.token_hash, Token.user_id).where(
        Token.token_hash.startswith(device_id), Token.revoked_at.is_(None))).first()
    if found is None:
        raise AdminError("Enheden findes ikke eller er allerede lukket.")
    conn.execute(update(Token).where(Token.token_hash == found.token_hash).values(revoked_at=utcnow()))
    audit_rows(conn, [audit(actor, "admin:revoke_device", entity="token", entity_id=device_key(found.token_hash),
                            team_id=None, detail={"user_id": found.user_id})])
    return str(found.user_id)


def set_role(conn: Connection, user: str, role: str, actor: str | None = None) -> None:
    """Give a user another role (consultant, supervisor or admin); it holds from their next request."""
    if role not in ROLES:
        raise AdminError("Role must be consultant, supervisor or admin.")
    user_id = find_user(conn, user)
    conn.execute(update(User).where(User.id == user_id).values(role=role))
    audit_rows(conn, [audit(actor, "admin:set_role", entity="user", entity_id=user_id, detail={"role": role})])


def set_active(conn: Connection, user: str, active: bool, actor: str | None = None) -> None:
    """Disable (or re-enable) a user; a disabled user's tokens stop working at once."""
    user_id = find_user(conn, user)
    conn.execute(update(User).where(User.id == user_id).values(active=active))
    audit_rows(conn, [audit(actor, "admin:enable" if active else "admin:disable", entity="user",
                            entity_id=user_id)])


def list_users(conn: Connection) -> list[dict[str, Any]]:
    """Every user with role, state and teams."""
    teams: dict[str, list[str]] = {}
    for user_id, team_id in conn.execute(select(Membership.user_id, Membership.team_id)):
        teams.setdefault(user_id, []).append(team_id)
    return [
        {"id": u.id, "username": u.username, "full_name": u.full_name, "role": u.role, "active": u.active,
         "teams": sorted(teams.get(u.id, []))}
        for u in conn.execute(select(User).order_by(User.username))
    ]


def list_teams(conn: Connection) -> list[dict[str, Any]]:
    """Every team."""
    return [{"id": t.id, "name": t.name} for t in conn.execute(select(Team).order_by(Team.name))]


def purge_tombstones(conn: Connection, days: int = TOMBSTONE_DAYS, actor: str | None = None) -> int:
    """Drop tombstones older than ``days``; older cursors then get 410 (resync).

    The highest purged sequence number becomes the horizon; team exits at or
    below it go too (no cursor that may still pull is that old).
    """
    if days < 1:
        raise AdminError("Keep tombstones at least one day.")
    cutoff = utcnow() - timedelta(days=days)
    old = select(Record.version).where(Record.deleted.is_(True), Record.deleted_at < cutoff)
    highest = conn.execute(select(func.max(old.subquery().c.version))).scalar()
    if highest is None:
        return 0
    result = conn.execute(delete(Record).where(Record.deleted.is_(True), Record.deleted_at < cutoff))
    current = conn.execute(select(Counter.value).where(Counter.name == "tombstone_horizon")).scalar() or 0
    horizon = max(current, highest)
    conn.execute(update(Counter).where(Counter.name == "tombstone_horizon").values(value=horizon))
    conn.execute(delete(TeamExit).where(TeamExit.seq <= horizon))
    audit_rows(conn, [audit(actor, "admin:purge_tombstones", detail={"purged": result.rowcount, "days": days})])
    return result.rowcount or 0
