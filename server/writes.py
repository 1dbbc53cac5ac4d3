"""The write side shared by push and reviews: records as one transaction sees them, and the bulk write.

A :class:`WriteContext` reads the records a request touches in a few ``IN``
queries, keeps them in memory while the request's rules change them, and
writes everything back at the end: inserts and updates in bulk (executemany),
the per-team statistics, the team exits, the audit rows and the sequence,
all in the caller's transaction.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

import orjson
from sqlalchemy import Connection, bindparam, insert, update

from desktop.domain.ids import new_id
from server.bulk import copies, copy_rows, execute_many, update_in_one
from server.security import iso, utcnow
from server.store import Sequence, StatsDelta, audit_rows
from server.tables import Record, TeamExit

_CHUNK = 500  # ids per IN (...) query


def dumps(value: Any) -> str:
    """Compact JSON text (UTF-8 kept as it is) for the ``fields`` and ``meta`` columns."""
    return orjson.dumps(value).decode()


@dataclass
class Loaded:
    """A record as the transaction currently sees it (loaded or created in this request)."""

    id: str
    entity: str
    team_id: str
    version: int
    deleted: bool
    fields: dict[str, Any]
    meta: dict[str, list[Any] | tuple[Any, ...]]  # field -> [seq, user_id, device_id] of its last change
    review_state: str | None
    new: bool = False
    dirty: bool = False
    old_version: int | None = None  # version when loaded, for the checksum
    old_team: str | None = None
    old_deleted: bool = False
    old_review_state: str | None = None


@dataclass
class WriteContext:
    """Everything one write transaction has read and is about to write."""

    conn: Connection
    user_id: str | None  # None: an admin at the command line
    device_id: str
    teams: set[str]
    seq: Sequence
    records: dict[str, Loaded] = field(default_factory=dict)
    absent: set[str] = field(default_factory=set)  # ids looked up and not found
    audit: list[dict[str, Any]] = field(default_factory=list)
    exits: list[dict[str, Any]] = field(default_factory=list)
    stats: StatsDelta = field(default_factory=StatsDelta)
    now: str = field(default_factory=lambda: iso(utcnow()))
    supervisor: bool = False  # may name another user as a visit's author
    members: dict[str, set[str]] = field(default_factory=dict)  # team -> user ids, read when needed
    aliases: dict[str, str | None] = field(default_factory=dict)  # company -> the company it was merged into
    cvr_holders: dict[tuple[str, str], set[str]] = field(default_factory=dict)  # (team, CVR) -> company ids

    @property
    def who(self) -> list[Any]:
        return [self.user_id, self.device_id]

    def load(self, ids: list[str]) -> None:
        """Read the given records (those not read yet) in few queries."""
        missing = [i for i in dict.fromkeys(ids) if i not in self.records and i not in self.absent]
        self.absent.update(missing)
        for start in range(0, len(missing), _CHUNK):
            chunk = missing[start : start + _CHUNK]
            if self.conn.dialect.name == "postgresql":  # one JSON parameter: the same statement every time
                rows = self.conn.exec_driver_sql(_SELECT_ANY, (dumps(chunk),))
            else:
                rows = self.conn.exec_driver_sql(_select_ids(self.conn, len(chunk)), tuple(chunk))
            for rid, entity, team_id, version, deleted, fields, meta, review_state in rows.all():  # one fetchall
                self.absent.discard(rid)
                self.records[rid] = Loaded(
                    rid, entity, team_id, version, bool(deleted), orjson.loads(fields), orjson.loads(meta or "{}"),
                    review_state, old_version=version, old_team=team_id, old_deleted=bool(deleted),
                    old_review_state=review_state,
                )

    def get(self, record_id: str) -> Loaded | None:
        """The record with this id, or None."""
        if record_id not in self.records and record_id not in self.absent:
            self.load([record_id])
        return self.records.get(record_id)

    def touch(self, record: Loaded) -> int:
        """Give a changed record the next sequence number."""
        record.version = self.seq.next()
        record.dirty = True
        record.fields["updated_at"] = self.now
        return record.version

    def add(self, record_id: str, entity: str, team_id: str, fields: dict[str, Any],
            review_state: str | None = None, changed: list[str] | None = None) -> Loaded:
        """A new record written by this transaction (its sync columns filled in here).

        ``changed``: the fields whose change it records in ``meta`` (default: all of ``fields``).
        """
        record = Loaded(
            record_id, entity, team_id, 0, False,
            {**fields, "team_id": team_id, "created_at": self.now, "created_by": self.user_id},
            {}, review_state, new=True,
        )
        self.absent.discard(record_id)
        self.records[record_id] = record
        version = self.touch(record)
        # One immutable entry shared by all the fields (every change of meta replaces an entry, never edits one):
        # a third of the time of a list per field, for every record a push creates.
        record.meta = dict.fromkeys(fields if changed is None else changed, (version, self.user_id, self.device_id))
        return record

    def create(self, entity: str, team_id: str, fields: dict[str, Any]) -> Loaded:
        """A new record the server writes by itself (review, conflict); its id is chosen here."""
        return self.add(new_id(), entity, team_id, fields)


# The columns Loaded needs, read by id as SQL for the driver. A push reads its ids in chunks of 500 at the
# start; SQLAlchemy expands and binds an IN list of that length element by element (several microseconds
# per id in a profile of the push), and psycopg parses a statement with 500 placeholders each time. The
# ids are strings and no column needs SQLAlchemy's result processing (``deleted`` goes through ``bool``).
_COLUMNS = "SELECT id, entity, team_id, version, deleted, fields, meta, review_state FROM records"
# PostgreSQL: the ids as one JSON text, made by orjson in C, unpacked into the array once (an InitPlan), then
# looked up in the primary key's index. A Python list bound as text[] cost psycopg's list dumper 2.3 ms per 500
# ids, against 1.2 ms so (the whole statement, on loopback). A NUL in an id is a DataError (a 422) either way.
_SELECT_ANY = f"{_COLUMNS} WHERE id = ANY(ARRAY(SELECT json_array_elements_text(%s::json)))"
_SELECT_IN: dict[int, str] = {}  # SQLite: number of ids -> SQL


def _select_ids(conn: Connection, count: int) -> str:
    """SQLite's ``SELECT`` of :data:`_COLUMNS` for ``count`` ids (``?`` placeholders)."""
    sql = _SELECT_IN.get(count)
    if sql is None:
        sql = _SELECT_IN[count] = f"{_COLUMNS} WHERE id IN ({', '.join(['?'] * count)})"
    return sql


