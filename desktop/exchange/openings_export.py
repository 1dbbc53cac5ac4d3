"""Open openings out to where candidates are found: a sheet (.xlsx) and JSON (schema ``feltbog.openings/1``).

Everything a job posting needs, so the municipality's job-matching or
posting systems take it in without re-typing: the company (name, CVR,
address), the work functions, hours, period, accommodations and whom to
contact. The JSON layout is documented in docs/openings-export.md and is
stable: fields are only ever added (a new version number would say
otherwise), never renamed or removed.

An opening is exported while its status is "open" (ledig); the contact is
the company's first contact person in Danish name order, else the company's
own phone and e-mail.
"""

from __future__ import annotations

import json
import os
import tempfile
from collections.abc import Mapping, Sequence
from dataclasses import asdict, dataclass
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from desktop.domain.formatting import choice_da, danish_sort_key, person
from desktop.errors import UserFacingError
from desktop.exchange.exporting import Columns, export_rows
from desktop.models.entities import Company, Contact, Opening

SCHEMA = "feltbog.openings/1"
EXPORTED_STATUSES = ("open",)


@dataclass(frozen=True)
class PostingContact:
    """Whom a candidate or job-centre colleague calls about the opening."""

    name: str | None
    title: str | None
    phone: str | None
    email: str | None


@dataclass(frozen=True)
class Posting:
    """One open opening with everything a job posting needs (the JSON object's fields, in order)."""

    id: str
    title: str
    kind: str
    kind_label: str
    company_name: str
    cvr: str | None
    address: str | None
    postcode: str | None
    city: str | None
    municipality: str | None
    job_functions: str | None
    hours_per_week: float | None
    duration_weeks: int | None
    starts_on: date | None
    ends_on: date | None
    places: int | None
    target_group: str | None
    accommodations: str | None
    consultant: str
    contact: PostingContact
    updated_at: datetime | None


def open_postings(session: Session, *, names: Mapping[str, str] | None = None,
                  team_id: str | None = None) -> list[Posting]:
    """Every live opening with status "open", by company and title (Danish order)."""
    query = (
        select(Opening, Company)
        .join(Company, Company.id == Opening.company_id)
        .where(Opening.deleted.is_(False), Company.deleted.is_(False), Opening.status.in_(EXPORTED_STATUSES))
    )
    if team_id:
        query = query.where(Opening.team_id == team_id)
    rows = session.execute(query).all()
    companies = {company.id for _, company in rows}
    first_contact: dict[str, PostingContact] = {}
    contacts = session.execute(
        select(Contact.company_id, Contact.name, Contact.title, Contact.phone, Contact.email)
        .where(Contact.company_id.in_(companies), Contact.deleted.is_(False))
    ).all() if companies else []
    for company_id, name, title, phone, email in sorted(contacts, key=lambda c: (danish_sort_key(c.name), c.name)):
        first_contact.setdefault(company_id, PostingContact(name, title, phone, email))
    out = []
    for opening, company in rows:
        ends = (opening.starts_on + timedelta(weeks=opening.duration_weeks)
                if opening.starts_on and opening.duration_weeks else None)
        contact = first_contact.get(company.id, PostingContact(None, None, company.phone, company.email))
        out.append(Posting(
            opening.id, opening.title, opening.kind, choice_da("opening.kind", opening.kind), company.name,
            company.cvr, company.address, company.postcode, company.city, company.municipality,
            opening.job_functions, opening.hours_per_week, opening.duration_weeks, opening.starts_on, ends,
            opening.places, opening.target_group, opening.accommodations,
            person(names, company.responsible_user_id), contact, opening.updated_at,
        ))
    out.sort(key=lambda p: (danish_sort_key(p.company_name), danish_sort_key(p.title), p.id))
    return out


SHEET_COLUMNS: Columns = [
    ("title", "Titel"), ("kind_label", "Type"), ("company_name", "Virksomhed"), ("cvr", "CVR-nr."),
    ("address", "Adresse"), ("postcode", "Postnr."), ("city", "By"), ("municipality", "Kommune"),
    ("job_functions", "Arbejdsfunktioner"), ("hours_per_week", "Timer pr. uge"),
    ("duration_weeks", "Varighed (uger)"), ("starts_on", "Start"), ("ends_on", "Slut"), ("places", "Pladser"),
    ("target_group", "Målgruppe"), ("accommodations", "Skånehensyn"),
    (lambda p: p.contact.name, "Kontaktperson"), (lambda p: p.contact.title, "Kontaktpersonens stilling"),
    (lambda p: p.contact.phone, "Kontakt telefon"), (lambda p: p.contact.email, "Kontakt e-mail"),
    ("consultant", "Virksomhedskonsulent"), ("id", "Feltbog-id"),
]


def _json_value(value: Any) -> Any:
    if isinstance(value, datetime | date):
        return value.isoformat()
    raise TypeError(f"{type(value).__name__} is not JSON")


def postings_document(postings: Sequence[Posting], generated_at: datetime) -> dict[str, Any]:
    """The JSON document: schema name, when it was made, and the openings (dates as ISO 8601)."""
    loaded: dict[str, Any] = json.loads(json.dumps(
        {"schema": SCHEMA, "generated_at": generated_at, "openings": [asdict(p) for p in postings]},
        default=_json_value, ensure_ascii=False))
    return loaded


def export_open_openings(session: Session, path: str | os.PathLike[str], *, names: Mapping[str, str] | None = None,
                         team_id: str | None = None, now: datetime | None = None) -> Path:
    """Write the open openings to ``path``: .xlsx (or .csv) as a sheet, .json as the documented document."""
    target = Path(path)
    postings = open_postings(session, names=names, team_id=team_id)
    if target.suffix.lower() != ".json":
        return export_rows(postings, SHEET_COLUMNS, target)
    document = postings_document(postings, now or datetime.now().astimezone())
    handle, tmp_name = tempfile.mkstemp(prefix=f".{target.stem}-", suffix=".json.tmp", dir=target.parent)
    try:
        with os.fdopen(handle, "w", encoding="utf-8") as out:
            json.dump(document, out, ensure_ascii=False, indent=2)
            out.write("\n")
        os.replace(tmp_name, target)
    except OSError as error:
        Path(tmp_name).unlink(missing_ok=True)
        raise UserFacingError(f"Filen kunne ikke skrives: {error.strerror}.",
                              f"The file could not be written: {error.strerror}.") from error
    return target
