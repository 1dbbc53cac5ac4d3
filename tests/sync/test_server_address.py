"""Plain http only to this computer (issue 19, 3): the password would travel in clear, so another host's
http address is refused before anything is sent; a bare host name means https."""

from __future__ import annotations

import socket

import pytest

from desktop.credentials import Credentials
from desktop.sync.address import AddressError, InsecureAddressError, is_loopback, normalize_server_url
from desktop.sync.client import SyncClient
from desktop.sync.errors import SyncError, SyncErrorKind
from desktop.sync.service import SyncService


@pytest.mark.parametrize(("typed", "used"), [
    ("feltbog.jammerbugt.dk", "https://feltbog.jammerbugt.dk"),
    ("  Feltbog.Jammerbugt.DK/  ", "https://feltbog.jammerbugt.dk"),
    ("feltbog.jammerbugt.dk:8443/feltbog/", "https://feltbog.jammerbugt.dk:8443/feltbog"),
    ("HTTPS://feltbog.jammerbugt.dk", "https://feltbog.jammerbugt.dk"),
    ("http://127.0.0.1:8765", "http://127.0.0.1:8765"),
    ("http://127.8.9.10:8765/", "http://127.8.9.10:8765"),
    ("http://localhost:8765", "http://localhost:8765"),
    ("http://[::1]:8765", "http://[::1]:8765"),
    ("localhost:8765", "https://localhost:8765"),
])
def test_addresses_the_app_accepts(typed, used):
    assert normalize_server_url(typed) == used


@pytest.mark.parametrize("typed", [
    "http://feltbog.jammerbugt.dk", "http://10.20.30.40:8765", "http://128.0.0.1", "http://localhost.evil.dk",
    "http://[2001:db8::1]:8765", "HTTP://feltbog.jammerbugt.dk",
])
def test_plain_http_to_another_computer_is_refused_with_the_reason(typed):
    with pytest.raises(InsecureAddressError) as refused:
        normalize_server_url(typed)
    assert "adgangskode" in refused.value.message("da") and "ukrypteret" in refused.value.message("da")
    assert refused.value.kind is SyncErrorKind.ADDRESS and not refused.value.retryable


@pytest.mark.parametrize("typed", ["", "   ", "ftp://feltbog.jammerbugt.dk", "https://", "https://host:port",
                                   "https://mette:hemmelig@feltbog.jammerbugt.dk", "https://feltbog.dk/?x=1",
                                   "https://felt bog.dk"])
def test_an_address_that_cannot_be_used_says_so(typed):
    with pytest.raises(AddressError) as refused:
        normalize_server_url(typed)
    assert refused.value.message("da")  # plain words, never a traceback


def test_loopback_means_this_computer_only():
    assert all(map(is_loopback, ["localhost", "LOCALHOST.", "127.0.0.1", "127.255.0.9", "::1", "[::1]"]))
    assert not any(map(is_loopback, ["localhost.dk", "128.0.0.1", "10.0.0.1", "feltbog.dk", "::2"]))


def _this_computers_network_address() -> str | None:
    """An address of this computer that is not loopback (None in a sandbox without one)."""
    probe = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    try:
        probe.connect(("192.0.2.1", 9))  # UDP: picks the outgoing address, sends nothing
        address = probe.getsockname()[0]
    except OSError:
        return None
    finally:
        probe.close()
    return None if is_loopback(address) else address


@pytest.fixture
def listener_on_the_network():
    """A socket on this computer's network address: if the app sent anything, it would arrive here."""
    address = _this_computers_network_address()
    if address is None:
        pytest.skip("this computer has no network address besides loopback")
    listener = socket.socket()
    listener.bind((address, 0))
    listener.listen(4)
    listener.setblocking(False)
    yield listener, f"http://{address}:{listener.getsockname()[1]}"
    listener.close()


def test_the_password_is_not_sent_to_an_http_server_on_the_network(listener_on_the_network, db):
    listener, url = listener_on_the_network
    service = SyncService(db, Credentials(account="token-http"))
    with pytest.raises(InsecureAddressError):
        service.login(url, "mette", "a password that must not travel")
    with pytest.raises(InsecureAddressError):
        SyncClient(url, lambda: "token").summary()
    with pytest.raises(BlockingIOError):  # nobody knocked
        listener.accept()
    assert not service.signed_in() and service.account().server_url is None


def test_a_stored_http_address_is_refused_at_sync_without_losing_the_sign_in(listener_on_the_network, db):
    """An account signed in by an older version to http://…: the sync stops with the reason, nothing is sent."""
    from desktop.sync import state

    listener, url = listener_on_the_network
    service = SyncService(db, Credentials(account="token-old"))
    with db.write() as session:
        state.set_value(session, state.SERVER_URL, url)
    service.credentials.set_token("a-token")
    with pytest.raises(SyncError) as refused:
        service.sync()
    assert isinstance(refused.value, InsecureAddressError)
    with pytest.raises(BlockingIOError):
        listener.accept()
    service.logout()  # still possible: forgets the token without sending it
    assert service.credentials.get_token() is None


def test_http_to_this_computer_signs_in(server, db):
    """The developers' and the tests' server on loopback, written as localhost."""
    username, password = server.user("consultant")
    port = server.url.rsplit(":", 1)[1]
    service = SyncService(db, Credentials(account="token-loopback"))
    account = service.login(f"http://localhost:{port}/", username, password)
    assert account.server_url == f"http://localhost:{port}"
    assert service.signed_in() and service.sync().pushed == 0
