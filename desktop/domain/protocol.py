"""Constants of the sync protocol (DESIGN.md §4) shared by app and server."""

from __future__ import annotations

import hashlib

API_PREFIX = "/api/v1"
# Bumped when the wire format of a mutation changes. The server refuses
# clients older than MIN_CLIENT_SCHEMA_VERSION with a clear message.
SCHEMA_VERSION = 1
MIN_CLIENT_SCHEMA_VERSION = 1

PULL_DEFAULT_LIMIT = 500
PULL_MAX_LIMIT = 5_000
PUSH_MAX_MUTATIONS = 5_000
TOMBSTONE_DAYS = 180

OP_UPSERT = "upsert"
OP_DELETE = "delete"
APPLIED = "applied"
REJECTED = "rejected"
# In a pulled company delete: the company it was merged into (one company per CVR in a team).
MERGED_INTO = "merged_into"


def record_hash(record_id: str, version: int) -> int:
    """A 64-bit hash of one record's ``(id, version)``.

    Summaries XOR these together, so both sides can keep the checksum up to
    date incrementally (XOR the old pair out, the new pair in) and the result
    does not depend on row order.
    """
    digest = hashlib.blake2b(f"{record_id}:{version}".encode(), digest_size=8).digest()
    return int.from_bytes(digest, "big")


def format_checksum(value: int) -> str:
    """Render an XOR checksum as 16 hex digits (the wire form)."""
    return f"{value & 0xFFFFFFFFFFFFFFFF:016x}"
