"""Getting a consultant back to work after the laptop's database file was damaged (issue 18).

Two ways, both keeping every unsent change the damaged file still gives
(:mod:`desktop.models.salvage`) and the damaged file itself (moved aside):

* :func:`rebuild_from_server`: a new, empty database that knows the account;
  the next sync downloads everything the server has and then hands in the
  rescued changes.
* :func:`restore_backup`: a backup copied into place, the rescued changes
  added on top; the next sync is a full resync, so whatever happened on the
  server since the backup comes back too.

Either way this installation gets a new device id: the server has seen
mutation ids from the old file that a restored or new outbox would number
again, and would skip them as replays.
"""

from __future__ import annotations

import logging
import shutil
from dataclasses import dataclass
from pathlib import Path

from desktop.models import backups, salvage
from desktop.models.db import Database
from desktop.models.encryption import key_id_file, load_key
from desktop.sync import state

log = logging.getLogger(__name__)

# What a rebuilt database keeps of the damaged one's sync state: who is signed in, to which server.
ACCOUNT_KEYS = (state.SERVER_URL, state.USER, state.TEAMS, state.MEMBERS, state.TOKEN_EXPIRES)
# What a restored backup must forget: its position in the server's stream and this device's numbering.
POSITION_KEYS = (state.DEVICE_ID, state.MUTATION_OFFSET, state.LAST_VERIFIED, state.VERIFY_SKIPS, state.VERIFIED_AT)


@dataclass(frozen=True)
class Recovered:
    """What a recovery did, for the message to the user."""

    database: Database
    unsent: int  # rescued unsent changes queued for the next sync
    partly_unreadable: bool  # some of the outbox could not be read
    damaged_copy: Path | None  # where the damaged file was kept


def _key_of(path: Path) -> str | None:
    try:
        return load_key(path) if key_id_file(path).exists() else None
    except Exception:  # a key we cannot get: read what the plain reader can (nothing, for an encrypted file)
        return None


def available_backups(path: Path) -> list[backups.BackupInfo]:
    """The backups the "Gendan" dialog offers, newest first, with their record counts (without opening ``path``)."""
    return backups.list_backups(path, _key_of(path))


def rebuild_from_server(path: Path) -> Recovered:
    """Move the damaged file aside and start a new database with the account and the rescued changes."""
    key = _key_of(path)
    rescued = salvage.read_unsent(path, key)
    # An emptied file remembers no account: the newest backup does, so no new sign-in is needed.
    account = rescued.state if state.SERVER_URL in rescued.state else salvage.state_from_backups(path, key)
    aside = salvage.move_aside(path)
    db = Database(path)
    with db.write() as session:
        for name in ACCOUNT_KEYS:
            if name in account:
                state.set_value(session, name, account[name])
        queued = salvage.write_unsent(session, rescued)
    if key is not None:
        db.set_encrypted(True)  # the damaged file was encrypted: so is its replacement
    log.warning("Rebuilt the database from the server's copy; %d unsent change(s) rescued", queued)
    return Recovered(db, queued, rescued.unreadable, aside)


def restore_backup(path: Path, backup: Path) -> Recovered:
    """Put ``backup`` in place of the (damaged or unwanted) database; rescued changes go on top."""
    key = _key_of(path)
    rescued = salvage.read_unsent(path, key)
    aside = salvage.move_aside(path)
    if aside is not None and key is not None:
        shutil.copyfile(aside.with_name(aside.name + ".key-id"), key_id_file(path))
    shutil.copyfile(backup, path)
    db = Database(path)
    with db.write() as session:
        for name in POSITION_KEYS:
            state.set_value(session, name, None)
        state.set_value(session, state.NEEDS_FULL_RESYNC, "1")
        queued = salvage.write_unsent(session, rescued)
    log.warning("Restored %s; %d unsent change(s) rescued", backup.name, queued)
    return Recovered(db, queued, rescued.unreadable, aside)
