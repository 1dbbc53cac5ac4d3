"""Search across everything (Ctrl+K): companies, contacts, mentors, visits, openings and follow-ups.

Companies, contacts, mentors, openings and follow-ups whose title (a name,
an opening's title, a follow-up's note) has every typed word come first,
found by queries on the full-text index scoped to those kinds and to the
title column: one for the 100,000 companies, one for the smaller kinds
together. The remaining places of each kind (and all of the visits', whose
notes are what people search them by) go to the most recent records that match
anywhere, found in one pass over the newest :data:`BUDGET` matches of all
kinds. Every query reads the typed prefixes' word lists once, and a common
prefix costs a few milliseconds per read, so the number of queries is what
bench/search_everything.py measures per keystroke on the 100,000-company
database. The hits name their company.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import func, select, text
from sqlalchemy.orm import Session

from desktop.domain.formatting import dk_date, excerpt
from desktop.models.entities import Company, Contact, FollowUp, Mentor, Opening, Visit
from desktop.models.search import match_expression, scoped

KINDS = ("company", "contact", "mentor", "visit", "opening", "follow_up")
_EXCERPT = 80


@dataclass(frozen=True)
class Found:
    """One hit: which record, what to call it, and the company it belongs to.

    ``opens`` is the record whose page shows this one: a contact or mentor is
    shown on its company's page, a follow-up on its subject's (a company, a
    visit, or an opening's company).
    """

    kind: str
    id: str
    title: str
    detail: str
    company_id: str | None
    company_name: str
    opens: tuple[str, str]
    when: date | None = None


def search_everything(session: Session, query: str, limit_per_kind: int = 5) -> dict[str, list[Found]]:
    """Hits grouped by kind, in :data:`KINDS` order; kinds without hits are left out."""
    expression = match_expression(query)
    if expression is None:
        return {}
    ids: dict[str, list[str]] = {kind: [] for kind in KINDS}
    passes = [scoped(expression, kinds, "title") for kinds in _BY_TITLE] + [scoped(expression)]
    for match in passes:
        for kind, record_id in _newest_matches(session, match, limit_per_kind):
            found = ids.get(kind)
            if found is not None and len(found) < limit_per_kind and record_id not in found:
                found.append(record_id)
        if all(len(found) >= limit_per_kind for found in ids.values()):
            break
    out: dict[str, list[Found]] = {}
    for kind, found in ids.items():
        if found:
            loaded = {f.id: f for f in _LOADERS[kind](session, found)}
            out[kind] = [loaded[i] for i in found if i in loaded]
    return {k: v for k, v in out.items() if v}


BUDGET = 2_000  # matches read per query, newest first
# Kinds found by their title first: the big one alone (its matches would crowd out the others), the small together.
_BY_TITLE = (("company",), ("contact", "mentor", "opening", "follow_up"))


def _newest_matches(session: Session, match: str, limit: int) -> list[tuple[str, str]]:
    """(kind, id) of the newest records matching ``match``, at most ``limit`` of each kind, newest first."""
    rows = session.connection().execute(
        text(
            "SELECT entity, entity_id FROM ("
            " SELECT d.entity, d.entity_id, m.rowid AS doc,"
            "  row_number() OVER (PARTITION BY d.entity ORDER BY m.rowid DESC) AS n"
            " FROM (SELECT rowid FROM search_index WHERE search_index MATCH :q"
            "       ORDER BY rowid DESC LIMIT :budget) AS m"
            " JOIN search_doc d ON d.doc_id = m.rowid"
            ") WHERE n <= :limit ORDER BY doc DESC"
        ),
        {"q": match, "budget": BUDGET, "limit": limit},
    ).all()
    return [(r[0], r[1]) for r in rows]


def _excerpt(value: str | None) -> str:
    return excerpt(value, _EXCERPT)


def _company_name(company_id: Any) -> Any:
    return func.coalesce(select(Company.name).where(Company.id == company_id).scalar_subquery(), "")


def _companies(session: Session, ids: Sequence[str]) -> list[Found]:
    rows = session.execute(select(Company.id, Company.name, Company.city).where(Company.id.in_(ids))).all()
    return [Found("company", r.id, r.name, r.city or "", r.id, r.name, ("company", r.id)) for r in rows]


def _people(model: Any, kind: str) -> Any:
    def load(session: Session, ids: Sequence[str]) -> list[Found]:
        rows = session.execute(
            select(model.id, model.name, model.title, model.company_id, _company_name(model.company_id))
            .where(model.id.in_(ids))
        ).all()
        return [Found(kind, r[0], r[1], r[2] or "", r[3], r[4], ("company", r[3])) for r in rows]

    return load


def _visits(session: Session, ids: Sequence[str]) -> list[Found]:
    rows = session.execute(
        select(Visit.id, Visit.visited_at, Visit.body, Visit.company_id, _company_name(Visit.company_id))
        .where(Visit.id.in_(ids))
    ).all()
    return [Found("visit", r[0], f"{r[4]} {dk_date(r[1])}".strip(), _excerpt(r[2]), r[3], r[4], ("visit", r[0]), r[1])
            for r in rows]


def _openings(session: Session, ids: Sequence[str]) -> list[Found]:
    rows = session.execute(
        select(Opening.id, Opening.title, Opening.kind, Opening.company_id, _company_name(Opening.company_id))
        .where(Opening.id.in_(ids))
    ).all()
    return [Found("opening", r[0], r[1], r[2] or "", r[3], r[4], ("company", r[3])) for r in rows]


def _follow_ups(session: Session, ids: Sequence[str]) -> list[Found]:
    rows = session.execute(
        select(FollowUp.id, FollowUp.note, FollowUp.due_on, FollowUp.subject_kind, FollowUp.subject_id)
        .where(FollowUp.id.in_(ids))
    ).all()
    companies = follow_up_companies(session, [(r.subject_kind, r.subject_id) for r in rows])
    out = []
    for r in rows:
        company_id, company_name = companies.get(r.subject_id, (None, ""))
        opens = ("visit", r.subject_id) if r.subject_kind == "visit" else ("company", company_id or r.subject_id)
        out.append(Found("follow_up", r.id, _excerpt(r.note), dk_date(r.due_on), company_id, company_name, opens,
                         r.due_on))
    return out


def follow_up_companies(session: Session, subjects: Sequence[tuple[str, str]]) -> dict[str, tuple[str, str]]:
    """The company (id, name) of each follow-up subject (a company, a visit or an opening), by subject id."""
    by_kind: dict[str, list[str]] = {}
    for kind, subject_id in subjects:
        by_kind.setdefault(kind, []).append(subject_id)
    out: dict[str, tuple[str, str]] = {}
    columns: tuple[tuple[str, Any, Any], ...] = (
        ("company", Company.id, Company.id), ("visit", Visit.id, Visit.company_id),
        ("opening", Opening.id, Opening.company_id),
    )
    for kind, id_column, company_id in columns:
        ids = by_kind.get(kind)
        if not ids:
            continue
        for start in range(0, len(ids), 500):
            rows = session.execute(
                select(id_column, company_id, _company_name(company_id)).where(id_column.in_(ids[start : start + 500]))
            ).all()
            out.update({r[0]: (r[1], r[2]) for r in rows})
    return out


_LOADERS = {
    "company": _companies,
    "contact": _people(Contact, "contact"),
    "mentor": _people(Mentor, "mentor"),
    "visit": _visits,
    "opening": _openings,
    "follow_up": _follow_ups,
}
