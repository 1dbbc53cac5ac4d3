"""HTTPS that trusts what the operating system trusts (the ``truststore`` library).

A municipality's servers carry certificates from its own internal CA, which
IT puts in the OS trust store (the Windows certificate store by group policy,
the macOS keychain by a configuration profile, ``/etc/ssl`` on Linux).
``requests`` alone checks only the list it ships (certifi), so those servers
would be refused. The adapter here verifies with the OS store instead: the
Windows and macOS certificate APIs, and on Linux OpenSSL's default store
(which honours ``SSL_CERT_FILE`` and ``SSL_CERT_DIR``). It is mounted on the
sync client's own session only, not injected into every socket of the app.
"""

from __future__ import annotations

import ssl
from typing import Any

import requests
import truststore
from requests.adapters import HTTPAdapter


class OSTrustAdapter(HTTPAdapter):
    """A requests adapter whose HTTPS connections verify against the OS trust store.

    One truststore context per adapter (so per client): a new client reads
    the store as it is now, e.g. after IT installed a CA.
    """

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        self.os_context = truststore.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
        super().__init__(*args, **kwargs)

    def init_poolmanager(self, connections: int, maxsize: int, block: bool = False, **pool_kwargs: Any) -> None:
        """Direct connections: the pool's TLS uses the OS trust store."""
        pool_kwargs["ssl_context"] = self.os_context
        super().init_poolmanager(connections, maxsize, block, **pool_kwargs)

    def proxy_manager_for(self, proxy: str, **proxy_kwargs: Any) -> Any:
        """Through a proxy (HTTPS_PROXY, common on a municipal network) the tunnelled TLS verifies the same way."""
        proxy_kwargs.setdefault("ssl_context", self.os_context)
        return super().proxy_manager_for(proxy, **proxy_kwargs)


def use_os_trust_store(session: requests.Session) -> requests.Session:
    """Mount :class:`OSTrustAdapter` for ``https://`` on ``session``; returns it."""
    session.mount("https://", OSTrustAdapter())
    return session


def certificate_problem(error: BaseException) -> str | None:
    """Why a certificate was refused (OpenSSL's words, no user data), or None if ``error`` is another failure.

    ``requests`` wraps the ``ssl.SSLCertVerificationError`` a few layers deep
    (SSLError < MaxRetryError < SSLError); a TLS failure that is not about the
    certificate (a plain-HTTP port answering a TLS hello) is not one.
    """
    seen: set[int] = set()
    stack: list[BaseException | None] = [error]
    while stack:
        current = stack.pop()
        if current is None or id(current) in seen:
            continue
        seen.add(id(current))
        if isinstance(current, ssl.SSLCertVerificationError):
            return str(current.verify_message or current.reason or "certificate verify failed")
        linked = [current.__cause__, current.__context__, getattr(current, "reason", None), *current.args]
        stack += [link for link in linked if isinstance(link, BaseException)]
    return "certificate verify failed" if "CERTIFICATE_VERIFY_FAILED" in str(error) else None
