"""A company and what hangs on it: one company per CVR in a team, and team moves that take the children along.

**One company per CVR.** When a pushed company (new, or given a CVR, or moved
into a team) has a CVR a live company of its team already has, it is merged
into that one (the company that had the CVR first): the survivor keeps its
values, empty ones are filled from the duplicate, a value that differs is
kept as a ``conflict`` record both sides see. The duplicate becomes a
tombstone whose fields name the survivor (``merged_into``, sent with the
delete in the pull, so the laptop that made it re-points its own rows), its
stored children move to the survivor in the same transaction, and
``company_merges`` remembers duplicate -> survivor: whatever arrives later
naming the duplicate (a visit from a laptop that has not heard yet, an edit
of the duplicate itself) lands on the survivor.

**Team moves.** A company moved to another team takes its visits, openings,
mentors, contacts, follow-ups, the visits' reviews and the conflicts about
all of these along, each with a team exit, so laptops of the old team pull a
delete of every one of them.

Both run under the push's sequence lock, so two pushes never race on a CVR.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import Connection, insert, select, text

from desktop.domain.protocol import MERGED_INTO
from desktop.domain.rules import normalise_cvr
from desktop.domain.schema import ENTITIES
from server.security import utcnow
from server.store import audit
from server.tables import CompanyMerge, TeamExit
from server.writes import Loaded, WriteContext

CHILD_ENTITIES = ("visit", "opening", "mentor", "contact")  # company_id names the company
_SERVER_META = ("team_id", "created_at", "updated_at", "created_by", MERGED_INTO)
_MAX_HOPS = 20  # a chain of merges (A into B, later B into C) is followed this far


def _json(conn: Connection, name: str) -> str:
    """SQL for one top-level field of ``records.fields`` (the CVR index is built on exactly this form)."""
    if conn.dialect.name == "postgresql":
        return f"((fields::jsonb) ->> '{name}')"
    return f"json_extract(fields, '$.{name}')"


def _live(conn: Connection) -> str:
    return "NOT deleted" if conn.dialect.name == "postgresql" else "deleted = 0"


# --- aliases ---------------------------------------------------------------------------------------------

def survivor_of(ctx: WriteContext, company_id: str) -> str | None:
    """The company a merged duplicate lives on in (following later merges), or None if it was not merged."""
    cache = ctx.aliases
    current, seen = company_id, 0
    while seen < _MAX_HOPS:
        if current not in cache:
            record = ctx.records.get(current)
            if record is not None and not record.deleted:
                cache[current] = None  # alive: not merged (the common case costs no query)
            else:
                cache[current] = ctx.conn.execute(select(CompanyMerge.surviving_id)
                                                  .where(CompanyMerge.duplicate_id == current)).scalar()
        nxt = cache[current]
        if nxt is None:
            return None if current == company_id else current
        current, seen = nxt, seen + 1
    return current


# Per entity: the fields that name a company (computed once: this runs for every pushed mutation).
_COMPANY_REFS = {name: tuple(f.name for f in spec.fields if f.ref == "company") for name, spec in ENTITIES.items()}


def redirect_refs(ctx: WriteContext, entity: str, clean: dict[str, Any], subject_kind: Any) -> None:
    """Point references to a merged duplicate at its survivor (in place)."""
    names = _COMPANY_REFS[entity]
    if entity == "follow_up" and subject_kind == "company":
        names = (*names, "subject_id")
    for name in names:
        value = clean.get(name)
        if isinstance(value, str):
            target = ctx.get(value)
            if target is not None and target.entity == "company" and target.deleted:
                survivor = survivor_of(ctx, value)
                if survivor is not None:
                    clean[name] = survivor


# --- one company per CVR -----------------------------------------------------------------------------------

def prefetch_cvrs(ctx: WriteContext, mutations: list[dict[str, Any]]) -> None:
    """Read the companies holding the CVRs a batch's company mutations name, in one query per 500 CVRs
    (a push of thousands of new companies would otherwise ask once per company, under the sequence lock)."""
    wanted: set[str] = set()
    for m in mutations:
        value = (m.get("fields") or {}).get("cvr") if m.get("entity") == "company" else None
        if isinstance(value, str) and value.strip():
            wanted.add(normalise_cvr(value))
    teams = sorted(ctx.teams)
    cvrs = sorted(wanted)
    for start in range(0, len(cvrs), 500):
        _read_holders(ctx, teams, cvrs[start:start + 500])


def _read_holders(ctx: WriteContext, teams: list[str], cvrs: list[str]) -> None:
    """Load the stored live companies of these teams with these CVRs, and note them by (team, CVR).

    One query per team (``team_id = :team``): with ``team_id IN (...)`` SQLite's planner walked every
    company instead of the CVR index.
    """
    if not cvrs:
        return
    conn = ctx.conn
    marks = ", ".join(f":c{i}" for i in range(len(cvrs)))
    params = {f"c{i}": c for i, c in enumerate(cvrs)}
    found: list[str] = []
    for team in teams:
        for cvr in cvrs:
            ctx.cvr_holders.setdefault((team, cvr), set())
        rows = conn.execute(text(
            f"SELECT id, {_json(conn, 'cvr')} FROM records WHERE entity = 'company' AND {_live(conn)} "
            f"AND team_id = :team AND {_json(conn, 'cvr')} IN ({marks})"), {"team": team, **params}).all()
        for record_id, cvr in rows:
            ctx.cvr_holders[(team, cvr)].add(record_id)
            found.append(record_id)
    ctx.load(found)


def cvr_holder(ctx: WriteContext, team_id: str, cvr: str | None, exclude: str) -> Loaded | None:
    """The live company of the team that had this CVR first (other than ``exclude``), or None.

    ``exclude`` is the company being written with this CVR: it is noted as a holder from now on (if it is
    merged instead, it is a tombstone, which no later look-up takes).
    """
    if not cvr:
        return None
    key = (team_id, cvr)
    if key not in ctx.cvr_holders:
        _read_holders(ctx, [team_id], [cvr])
    candidates = ctx.cvr_holders[key]
    found = [r for r in (ctx.records.get(i) for i in candidates if i != exclude)
             if r is not None and r.entity == "company" and not r.deleted and r.team_id == team_id
             and r.fields.get("cvr") == cvr]
    candidates.add(exclude)
    if not found:
        return None
    return min(found, key=lambda r: (r.fields.get("created_at") or "", r.version, r.id))


def _fill_and_conflict(ctx: WriteContext, survivor: Loaded, fields: dict[str, Any], lost_by: str | None) -> list[str]:
    """Merge a duplicate's fields into the survivor: fill empty ones, keep differing ones as conflicts."""
    from server.push import _conflict  # the push's own conflict record

    changed = []
    for name, value in fields.items():
        if name in _SERVER_META or value is None or value == "" or name not in ENTITIES["company"].field_map:
            continue
        mine = survivor.fields.get(name)
        if isinstance(value, bool):
            if value and not mine:  # e.g. one of them knew it is a company centre
                survivor.fields[name] = value
                changed.append(name)
        elif mine is None or mine == "":
            survivor.fields[name] = value
            changed.append(name)
        elif mine != value:
            _conflict(ctx, survivor, name, mine, value, lost_by)
    return changed


