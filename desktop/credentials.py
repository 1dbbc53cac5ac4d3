"""The only module that touches the OS keychain (via ``keyring``).

The sync token lives in the keychain and nowhere else: not in the database,
not in a file, not in a log. If the machine has no usable keychain, the
token is kept in memory for this session only and the user is told why they
must sign in again next time.

The key of an encrypted local database (:class:`DatabaseKeys`) lives here
too, but never in memory only: a key that died with the process would lock
the consultant out of their own notes, so without a keychain there is no
encryption.
"""

from __future__ import annotations

import logging
import secrets
from types import ModuleType

log = logging.getLogger(__name__)
SERVICE = "Feltbog"


def _keyring() -> ModuleType:
    """``keyring``, imported at its first use: with its backends it is a tenth of a start-up, and that first
    use (the account snapshot's keychain part) runs on the network pool, not before the window
    (docs/performance.md)."""
    import keyring

    return keyring


def _keyring_error() -> type[Exception]:
    """keyring's base error, for ``except`` clauses (evaluated only when something was raised)."""
    from keyring.errors import KeyringError

    return KeyringError


class Credentials:
    """Stores the sync token for one server + user account."""

    def __init__(self, account: str = "sync-token") -> None:
        self.account = account
        self._memory: str | None = None

    @staticmethod
    def keychain_available() -> bool:
        """False when keyring only has its 'fail' or null backend."""
        backend = _keyring().get_keyring()
        return getattr(backend, "priority", 0) > 0 and "fail" not in type(backend).__module__

    def get_token(self) -> str | None:
        """The stored token, or None when signed out."""
        if self._memory is not None:
            return self._memory
        try:
            return _keyring().get_password(SERVICE, self.account)
        except _keyring_error():
            log.warning("Keychain not readable; token kept in memory only")
            return None

    def set_token(self, token: str) -> None:
        """Store a new token (replacing any old one)."""
        try:
            _keyring().set_password(SERVICE, self.account, token)
            self._memory = None
        except _keyring_error():
            log.warning("No usable keychain; the token is kept in memory for this session")
            self._memory = token

    def delete_token(self) -> None:
        """Forget the token (sign out, or the server refused it)."""
        self._memory = None
        try:
            _keyring().delete_password(SERVICE, self.account)
        except _keyring_error():
            pass  # nothing stored is the outcome we want

    def backend_description(self) -> str:
        """Where the token is kept, in words for the settings dialog."""
        backend = _keyring().get_keyring()
        return f"{getattr(backend, 'name', type(backend).__name__)}"


class KeychainUnavailable(Exception):
    """The OS keychain cannot store or read a database key."""


class DatabaseKeys:
    """Random 256-bit keys of encrypted databases, one keychain entry per key id."""

    PREFIX = "database-key-"

    def available(self) -> bool:
        """True when the OS keychain can hold a database key."""
        return Credentials.keychain_available()

    def get(self, key_id: str) -> str | None:
        """The key (64 hex digits) stored under ``key_id``, or None if there is none."""
        try:
            return _keyring().get_password(SERVICE, self.PREFIX + key_id)
        except _keyring_error() as exc:
            raise KeychainUnavailable(type(exc).__name__) from exc

    def create(self, key_id: str) -> str:
        """Make a new random key, store it and read it back (so a key we use is a key we can find again)."""
        if not self.available():
            raise KeychainUnavailable("no usable keychain backend")
        key = secrets.token_hex(32)
        try:
            _keyring().set_password(SERVICE, self.PREFIX + key_id, key)
        except _keyring_error() as exc:
            raise KeychainUnavailable(type(exc).__name__) from exc
        if self.get(key_id) != key:
            raise KeychainUnavailable("the keychain did not keep the key")
        return key

    def delete(self, key_id: str) -> None:
        """Forget a key (after its database was decrypted)."""
        try:
            _keyring().delete_password(SERVICE, self.PREFIX + key_id)
        except _keyring_error():
            pass  # nothing stored is the outcome we want
