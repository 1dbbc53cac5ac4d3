"""Optional encryption of the local database at rest with SQLCipher (no Qt).

What it protects: the notes on a lost or stolen laptop whose disk is read
directly. What it does not: a logged-in user, malware running as that user,
or the keychain itself (the key lives there). See README.md.

* Whether a file is encrypted is read from the file itself: a plain SQLite
  file starts with ``SQLite format 3\\0``; an SQLCipher file starts with
  random salt.
* The key is 32 random bytes, kept in the OS keychain under a key id
  (:class:`desktop.credentials.DatabaseKeys`). The id (not a secret) is in a
  small file beside the database, ``feltbog.sqlite.key-id``.
* Turning encryption on or off copies the database with
  ``sqlcipher_export`` into a new file, checks the copy (integrity and every
  table's row count), swaps it in atomically and overwrites the old file's
  bytes before removing it; its WAL and SHM files too. Backups in
  ``backups/`` follow the same way, so nothing readable is left behind.
* Nothing in this module ever deletes or rewrites an encrypted file it
  cannot open: a missing or wrong key is an error with plain words.
"""

from __future__ import annotations

import logging
import os
import re
import uuid
from pathlib import Path
from types import ModuleType
from typing import Any

from desktop.credentials import DatabaseKeys, KeychainUnavailable
from desktop.errors import UserFacingError
from desktop.models.collation import register_collations

log = logging.getLogger(__name__)

SQLITE_HEADER = b"SQLite format 3\x00"
_KEY_PATTERN = re.compile(r"[0-9a-f]{64}")
_SIDE_FILES = ("-wal", "-shm", "-journal")


class EncryptionError(UserFacingError):
    """The encrypted database cannot be opened, or encryption cannot be changed."""


def key_missing(path: Path) -> EncryptionError:
    """The database is encrypted but this user's keychain has no key for it."""
    return EncryptionError(
        f"Databasen i {path.parent} er krypteret, men nøglen findes ikke i denne brugers nøglering. "
        "Filen er ikke ændret. Log ind som den bruger, der slog krypteringen til, eller kontakt support.",
        f"The database in {path.parent} is encrypted, but its key is not in this user's keychain. "
        "The file has not been changed. Sign in as the user who turned encryption on, or contact support.",
    )


def key_wrong(path: Path) -> EncryptionError:
    """The keychain's key does not open the database."""
    return EncryptionError(
        f"Nøglen i nøgleringen passer ikke til den krypterede database i {path.parent}. "
        "Filen er ikke ændret. Kontakt support.",
        f"The key in the keychain does not open the encrypted database in {path.parent}. "
        "The file has not been changed. Contact support.",
    )


def no_keychain() -> EncryptionError:
    """Encryption needs a keychain to keep the key."""
    return EncryptionError(
        "Denne computer har ingen nøglering, hvor nøglen kan gemmes, så databasen kan ikke krypteres.",
        "This computer has no keychain to keep the key in, so the database cannot be encrypted.",
    )


def dbapi() -> ModuleType:
    """The SQLCipher DB-API module (imported only when a database is encrypted)."""
    from sqlcipher3 import dbapi2

    return dbapi2


def is_encrypted(path: Path) -> bool:
    """True if ``path`` holds data that is not a plain SQLite file (an SQLCipher file)."""
    try:
        with open(path, "rb") as file:
            head = file.read(len(SQLITE_HEADER))
    except FileNotFoundError:
        return False
    return bool(head) and head != SQLITE_HEADER


def key_id_file(path: Path) -> Path:
    """Where the id of the database's keychain entry is written (beside the database)."""
    return path.with_name(path.name + ".key-id")


