"""Pages of changes after a cursor, and the summary (DESIGN.md §4 pull/summary).

Responses are assembled as bytes: the stored ``fields`` JSON goes out as it
is, without being parsed and serialised again, which is most of the cost of
a first sync of 100,000 records. Both read in one snapshot (a deferred
transaction on SQLite's WAL, REPEATABLE READ on PostgreSQL), so a page never
mixes a half-committed state into its cursor.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from typing import Any

import orjson
from sqlalchemy import Connection, Engine, func, or_, select, union_all

from desktop.domain.protocol import MERGED_INTO, format_checksum
from server.security import iso, utcnow
from server.tables import Counter, Record, TeamExit, TeamStats

_MASK = (1 << 64) - 1


class CursorTooOld(Exception):
    """The tombstones after this cursor were purged: the client must resync."""


@contextlib.contextmanager
def snapshot(db: Engine) -> Iterator[Connection]:
    """A read-only connection whose statements all see the same committed state."""
    with db.connect() as conn:
        if conn.dialect.name == "postgresql":
            conn = conn.execution_options(isolation_level="REPEATABLE READ")
        with conn.begin():
            yield conn


def horizon(conn: Connection) -> int:
    """The highest sequence number whose tombstones may have been purged."""
    return conn.execute(select(Counter.value).where(Counter.name == "tombstone_horizon")).scalar() or 0


def _body(changes: list[bytes], cursor: int, has_more: bool) -> bytes:
    return b'{"changes":[%s],"cursor":%d,"has_more":%s,"server_time":"%s"}' % (
        b",".join(changes), cursor, b"true" if has_more else b"false", iso(utcnow()).encode())


def pull_page(conn: Connection, teams: list[str], since: int, limit: int) -> bytes:
    """One page of changes as the JSON response body.

    Records of the user's teams with ``version > since`` are merged, in
    sequence order, with the team exits of records that moved to a team the
    user cannot see (sent as deletes).
    """
    if 0 < since < horizon(conn):
        raise CursorTooOld()
    if not teams:
        return _body([], since, False)
    columns = (Record.version, Record.entity, Record.id, Record.deleted, Record.team_id, Record.fields)
    # Find the page's last version from the (team_id, version) index alone, one ordered walk per team,
    # then read just the rows up to it. Also for one team: a "version > since ORDER BY version LIMIT n"
    # over the whole row let PostgreSQL, with the statistics of a table that just grew (a team's import,
    # before autovacuum's ANALYZE), fetch every later row and sort them on disk for each page (77 MB
    # sorted per page of a 135,000-record first sync); the bounded range reads only the page's rows.
    versions: list[int] = []
    for team in teams:
        versions.extend(conn.execute(select(Record.version).where(Record.team_id == team, Record.version > since)
                                     .order_by(Record.version).limit(limit + 1)).scalars())
    versions.sort()
    query = select(*columns).where(Record.team_id.in_(teams) if len(teams) > 1 else Record.team_id == teams[0],
                                   Record.version > since)
    if len(versions) > limit:
        query = query.where(Record.version <= versions[limit])
    rows = conn.execute(query.order_by(Record.version)).all() if versions else []
    exits = conn.execute(
        select(TeamExit.seq, TeamExit.entity, TeamExit.record_id, TeamExit.old_team_id)
        .join(Record, Record.id == TeamExit.record_id, isouter=True)
        .where(TeamExit.old_team_id.in_(teams), TeamExit.seq > since,
               or_(Record.team_id.is_(None), Record.team_id.not_in(teams)))
        .order_by(TeamExit.seq)
        .limit(limit + 1)
    ).all()
    items: list[tuple[int, bytes]] = []
    for version, entity, record_id, deleted, team_id, fields in rows:
        if deleted:
            # A company merged into another (one per CVR) says which: the laptops re-point their rows to it.
            into = orjson.loads(fields).get(MERGED_INTO) if entity == "company" else None
            items.append((version, b'{"entity":"%s","id":%s,"op":"delete","version":%d,"fields":{"team_id":%s%s}}'
                          % (entity.encode(), orjson.dumps(record_id), version, orjson.dumps(team_id),
                             b',"%s":%s' % (MERGED_INTO.encode(), orjson.dumps(into)) if into else b"")))
        else:
            items.append((version, b'{"entity":"%s","id":%s,"op":"upsert","version":%d,"fields":%s}'
                          % (entity.encode(), orjson.dumps(record_id), version, fields.encode())))
    if exits:
        for seq, entity, record_id, old_team in exits:
            items.append((seq, b'{"entity":"%s","id":%s,"op":"delete","version":%d,"fields":{"team_id":%s}}'
                          % (entity.encode(), orjson.dumps(record_id), seq, orjson.dumps(old_team))))
        items.sort(key=lambda item: item[0])
    # Each list holds its own first limit+1 items, so the first ``limit`` of the merge are exact.
    page = items[:limit]
    cursor = page[-1][0] if page else since
    return _body([item[1] for item in page], cursor, len(items) > limit)


def visible_cursor(conn: Connection, teams: list[str]) -> int:
    """The newest sequence number the user can see (records and team exits), in one indexed query."""
    if not teams:
        return 0
    parts = []
    for team in teams:
        parts.append(select(func.max(Record.version)).where(Record.team_id == team))
        parts.append(select(func.max(TeamExit.seq)).where(TeamExit.old_team_id == team))
    return max((value or 0 for value in conn.execute(union_all(*parts)).scalars()), default=0)


def summary(conn: Connection, teams: list[str]) -> dict[str, Any]:
    """Counts per entity, the XOR checksum and the newest visible sequence number."""
    counts: dict[str, int] = {}
    checksum = 0
    if teams:
        for entity, count, value in conn.execute(
            select(TeamStats.entity, TeamStats.count, TeamStats.checksum).where(TeamStats.team_id.in_(teams))
        ):
            counts[entity] = counts.get(entity, 0) + int(count)
            checksum ^= int(value) & _MASK
    return {
        "counts": {k: v for k, v in sorted(counts.items()) if v},
        "checksum": format_checksum(checksum),
        "cursor": visible_cursor(conn, teams),
        "teams": sorted(teams),
        "server_time": iso(utcnow()),
    }
