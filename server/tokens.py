"""Token refresh that survives a lost reply (issue 18, 5).

A refresh makes a new token that names the one it replaces (``replaces``).
The old token is not revoked at once: if the reply with the new token is
lost, the laptop still holds only the old one, and revoking it would sign
the consultant out. Instead the old token keeps working until the new one
is used for the first time (then the old one is revoked), or until a short
grace runs out (``Settings.token_refresh_grace_seconds``), whichever comes
first. A laptop that lost the reply refreshes again with the old token; the
token made for the lost reply, never used, is revoked then.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from sqlalchemy import Connection, Engine, insert, select, update

from server.security import utcnow
from server.tables import Token

# What a token is for. A laptop's token works on the API (and is refreshed there); a web console session
# works only on /admin, for a working day, so a console cookie can never become a 30-day laptop token.
APP_SCOPE = "app"
CONSOLE_SCOPE = "console"
CONSOLE_SESSION_HOURS = 8  # a working day; the cookie itself ends when the browser closes


def _aware(value: datetime) -> datetime:
    return value if value.tzinfo else value.replace(tzinfo=UTC)


def replace_token(conn: Connection, old_hash: str, new_hash: str, user_id: str, expires: datetime,
                  grace: timedelta) -> bool:
    """Make the new token and put the old one on its grace; False if the old one is no longer live."""
    now = utcnow()
    query = select(Token.device_name, Token.expires_at, Token.oidc_session, Token.scope).where(
        Token.token_hash == old_hash, Token.revoked_at.is_(None))
    if conn.dialect.name == "postgresql":
        query = query.with_for_update()  # of two refreshes racing with one token, the second waits
    row = conn.execute(query).first()
    if row is None or _aware(row.expires_at) <= now:
        return False
    # A token made by an earlier refresh of this one was never used (using it revokes this one): its reply
    # was lost. It goes; the one made now replaces it.
    conn.execute(update(Token).where(Token.replaces == old_hash, Token.revoked_at.is_(None)).values(revoked_at=now))
    conn.execute(update(Token).where(Token.token_hash == old_hash)
                 .values(expires_at=min(_aware(row.expires_at), now + grace)))
    conn.execute(insert(Token).values(token_hash=new_hash, user_id=user_id, device_name=row.device_name,
                                      created_at=now, expires_at=expires, replaces=old_hash,
                                      oidc_session=row.oidc_session, scope=row.scope))
    return True


def first_use(db: Engine, token_hash: str, replaced: str) -> None:
    """The new token was used: the one it replaced is revoked now (once; later uses skip this)."""
    with db.execution_options(write=True).begin() as conn:
        now = utcnow()
        conn.execute(update(Token).where(Token.token_hash == replaced, Token.revoked_at.is_(None))
                     .values(revoked_at=now))
        conn.execute(update(Token).where(Token.token_hash == token_hash, Token.replaces == replaced)
                     .values(replaces=None))
