"""Sync state kept in the local database (``sync_state`` key/value table).

Kept in the database, not a settings file, so a page of pulled changes and
the cursor that follows it commit in the same transaction.
"""

from __future__ import annotations

import json
import uuid
from dataclasses import dataclass, field
from typing import Any

from desktop.models.db import Session
from desktop.models.state_store import get_int, get_value, set_value

__all__ = ["Account", "device_id", "get_int", "get_value", "load_account", "members", "save_account", "set_value"]

DEVICE_ID = "device_id"
CURSOR = "cursor"
LAST_SUCCESS = "last_success"
SERVER_URL = "server_url"
USER = "user"
TEAMS = "teams"
MUTATION_OFFSET = "mutation_offset"
NEEDS_FULL_RESYNC = "needs_full_resync"
SERVER_CHANGED = "server_changed"
VERIFY_SKIPS = "verify_skips"
LAST_VERIFIED = "last_verified"  # "checksum:cursor" of the last summary local data matched (or was trusted to)
VERIFIED_AT = "verified_at"  # when the last full recount matched the server (ISO 8601)
SYNC_UNFINISHED = "sync_unfinished"  # "1" from a sync's start to its end: still set, the last one broke off
MEMBERS = "members"  # [{id, full_name, role, team_id}] of the user's teams, for showing names
ERA = "server_era"  # the server's era at the last sync (changes when it was restored from a backup)
TOKEN_EXPIRES = "token_expires_at"  # when the token in the keychain expires (ISO 8601; the token itself is not here)


def device_id(session: Session) -> str:
    """This installation's id, created on first use (a fresh install gets a new one)."""
    value = get_value(session, DEVICE_ID)
    if value is None:
        value = str(uuid.uuid4())
        set_value(session, DEVICE_ID, value)
    return value


@dataclass(frozen=True)
class Account:
    """Who is signed in on this device, as the server described them at login."""

    server_url: str | None = None
    user: dict[str, Any] = field(default_factory=dict)
    teams: list[dict[str, Any]] = field(default_factory=list)

    @property
    def user_id(self) -> str | None:
        """The signed-in user's id."""
        return self.user.get("id")

    @property
    def role(self) -> str:
        """consultant, supervisor or admin."""
        return str(self.user.get("role", "consultant"))

    @property
    def default_team_id(self) -> str | None:
        """The team new records go to (the first one the user belongs to)."""
        return self.teams[0]["id"] if self.teams else None


def load_account(session: Session) -> Account:
    """The signed-in account (empty when never signed in)."""
    return Account(
        get_value(session, SERVER_URL),
        json.loads(get_value(session, USER, "{}") or "{}"),
        json.loads(get_value(session, TEAMS, "[]") or "[]"),
    )


def members(session: Session) -> dict[str, str]:
    """User id -> full name for everyone in the user's teams (as last fetched)."""
    return {m["id"]: m["full_name"] for m in json.loads(get_value(session, MEMBERS, "[]") or "[]")}


def save_account(session: Session, account: Account) -> None:
    """Remember the account after a successful login."""
    set_value(session, SERVER_URL, account.server_url)
    set_value(session, USER, account.user)
    set_value(session, TEAMS, account.teams)
