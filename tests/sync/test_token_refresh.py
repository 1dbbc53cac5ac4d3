"""The app swaps its token for a fresh one when a sync finds it near expiry, against the real server.

The device's clock is moved forward (the service takes a clock); the server
keeps real time, so the token is still valid there, only close to its end.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import requests
from sqlalchemy import select, update

from desktop.sync import state
from desktop.sync.client import SyncClient
from desktop.sync.errors import SyncError, SyncErrorKind
from server.security import token_hash
from server.tables import AuditEntry, Token


def expires_at(device) -> datetime:
    with device.db.read() as session:
        value = state.get_value(session, state.TOKEN_EXPIRES)
    return datetime.fromisoformat(value.replace("Z", "+00:00"))


def works(server, token: str) -> bool:
    reply = requests.get(f"{server.url}/api/v1/sync/summary", headers={"Authorization": f"Bearer {token}"}, timeout=30)
    assert reply.status_code in (200, 401), reply.text
    return reply.status_code == 200


def raw_bytes(folder) -> bytes:
    return b"".join(path.read_bytes() for path in folder.rglob("*") if path.is_file())


def test_a_fresh_token_is_kept_as_it_is(make_device):
    device = make_device("laptop")
    token = device.service.credentials.get_token()
    assert timedelta(days=29) < expires_at(device) - datetime.now(UTC) <= timedelta(days=30)
    device.ops.create_company(name="Aars Tømrer")
    device.sync()
    assert device.service.credentials.get_token() == token


def test_a_sync_near_expiry_swaps_the_token_in_the_keychain(make_device, server, memory_keyring):
    device = make_device("laptop", clock=lambda: datetime.now(UTC) + timedelta(days=27))
    old = device.service.credentials.get_token()
    device.ops.create_company(name="Aars Tømrer")
    device.sync()
    new = device.service.credentials.get_token()
    assert new != old and memory_keyring.secrets[("Feltbog", "token-laptop")] == new
    assert works(server, new) and not works(server, old)
    assert timedelta(days=29) < expires_at(device) - datetime.now(UTC) <= timedelta(days=30)
    with server.engine.connect() as conn:
        assert conn.execute(select(Token.revoked_at).where(Token.token_hash == token_hash(old))).scalar()
        assert conn.execute(select(AuditEntry.action).where(AuditEntry.action == "token_refresh")).all()
    # The next sync runs on the new token, and neither token is anywhere in the app's files.
    device.ops.create_company(name="Vesthimmerlands Rengøring")
    assert device.sync() is not None and device.pending() == 0
    device.db.close()
    files = raw_bytes(device.folder)
    assert old.encode() not in files and new.encode() not in files
    device.open()


def test_an_install_that_does_not_know_the_expiry_learns_it_by_refreshing(make_device):
    device = make_device("laptop")
    with device.db.write() as session:
        state.set_value(session, state.TOKEN_EXPIRES, None)  # signed in before the app stored expiries
    old = device.service.credentials.get_token()
    device.sync()
    assert device.service.credentials.get_token() != old
    assert expires_at(device) - datetime.now(UTC) > timedelta(days=29)
    again = device.service.credentials.get_token()
    device.sync()
    assert device.service.credentials.get_token() == again


def test_a_refused_refresh_keeps_the_token_and_raises_nothing(make_device, server):
    device = make_device("laptop", clock=lambda: datetime.now(UTC) + timedelta(days=27))
    old = device.service.credentials.get_token()
    with server.engine.begin() as conn:  # e.g. the server's grace for this token ran out mid-sync
        conn.execute(update(Token).where(Token.token_hash == token_hash(old)).values(revoked_at=datetime.now(UTC)))
    assert device.service.refresh_token_if_due() is False
    assert device.service.credentials.get_token() == old


def _lose_refresh_replies(monkeypatch, made: list[str], times: int) -> None:
    """The server makes the new token, and the reply never reaches the laptop (``times`` times)."""
    real = SyncClient.refresh
    left = [times]

    def lost(self):
        reply = real(self)
        if left[0] <= 0:
            return reply
        left[0] -= 1
        made.append(reply["token"])
        raise SyncError(SyncErrorKind.NETWORK, "connection reset while reading the reply")

    monkeypatch.setattr(SyncClient, "refresh", lost)


def test_a_lost_refresh_reply_does_not_sign_the_laptop_out(make_device, server, monkeypatch):
    """Issue 18, 5: the old token works on until the new one is used once (or a short grace ends)."""
    device = make_device("laptop", clock=lambda: datetime.now(UTC) + timedelta(days=27))
    old = device.service.credentials.get_token()
    lost: list[str] = []
    _lose_refresh_replies(monkeypatch, lost, times=4)  # the sync's refresh and its retry, twice
    device.ops.create_company(name="Aars Tømrer")
    device.sync()
    assert len(lost) == 2 and device.service.credentials.get_token() == old
    with server.engine.connect() as conn:
        grace_end = conn.execute(select(Token.expires_at).where(Token.token_hash == token_hash(old))).scalar_one()
    grace_end = grace_end if grace_end.tzinfo else grace_end.replace(tzinfo=UTC)
    assert grace_end - datetime.now(UTC) <= timedelta(minutes=10)  # bounded, whatever happens next
    # The old token still syncs (push and pull), and asks again; the tokens of the lost replies are dropped.
    device.ops.create_company(name="Vesthimmerlands Rengøring")
    result = device.sync()
    assert result.pushed == 1 and device.pending() == 0
    assert len(lost) == 4 and device.service.credentials.get_token() == old
    assert not any(works(server, token) for token in lost[:-1])
    monkeypatch.undo()
    device.ops.create_company(name="Løkken Is")
    assert device.sync().pushed == 1
    new = device.service.credentials.get_token()
    assert new != old and new not in lost
    assert not works(server, lost[-1])  # replaced by the refresh that got through
    assert works(server, new) and not works(server, old)  # the new token's first use ended the old one
    assert device.sync().verified


def test_the_old_token_stops_after_the_grace_even_if_the_new_one_is_never_used(make_device, server, monkeypatch):
    device = make_device("laptop", clock=lambda: datetime.now(UTC) + timedelta(days=27))
    old = device.service.credentials.get_token()
    lost: list[str] = []
    _lose_refresh_replies(monkeypatch, lost, times=2)
    device.sync()
    assert works(server, old)
    with server.engine.begin() as conn:  # ten minutes later
        conn.execute(update(Token).where(Token.token_hash == token_hash(old))
                     .values(expires_at=datetime.now(UTC) - timedelta(seconds=1)))
    assert not works(server, old) and works(server, lost[-1])
