"""The only module that touches the OS keychain (via ``keyring``).

The sync token lives in the keychain and nowhere else: not in the database,
not in a file, not in a log. If the machine has no usable keychain, the
token is kept in memory for this session only and the user is told why they
must sign in again next time.
"""

from __future__ import annotations

import logging

import keyring
from keyring.errors import KeyringError

log = logging.getLogger(__name__)
SERVICE = "Feltbog"


class Credentials:
    """Stores the sync token for one server + user account."""

    def __init__(self, account: str = "sync-token") -> None:
        self.account = account
        self._memory: str | None = None

    @staticmethod
    def keychain_available() -> bool:
        """False when keyring only has its 'fail' or null backend."""
        backend = keyring.get_keyring()
        return getattr(backend, "priority", 0) > 0 and "fail" not in type(backend).__module__

    def get_token(self) -> str | None:
        """The stored token, or None when signed out."""
        if self._memory is not None:
            return self._memory
        try:
            return keyring.get_password(SERVICE, self.account)
        except KeyringError:
            log.warning("Keychain not readable; token kept in memory only")
            return None

    def set_token(self, token: str) -> None:
        """Store a new token (replacing any old one)."""
        try:
            keyring.set_password(SERVICE, self.account, token)
            self._memory = None
        except KeyringError:
            log.warning("No usable keychain; the token is kept in memory for this session")
            self._memory = token

    def delete_token(self) -> None:
        """Forget the token (sign out, or the server refused it)."""
        self._memory = None
        try:
            keyring.delete_password(SERVICE, self.account)
        except KeyringError:
            pass  # nothing stored is the outcome we want

    def backend_description(self) -> str:
        """Where the token is kept, in words for the settings dialog."""
        backend = keyring.get_keyring()
        return f"{getattr(backend, 'name', type(backend).__name__)}"
