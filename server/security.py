"""Passwords (Argon2) and bearer tokens (random, stored hashed, expiring, revocable)."""

from __future__ import annotations

import hashlib
import secrets
from datetime import UTC, datetime, timedelta

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

_hasher = PasswordHasher()
# Verified against when the username is unknown, so a wrong username costs the
# same time as a wrong password and the two cannot be told apart.
_DUMMY_HASH = _hasher.hash("feltbog-dummy-password")


def hash_password(password: str) -> str:
    """Argon2id hash of a password."""
    return _hasher.hash(password)


def verify_password(password_hash: str | None, password: str) -> bool:
    """True if ``password`` matches; constant work for unknown users (hash None)."""
    try:
        return _hasher.verify(password_hash or _DUMMY_HASH, password) and password_hash is not None
    except (VerificationError, InvalidHashError):
        return False


def new_token() -> str:
    """A fresh random bearer token (shown once, stored only as a hash)."""
    return secrets.token_urlsafe(32)


def token_hash(token: str) -> str:
    """What the database stores for a token."""
    return hashlib.sha256(token.encode()).hexdigest()


def utcnow() -> datetime:
    """Server time in UTC."""
    return datetime.now(UTC)


def expiry(days: int) -> datetime:
    """When a token made now expires."""
    return utcnow() + timedelta(days=days)


def iso(dt: datetime) -> str:
    """ISO 8601 UTC with a Z, the wire form of times."""
    if dt.tzinfo is None:
        dt = dt.replace(tzinfo=UTC)
    return dt.astimezone(UTC).isoformat().replace("+00:00", "Z")