def _record_merge(ctx: WriteContext, duplicate: Loaded, survivor: Loaded, version: int, kind: str = "cvr",
                  undo: dict[str, Any] | None = None) -> None:
    """The alias and the audit row; ``undo`` (ids and field names only, never a value) lets a manual merge
    be taken back (server/manual_merge.py)."""
    duplicate.fields[MERGED_INTO] = survivor.id
    ctx.conn.execute(insert(CompanyMerge).values(
        duplicate_id=duplicate.id, surviving_id=survivor.id, team_id=survivor.team_id, kind=kind,
        version=version, merged_at=utcnow(), merged_by=ctx.user_id))
    ctx.aliases[duplicate.id] = survivor.id
    ctx.audit.append(audit(ctx.user_id, "company:merged", device_id=ctx.device_id, entity="company",
                           entity_id=duplicate.id, team_id=survivor.team_id,
                           detail={"into": survivor.id, "kind": kind, **(undo or {})}))


def merge_new(ctx: WriteContext, record_id: str, team_id: str, full: dict[str, Any], survivor: Loaded) -> int:
    """A pushed new company whose CVR the team has: it is stored as a tombstone pointing at the survivor."""
    _touch_survivor(ctx, survivor, _fill_and_conflict(ctx, survivor, full, ctx.user_id))
    duplicate = ctx.add(record_id, "company", team_id, full)
    duplicate.deleted = True
    _record_merge(ctx, duplicate, survivor, duplicate.version)
    return duplicate.version


def merge_existing(ctx: WriteContext, duplicate: Loaded, survivor: Loaded, kind: str = "cvr") -> int:
    """A stored company merged into another (same CVR, or by hand): its fields, and its children."""
    lost_by = (duplicate.meta.get("cvr") or [None, duplicate.fields.get("created_by")])[1]
    filled = _fill_and_conflict(ctx, survivor, duplicate.fields, lost_by)
    _touch_survivor(ctx, survivor, filled)
    moved = []
    for child in _children(ctx, duplicate.team_id, [duplicate.id]):
        name = "subject_id" if child.entity == "follow_up" else "company_id"
        if child.fields.get(name) == duplicate.id:
            child.fields[name] = survivor.id
            version = ctx.touch(child)
            child.meta[name] = [version, *ctx.who]
            moved.append([child.id, name])
    duplicate.deleted = True
    version = ctx.touch(duplicate)
    _record_merge(ctx, duplicate, survivor, version, kind,
                  {"filled": filled, "survivor_version": survivor.version, "children": moved})
    return version