def load_key(path: Path, keys: DatabaseKeys | None = None) -> str | None:
    """The key of an encrypted database, None for a plain one; raises a clear error if it is missing."""
    shred_leftovers(path)
    if not is_encrypted(path):
        return None
    try:
        key_id = key_id_file(path).read_text(encoding="ascii").strip()
    except (FileNotFoundError, UnicodeDecodeError):
        raise key_missing(path) from None
    try:
        key = (keys or DatabaseKeys()).get(key_id)
    except KeychainUnavailable:
        raise key_missing(path) from None
    if not key or not _KEY_PATTERN.fullmatch(key):
        raise key_missing(path)
    # A crash while encrypting may have left plain backups: finish the job.
    _convert_backups(path, None, key)
    return key


def _pragma_key(key: str) -> str:
    # A raw 256-bit key ("x'...'") skips SQLCipher's slow passphrase
    # derivation on every connection; the pattern check keeps the statement safe.
    if not _KEY_PATTERN.fullmatch(key):
        raise ValueError("a database key is 64 hex digits")
    return f"\"x'{key}'\""


def connect(path: Path, key: str | None, **kwargs: Any) -> Any:
    """An SQLCipher connection to ``path`` (plain if ``key`` is None), checked to open."""
    module = dbapi()
    conn = module.connect(str(path), check_same_thread=False, **kwargs)
    register_collations(conn)  # its export and integrity check read the Danish-ordered list indexes
    try:
        if key is not None:
            conn.execute(f"PRAGMA key = {_pragma_key(key)}")
        conn.execute("SELECT count(*) FROM sqlite_master").fetchone()
    except module.DatabaseError:
        conn.close()
        raise key_wrong(path) from None
    return conn


def table_counts(conn: Any, schema: str = "main") -> dict[str, int]:
    """Rows per table (full-text shadow tables included), to check a copy against its source."""
    names = [r[0] for r in conn.execute(f"SELECT name FROM {schema}.sqlite_master WHERE type = 'table'")]
    return {name: conn.execute(f'SELECT count(*) FROM {schema}."{name}"').fetchone()[0] for name in names}


def _export(source: Path, source_key: str | None, target: Path, target_key: str | None) -> dict[str, int]:
    """Copy ``source`` into a new file ``target`` with ``sqlcipher_export``; returns the row counts."""
    target.unlink(missing_ok=True)
    conn = connect(source, source_key)
    try:
        # Fold the WAL into the file first, so the old WAL holds nothing
        # that the copy could miss and can be removed afterwards.
        busy = conn.execute("PRAGMA wal_checkpoint(TRUNCATE)").fetchone()
        if busy and busy[0]:
            raise EncryptionError("Databasen er i brug. Prøv igen om lidt.", "The database is busy. Try again shortly.")
        counts = table_counts(conn)
        version = conn.execute("PRAGMA user_version").fetchone()[0]
        attach_key = _pragma_key(target_key) if target_key else "''"
        conn.execute(f"ATTACH DATABASE ? AS converted KEY {attach_key}", (str(target),))
        # The copy is fsynced once before the swap; syncing each of the
        # export's statements would cost seconds and protect nothing more.
        conn.execute("PRAGMA converted.synchronous = OFF")
        conn.execute("SELECT sqlcipher_export('converted')")
        conn.execute(f"PRAGMA converted.user_version = {int(version)}")
        conn.execute("DETACH DATABASE converted")
    finally:
        conn.close()
    return counts


def _verify(target: Path, key: str | None, expected: dict[str, int]) -> None:
    conn = connect(target, key)
    try:
        problems = conn.execute("PRAGMA integrity_check").fetchall()
        counts = table_counts(conn)
    finally:
        conn.close()
    if problems != [("ok",)] or counts != expected:
        target.unlink(missing_ok=True)
        raise EncryptionError("Kopien af databasen kunne ikke kontrolleres; intet er ændret.",
                              "The copy of the database did not check out; nothing was changed.")


def shred(path: Path) -> None:
    """Overwrite a file's bytes with zeros, flush them to disk, then remove it.

    On SSDs and copy-on-write file systems the old blocks may survive
    elsewhere; full-disk encryption is what covers those (README.md).
    """
    try:
        size = path.stat().st_size
        with open(path, "r+b") as file:
            zeros = bytes(min(size, 1 << 20))
            left = size
            while left > 0:
                left -= file.write(zeros[: min(left, len(zeros))])
            file.flush()
            os.fsync(file.fileno())
    except FileNotFoundError:
        return
    path.unlink(missing_ok=True)


