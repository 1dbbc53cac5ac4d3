"""The sync facade the UI uses: sign in, sign out, sync, and what the status is.

It ties the pieces together: the token from the keychain (Credentials), the
account in the local database, the HTTP client and the engine. An AUTH
error clears the stored token, so the UI knows to ask for a login. A token
that expires within :data:`REFRESH_WITHIN` is swapped for a fresh one after
a successful sync, so a laptop in daily use never has to sign in again.
"""

from __future__ import annotations

import logging
import platform
import webbrowser
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any

from desktop.cancel import CancelToken, Progress, no_progress
from desktop.credentials import Credentials
from desktop.models import outbox
from desktop.models.changes import Actor
from desktop.models.db import Database
from desktop.sync import state
from desktop.sync.address import normalize_server_url
from desktop.sync.client import SyncClient
from desktop.sync.engine import ConfirmMassDelete, SyncEngine, SyncResult
from desktop.sync.errors import SyncError, SyncErrorKind
from desktop.sync.oidc import BrowserSignIn, ProviderInfo, SignInFailed

log = logging.getLogger(__name__)
REFRESH_WITHIN = timedelta(days=5)  # tokens live 30 days (server setting token_days)


def _utcnow() -> datetime:
    return datetime.now(UTC)


class SyncService:
    """One per app: owns the client and engine for the signed-in account."""

    def __init__(
        self,
        db: Database,
        credentials: Credentials | None = None,
        *,
        confirm_mass_delete: ConfirmMassDelete = lambda _n, _total, _why: False,
        client_factory: Callable[[str, Callable[[], str | None]], SyncClient] = SyncClient,
        pull_limit: int | None = None,
        clock: Callable[[], datetime] = _utcnow,
    ) -> None:
        self.db = db
        self.clock = clock
        self.credentials = credentials or Credentials()
        self.confirm_mass_delete = confirm_mass_delete
        self.client_factory = client_factory
        self.pull_limit = pull_limit
        self.bytes_received = 0  # over all syncs of this session, for the status and the tests
        self._sync_client: SyncClient | None = None

    def account(self) -> state.Account:
        """The signed-in account (empty if never signed in)."""
        with self.db.read() as session:
            return state.load_account(session)

    def actor(self) -> Actor:
        """Who writes local changes: the signed-in user and their first team."""
        account = self.account()
        return Actor(account.user_id, account.default_team_id)

    def signed_in(self) -> bool:
        """True when a token is stored for the account."""
        return self.signed_in_to(self.account().server_url)

    def signed_in_to(self, server_url: str | None) -> bool:
        """True when a server is known (``server_url``, from the account) and a token is stored: the keychain
        alone, no database (the account snapshot asks it on the network pool)."""
        return bool(server_url and self.credentials.get_token())

    def client(self, server_url: str | None = None) -> SyncClient:
        """An HTTP client for the account's server (or ``server_url``)."""
        url = server_url or self.account().server_url
        if not url:
            raise SyncError(SyncErrorKind.AUTH, "no server configured")
        return self.client_factory(url, self.credentials.get_token)

    def login(self, server_url: str, username: str, password: str, device_name: str | None = None) -> state.Account:
        """Sign in; the token goes to the keychain, the account to the database.

        The address is checked first (:func:`normalize_server_url`: a bare host
        means https, plain http only to this computer), so a refused one
        raises :class:`~desktop.sync.address.AddressError` before the password
        is sent anywhere.
        """
        server_url = normalize_server_url(server_url)
        client = self.client_factory(server_url, lambda: None)
        reply = client.login(username, password, device_name or platform.node() or "Feltbog")
        return self.keep_sign_in(server_url, reply)

    def sign_in_provider(self, server_url: str) -> ProviderInfo | None:
        """The identity provider the server offers for "Sign in with your municipality account" (or None)."""
        return ProviderInfo.from_methods(self.client_factory(normalize_server_url(server_url), lambda: None).methods())

    def login_oidc(self, server_url: str, *, open_browser: Callable[[str], bool] = webbrowser.open,
                   cancel: CancelToken | None = None, device_name: str | None = None) -> state.Account:
        """Sign in with the municipality's account in the system browser (desktop/sync/oidc.py).

        The result is the same as :meth:`login`: the token in the keychain, the account in the database.
        """
        reply = self.authorize_in_browser(server_url, open_browser=open_browser, cancel=cancel,
                                          device_name=device_name)
        return self.keep_sign_in(server_url, reply)

    def authorize_in_browser(self, server_url: str, *, open_browser: Callable[[str], bool] = webbrowser.open,
                             cancel: CancelToken | None = None, device_name: str | None = None) -> dict[str, Any]:
        """The network half of :meth:`login_oidc` (no database: the UI runs it off the database worker).

        It waits for the browser (minutes, cancellable) and returns the server's sign-in reply.
        """
        client = self.client_factory(normalize_server_url(server_url), lambda: None)
        info = ProviderInfo.from_methods(client.methods())
        if info is None:
            raise SignInFailed("not_offered", "the server offers no sign-in with an identity provider")
        grant = BrowserSignIn(info, open_browser).run(cancel)
        return client.login_oidc(grant.code, grant.code_verifier, grant.redirect_uri, grant.nonce,
                                 device_name or platform.node() or "Feltbog")

    def keep_sign_in(self, server_url: str, reply: dict[str, Any]) -> state.Account:
        """Keep what a sign-in answered: the token in the keychain, the account in the database."""
        server_url = normalize_server_url(server_url)  # the address as every later sync uses it
        self.credentials.set_token(reply["token"])
        self._sync_client = None
        account = state.Account(server_url, reply.get("user", {}), reply.get("teams", []))
        with self.db.write() as session:
            previous = state.load_account(session)
            if previous.server_url and previous.server_url != account.server_url:
                # Another server: its sequence numbers mean nothing here.
                state.set_value(session, state.CURSOR, "0")
                state.set_value(session, state.NEEDS_FULL_RESYNC, "1")
                state.set_value(session, state.SERVER_CHANGED, "1")
            state.save_account(session, account)
            # Work done offline before this first sign-in becomes this user's (team, consultant, assignee).
            outbox.claim_for(session, account.default_team_id, account.user_id)
            state.set_value(session, state.TOKEN_EXPIRES, reply.get("expires_at"))
        self.refresh_members()
        return account

    def refresh_members(self) -> dict[str, str]:
        """Fetch the names of the people in my teams (for lists and reports)."""
        try:
            reply = self.client().members()
        except SyncError as exc:
            log.info("Could not fetch team members (%s)", exc.kind.value)
            with self.db.read() as session:
                return state.members(session)
        with self.db.write() as session:
            state.set_value(session, state.MEMBERS, reply.get("members", []))
            return state.members(session)

    def names(self) -> dict[str, str]:
        """User id -> full name, from the last fetch (works offline)."""
        with self.db.read() as session:
            names = state.members(session)
        account = self.account()
        if account.user_id:
            names.setdefault(account.user_id, account.user.get("full_name", ""))
        return names

    def recently_deleted(self) -> list[dict[str, Any]]:
        """What the user's teams deleted in the last 30 days (online only: laptops do not keep tombstones)."""
        return list(self.client().deleted().get("records", []))

    def restore_deleted(self, record_id: str) -> None:
        """Put a deleted record back on the server; the next sync brings it to every laptop of the team."""
        self.client().restore_deleted(record_id)

    def review(self, visit_id: str, verdict: str, comment: str) -> None:
        """A supervisor's verdict (online only: reviews are the server's), then a sync brings it home."""
        self.client().add_review(visit_id, verdict, comment)

    def logout(self) -> None:
        """Revoke the token on the server if reachable, and forget it here."""
        try:
            self.client().logout()
        except SyncError as exc:
            log.info("Logout on server failed (%s); forgetting the token anyway", exc.kind.value)
        self.credentials.delete_token()

    def engine(self) -> SyncEngine:
        """A sync engine for the signed-in account.

        Syncs reuse one client (and so one HTTP connection, kept alive) while
        the server stays the same: a new connection per sync was a fifth of
        an idle sync.
        """
        if self._sync_client is None:  # login() forgets it, so a new server gets a new client
            self._sync_client = self.client()
        engine = SyncEngine(self.db, self._sync_client, confirm_mass_delete=self.confirm_mass_delete)
        if self.pull_limit:
            engine.pull_limit = self.pull_limit
        return engine

    def sync(self, progress: Progress = no_progress, cancel: CancelToken | None = None) -> SyncResult:
        """Run one sync now. An AUTH error signs the user out locally."""
        if not self.credentials.get_token():
            raise SyncError(SyncErrorKind.AUTH, "not signed in")
        engine = self.engine()
        received_before = engine.client.bytes_received
        try:
            result = engine.sync(progress, cancel)
        except SyncError as exc:
            if exc.kind is SyncErrorKind.AUTH:
                self.credentials.delete_token()
            raise
        finally:
            self.bytes_received += engine.client.bytes_received - received_before
        self.refresh_token_if_due()
        return result

    def refresh_token_if_due(self) -> bool:
        """Swap the token for a new one if it expires within REFRESH_WITHIN (or its expiry is unknown).

        Runs after a sync went through, so the token has just proved good. A
        failure is only logged: the old token still works for a few days,
        and the next sync tries again (a 401 is the sync's business: it may
        mean an admin revoked this device, which the engine handles).
        """
        with self.db.read() as session:
            expires = state.get_value(session, state.TOKEN_EXPIRES)
        if expires and datetime.fromisoformat(expires.replace("Z", "+00:00")) - self.clock() > REFRESH_WITHIN:
            return False
        try:
            reply = self._refresh_once_more_if_lost()
        except SyncError as exc:
            log.info("Token refresh failed (%s); trying again after the next sync", exc.kind.value)
            return False
        self.credentials.set_token(reply["token"])  # the keychain, never the database
        with self.db.write() as session:
            state.set_value(session, state.TOKEN_EXPIRES, reply["expires_at"])
        return True

    def _refresh_once_more_if_lost(self) -> dict[str, Any]:
        """Ask for a new token; once more at once if the reply was lost on the way.

        The server keeps the old token working until the new one is used (or a
        short grace ends), and a second refresh with the old token replaces the
        one whose reply was lost, so asking again is always safe.
        """
        try:
            return self.client().refresh()
        except SyncError as exc:
            if exc.kind is not SyncErrorKind.NETWORK:
                raise
            log.info("Token refresh reply lost; asking once more")
            return self.client().refresh()
