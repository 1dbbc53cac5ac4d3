"""A municipality's own CA, made in the test (``trustme``), and the OS trust store that holds it or not.

On Linux, the OS trust store that ``truststore`` reads is OpenSSL's default
one, which ``SSL_CERT_FILE`` points elsewhere; that is how a test puts the
CA "in the OS store" the way IT's group policy or profile would on Windows
and macOS. ``certifi`` (what ``requests`` trusts alone) never reads it.
"""

from __future__ import annotations

import socket
import threading
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import pytest
import trustme

from tests.support.live_server import LiveServer, make_database_url


@dataclass(frozen=True)
class MunicipalCA:
    """PEM files: the server's key and chain, the CA itself, and another CA (a store without ours)."""

    server_pem: Path
    ca_pem: Path
    other_ca_pem: Path

    def trusted(self, monkeypatch: pytest.MonkeyPatch) -> None:
        """IT has installed the municipality's CA in this computer's trust store."""
        monkeypatch.setenv("SSL_CERT_FILE", str(self.ca_pem))

    def not_trusted(self, monkeypatch: pytest.MonkeyPatch) -> None:
        """This computer's trust store lacks the municipality's CA (it holds another one)."""
        monkeypatch.setenv("SSL_CERT_FILE", str(self.other_ca_pem))


def make_municipal_ca(folder: Path) -> MunicipalCA:
    """A CA and a certificate from it for the test server on 127.0.0.1 (and localhost)."""
    folder.mkdir(parents=True, exist_ok=True)
    ca = trustme.CA(organization_name="Jammerbugt Kommune intern CA")
    certificate = ca.issue_cert("127.0.0.1", "localhost")
    files = MunicipalCA(folder / "server.pem", folder / "municipal-ca.pem", folder / "other-ca.pem")
    certificate.private_key_and_cert_chain_pem.write_to_path(str(files.server_pem))
    ca.cert_pem.write_to_path(str(files.ca_pem))
    trustme.CA().cert_pem.write_to_path(str(files.other_ca_pem))
    return files


@contextmanager
def tls_server(folder: Path, backend: str = "sqlite"):
    """The real server through HTTPS with a certificate from a fresh municipal CA: yields (server, ca)."""
    ca = make_municipal_ca(folder / "pki")
    with make_database_url(backend, folder) as url, LiveServer(
        url, ssl_certfile=str(ca.server_pem), ssl_keyfile=str(ca.server_pem)
    ) as live:
        yield live, ca


class ConnectProxy:
    """A minimal HTTP proxy that only tunnels (CONNECT), as a municipal web proxy does for HTTPS.

    ``tunnels`` lists the ``host:port`` each tunnel went to, so a test can see it was used.
    """

    def __init__(self) -> None:
        self.listener = socket.create_server(("127.0.0.1", 0))
        self.url = f"http://127.0.0.1:{self.listener.getsockname()[1]}"
        self.tunnels: list[str] = []
        self.thread = threading.Thread(target=self._serve, name="connect-proxy", daemon=True)

    def __enter__(self) -> ConnectProxy:
        self.thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.listener.close()
        self.thread.join(5)

    def _serve(self) -> None:
        while True:
            try:
                client, _addr = self.listener.accept()
            except OSError:  # closed
                return
            threading.Thread(target=self._tunnel, args=(client,), daemon=True).start()

    def _tunnel(self, client: socket.socket) -> None:
        head = b""
        while b"\r\n\r\n" not in head:
            chunk = client.recv(4096)
            if not chunk:
                client.close()
                return
            head += chunk
        method, target, _version = head.split(b"\r\n", 1)[0].decode().split(" ")
        if method != "CONNECT":
            client.sendall(b"HTTP/1.1 405 Method Not Allowed\r\nContent-Length: 0\r\n\r\n")
            client.close()
            return
        host, port = target.rsplit(":", 1)
        upstream = socket.create_connection((host, int(port)))
        self.tunnels.append(target)
        client.sendall(b"HTTP/1.1 200 Connection established\r\n\r\n")

        def pipe(source: socket.socket, sink: socket.socket) -> None:
            try:
                while data := source.recv(65536):
                    sink.sendall(data)
            except OSError:
                pass
            finally:
                sink.close()
                source.close()

        threading.Thread(target=pipe, args=(upstream, client), daemon=True).start()
        pipe(client, upstream)
