"""Is the laptop's database file whole? A diagnosis in plain words before anything opens it.

A database file can be damaged by a full disk, a crash of the machine while
writing, a sync tool that copied half of it, or a disk that is failing. The
app must never meet such a file with a generic error, nor silently start an
empty database in its place, nor call it "encrypted" because its first bytes
are gone. Each kind of damage gets its own message, and what the user can do
about it (:mod:`desktop.models.backups`, :mod:`desktop.models.salvage`).

The checks, cheapest first:

* the file's size and its 100-byte header (no SQLite call): empty, cut short,
  header overwritten (:func:`check_file`, microseconds);
* SQLite's ``PRAGMA quick_check`` (:func:`quick_check`): every page's
  structure, without the index-against-table comparison of a full
  ``integrity_check``;
* the schema version against the migrations this app knows (:class:`NewerSchemaError`).
"""

from __future__ import annotations

import logging
from enum import Enum
from pathlib import Path
from typing import Any

from desktop.errors import UserFacingError

log = logging.getLogger(__name__)

SQLITE_HEADER = b"SQLite format 3\x00"
HEADER_SIZE = 100


class Damage(Enum):
    """What is wrong with the file."""

    EMPTY = "empty"  # 0 bytes: everything is gone from this file
    TRUNCATED = "truncated"  # shorter than its header says: the end is missing
    HEADER = "header"  # the first bytes are overwritten: SQLite cannot tell what the file is
    CORRUPT = "corrupt"  # opens, but pages inside are damaged


_MESSAGES: dict[Damage, tuple[str, str]] = {
    Damage.EMPTY: (
        "Databasefilen på denne computer er tom (0 byte). Dine data er ikke i den længere.",
        "The database file on this computer is empty (0 bytes). Your data is no longer in it.",
    ),
    Damage.TRUNCATED: (
        "Databasefilen på denne computer er afkortet: den sidste del af filen mangler.",
        "The database file on this computer has been cut short: the end of the file is missing.",
    ),
    Damage.HEADER: (
        "Begyndelsen af databasefilen på denne computer er overskrevet, så filen ikke kan læses.",
        "The beginning of the database file on this computer has been overwritten, so it cannot be read.",
    ),
    Damage.CORRUPT: (
        "Databasefilen på denne computer er beskadiget: nogle af dens sider kan ikke læses korrekt.",
        "The database file on this computer is damaged: some of its pages cannot be read correctly.",
    ),
}
_WHAT_NOW = (
    " Filen er ikke ændret. Du kan hente en sikkerhedskopi tilbage eller hente dine data fra serveren igen; "
    "ændringer, der ikke var sendt, reddes fra den beskadigede fil, så vidt de kan læses.",
    " The file has not been changed. You can restore a backup or fetch your data from the server again; "
    "changes that were not sent are rescued from the damaged file as far as they can be read.",
)


class DatabaseDamagedError(UserFacingError):
    """The database file is damaged; ``damage`` says how, ``path`` which file."""

    def __init__(self, path: Path, damage: Damage, detail: str = "") -> None:
        da, en = _MESSAGES[damage]
        super().__init__(da + _WHAT_NOW[0], en + _WHAT_NOW[1])
        self.path = path
        self.damage = damage
        self.detail = detail


class NewerSchemaError(UserFacingError):
    """The database was written by a newer version of Feltbog than this one."""

    def __init__(self, path: Path, revision: str) -> None:
        super().__init__(
            f"Databasen i {path.parent} er lavet af en nyere version af Feltbog end denne. "
            "Filen er ikke ændret. Installér den nyeste version af Feltbog.",
            f"The database in {path.parent} was made by a newer version of Feltbog than this one. "
            "The file has not been changed. Install the latest version of Feltbog.",
        )
        self.path = path
        self.revision = revision


def marker_of(path: Path) -> Path:
    """The file that says a check found this database damaged while the app ran (read at the next start)."""
    return path.with_name(path.name + ".damaged")


def _page_size(header: bytes) -> int:
    size = int.from_bytes(header[16:18], "big")
    return 65536 if size == 1 else size


def check_file(path: Path) -> Damage | None:
    """The damage visible from the file's size and header alone (None: nothing seen).

    A header that is not SQLite's but not zeros either is left to the
    encryption check: it is SQLCipher's random salt (whose key may be
    missing, a message of its own). A missing file is not damage: it is a
    first start.
    """
    try:
        size = path.stat().st_size
    except FileNotFoundError:
        return None
    if size == 0:
        return Damage.EMPTY
    with open(path, "rb") as file:
        header = file.read(HEADER_SIZE)
    if len(header) < HEADER_SIZE or not any(header[:16]):
        return Damage.HEADER if size >= HEADER_SIZE else Damage.TRUNCATED
    if header[:16] != SQLITE_HEADER:
        return None
    page_size = _page_size(header)
    if page_size < 512 or page_size & (page_size - 1):
        return Damage.HEADER
    if size % page_size:
        return Damage.TRUNCATED
    # The page count in the header is valid when the two change counters agree (SQLite's file format §1.3.7).
    pages = int.from_bytes(header[28:32], "big")
    if header[24:28] == header[92:96] and pages and size < pages * page_size:
        return Damage.TRUNCATED
    return None


def quick_check(connection: Any) -> str | None:
    """SQLite's structural check on an open DB-API connection: None when whole, else its first complaint."""
    try:
        rows = connection.execute("PRAGMA quick_check(5)").fetchall()
    except Exception as exc:  # sqlite3's or sqlcipher3's DatabaseError: the module varies with encryption
        if is_damage_error(exc):
            return str(exc)
        raise
    problems = [str(row[0]) for row in rows if row and row[0] != "ok"]
    return "; ".join(problems) if problems else None


def is_damage_error(exc: BaseException) -> bool:
    """True if an exception from opening or reading the file means the file is damaged."""
    text = str(exc).lower()
    return any(sign in text for sign in ("malformed", "not a database", "disk image", "file is encrypted"))