def _scrap_file(path: Path) -> Path:
    return path.with_name(path.name + ".old")


def shred_leftovers(path: Path) -> None:
    """Finish a swap that a crash interrupted: overwrite the old copy it left."""
    scrap = _scrap_file(path)
    if scrap.exists() and path.exists() and os.path.samefile(scrap, path):
        # The crash came before the swap: the second name still points at the
        # live file, whose bytes must of course not be overwritten.
        scrap.unlink()
    for leftover in (scrap, path.with_name(path.name + ".converting")):
        if leftover.exists():
            shred(leftover)


def _swap(new: Path, path: Path) -> None:
    """Put ``new`` in place of ``path`` atomically, then overwrite the old file's bytes."""
    with open(new, "rb") as file:
        os.fsync(file.fileno())
    scrap = _scrap_file(path)
    scrap.unlink(missing_ok=True)
    try:
        os.link(path, scrap)  # a second name for the old bytes, to overwrite them after the swap
    except OSError:
        log.warning("No hard links here; the old database file is removed without being overwritten")
    os.replace(new, path)
    shred(scrap)
    for suffix in _SIDE_FILES:
        shred(path.with_name(path.name + suffix))


def convert_file(path: Path, old_key: str | None, new_key: str | None) -> None:
    """Rewrite one database file from ``old_key`` to ``new_key`` (None: plain), checked and swapped in."""
    converting = path.with_name(path.name + ".converting")
    counts = _export(path, old_key, converting, new_key)
    _verify(converting, new_key, counts)
    _swap(converting, path)


def _backups(path: Path) -> list[Path]:
    folder = path.parent / "backups"
    return sorted(folder.glob(f"{path.stem}-*.sqlite")) if folder.is_dir() else []


def _convert_backups(path: Path, old_key: str | None, new_key: str | None) -> bool:
    """Bring every backup to the main file's new state; False if one could not be converted."""
    all_done = True
    for backup in _backups(path):
        if is_encrypted(backup) == (new_key is not None):
            continue
        try:
            convert_file(backup, old_key, new_key)
        except Exception:  # one bad backup must not undo the main file's change
            log.exception("Could not convert the backup %s", backup.name)
            all_done = False
    return all_done


def encrypt(path: Path, keys: DatabaseKeys | None = None) -> str:
    """Encrypt the (closed) database at ``path`` and its backups; returns the new key."""
    keys = keys or DatabaseKeys()
    if is_encrypted(path):
        key = load_key(path, keys)
        assert key is not None
        return key
    key_id = uuid.uuid4().hex
    try:
        key = keys.create(key_id)
    except KeychainUnavailable:
        raise no_keychain() from None
    # The id goes to disk before the swap: a crash after the swap must still find the key.
    key_id_file(path).write_text(key_id, encoding="ascii")
    try:
        convert_file(path, None, key)
    except BaseException:
        if not is_encrypted(path):  # the swap did not happen: forget the key nobody uses
            key_id_file(path).unlink(missing_ok=True)
            keys.delete(key_id)
        raise
    _convert_backups(path, None, key)
    log.info("The local database is now encrypted")
    return key


def decrypt(path: Path, key: str, keys: DatabaseKeys | None = None) -> None:
    """Turn the (closed) encrypted database at ``path`` and its backups back into plain SQLite."""
    keys = keys or DatabaseKeys()
    convert_file(path, key, None)
    backups_done = _convert_backups(path, key, None)
    id_file = key_id_file(path)
    if backups_done and id_file.exists():
        # Only when no file needs it any more: a key deleted too early would lose a backup.
        keys.delete(id_file.read_text(encoding="ascii").strip())
        id_file.unlink()
    log.info("The local database is no longer encrypted")
