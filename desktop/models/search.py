"""Full-text search over companies, contacts, mentors, visit notes, openings and follow-ups (FTS5).

Danes without a Danish keyboard type "tomrer" or "toemrer" for "tømrer" and
"aagade" for "Ågade". ``fold`` maps text and queries to one spelling (æ→ae,
ø/oe→o, å/aa→a, accents dropped), and queries match word prefixes, so
"tømr", "tomrer" and "toemrer" all find "Tømrer". The index stores folded
text and is kept in step by the operations and by sync, in the same
transaction as the row it describes.

Each document also carries its kind (``company``, ``followup``, ...) in a third
column, ``kind``, so a search within one kind is a merge of two word lists
inside FTS5 (a few ms) rather than a walk over every match of a common prefix.
What users type only ever searches the ``title`` and ``body`` columns.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Subquery, column, select, text
from sqlalchemy.orm import Session

from desktop.domain.folding import fold
from desktop.domain.schema import ENTITIES
from desktop.models.raw import raw_cursor

SEARCHED_ENTITIES = ("company", "contact", "mentor", "visit", "opening", "follow_up")
_WORD = re.compile(r"\w+", re.UNICODE)


@functools.cache
def searchable_fields(entity: str) -> tuple[str, ...]:
    """The fields of an entity that go into the index, title field first."""
    spec = ENTITIES[entity]
    names = [f.name for f in spec.fields if f.searchable]
    return tuple(names)


def kind_token(entity: str) -> str:
    """The word an entity's documents carry in the ``kind`` column (FTS5 words have no "_")."""
    return entity.replace("_", "")


@functools.cache
def _document_fields(entity: str) -> tuple[str, tuple[str, ...], tuple[str, ...]]:
    """An entity's title field, its other searchable fields, and those of them that hold a phone number."""
    names = searchable_fields(entity)
    phones = tuple(n for n in names if ENTITIES[entity].field_map[n].check == "phone")
    return names[0], names[1:], phones


def document_for(entity: str, record: Mapping[str, Any]) -> tuple[str, str]:
    """Return the folded (title, body) an entity's record is indexed under."""
    title_field, body_fields, phone_fields = _document_fields(entity)  # every record of every pull comes here
    title = record.get(title_field) or ""
    parts = [str(record.get(n) or "") for n in body_fields]
    # A phone number is also one run of digits, so "98234567" finds "98 23 45 67" and "+45 98 23 45 67".
    parts += [_digits(record.get(n)) for n in phone_fields]
    return fold(str(title)), fold(" ".join(p for p in parts if p))


def _digits(value: object) -> str:
    digits = "".join(c for c in str(value or "") if c.isdigit())
    return f"{digits} {digits[-8:]}" if len(digits) > 8 else digits  # the Danish number without +45


def match_expression(query: str) -> str | None:
    """Turn what a user typed into an FTS5 MATCH expression of word prefixes."""
    # One letter matches nearly everything and is slow to list; wait for the second.
    words = [w for w in _WORD.findall(fold(query)) if len(w) > 1]
    if not words:
        return None
    return " AND ".join(f'"{w}"*' for w in words)


def scoped(expression: str, entity: str | tuple[str, ...] | None = None, columns: str = "title body") -> str:
    """``expression`` over the typed-text ``columns`` only, within the kind(s) of record ``entity`` if given."""
    typed = f"{{{columns}}} : ({expression})"
    if entity is None:
        return typed
    kinds = " OR ".join(kind_token(e) for e in ((entity,) if isinstance(entity, str) else entity))
    return f"{{kind}} : ({kinds}) AND {typed}"


def index_records(session: Session, entity: str, records: Iterable[Mapping[str, Any]], fresh: bool = False) -> None:
    """Add or replace records in the index; records marked deleted are removed.

    Runs on the raw DB-API cursor with ``executemany``: a first sync indexes
    every note through here, and SQLAlchemy's per-row parameter handling cost
    more than SQLite's own work. ``fresh``: the caller knows none of them is
    indexed yet (a rebuild), so the look-up of old entries is skipped.
    """
    if entity not in SEARCHED_ENTITIES:
        return
    rows = list(records)
    if not rows:
        return
    cursor = raw_cursor(session)
    if not fresh:
        remove_records(session, [r["id"] for r in rows], cursor)
    live = [r for r in rows if not r.get("deleted")]
    if not live:
        return
    # Doc ids are handed out here, in the write transaction that holds SQLite's
    # one write lock: newer records get higher ids ("most recently indexed").
    first = cursor.execute("SELECT coalesce(max(doc_id), 0) + 1 FROM search_doc").fetchone()[0]
    cursor.executemany("INSERT INTO search_doc (doc_id, entity, entity_id) VALUES (?, ?, ?)",
                       [(first + n, entity, r["id"]) for n, r in enumerate(live)])
    kind = kind_token(entity)
    cursor.executemany("INSERT INTO search_index (rowid, title, body, kind) VALUES (?, ?, ?, ?)",
                       [(first + n, *document_for(entity, r), kind) for n, r in enumerate(live)])


