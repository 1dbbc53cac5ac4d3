"""Every sync failure becomes a SyncError of one kind, with a Danish message."""

from __future__ import annotations

from enum import Enum
from typing import Any

from desktop.errors import UserFacingError


class SyncErrorKind(Enum):
    """What went wrong, which decides what the app does next."""

    AUTH = "auth"  # sign in again
    NETWORK = "network"  # offline or server unreachable: retry with backoff
    CERTIFICATE = "certificate"  # the server's TLS certificate is not trusted here: IT must act; retry with backoff
    SERVER = "server"  # 5xx: retry with backoff
    PROTOCOL = "protocol"  # the server answered something we do not understand
    VERSION = "version"  # this app is too old for the server: update it
    RESYNC = "resync"  # the server no longer has our cursor (410)
    ADDRESS = "address"  # the server address is refused before any request (desktop/sync/address.py)


MESSAGES: dict[SyncErrorKind, tuple[str, str]] = {
    SyncErrorKind.AUTH: (
        "Du skal logge ind igen for at synkronisere.",
        "Please sign in again to sync.",
    ),
    SyncErrorKind.NETWORK: (
        "Serveren kan ikke nås. Dine ændringer er gemt og sendes, når der er forbindelse.",
        "The server cannot be reached. Your changes are saved and will be sent when online.",
    ),
    SyncErrorKind.CERTIFICATE: (
        "Serverens certifikat kan ikke godkendes, så Feltbog forbinder ikke (forbindelsen kunne være aflyttet). "
        "Dine ændringer er gemt på computeren. Kontakt IT: computeren mangler måske kommunens rodcertifikat.",
        "The server's certificate cannot be verified, so Feltbog does not connect (the connection could be "
        "intercepted). Your changes are saved on this computer. Contact IT: this computer may be missing the "
        "municipality's root certificate.",
    ),
    SyncErrorKind.SERVER: (
        "Serveren har en fejl lige nu. Vi prøver igen om lidt.",
        "The server has a problem right now. We will try again shortly.",
    ),
    SyncErrorKind.PROTOCOL: (
        "Serveren svarede noget uventet. Kontakt support, hvis det bliver ved.",
        "The server gave an unexpected answer. Contact support if it persists.",
    ),
    SyncErrorKind.VERSION: (
        "Denne version af Feltbog er for gammel til serveren. Opdatér programmet.",
        "This version of Feltbog is too old for the server. Please update.",
    ),
    SyncErrorKind.RESYNC: (
        "Serveren kræver en fuld synkronisering.",
        "The server requires a full sync.",
    ),
    SyncErrorKind.ADDRESS: (  # AddressError says more precisely what is wrong
        "Serverens adresse kan ikke bruges. Spørg IT om den rigtige adresse.",
        "The server address cannot be used. Ask IT for the right address.",
    ),
}


class SyncError(UserFacingError):
    """A failed sync step. ``retryable`` tells the runtime to back off and retry."""

    def __init__(self, kind: SyncErrorKind, detail: str = "", status: int | None = None,
                 payload: Any = None) -> None:
        da, en = MESSAGES[kind]
        super().__init__(da, en)
        self.kind = kind
        self.detail = detail
        self.status = status
        self.payload = payload  # the server's decoded error body (a 4xx), for the step that can act on it

    @property
    def retryable(self) -> bool:
        """Network and server errors go away by themselves; the others need a person.

        A certificate problem is retried too: it is often the network's (a
        hotel's sign-in page answering for every server), and the laptop may
        be back on the office network in a moment; when it is IT's to fix,
        a retry every few minutes costs nothing and succeeds once they have.
        """
        return self.kind in (SyncErrorKind.NETWORK, SyncErrorKind.SERVER, SyncErrorKind.CERTIFICATE)

    def __str__(self) -> str:
        return f"{self.message_da} ({self.kind.value}{': ' + self.detail if self.detail else ''})"
