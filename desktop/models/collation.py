"""Danish alphabetical order inside SQLite: ``COLLATE danish`` on every connection.

The order itself is :func:`desktop.domain.formatting.danish_compare` (Æ, Ø, Å
after Z, "Aa" as Å, case ignored), the same the PDF catalogue sorts by. The
list indexes of migration 0006 are built with this collation, so every
connection that writes those tables, counts them or checks the file's
integrity must have it registered: the engine's connections
(desktop.models.db) and SQLCipher's (desktop.models.encryption) do.
"""

from __future__ import annotations

from typing import Any

from desktop.domain.formatting import DANISH_COLLATION, danish_compare


def register_collations(connection: Any) -> None:
    """Register ``COLLATE danish`` on a DB-API connection (sqlite3 or sqlcipher3)."""
    connection.create_collation(DANISH_COLLATION, danish_compare)


def danish(column: Any) -> Any:
    """``column COLLATE danish``: order a name or title the way a Danish reader expects."""
    return column.collate(DANISH_COLLATION)
