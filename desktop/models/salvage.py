"""Rescue what was typed but not yet sent from a damaged database file.

What the server has can always be fetched again; what only this laptop has
(the outbox of unsent changes and the rows they belong to) exists nowhere
else. :func:`read_unsent` reads as much of it as the damaged file still
gives: the outbox is read in small id ranges so one bad page loses only the
entries on it, each record row on its own, and a file whose first page was
overwritten borrows the first page of its newest backup (the online backup
copies pages one to one, so the tables' root pages are where they were).

:func:`write_unsent` puts the rescue into a whole database through the one
write path (rows, search index, outbox, in the caller's transaction), and
:func:`move_aside` keeps the damaged file (never deleted: support may need it).
"""

from __future__ import annotations

import json
import logging
import shutil
import sqlite3
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

from sqlalchemy.orm import Session

from desktop.models import backups, outbox
from desktop.models.entities import MODELS, TABLES
from desktop.models.health import HEADER_SIZE, SQLITE_HEADER
from desktop.models.search import SEARCHED_ENTITIES, index_records
from desktop.models.writer import record_fields

log = logging.getLogger(__name__)
_RANGE = 50  # outbox ids read per query: a bad page costs at most this many tries
_MAX_MUTATION_ID = 10_000_000  # bounded scan when the damaged index cannot say where the outbox ends
_SIDE_FILES = ("-wal", "-shm")


@dataclass
class Salvage:
    """What could be read from the damaged file."""

    state: dict[str, str] = field(default_factory=dict)  # sync_state key -> value
    entries: list[dict[str, Any]] = field(default_factory=list)  # pending outbox rows, oldest first
    rows: dict[str, list[dict[str, Any]]] = field(default_factory=dict)  # entity -> raw rows of those records
    unreadable: bool = False  # part of the outbox could not be read

    @property
    def unsent(self) -> int:
        """How many unsent changes were rescued."""
        return len(self.entries)


def _connect(path: Path, key: str | None) -> Any:
    if key is None:
        return sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    from desktop.models import encryption

    return encryption.connect(path, key)


@contextmanager
def _readable_copy(path: Path) -> Iterator[Path]:
    """A copy of the file (with its WAL) to read from; a lost first page is borrowed from the newest backup."""
    with tempfile.TemporaryDirectory(prefix="feltbog-salvage-") as tmp:
        copy = Path(tmp) / path.name
        shutil.copyfile(path, copy)
        for suffix in _SIDE_FILES:
            side = path.with_name(path.name + suffix)
            if side.exists():
                shutil.copyfile(side, copy.with_name(copy.name + suffix))
        with open(copy, "rb") as file:
            header = file.read(HEADER_SIZE)
        if header[:16] != SQLITE_HEADER and not any(header[:16]):
            _borrow_first_page(path, copy)
        yield copy