_INSERT = insert(Record)
_UPDATE = (
    update(Record)
    .where(Record.id == bindparam("b_id"))
    .values(team_id=bindparam("team_id"), version=bindparam("version"), deleted=bindparam("deleted"),
            deleted_at=bindparam("deleted_at"), fields=bindparam("fields"), meta=bindparam("meta"),
            review_state=bindparam("review_state"))
)
# Most updates (an edit of a live record) change only these. SQLite rewrites the entries of every index
# holding a column the statement assigns, whatever its value: assigning review_state rewrote each edited
# record's (entity, review_state) entry, a page at a random place per record (12 % of a push of 1,000 edits
# to a server of 100,000 records on SQLite; docs/performance.md, "Edits write only what an edit changes").
_UPDATE_CONTENT = (
    update(Record)
    .where(Record.id == bindparam("b_id"))
    .values(version=bindparam("version"), fields=bindparam("fields"), meta=bindparam("meta"))
)


def _content_only(record: Loaded) -> bool:
    """True when a loaded record stays live, in its team and in its review state (only its content changed)."""
    return (not record.deleted and not record.old_deleted and record.team_id == record.old_team
            and record.review_state == record.old_review_state)


def write_changes(ctx: WriteContext) -> None:
    """Write every record the transaction changed, the exits, stats, audit and the sequence."""
    inserts, updates, edits = [], [], []  # edits: updates of the content alone (_UPDATE_CONTENT)
    now = utcnow()
    for record in ctx.records.values():
        if not record.dirty:
            continue
        if not record.new and not record.old_deleted and record.old_version is not None:
            ctx.stats.remove(record.old_team or record.team_id, record.entity, record.id, record.old_version)
        if not record.deleted:
            ctx.stats.add(record.team_id, record.entity, record.id, record.version)
        # Each row built once, in its statement's key order (no second dict per row).
        if record.new:
            inserts.append({
                "id": record.id, "entity": record.entity, "team_id": record.team_id, "version": record.version,
                "deleted": record.deleted, "deleted_at": now if record.deleted else None,
                "fields": dumps(record.fields), "meta": dumps(record.meta), "review_state": record.review_state,
            })
        elif _content_only(record):
            edits.append({"b_id": record.id, "version": record.version, "fields": dumps(record.fields),
                          "meta": dumps(record.meta)})
        else:
            updates.append({
                "b_id": record.id, "team_id": record.team_id, "version": record.version, "deleted": record.deleted,
                "deleted_at": now if record.deleted else None, "fields": dumps(record.fields),
                "meta": dumps(record.meta), "review_state": record.review_state,
            })
    # Many rows: COPY on PostgreSQL, before the pipeline (which cannot carry one); else executemany.
    copied = copy_rows(ctx.conn, Record.__table__, inserts)
    audit_first = copies(ctx.conn, len(ctx.audit))
    if audit_first:
        audit_rows(ctx.conn, ctx.audit)
    with pipeline(ctx.conn):
        if inserts and not copied:
            execute_many(ctx.conn, _INSERT, inserts)
        # PostgreSQL: each kind of update in one statement; elsewhere executemany.
        if edits and not update_in_one(ctx.conn, Record.__table__, edits):
            execute_many(ctx.conn, _UPDATE_CONTENT, edits)
        if updates and not update_in_one(ctx.conn, Record.__table__, updates):
            execute_many(ctx.conn, _UPDATE, updates)
        if ctx.exits:
            ctx.conn.execute(insert(TeamExit), ctx.exits)
        ctx.stats.save(ctx.conn)
        ctx.seq.save()
        if not audit_first:
            audit_rows(ctx.conn, ctx.audit)


@contextlib.contextmanager
def pipeline(conn: Connection) -> Iterator[None]:
    """On PostgreSQL, send the statements inside without waiting for each answer (psycopg pipeline mode).

    The writes run while the sequence lock is held, so each round trip there
    (and the wait for the GIL after it, in a busy worker) holds up every other
    push; one round trip for all of them keeps the lock short. Errors surface
    when the block ends, so nothing after it runs on a failed write.
    """
    if conn.dialect.name != "postgresql":
        yield
        return
    raw: Any = conn.connection.driver_connection  # a psycopg Connection on PostgreSQL
    with raw.pipeline():
        yield
