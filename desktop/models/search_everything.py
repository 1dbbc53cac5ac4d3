"""Search across everything (Ctrl+K): companies, contacts, mentors, visits, openings and follow-ups.

One query per kind on the full-text index (desktop.models.search), each a
merge of word lists inside FTS5 scoped to that kind, so a common two-letter
prefix over 300,000 records costs a few milliseconds per kind
(bench/search_everything.py). Within a kind, records whose title (a name, an
opening's title, a follow-up's note) has every typed word come first, then
the rest, the most recently indexed first. The hits name their company.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import func, select, text
from sqlalchemy.orm import Session

from desktop.domain.formatting import dk_date
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
    out: dict[str, list[Found]] = {}
    for kind in KINDS:
        ids = _matching_ids(session, expression, kind, limit_per_kind)
        if ids:
            found = {f.id: f for f in _LOADERS[kind](session, ids)}
            out[kind] = [found[i] for i in ids if i in found]
    return {k: v for k, v in out.items() if v}


def _matching_ids(session: Session, expression: str, kind: str, limit: int) -> list[str]:
    ids: list[str] = []
    for columns in ("title", "title body"):  # title matches first, then any
        rows = session.connection().execute(
            text(
                "SELECT d.entity_id FROM search_index JOIN search_doc d ON d.doc_id = search_index.rowid "
                "WHERE search_index MATCH :q ORDER BY search_index.rowid DESC LIMIT :limit"
            ),
            {"q": scoped(expression, kind, columns), "limit": limit},
        ).scalars()
        ids += [i for i in rows if i not in ids]
        if len(ids) >= limit:
            break
    return ids[:limit]


def _excerpt(value: str | None) -> str:
    line = " ".join((value or "").split())
    return line if len(line) <= _EXCERPT else line[: _EXCERPT - 1] + "…"


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