def _touch_survivor(ctx: WriteContext, survivor: Loaded, changed: list[str]) -> None:
    if changed:
        version = ctx.touch(survivor)
        for name in changed:
            survivor.meta[name] = [version, *ctx.who]


def check_cvr(ctx: WriteContext, record: Loaded) -> int | None:
    """After a company was written: if its team already had its CVR, merge it; return the new version."""
    if record.entity != "company" or record.deleted:
        return None
    survivor = cvr_holder(ctx, record.team_id, record.fields.get("cvr"), record.id)
    if survivor is None:
        return None
    return merge_existing(ctx, record, survivor)


# --- team moves -------------------------------------------------------------------------------------------

def _query_ids(ctx: WriteContext, team_id: str, entities: tuple[str, ...], field: str, values: list[str]) -> list[str]:
    conn = ctx.conn
    out: list[str] = []
    names = ", ".join(f"'{e}'" for e in entities)
    for start in range(0, len(values), 500):
        chunk = values[start:start + 500]
        params = {f"v{i}": v for i, v in enumerate(chunk)}
        marks = ", ".join(f":v{i}" for i in range(len(chunk)))
        out.extend(conn.execute(text(
            f"SELECT id FROM records WHERE team_id = :team AND entity IN ({names}) AND {_live(conn)} "
            f"AND {_json(conn, field)} IN ({marks})"), {"team": team_id, **params}).scalars())
    return out


def _matching(ctx: WriteContext, team_id: str, entities: tuple[str, ...], field: str, values: set[str]) -> list[Loaded]:
    ctx.load(_query_ids(ctx, team_id, entities, field, sorted(values)))
    return [r for r in ctx.records.values()
            if r.entity in entities and r.team_id == team_id and not r.deleted and r.fields.get(field) in values]


def _children(ctx: WriteContext, team_id: str, company_ids: list[str]) -> list[Loaded]:
    """Live records of the team hanging on these companies: direct children, and follow-ups about them."""
    ids = set(company_ids)
    direct = _matching(ctx, team_id, CHILD_ENTITIES, "company_id", ids)
    follow_ups = [f for f in _matching(ctx, team_id, ("follow_up",), "subject_id", ids)
                  if f.fields.get("subject_kind") == "company"]
    return direct + follow_ups


def _everything_of(ctx: WriteContext, company: Loaded, team_id: str) -> list[Loaded]:
    """Every live record of ``team_id`` that belongs with the company (not the company itself)."""
    direct = _matching(ctx, team_id, CHILD_ENTITIES, "company_id", {company.id})
    subjects = {company.id} | {r.id for r in direct if r.entity in ("visit", "opening")}
    follow_ups = _matching(ctx, team_id, ("follow_up",), "subject_id", subjects)
    visits = {r.id for r in direct if r.entity == "visit"}
    reviews = _matching(ctx, team_id, ("review",), "visit_id", visits) if visits else []
    records = direct + follow_ups + reviews
    about = {company.id} | {r.id for r in records}
    conflicts = _matching(ctx, team_id, ("conflict",), "record_id", about)
    return records + conflicts


def moved_from(ctx: WriteContext, record_id: str, teams: set[str], after: int = 0) -> bool:
    """True if the record left one of these teams (a team exit) after sequence number ``after``."""
    if not teams:
        return False
    return ctx.conn.execute(select(TeamExit.seq).where(
        TeamExit.record_id == record_id, TeamExit.old_team_id.in_(sorted(teams)), TeamExit.seq > after)
        .limit(1)).first() is not None


def team_moved_to(ctx: WriteContext, entity: str, clean: dict[str, Any], team_id: str) -> str:
    """The team a new record belongs in: its company's (or subject's) team when that moved away from
    ``team_id`` (a laptop that had not heard of the move wrote it); else ``team_id``."""
    anchor = clean.get("subject_id") if entity == "follow_up" else clean.get("company_id")
    target = ctx.get(anchor) if isinstance(anchor, str) else None
    if target is None or target.deleted or target.team_id == team_id:
        return team_id
    return target.team_id if moved_from(ctx, target.id, {team_id}) else team_id


def carry_children(ctx: WriteContext, company: Loaded, old_team: str) -> None:
    """The company moved from ``old_team``: everything that belongs with it moves too (with team exits)."""
    for record in _everything_of(ctx, company, old_team):
        record.team_id = company.team_id
        record.fields["team_id"] = company.team_id
        version = ctx.touch(record)
        ctx.exits.append({"seq": version, "entity": record.entity, "record_id": record.id, "old_team_id": old_team})
