"""The sync server's address: what the app accepts, before any request is sent (no I/O).

A password login sends the password in the request body, so an ``http://``
address would send it in clear to every network on the way, and no redirect
to ``https`` can help: the password has left by then. Plain ``http`` is
therefore refused except to this computer itself (a loopback address:
``localhost``, ``127.0.0.0/8``, ``::1``), where nothing travels over a
network. A bare host name (``feltbog.kommune.dk``) means ``https://``.
"""

from __future__ import annotations

import ipaddress
import re
from urllib.parse import urlsplit, urlunsplit

from desktop.sync.errors import SyncError, SyncErrorKind

_SCHEME = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*://")
EXAMPLE = "https://feltbog.kommune.dk"


class AddressError(SyncError):
    """A server address the app will not use; the message says why in plain words.

    A :class:`SyncError` (kind ADDRESS, not retried), so every caller that
    handles sync failures handles this one too.
    """

    def __init__(self, message_da: str, message_en: str) -> None:
        super().__init__(SyncErrorKind.ADDRESS, "refused before sending")
        self.message_da, self.message_en = message_da, message_en
        self.args = (message_da,)


class InsecureAddressError(AddressError):
    """``http://`` to another computer: the password would travel in clear."""

    def __init__(self) -> None:
        super().__init__(
            "Feltbog forbinder kun til serveren med https://. Med http:// ville din adgangskode blive sendt "
            "ukrypteret over netværket, så andre på vejen kunne læse den. Skriv adressen med https://, "
            "eller spørg IT om den rigtige adresse.",
            "Feltbog connects to the server only with https://. With http:// your password would travel "
            "unencrypted over the network, where others on the way could read it. Write the address with "
            "https://, or ask IT for the right address.",
        )


def _unreadable() -> AddressError:
    return AddressError(f"Serverens adresse kan ikke læses. Den skal se sådan ud: {EXAMPLE}",
                        f"The server address cannot be read. It should look like this: {EXAMPLE}")


def is_loopback(host: str) -> bool:
    """True for this computer itself: ``localhost``, 127.0.0.0/8 and ``::1``."""
    host = host.strip("[]").lower().rstrip(".")
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def normalize_server_url(text: str) -> str:
    """The address to use for ``text``, or :class:`AddressError` saying why not.

    ``https://`` is assumed when no scheme is given; ``http://`` is kept only
    for a loopback host; the trailing ``/`` goes.
    """
    text = text.strip()
    if not text:
        raise AddressError("Skriv serverens adresse.", "Write the server's address.")
    if not _SCHEME.match(text):
        text = "https://" + text
    parts = urlsplit(text)
    scheme = parts.scheme.lower()
    if scheme not in ("http", "https"):
        raise AddressError(f"Serverens adresse skal begynde med https://, fx {EXAMPLE}",
                           f"The server address must begin with https://, e.g. {EXAMPLE}")
    try:
        host, _port = parts.hostname, parts.port  # .port raises for a port that is not a number
    except ValueError:
        raise _unreadable() from None
    if not host or parts.username is not None or " " in parts.netloc or parts.query or parts.fragment:
        raise _unreadable()
    if scheme == "http" and not is_loopback(host):
        raise InsecureAddressError()
    return urlunsplit((scheme, parts.netloc.lower(), parts.path.rstrip("/"), "", ""))
