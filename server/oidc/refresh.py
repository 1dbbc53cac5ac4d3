"""A Feltbog token refresh of a sign-in through the identity provider: the groups are read again.

``POST /auth/refresh`` calls :func:`renew_sign_in` first. For a token from a
password sign-in it returns None and nothing changes. For one from the
provider it uses the provider's refresh token (kept in ``oidc_sessions``) to
get a fresh ID token, validates it, and maps its groups again:

* the provider refuses (the account is closed, the grant revoked) or its
  token is not valid: the sign-in's tokens are revoked and the refresh gets
  401; the app asks the consultant to sign in again;
* no rule gives the account anything any more: every team is taken away (the
  device hands in its work and wipes them at its next sync) and the refresh
  gets 403;
* the provider cannot be reached: 503, and the app tries again after a later sync;
* otherwise the refresh goes on, and :meth:`Renewal.apply` brings the teams
  and role up to date in its transaction.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass

from fastapi import HTTPException, Request
from sqlalchemy import Connection, Engine, select, update

from server.deps import CurrentUser
from server.oidc import accounts
from server.oidc.provider import Provider, ProviderUnreachable, Refused
from server.security import utcnow
from server.store import audit, audit_rows
from server.tables import OidcSession, Token, User

log = logging.getLogger(__name__)
SIGN_IN_AGAIN = {"code": "auth", "message": "Log ind igen med kommunens konto."}
NO_ACCESS = {"code": "oidc_no_access",
             "message": "Din konto har ikke adgang til Feltbog. Kontakt kommunens IT-afdeling."}
UNREACHABLE = {"code": "oidc_unreachable", "message": "Kommunens login-tjeneste svarer ikke. Prøv igen senere."}


@dataclass(frozen=True)
class Renewal:
    """What the provider said at this refresh, to be written with the new token."""

    user_id: str
    session_id: str
    refresh_token: str | None
    access: accounts.Access
    token_days: int

    def apply(self, conn: Connection) -> None:
        """Teams and role as the groups give them now; the provider's new refresh token kept."""
        accounts.apply_access(conn, self.user_id, self.access)
        conn.execute(update(OidcSession).where(OidcSession.id == self.session_id)
                     .values(refresh_token=self.refresh_token, checked_at=utcnow()))


def _end_session(db: Engine, user_id: str, session_id: str, reason: str) -> None:
    with db.execution_options(write=True).begin() as conn:
        conn.execute(update(Token).where(Token.oidc_session == session_id, Token.revoked_at.is_(None))
                     .values(revoked_at=utcnow()))
        audit_rows(conn, [audit(user_id, "oidc:refresh_refused", detail=reason[:200])])


def renew_sign_in(request: Request, db: Engine, user: CurrentUser) -> Renewal | None:
    """None for a password sign-in; else the renewal, or the HTTP refusal described in the module."""
    with db.connect() as conn:
        row = conn.execute(
            select(OidcSession.id, OidcSession.refresh_token, User.oidc_subject)
            .join(Token, Token.oidc_session == OidcSession.id).join(User, User.id == OidcSession.user_id)
            .where(Token.token_hash == user.token_hash)).first()
    if row is None:
        return None
    provider: Provider | None = request.app.state.oidc_provider
    if provider is None or not row.refresh_token or not row.oidc_subject:
        _end_session(db, user.id, row.id, "no provider or no refresh token to read the groups with")
        raise HTTPException(401, SIGN_IN_AGAIN)
    try:
        identity = provider.renew(row.refresh_token, row.oidc_subject)
    except ProviderUnreachable as exc:
        log.warning("The identity provider could not be reached at a token refresh (%s)", exc)
        raise HTTPException(503, UNREACHABLE) from exc
    except Refused as exc:
        log.info("The identity provider refused a refresh (%s)", exc.reason)
        _end_session(db, user.id, row.id, exc.reason)
        raise HTTPException(401, SIGN_IN_AGAIN) from exc
    with db.execution_options(write=True).begin() as conn:
        try:
            access = accounts.access_for(conn, provider.settings, identity.claims)
        except accounts.NoAccess:
            accounts.remove_all(conn, user.id)
            audit_rows(conn, [audit(user.id, "oidc:no_access")])
            denied = True
        else:
            denied = False
    if denied:
        raise HTTPException(403, NO_ACCESS)
    return Renewal(user.id, row.id, identity.refresh_token, access, provider.settings.token_days)
