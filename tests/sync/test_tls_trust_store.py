"""The municipality's own CA (issue 19, 4): the app trusts what the OS trust store trusts, and a certificate
it cannot verify is reported as a certificate problem, not as an unreachable server.

The real server is served through HTTPS with a certificate from a CA made in the test; the CA is put in
(or left out of) the store the way IT would (tests/support/tls.py: SSL_CERT_FILE, OpenSSL's default store).
"""

from __future__ import annotations

import logging

import pytest
import requests

from desktop.credentials import Credentials
from desktop.sync.client import SyncClient
from desktop.sync.errors import SyncError, SyncErrorKind
from desktop.sync.service import SyncService
from desktop.sync.tls import OSTrustAdapter
from tests.support.tls import ConnectProxy, tls_server
from tests.sync.harness import Device


@pytest.fixture
def municipal(tmp_path):
    with tls_server(tmp_path / "server") as (server, ca):
        yield server, ca


def test_with_the_municipal_ca_in_the_os_store_the_app_signs_in_and_syncs(municipal, monkeypatch, tmp_path):
    server, ca = municipal
    ca.trusted(monkeypatch)
    assert server.url.startswith("https://")
    # requests' own list (certifi) does not know the CA: the trust below comes from the OS store.
    with pytest.raises(requests.exceptions.SSLError):
        requests.get(f"{server.url}/api/v1/health", timeout=10)
    username, password = server.user("consultant")
    port = server.url.rsplit(":", 1)[1]
    mette = Device(tmp_path / "mette", f"localhost:{port}", username, password)  # a bare host: https assumed
    assert mette.service.account().server_url == f"https://localhost:{port}"
    mette.ops.create_company(name="Jammerbugt Rengøring ApS")
    assert mette.sync().pushed == 1
    lars = Device(tmp_path / "lars", server.url, username, password)
    assert lars.sync().pulled >= 1
    assert [c["name"] for c in lars.records("company").values()] == ["Jammerbugt Rengøring ApS"]
    for device in (mette, lars):
        device.db.close()


def test_without_the_ca_a_certificate_problem_is_reported_and_logged(municipal, monkeypatch, db, caplog):
    server, ca = municipal
    ca.not_trusted(monkeypatch)
    username, password = server.user("consultant")
    service = SyncService(db, Credentials(account="token-untrusted"))
    with caplog.at_level(logging.WARNING, logger="desktop.sync.client"), pytest.raises(SyncError) as refused:
        service.login(server.url, username, password)
    error = refused.value
    assert error.kind is SyncErrorKind.CERTIFICATE
    assert "certifikat" in error.message("da") and "Kontakt IT" in error.message("da")
    assert "kan ikke nås" not in error.message("da")
    assert not service.signed_in()
    logged = [r.getMessage() for r in caplog.records if r.name == "desktop.sync.client"]
    assert logged == [f"The certificate of {server.url} was not accepted: unable to get local issuer certificate"]


def test_a_signed_in_laptop_whose_store_loses_the_ca_keeps_its_sign_in_and_retries(municipal, monkeypatch, tmp_path):
    """E.g. IT replaced the server's certificate with one from a new CA not yet rolled out to this laptop."""
    server, ca = municipal
    ca.trusted(monkeypatch)
    username, password = server.user("consultant")
    laptop = Device(tmp_path / "laptop", server.url, username, password)
    laptop.ops.create_company(name="Aars Tømrer")
    ca.not_trusted(monkeypatch)
    laptop.restart()  # the next start of the app: a new connection, the store as it is now
    with pytest.raises(SyncError) as refused:
        laptop.sync()
    assert refused.value.kind is SyncErrorKind.CERTIFICATE and refused.value.retryable
    assert laptop.service.signed_in() and laptop.pending() == 1  # nothing lost, no new sign-in needed
    ca.trusted(monkeypatch)
    laptop.restart()
    assert laptop.sync().pushed == 1
    laptop.db.close()


def test_through_the_municipal_web_proxy_the_os_store_is_used_too(municipal, monkeypatch, tmp_path):
    server, ca = municipal
    ca.trusted(monkeypatch)
    for name in ("NO_PROXY", "no_proxy", "ALL_PROXY", "all_proxy"):
        monkeypatch.delenv(name, raising=False)
    username, password = server.user("consultant")
    with ConnectProxy() as proxy:
        monkeypatch.setenv("HTTPS_PROXY", proxy.url)
        laptop = Device(tmp_path / "laptop", server.url, username, password)
        laptop.ops.create_company(name="Pandrup Smedie")
        assert laptop.sync().pushed == 1
        laptop.db.close()
    assert proxy.tunnels and set(proxy.tunnels) == {server.url.removeprefix("https://")}


def test_tls_to_a_port_that_speaks_plain_http_is_not_called_a_certificate_problem(server):
    """Only a refused certificate is one; a handshake that fails for another reason stays a network error."""
    url = server.url.replace("http://", "https://")
    with pytest.raises(SyncError) as failed:
        SyncClient(url).health()
    assert failed.value.kind is SyncErrorKind.NETWORK


def test_a_sync_client_on_a_session_of_its_callers_verifies_with_the_os_store_too():
    client = SyncClient("https://feltbog.jammerbugt.dk", session=requests.Session())
    assert isinstance(client.http.get_adapter("https://feltbog.jammerbugt.dk/api/v1/health"), OSTrustAdapter)
