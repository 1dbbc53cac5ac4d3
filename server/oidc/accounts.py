"""Who is who, from the provider: the account linked to (issuer, subject), and its teams and role.

The rules in :class:`~server.oidc.settings.OidcSettings` map values of the
groups claim to teams and roles. They are applied at every sign-in and every
token refresh, and they are the whole truth for an account linked to the
provider: a team no rule gives any more is taken away with
:func:`server.admin.remove_member`, which records the departure, so the
device hands in its unsent work and wipes the team at its next sync
(server/access.py), exactly as when an admin removes a member.
"""

from __future__ import annotations

import logging
import uuid
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Connection, func, insert, select, update

from server import admin
from server.oidc.provider import Identity
from server.oidc.settings import ROLES, OidcSettings
from server.security import utcnow
from server.store import audit, audit_rows
from server.tables import Membership, OidcSession, Team, User

log = logging.getLogger(__name__)
NO_PASSWORD = "!oidc"  # not an Argon2 hash: no password ever matches it
ACTOR = None  # changes made by the mapping are the provider's, not an admin's


class NoAccess(Exception):
    """No rule gives this account anything (or the groups could not be read)."""


class AccountClash(Exception):
    """A password account already has this username (and linking by username is off)."""


@dataclass(frozen=True)
class Access:
    """What the rules give an account: team ids and a role."""

    teams: frozenset[str]
    role: str


@dataclass(frozen=True)
class Account:
    """The signed-in account, as the login reply describes it."""

    id: str
    username: str
    full_name: str
    role: str
    active: bool


def groups_of(settings: OidcSettings, claims: dict[str, Any]) -> set[str]:
    """The values of the groups claim (a list, or one string)."""
    value = claims.get(settings.groups_claim)
    if value is None and settings.groups_claim in (claims.get("_claim_names") or {}):
        # Entra ID leaves the groups out when a user has more than 200 ("overage"): docs/deploy.md says
        # to emit only the groups assigned to the application, or to use app roles.
        log.warning("The ID token has too many groups to carry them (overage): no access given")
        return set()
    if isinstance(value, str):
        return {value}
    return {str(v) for v in value} if isinstance(value, list) else set()


def access_for(conn: Connection, settings: OidcSettings, claims: dict[str, Any]) -> Access:
    """Apply the rules to the claims; :class:`NoAccess` if none matches."""
    groups = groups_of(settings, claims)
    matched = [rule for rule in settings.rules if rule.group in groups]
    if not matched:
        raise NoAccess("no rule matches the user's groups")
    teams: set[str] = set()
    for rule in matched:
        if rule.team is None:
            continue
        found = conn.execute(select(Team.id).where((Team.id == rule.team) | (Team.name == rule.team))).scalar()
        if found is None:
            log.warning("OIDC rule for group %r names team %r, which does not exist", rule.group, rule.team)
        else:
            teams.add(found)
    roles = [rule.role for rule in matched if rule.role]
    role = max(roles, key=ROLES.index) if roles else settings.default_role
    return Access(frozenset(teams), role)


def _username(settings: OidcSettings, identity: Identity) -> str:
    for claim in (settings.username_claim, "email"):
        value = identity.claims.get(claim)
        if isinstance(value, str) and value.strip():
            return value.strip()[:100]
    return f"oidc-{identity.subject}"[:100]


def _text(value: Any, fallback: str, limit: int) -> str:
    return value.strip()[:limit] if isinstance(value, str) and value.strip() else fallback


def link_account(conn: Connection, settings: OidcSettings, identity: Identity) -> str:
    """The id of the account linked to the identity; a new one at a first sign-in."""
    found = conn.execute(select(User.id).where(User.oidc_issuer == identity.issuer,
                                               User.oidc_subject == identity.subject)).scalar()
    if found is not None:
        return found
    username = _username(settings, identity)
    same_name = conn.execute(select(User.id, User.oidc_subject).where(
        func.lower(User.username) == username.lower())).first()
    if same_name is not None:
        if not settings.link_by_username or same_name.oidc_subject is not None:
            raise AccountClash(username)
        conn.execute(update(User).where(User.id == same_name.id)
                     .values(oidc_issuer=identity.issuer, oidc_subject=identity.subject))
        audit_rows(conn, [audit(same_name.id, "oidc:link", entity="user", entity_id=same_name.id)])
        return str(same_name.id)
    user_id = str(uuid.uuid4())
    conn.execute(insert(User).values(
        id=user_id, username=username, full_name=_text(identity.claims.get(settings.name_claim), username, 200),
        email=_text(identity.claims.get("email"), "", 254) or None, role=settings.default_role,
        password_hash=NO_PASSWORD, active=True, created_at=utcnow(), oidc_issuer=identity.issuer,
        oidc_subject=identity.subject))
    audit_rows(conn, [audit(user_id, "oidc:create_user", entity="user", entity_id=user_id)])
    return user_id


def apply_access(conn: Connection, user_id: str, access: Access) -> None:
    """Make the account's teams and role what the rules give (memberships added and removed, audited)."""
    have = set(conn.execute(select(Membership.team_id).where(Membership.user_id == user_id)).scalars())
    for team in sorted(access.teams - have):
        admin.add_member(conn, user_id, team, ACTOR)
    for team in sorted(have - access.teams):
        admin.remove_member(conn, user_id, team, ACTOR)
    role = conn.execute(select(User.role).where(User.id == user_id)).scalar()
    if role != access.role:
        conn.execute(update(User).where(User.id == user_id).values(role=access.role))
        audit_rows(conn, [audit(ACTOR, "oidc:set_role", entity="user", entity_id=user_id, detail=access.role)])


def remove_all(conn: Connection, user_id: str) -> None:
    """No rule gives the account anything any more: every team goes (its devices wipe them)."""
    for team in sorted(conn.execute(select(Membership.team_id).where(Membership.user_id == user_id)).scalars()):
        admin.remove_member(conn, user_id, team, ACTOR)


def account(conn: Connection, user_id: str) -> Account:
    """The account as it is now."""
    row = conn.execute(select(User.id, User.username, User.full_name, User.role, User.active)
                       .where(User.id == user_id)).one()
    return Account(row.id, row.username, row.full_name, row.role, row.active)


def new_session(conn: Connection, user_id: str, refresh_token: str | None) -> str:
    """Remember one sign-in through the provider (and its refresh token); returns its id."""
    session_id, now = str(uuid.uuid4()), utcnow()
    conn.execute(insert(OidcSession).values(id=session_id, user_id=user_id, refresh_token=refresh_token,
                                            created_at=now, checked_at=now))
    return session_id
