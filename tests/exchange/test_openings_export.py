"""The open-openings export for job postings: the sheet and the JSON read back equal the database."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest
from openpyxl import load_workbook

from desktop.exchange.openings_export import SCHEMA, SHEET_COLUMNS, Posting, export_open_openings
from desktop.models.entities import Company, Contact, Opening
from tests.reports.dataset import build

DOC = Path(__file__).parents[2] / "docs" / "openings-export.md"
NOW = datetime(2026, 11, 23, 9, 15, tzinfo=UTC)


@pytest.fixture
def dataset(ops, db, user_id):
    data = build(ops, db, user_id)
    # A posting with everything filled in (accommodations, target group, line breaks, a formula-like text).
    ops.create_opening(data.jammerbugt, title="Pedelmedhjælper", kind="smaajob", hours_per_week=12.5,
                       duration_weeks=26, starts_on=date(2027, 1, 4), places=2,
                       job_functions="Lettere vedligehold\nUdendørs arealer", target_group="Ledige over 50",
                       accommodations="=Ingen tunge løft; pauser efter behov", status="open")
    ops.create_opening(data.jammerbugt, title="Lukket", kind="smaajob", status="closed")
    return data


def expected_from_database(db):
    """The open openings straight from the tables, as the export should carry them."""
    with db.read() as session:
        rows = session.query(Opening, Company).join(Company, Company.id == Opening.company_id).filter(
            Opening.status == "open", Opening.deleted.is_(False)).all()
        out = {}
        for opening, company in rows:
            contacts = sorted(session.query(Contact).filter(Contact.company_id == company.id,
                                                            Contact.deleted.is_(False)).all(),
                              key=lambda c: c.name)
            contact = contacts[0] if contacts else None
            out[opening.id] = {
                "title": opening.title, "kind": opening.kind, "company_name": company.name, "cvr": company.cvr,
                "address": company.address, "postcode": company.postcode, "city": company.city,
                "municipality": company.municipality, "job_functions": opening.job_functions,
                "hours_per_week": opening.hours_per_week, "duration_weeks": opening.duration_weeks,
                "starts_on": opening.starts_on, "places": opening.places, "target_group": opening.target_group,
                "accommodations": opening.accommodations,
                "ends_on": opening.starts_on + timedelta(weeks=opening.duration_weeks)
                if opening.starts_on and opening.duration_weeks else None,
                "contact": {"name": contact.name if contact else None, "title": contact.title if contact else None,
                            "phone": contact.phone if contact else company.phone,
                            "email": contact.email if contact else company.email},
            }
        return out


def test_json_round_trips_to_the_database(db, dataset, tmp_path):
    with db.read() as session:
        path = export_open_openings(session, tmp_path / "jobaabninger.json", names=dataset.names, now=NOW)
    document = json.loads(path.read_text(encoding="utf-8"))
    assert (document["schema"], document["generated_at"]) == (SCHEMA, "2026-11-23T09:15:00+00:00")
    expected = expected_from_database(db)
    assert len(expected) == 2  # Løgstør's småjob and the Pedelmedhjælper; in dialogue, filled and closed are not
    back = {}
    for item in document["openings"]:
        assert list(item) == list(Posting.__dataclass_fields__)  # the documented order, every field present
        back[item["id"]] = {key: item[key] for key in expected[item["id"]]}
        for key in ("starts_on", "ends_on"):
            back[item["id"]][key] = date.fromisoformat(item[key]) if item[key] else None
    assert back == expected
    pedel = next(o for o in document["openings"] if o["title"] == "Pedelmedhjælper")
    assert (pedel["contact"]["name"], pedel["kind_label"], pedel["consultant"]) == (
        "Lone Bødker", "Småjob", "Mette Kjær")
    assert [o["company_name"] for o in document["openings"]] == ["Jammerbugt Rengøring ApS",
                                                                 "Løgstør Maskinfabrik ApS"]
    logstor = document["openings"][1]
    assert logstor["contact"] == {"name": None, "title": None, "phone": None, "email": "info@lmf.dk"}


def test_sheet_round_trips_to_the_database(db, dataset, tmp_path):
    with db.read() as session:
        path = export_open_openings(session, tmp_path / "jobaabninger.xlsx", names=dataset.names)
    sheet = load_workbook(path).active
    rows = list(sheet.iter_rows(values_only=True))
    assert list(rows[0]) == [header for _, header in SHEET_COLUMNS]
    headers = rows[0]
    expected = expected_from_database(db)
    back = {}
    for values in rows[1:]:
        row = dict(zip(headers, values, strict=True))
        dates = {key: row[key].date() if row[key] else None for key in ("Start", "Slut")}
        back[row["Feltbog-id"]] = {
            "title": row["Titel"], "kind": expected[row["Feltbog-id"]]["kind"], "company_name": row["Virksomhed"],
            "cvr": row["CVR-nr."], "address": row["Adresse"], "postcode": row["Postnr."], "city": row["By"],
            "municipality": row["Kommune"], "job_functions": row["Arbejdsfunktioner"],
            "hours_per_week": row["Timer pr. uge"], "duration_weeks": row["Varighed (uger)"],
            "starts_on": dates["Start"], "places": row["Pladser"], "target_group": row["Målgruppe"],
            "accommodations": row["Skånehensyn"], "ends_on": dates["Slut"],
            "contact": {"name": row["Kontaktperson"], "title": row["Kontaktpersonens stilling"],
                        "phone": row["Kontakt telefon"], "email": row["Kontakt e-mail"]},
        }
    assert back == expected
    assert {row[1] for row in rows[1:]} == {"Småjob"}  # the kind in Danish


def test_the_document_describes_every_json_field():
    text = DOC.read_text(encoding="utf-8")
    assert SCHEMA in text
    for name in Posting.__dataclass_fields__:
        assert f"| `{name}` |" in text, name