def _borrow_first_page(original: Path, copy: Path) -> None:
    for backup, _made, _reason in backups.backup_files(original):
        with open(backup, "rb") as file:
            first = file.read(HEADER_SIZE)
            if first[:16] != SQLITE_HEADER:
                continue
            page_size = int.from_bytes(first[16:18], "big") or 65536
            file.seek(0)
            page = bytearray(file.read(page_size))
        size = copy.stat().st_size
        page[28:32] = (size // page_size).to_bytes(4, "big")  # the damaged file's own length
        with open(copy, "r+b") as target:
            target.write(page)
        log.warning("Salvage: the first page was overwritten; borrowed it from %s", backup.name)
        return


def read_unsent(path: Path, key: str | None = None) -> Salvage:
    """Everything unsent that the damaged file at ``path`` still gives (an empty Salvage when nothing)."""
    salvage = Salvage()
    if not path.exists() or path.stat().st_size == 0:
        return salvage
    with _readable_copy(path) as copy:
        try:
            conn = _connect(copy, key)
        except Exception:  # nothing readable at all
            log.warning("Salvage: the damaged file cannot be opened at all")
            salvage.unreadable = True
            return salvage
        try:
            _read_state(conn, salvage)
            _read_outbox(conn, salvage)
            _read_rows(conn, salvage)
        finally:
            conn.close()
    log.warning("Salvage: %d unsent change(s) rescued%s", salvage.unsent,
                " (part of the outbox was unreadable)" if salvage.unreadable else "")
    return salvage


def state_from_backups(path: Path, key: str | None = None) -> dict[str, str]:
    """The sync state of the newest readable backup (who was signed in where), or nothing."""
    for backup, _made, _reason in backups.backup_files(path):
        try:
            conn = _connect(backup, key)
        except Exception:
            continue
        found = Salvage()
        try:
            _read_state(conn, found)
        finally:
            conn.close()
        if found.state:
            return found.state
    return {}


def _read_state(conn: Any, salvage: Salvage) -> None:
    with suppress(Exception):
        salvage.state = {str(k): str(v) for k, v in conn.execute("SELECT key, value FROM sync_state")
                         if v is not None}


_OUTBOX_COLUMNS = "mutation_id, entity, entity_id, op, base_version, fields"


def _read_outbox(conn: Any, salvage: Salvage) -> None:
    try:
        rows = conn.execute(f"SELECT {_OUTBOX_COLUMNS} FROM outbox WHERE state = 'pending' ORDER BY mutation_id")
        found = rows.fetchall()
    except Exception:  # a damaged page: read what the pages around it still hold
        salvage.unreadable = True
        found = _outbox_by_ranges(conn)
    for mutation_id, entity, entity_id, op, base_version, fields in found:
        try:
            parsed = json.loads(fields)
        except (TypeError, ValueError):
            salvage.unreadable = True
            continue
        if entity in MODELS and op in ("upsert", "delete"):
            salvage.entries.append({"mutation_id": mutation_id, "entity": entity, "entity_id": entity_id, "op": op,
                                    "base_version": int(base_version or 0), "fields": parsed})


def _outbox_by_ranges(conn: Any) -> list[tuple[Any, ...]]:
    try:
        top = int(conn.execute("SELECT seq FROM sqlite_sequence WHERE name = 'outbox'").fetchone()[0])
    except Exception:
        top = _MAX_MUTATION_ID
    found: list[tuple[Any, ...]] = []
    misses = 0
    for start in range(1, min(top, _MAX_MUTATION_ID) + 1, _RANGE):
        try:
            part = conn.execute(
                f"SELECT {_OUTBOX_COLUMNS} FROM outbox NOT INDEXED WHERE mutation_id BETWEEN ? AND ? "
                "AND state = 'pending'", (start, start + _RANGE - 1)).fetchall()
        except Exception:
            part = []
        found.extend(part)
        misses = 0 if part else misses + 1
        if top == _MAX_MUTATION_ID and misses > 1000:  # no sequence to go by: stop after a long empty stretch
            break
    return sorted(found)


def _read_rows(conn: Any, salvage: Salvage) -> None:
    wanted: dict[str, set[str]] = {}
    for entry in salvage.entries:
        wanted.setdefault(entry["entity"], set()).add(entry["entity_id"])
    for entity, ids in wanted.items():
        for record_id in sorted(ids):
            try:
                cursor = conn.execute(f"SELECT * FROM {entity} WHERE id = ?", (record_id,))
                names = [d[0] for d in cursor.description]
                row = cursor.fetchone()
            except Exception:
                continue
            if row is not None:
                salvage.rows.setdefault(entity, []).append(dict(zip(names, row, strict=True)))


def move_aside(path: Path) -> Path | None:
    """Move the damaged file (and its WAL and key-id files) into ``damaged/<when>/``; returns the new path."""
    if not path.exists():
        return None
    folder = path.parent / "damaged" / datetime.now().strftime("%Y%m%d-%H%M%S-%f")
    folder.mkdir(parents=True)
    for suffix in ("", *_SIDE_FILES, ".damaged", ".key-id"):
        side = path.with_name(path.name + suffix)
        if side.exists():
            side.replace(folder / side.name)
    log.warning("Moved the damaged database to %s", folder)
    return folder / path.name


def write_unsent(session: Session, salvage: Salvage, *, skip_known: bool = True) -> int:
    """Put the rescued rows and unsent changes into this database; returns how many changes were queued.

    A change the database already holds as pending (a restored backup made
    after it was typed) is not queued twice (``skip_known``).
    """
    for entity, rows in salvage.rows.items():
        table = TABLES[entity]
        columns = {c.name for c in table.columns}
        for raw in rows:
            values = {k: v for k, v in raw.items() if k in columns}
            session.execute(table.delete().where(table.c.id == values["id"]))
            # Stored values are in SQLite's own text forms already: insert them as they are.
            session.connection().exec_driver_sql(
                f"INSERT INTO {table.name} ({', '.join(values)}) VALUES ({', '.join('?' * len(values))})",
                tuple(values.values()))
        if entity in SEARCHED_ENTITIES:
            model = MODELS[entity]
            fresh = [session.get(model, raw["id"]) for raw in rows]
            index_records(session, entity, [record_fields(entity, r) for r in fresh if r is not None and not r.deleted])
    known = {(m.entity_id, m.op, json.dumps(m.fields, sort_keys=True)) for m in outbox.pending_batch(session, 10**9)}
    queued = 0
    for entry in salvage.entries:
        signature = (entry["entity_id"], entry["op"], json.dumps(entry["fields"], sort_keys=True))
        if skip_known and signature in known:
            continue
        outbox.append(session, entry["entity"], entry["entity_id"], entry["op"], entry["base_version"],
                      entry["fields"])
        queued += 1
    return queued
