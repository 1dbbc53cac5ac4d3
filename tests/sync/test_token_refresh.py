"""The app swaps its token for a fresh one when a sync finds it near expiry, against the real server.

The device's clock is moved forward (the service takes a clock); the server
keeps real time, so the token is still valid there, only close to its end.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import requests
from sqlalchemy import select

from desktop.sync import state
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
    # Another refresh of the same token got there first (e.g. a reply lost on the way): this one is refused.
    assert requests.post(f"{server.url}/api/v1/auth/refresh", headers={"Authorization": f"Bearer {old}"},
                         timeout=30).status_code == 200
    assert device.service.refresh_token_if_due() is False
    assert device.service.credentials.get_token() == old
