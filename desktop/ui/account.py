"""The account snapshot: who is signed in, as plain frozen data the GUI thread may read freely.

Reading the account means SQLite (the account and member names) and the OS
keychain (is a token stored?). Both can stall: a slow disk, a keychain that
prompts or loads slowly. So neither runs on the GUI thread: :func:`read_account`
runs on the database worker and :func:`with_keychain` after it on the network
pool (the context's ``refresh_account`` does that), so the keychain never
holds up the lists, whose queries wait on the database worker. Screens read
the last :class:`AccountSnapshot` the context holds. Nothing here imports Qt.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from types import MappingProxyType
from typing import Any

SUPERVISOR_ROLES = ("supervisor", "admin")


@dataclass(frozen=True)
class Team:
    """One team the user belongs to."""

    id: str
    name: str


@dataclass(frozen=True)
class AccountSnapshot:
    """The signed-in account at one moment (empty: never signed in, working offline)."""

    server_url: str | None = None
    user_id: str | None = None
    username: str = ""
    full_name: str = ""
    role: str = "consultant"
    teams: tuple[Team, ...] = ()
    # user id -> full name for the people in my teams; read-only, so a screen cannot change it for the others
    names: Mapping[str, str] = field(default_factory=lambda: MappingProxyType({}))
    signed_in: bool = False
    keychain: str = ""  # where the token is kept, in words (settings dialog)

    @property
    def supervisor(self) -> bool:
        """True for supervisors and admins (they see the review screen)."""
        return self.role in SUPERVISOR_ROLES

    @property
    def default_team(self) -> Team | None:
        """The team new records go to (the first one), or None."""
        return self.teams[0] if self.teams else None


def read_account(service: Any) -> AccountSnapshot:
    """The database's part of the snapshot: the account and the member names (call on the database worker).

    ``signed_in`` and ``keychain`` are left empty for :func:`with_keychain`. ``service`` is the
    :class:`desktop.sync.service.SyncService`; only its public methods are used, so sync keeps its own API.
    """
    account = service.account()
    names = service.names()
    return AccountSnapshot(
        server_url=account.server_url,
        user_id=account.user_id,
        username=account.user.get("username", "") or "",
        full_name=account.user.get("full_name", "") or "",
        role=account.role,
        teams=tuple(Team(str(t.get("id")), t.get("name", "") or "") for t in account.teams),
        names=MappingProxyType(dict(names)),
    )


def with_keychain(snapshot: AccountSnapshot, service: Any) -> AccountSnapshot:
    """The keychain's part: whether a token is stored for the snapshot's server, and where tokens are kept.

    Touches no database (call on the network pool, or wherever the caller already is off the GUI thread).
    """
    return replace(snapshot, signed_in=service.signed_in_to(snapshot.server_url),
                   keychain=service.credentials.backend_description())


def load_account(service: Any) -> AccountSnapshot:
    """Both parts in one go, for work already on the database worker (a sign-in reads the new account there)."""
    return with_keychain(read_account(service), service)