def remove_records(session: Session, ids: list[str], cursor: Any = None) -> None:
    """Drop records from the index (no-op for ids that are not indexed)."""
    cursor = cursor or raw_cursor(session)
    doc_ids: list[tuple[int]] = []
    for start in range(0, len(ids), 500):
        chunk = ids[start : start + 500]
        placeholders = ",".join("?" * len(chunk))
        doc_ids += cursor.execute(f"SELECT doc_id FROM search_doc WHERE entity_id IN ({placeholders})",
                                  chunk).fetchall()
    if doc_ids:
        # In ascending rowid order: FTS5 writes its pending changes out as a new segment whenever a rowid
        # comes that is lower than the last one, so deletes in random order cost a segment each (the
        # daily pull of 1,000 changed companies spent 2 ms per record here; in order, 20 us).
        doc_ids.sort()
        cursor.executemany("DELETE FROM search_index WHERE rowid = ?", doc_ids)
        cursor.executemany("DELETE FROM search_doc WHERE doc_id = ?", doc_ids)


@dataclass(frozen=True)
class SearchHit:
    """One search result: which record, and its rank (lower is better)."""

    entity: str
    id: str
    rank: float


def search(
    session: Session, query: str, entities: tuple[str, ...] = SEARCHED_ENTITIES, limit: int = 50
) -> list[SearchHit]:
    """Find records whose indexed text has every typed word as a prefix.

    Title matches rank above body matches (bm25 weights 10:1).
    """
    expression = match_expression(query)
    if expression is None:
        return []
    placeholders = ",".join(f":e{n}" for n in range(len(entities)))
    rows = session.connection().execute(
        text(
            "SELECT d.entity, d.entity_id, bm25(search_index, 10.0, 1.0, 0.0) AS rank "
            "FROM search_index JOIN search_doc d ON d.doc_id = search_index.rowid "
            f"WHERE search_index MATCH :q AND d.entity IN ({placeholders}) "
            "ORDER BY rank LIMIT :limit"
        ),
        {"q": scoped(expression), "limit": limit, **{f"e{n}": e for n, e in enumerate(entities)}},
    ).all()
    return [SearchHit(e, i, r) for e, i, r in rows]


SEARCH_CAP = 2_000


def matching_ids(session: Session, query: str, entity: str, cap: int = SEARCH_CAP) -> list[str] | None:
    """The ids of ``entity`` matching ``query`` (at most ``cap``, the most recently indexed first), or None.

    Lists fetch these once per keystroke and hand them to both the count and
    the page: as a subquery in each, FTS5 walked the same word lists twice.
    """
    ids = search_filter(query, entity, cap)
    if ids is None:
        return None
    return list(session.execute(select(ids.c.entity_id)).scalars())


def search_filter(query: str, entity: str, cap: int = SEARCH_CAP) -> Subquery | None:
    """A subquery of the ids of ``entity`` matching ``query``, for ``id IN (...)``.

    At most ``cap`` ids, the most recently indexed first: a one-letter search
    over 200,000 notes would otherwise look up every note on each keystroke.
    Lists show "2.000+" then, and a second word narrows it down.
    Returns None when the query has no words (no filtering then).
    """
    expression = match_expression(query)
    if expression is None:
        return None
    return (
        text(
            "SELECT d.entity_id FROM search_index JOIN search_doc d ON d.doc_id = search_index.rowid "
            "WHERE search_index MATCH :q ORDER BY search_index.rowid DESC LIMIT :cap"
        )
        .bindparams(q=scoped(expression, entity), cap=cap)
        .columns(column("entity_id"))
        .subquery()
    )
