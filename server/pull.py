"""Pages of changes after a cursor, and the summary (DESIGN.md §4 pull/summary).

Responses are assembled as bytes: the stored ``fields`` JSON goes out as it
is, without being parsed and serialised again, which is most of the cost of
a first sync of 100,000 records.
"""

from __future__ import annotations

import orjson
from sqlalchemy import Connection, func, select

from desktop.domain.protocol import format_checksum
from server.security import iso, utcnow
from server.tables import Counter, Record, TeamExit, TeamStats

_MASK = (1 << 64) - 1


class CursorTooOld(Exception):
    """The tombstones after this cursor were purged: the client must resync."""


def horizon(conn: Connection) -> int:
    """The highest sequence number whose tombstones may have been purged."""
    return conn.execute(select(Counter.value).where(Counter.name == "tombstone_horizon")).scalar() or 0


def pull_page(conn: Connection, teams: list[str], since: int, limit: int) -> bytes:
    """One page of changes as the JSON response body."""
    if since > 0 and since < horizon(conn):
        raise CursorTooOld()
    if not teams:
        return orjson.dumps({"changes": [], "cursor": since, "has_more": False, "server_time": iso(utcnow())})
    rows = conn.execute(
        select(Record.entity, Record.id, Record.version, Record.deleted, Record.team_id, Record.fields)
        .where(Record.team_id.in_(teams), Record.version > since)
        .order_by(Record.version)
        .limit(limit + 1)
    ).all()
    exits = conn.execute(
        select(TeamExit.seq, TeamExit.entity, TeamExit.record_id, TeamExit.old_team_id, Record.team_id)
        .join(Record, Record.id == TeamExit.record_id, isouter=True)
        .where(TeamExit.old_team_id.in_(teams), TeamExit.seq > since)
        .order_by(TeamExit.seq)
        .limit(limit + 1)
    ).all()
    team_set = set(teams)
    items: list[tuple[int, bytes]] = []
    for entity, record_id, version, deleted, team_id, fields in rows:
        if deleted:
            body = b'{"team_id":' + orjson.dumps(team_id) + b"}"
            op = b"delete"
        else:
            body = fields.encode() if isinstance(fields, str) else fields
            op = b"upsert"
        items.append((version, b'{"entity":"%s","id":"%s","op":"%s","version":%d,"fields":%s}'
                      % (entity.encode(), record_id.encode(), op, version, body)))
    for seq, entity, record_id, old_team, current_team in exits:
        if current_team in team_set:
            continue  # still visible through another team: the record itself is sent
        items.append((seq, b'{"entity":"%s","id":"%s","op":"delete","version":%d,"fields":{"team_id":%s}}'
                      % (entity.encode(), record_id.encode(), seq, orjson.dumps(old_team))))
    items.sort(key=lambda item: item[0])
    has_more = len(rows) > limit or len(exits) > limit or len(items) > limit
    page = items[:limit]
    # Never move the cursor past an item a truncated list did not send yet.
    bound = min(
        rows[limit].version if len(rows) > limit else float("inf"),
        exits[limit].seq if len(exits) > limit else float("inf"),
    )
    page = [item for item in page if item[0] < bound]
    cursor = page[-1][0] if page else since
    return (
        b'{"changes":[' + b",".join(item[1] for item in page) + b'],"cursor":%d,"has_more":%s,"server_time":"%s"}'
        % (cursor, b"true" if has_more else b"false", iso(utcnow()).encode())
    )


def summary(conn: Connection, teams: list[str]) -> dict:
    """Counts per entity, the XOR checksum and the newest visible sequence number."""
    counts: dict[str, int] = {}
    checksum = 0
    cursor = 0
    if teams:
        for entity, count, value in conn.execute(
            select(TeamStats.entity, TeamStats.count, TeamStats.checksum).where(TeamStats.team_id.in_(teams))
        ):
            counts[entity] = counts.get(entity, 0) + int(count)
            checksum ^= int(value) & _MASK
        cursor = max(
            conn.execute(select(func.max(Record.version)).where(Record.team_id.in_(teams))).scalar() or 0,
            conn.execute(select(func.max(TeamExit.seq)).where(TeamExit.old_team_id.in_(teams))).scalar() or 0,
        )
    return {
        "counts": {k: v for k, v in sorted(counts.items()) if v},
        "checksum": format_checksum(checksum),
        "cursor": cursor,
        "teams": sorted(teams),
        "server_time": iso(utcnow()),
    }
