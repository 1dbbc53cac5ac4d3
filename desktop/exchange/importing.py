"""Import companies, contact persons and mentors from CSV or Excel, in three steps.

1. :func:`preview` reads the file and suggests which column is which field;
2. :func:`plan_import` checks every row with the app's own rules and says which
   rows will be imported and why the others are refused, writing nothing;
3. :func:`run_import` writes the good rows through the normal operations (so
   they sync) in one transaction: all of them, or, if any write fails, none.

Rows already in the database (the same CVR number, the same name in the same
town, the same person at the same company) are not refused but reported as
"findes allerede", so running the same file twice is harmless. A company
sheet's contact person columns (``Kontaktperson`` ...) add a contact person to
each company, also to one that already exists.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import Any, NamedTuple

from sqlalchemy import select
from sqlalchemy.orm import Session

from desktop.cancel import CancelToken, Progress
from desktop.domain import rules
from desktop.domain.errors import ValidationError
from desktop.domain.formatting import dk_date, dk_number
from desktop.domain.schema import BOOL, DATE, DATETIME, ENTITIES, TEXT
from desktop.domain.validation import clean_fields, validate_record
from desktop.errors import UserFacingError
from desktop.exchange.mapping import (
    COMPANY_CVR,
    COMPANY_NAME,
    CONTACT_FIELDS,
    IMPORTABLE,
    suggest_mapping,
)
from desktop.exchange.reading import Cell, read_table
from desktop.models.changes import Changes
from desktop.models.entities import Company, Contact, Mentor
from desktop.models.operations import Operations

_YES = {"ja", "j", "yes", "y", "true", "sand", "1", "x"}
_NO = {"nej", "n", "no", "false", "falsk", "0", "-"}
_FORMULA_START = ("=", "@", "+", "-")
_CHECK_EVERY = 200  # rows between progress reports and cancel checks


@dataclass(frozen=True)
class ImportPreview:
    """What the import dialog shows before anything is decided."""

    path: str
    entity: str
    headers: list[str]
    rows: list[list[str]]  # the first rows, as display text
    mapping: dict[int, str]  # suggested: column index -> field
    total_rows: int
    encoding: str = ""
    delimiter: str = ""
    row_numbers: list[int] = field(default_factory=list)  # of ``rows``, as the spreadsheet numbers them


@dataclass(frozen=True)
class PlannedRow:
    """A row that passed every check, with the cleaned fields it will be created with.

    ``contact`` is the contact person a company row names (cleaned contact
    fields, without the company). ``company_id`` is set when the company
    already exists and only its new contact person is to be added.
    """

    row_number: int
    fields: dict[str, Any]
    contact: dict[str, Any] | None = None
    company_id: str | None = None
    note: str = ""  # what happens to the row when it is not plain (Danish), e.g. a contact for a known company


@dataclass(frozen=True)
class ImportPlan:
    """The outcome of checking a whole file: what will be created and what is refused (and why)."""

    path: str
    entity: str
    rows_ok: list[PlannedRow]
    refused: list[tuple[int, str]]  # (row number as the spreadsheet shows it, reason in Danish)
    total_rows: int = 0
    existing: list[tuple[int, str]] = field(default_factory=list)  # already in the database: (row, what)


@dataclass(frozen=True)
class ImportResult:
    """What an import created."""

    created: int
    changes: Changes = field(default_factory=Changes)
    contacts: int = 0  # contact persons created from a company sheet's contact columns


def display(cell: Cell) -> str:
    """A cell as the preview shows it (Danish dates and decimals)."""
    if cell is None:
        return ""
    if isinstance(cell, bool):
        return "Ja" if cell else "Nej"
    if isinstance(cell, datetime | date):
        return dk_date(cell)
    if isinstance(cell, int | float):
        # Whole numbers are mostly CVR, phone and postcode numbers here: no thousands dots.
        return str(int(cell)) if float(cell).is_integer() else dk_number(cell)
    return str(cell).strip()


def preview(path: str | Path, entity: str = "company", sample: int = 10) -> ImportPreview:
    """Read ``path`` and suggest a column mapping for importing ``entity`` (company, contact or mentor)."""
    if entity not in IMPORTABLE:
        raise ValueError(f"{entity} cannot be imported")
    table = read_table(path)
    return ImportPreview(
        str(path), entity, table.headers, [[display(c) for c in cells] for _, cells in table.rows[:sample]],
        suggest_mapping(table.headers, entity), len(table.rows), table.encoding, table.delimiter,
        [n for n, _ in table.rows[:sample]],
    )


def _value(entity: str, name: str, cell: Cell) -> object:
    """Turn a cell into what the domain rules accept for field ``name`` of ``entity``."""
    if name in CONTACT_FIELDS:
        entity, name = "contact", CONTACT_FIELDS[name]
    spec = ENTITIES[entity].field_map.get(name)  # None for the company_cvr / company_name columns
    kind = spec.kind if spec else TEXT
    if cell is None or (isinstance(cell, str) and not cell.strip()):
        return None
    if isinstance(cell, str):
        text = cell.strip()
        if text.startswith("'") and text[1:2] in _FORMULA_START:
            text = text[1:]  # the apostrophe our own CSV export adds against formula injection
        if kind == BOOL:
            word = text.casefold()
            return True if word in _YES else False if word in _NO else text
        return rules.normalise_cvr(text) if name == COMPANY_CVR else text
    if isinstance(cell, bool):
        return cell if kind == BOOL else ("Ja" if cell else "Nej")
    if isinstance(cell, datetime | date):
        return cell if kind in (DATE, DATETIME) else dk_date(cell)
    if kind == TEXT:  # Excel keeps CVR, phone and postcode numbers as numbers
        text = str(int(cell)) if float(cell).is_integer() else str(cell)
        return text.zfill(4) if spec is not None and spec.check == "postcode" else text
    return cell


class _Existing(NamedTuple):
    """A company already in the database, as the duplicate checks need it."""

    id: str
    name: str
    cvr: str | None
    city: str | None


class _Checker:
    """Refusal rules that need the database or earlier rows of the file.

    A row that repeats an earlier row of the file is refused (:class:`_Refused`);
    one that is already in the database raises :class:`_Exists`.
    """

    def __init__(self, session: Session, entity: str, team_id: str | None) -> None:
        self.entity = entity
        self.seen: dict[tuple[object, ...], int] = {}  # duplicate key -> first row number
        companies = [_Existing(*row) for row in session.execute(
            select(Company.id, Company.name, Company.cvr, Company.city)
            .where(Company.deleted.is_(False), Company.team_id.is_(team_id))
        )]
        self.by_cvr = {c.cvr: c for c in companies if c.cvr}
        self.by_name: dict[str, list[_Existing]] = {}
        for c in companies:
            self.by_name.setdefault(c.name.casefold(), []).append(c)
        self.existing_people: set[tuple[str, str]] = set()
        if entity in ("contact", "mentor", "company"):  # a company sheet may name contact persons
            model = Mentor if entity == "mentor" else Contact
            self.existing_people = {
                (company_id, name.casefold()) for company_id, name in session.execute(
                    select(model.company_id, model.name).where(model.deleted.is_(False)))
            }

    def company_for(self, cvr: str | None, name: str | None) -> str:
        """The id of the company a contact or mentor belongs to; raises _Refused if not exactly one."""
        if cvr:
            if cvr in self.by_cvr:
                return self.by_cvr[cvr].id
            if not name:
                raise _Refused(f"Der findes ingen virksomhed med CVR-nummer {cvr}.")
        if not name:
            raise _Refused("Virksomhed mangler (CVR-nummer eller navn).")
        found = self.by_name.get(name.casefold(), [])
        if len(found) > 1:
            raise _Refused(f"Flere virksomheder hedder {name}. Angiv CVR-nummeret.")
        if not found:
            raise _Refused(f"Virksomheden {name} findes ikke.")
        return found[0].id

    def check(self, row_number: int, clean: dict[str, Any]) -> None:
        """Refuse a row that repeats an earlier row of the file or a record already in the database."""
        exact = tuple(sorted((k, str(v)) for k, v in clean.items()))
        if exact in self.seen:
            raise _Refused(f"Dobbelt række: den samme som række {self.seen[exact]}.")
        if self.entity == "company":
            self._check_company(row_number, clean)
        else:
            key = (clean["company_id"], clean["name"].casefold())
            label = "Kontaktpersonen" if self.entity == "contact" else "Mentoren"
            if key in self.existing_people:
                raise _Exists(f"{label} {clean['name']} findes allerede hos virksomheden.")
            if key in self.seen:
                raise _Refused(f"{label} {clean['name']} står også i række {self.seen[key]}.")
            self.seen[key] = row_number
        self.seen[exact] = row_number

    def existing_company(self, clean: dict[str, Any]) -> tuple[Any, str] | None:
        """The company already in the database that a company row describes, and how it was found."""
        cvr, name = clean.get("cvr"), clean["name"]
        if cvr:
            if cvr in self.by_cvr:
                return self.by_cvr[cvr], f"{self.by_cvr[cvr].name} findes allerede (CVR-nummer {cvr})."
            return None
        # Without a CVR number, the same name in the same town is taken to be the same company.
        city = (clean.get("city") or "").casefold()
        for existing in self.by_name.get(name.casefold(), []):
            if (existing.city or "").casefold() == city:
                return existing, f"{existing.name} findes allerede. Angiv CVR-nummeret, hvis det er en anden."
        return None

    def _check_company(self, row_number: int, clean: dict[str, Any]) -> None:
        cvr, name = clean.get("cvr"), clean["name"]
        if cvr:
            if ("cvr", cvr) in self.seen:
                raise _Refused(f"CVR-nummeret {cvr} står også i række {self.seen[('cvr', cvr)]}.")
            self.seen[("cvr", cvr)] = row_number
            return
        city = (clean.get("city") or "").casefold()
        key = ("name", name.casefold(), city)
        if key in self.seen:
            raise _Refused(f"{name} står også i række {self.seen[key]}.")
        self.seen[key] = row_number

    def contact_is_known(self, company_id: str, name: str) -> bool:
        """True if the company already has a contact person of that name."""
        return (company_id, name.casefold()) in self.existing_people


class _Refused(Exception):
    """A row is refused; the message is the reason shown to the user (Danish)."""


class _Exists(Exception):
    """A row is already in the database; the message says what (Danish). Not an error: it is skipped."""


def _check_mapping(entity: str, mapping: dict[int, str]) -> None:
    fields = list(mapping.values())
    allowed = set(ENTITIES[entity].field_map) | (
        {COMPANY_CVR, COMPANY_NAME} if entity != "company" else set(CONTACT_FIELDS))
    unknown = [f for f in fields if f not in allowed]
    if unknown or len(set(fields)) != len(fields):
        raise ValueError(f"bad mapping for {entity}: {mapping}")
    if "name" not in fields:
        raise UserFacingError("Vælg den kolonne, der indeholder navnet.", "Choose the column that holds the name.")
    if entity != "company" and not {COMPANY_CVR, COMPANY_NAME} & set(fields):
        raise UserFacingError("Vælg den kolonne, der angiver virksomheden (CVR-nummer eller navn).",
                              "Choose the column that gives the company (CVR number or name).")


def plan_import(
    path: str | Path,
    entity: str,
    mapping: dict[int, str],
    ops: Operations,
    progress: Progress | None = None,
    cancel: CancelToken | None = None,
) -> ImportPlan:
    """Check every row of ``path`` as an import of ``entity`` with ``mapping``; writes nothing."""
    if entity not in IMPORTABLE:
        raise ValueError(f"{entity} cannot be imported")
    _check_mapping(entity, mapping)
    table = read_table(path)
    defaults = ENTITIES[entity].defaults()
    ok: list[PlannedRow] = []
    refused: list[tuple[int, str]] = []
    existing: list[tuple[int, str]] = []
    with ops.db.read() as session:
        checker = _Checker(session, entity, ops.actor.team_id)
        for index, (row_number, cells) in enumerate(table.rows):
            if index % _CHECK_EVERY == 0:
                if cancel is not None:
                    cancel.check()
                if progress is not None:
                    progress(index, len(table.rows), "Kontrollerer rækker")
            # A blank cell means "not given": the field keeps its default (a mentor is active).
            values = {name: value for col, name in mapping.items()
                      if (value := _value(entity, name, cells[col])) is not None}
            try:
                contact = _clean_contact(values) if entity == "company" else None
                clean = _clean_row(entity, values, defaults, ops.actor.team_id, checker)
                found = checker.existing_company(clean) if entity == "company" else None
                if found is not None:
                    company, what = found
                    if not contact or checker.contact_is_known(company.id, contact["name"]):
                        raise _Exists(what)
                    checker.existing_people.add((company.id, contact["name"].casefold()))
                    ok.append(PlannedRow(row_number, {}, contact, company.id,
                                         f"{company.name} findes allerede; kontaktpersonen {contact['name']} "
                                         "tilføjes."))
                    continue
                checker.check(row_number, clean)
            except ValidationError as error:
                refused.append((row_number, error.message("da")))
            except _Refused as error:
                refused.append((row_number, str(error)))
            except _Exists as error:
                existing.append((row_number, str(error)))
            else:
                ok.append(PlannedRow(row_number, clean, contact))
    return ImportPlan(str(path), entity, ok, refused, len(table.rows), existing)


def _clean_contact(values: dict[str, Any]) -> dict[str, Any] | None:
    """The contact person a company row names (taken out of ``values``), cleaned; None if none is named."""
    given = {CONTACT_FIELDS[k]: values.pop(k) for k in list(values) if k in CONTACT_FIELDS}
    if not given:
        return None
    try:
        clean = clean_fields("contact", given)
    except ValidationError as error:
        raise _Refused("Kontaktperson: " + error.message("da")) from None
    if not clean.get("name"):
        raise _Refused("Kontaktpersonens navn mangler.")
    return clean


def _clean_row(entity: str, values: dict[str, Any], defaults: dict[str, Any], team_id: str | None,
               checker: _Checker) -> dict[str, Any]:
    cvr, company_name = values.pop(COMPANY_CVR, None), values.pop(COMPANY_NAME, None)
    clean = clean_fields(entity, values)
    if entity != "company":
        clean["company_id"] = checker.company_for(cvr, company_name)
    # The same whole-record rules Operations.create applies (required fields, dates in order).
    validate_record(entity, {**defaults, **clean, "team_id": team_id})
    return clean


def run_import(plan: ImportPlan, ops: Operations) -> ImportResult:
    """Create every row of ``plan`` in one transaction, through the normal operations (they sync).

    If any row fails now (the data changed since the plan was made, e.g. by a
    sync), nothing is imported and a UserFacingError names the row.

    The contact persons of a company sheet are created right after the
    companies, in a second transaction (they need the new companies' ids,
    which ``create_many`` does not return); if that one fails, the companies
    stay and the message says the contact persons were not imported.
    """
    new = [row for row in plan.rows_ok if row.company_id is None]
    changes = _create_many(ops, plan.entity, new, [row.fields for row in new], "Intet er indlæst.",
                           "Nothing was imported.")
    people = [row for row in plan.rows_ok if row.contact]
    if not people:
        return ImportResult(len(new), changes)
    ids = _new_company_ids(ops, changes, new)
    contacts = [{**(row.contact or {}), "company_id": row.company_id or ids[row.row_number]} for row in people]
    changes |= _create_many(ops, "contact", people, contacts,
                            "Virksomhederne er indlæst, men kontaktpersonerne ikke.",
                            "The companies were imported, but not the contact persons.")
    return ImportResult(len(new), changes, len(people))


def _create_many(ops: Operations, entity: str, rows: list[PlannedRow], fields: list[dict[str, Any]],
                 after_da: str, after_en: str) -> Changes:
    if not fields:
        return Changes()
    try:
        return ops.create_many(entity, fields)
    except ValidationError as error:
        index = error.row_index
        where = f"Række {rows[index].row_number}: " if index is not None else ""
        where_en = f"Row {rows[index].row_number}: " if index is not None else ""
        raise UserFacingError(f"{where}{error.message('da')} {after_da}",
                              f"{where_en}{error.message('en')} {after_en}") from error


def _new_company_ids(ops: Operations, changes: Changes, rows: list[PlannedRow]) -> dict[int, str]:
    """Row number -> id of the company just created from it (found by CVR, else by name and town)."""
    if not rows:
        return {}
    with ops.db.read() as session:
        made = session.execute(select(Company.id, Company.name, Company.cvr, Company.city)
                               .where(Company.id.in_(changes.ids))).all()
    by_cvr = {c.cvr: c.id for c in made if c.cvr}
    by_name = {(c.name.casefold(), (c.city or "").casefold()): c.id for c in made if not c.cvr}
    return {row.row_number: by_cvr[row.fields["cvr"]] if row.fields.get("cvr")
            else by_name[(row.fields["name"].casefold(), (row.fields.get("city") or "").casefold())]
            for row in rows}
