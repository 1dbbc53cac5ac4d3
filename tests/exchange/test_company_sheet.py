"""The usual company sheet (Navn, CVR, ..., Kontaktperson) imported as companies and as contacts.

Issue 15, finding 6.
"""

from __future__ import annotations

import pytest
from openpyxl import Workbook

from desktop.exchange import COMPANY_CVR, COMPANY_NAME, plan_import, preview, run_import
from desktop.exchange.mapping import CONTACT_NAME
from desktop.models.queries import list_companies, list_contacts

HEADERS = ["Navn", "CVR", "Adresse", "Postnr.", "By", "Telefon", "E-mail", "Kontaktperson"]
ROWS = [
    ["Jammerbugt Rengøring ApS", 29403473, "Østergade 12", 9460, "Brovst", 98234567, "kontakt@jbr.dk",
     "Aysel Lindberg"],
    ["Aabybro Tømrer & Snedker", "2940 3481", "Søndergade 4", 9440, "Aabybro", None, None, "Jørgen Frølund"],
    None,  # a blank row in the middle, as sheets kept by hand have
    ["Hals Fiskeindustri", None, "Havnen 8", 9370, "Hals", None, "salg@hals-fisk.dk", None],
]


@pytest.fixture
def sheet(tmp_path):
    book = Workbook()
    ws = book.active
    ws.append(HEADERS)
    for row in ROWS:
        ws.append(row or [None] * len(HEADERS))
    path = tmp_path / "virksomheder.xlsx"
    book.save(path)
    return path


def contacts_by_company(db):
    with db.read() as session:
        companies = list_companies(session, limit=100).items
        return {c.name: sorted(p.name for p in list_contacts(session, c.id)) for c in companies}


def test_preview_row_numbers_are_the_spreadsheets(sheet):
    shown = preview(sheet, "company")
    assert shown.row_numbers == [2, 3, 5]  # header is row 1; row 4 is blank
    assert [r[0] for r in shown.rows] == ["Jammerbugt Rengøring ApS", "Aabybro Tømrer & Snedker", "Hals Fiskeindustri"]


def test_contacts_from_the_company_sheet_take_the_person_from_kontaktperson(db, ops, sheet):
    ops.create_company(name="Jammerbugt Rengøring ApS", cvr="29403473", city="Brovst")
    ops.create_company(name="Aabybro Tømrer & Snedker", city="Aabybro")
    shown = preview(sheet, "contact")
    assert shown.mapping[0] == COMPANY_NAME and shown.mapping[1] == COMPANY_CVR and shown.mapping[7] == "name"
    plan = plan_import(sheet, "contact", shown.mapping, ops)
    assert [(r.row_number, r.fields["name"]) for r in plan.rows_ok] == [(2, "Aysel Lindberg"), (3, "Jørgen Frølund")]
    assert [n for n, _ in plan.refused] == [5]  # Hals is not in the database (and names no contact person)
    run_import(plan, ops)
    assert contacts_by_company(db) == {"Jammerbugt Rengøring ApS": ["Aysel Lindberg"],
                                       "Aabybro Tømrer & Snedker": ["Jørgen Frølund"]}
    again = plan_import(sheet, "contact", shown.mapping, ops)
    assert again.rows_ok == [] and [n for n, _ in again.existing] == [2, 3]
    assert again.existing[0][1] == "Kontaktpersonen Aysel Lindberg findes allerede hos virksomheden."


def test_the_company_import_makes_a_contact_of_kontaktperson(db, ops, sheet):
    shown = preview(sheet, "company")
    assert shown.mapping[7] == CONTACT_NAME
    plan = plan_import(sheet, "company", shown.mapping, ops)
    assert [r.row_number for r in plan.rows_ok] == [2, 3, 5] and plan.refused == [] and plan.existing == []
    result = run_import(plan, ops)
    assert (result.created, result.contacts) == (3, 2)
    assert contacts_by_company(db) == {"Jammerbugt Rengøring ApS": ["Aysel Lindberg"],
                                       "Aabybro Tømrer & Snedker": ["Jørgen Frølund"], "Hals Fiskeindustri": []}
    # The same file again: every row already exists, nothing is refused.
    again = plan_import(sheet, "company", shown.mapping, ops)
    assert again.rows_ok == [] and again.refused == []
    assert again.existing == [
        (2, "Jammerbugt Rengøring ApS findes allerede (CVR-nummer 29403473)."),
        (3, "Aabybro Tømrer & Snedker findes allerede (CVR-nummer 29403481)."),
        (5, "Hals Fiskeindustri findes allerede. Angiv CVR-nummeret, hvis det er en anden."),
    ]


def test_a_company_imported_without_its_contact_gets_it_on_the_next_run(db, ops, sheet):
    shown = preview(sheet, "company")
    without = {col: field for col, field in shown.mapping.items() if field != CONTACT_NAME}
    run_import(plan_import(sheet, "company", without, ops), ops)
    assert contacts_by_company(db)["Jammerbugt Rengøring ApS"] == []
    plan = plan_import(sheet, "company", shown.mapping, ops)
    assert [(r.row_number, r.contact["name"]) for r in plan.rows_ok] == [(2, "Aysel Lindberg"), (3, "Jørgen Frølund")]
    assert [n for n, _ in plan.existing] == [5]
    result = run_import(plan, ops)
    assert (result.created, result.contacts) == (0, 2)
    assert contacts_by_company(db)["Aabybro Tømrer & Snedker"] == ["Jørgen Frølund"]


def test_a_bad_contact_phone_refuses_the_row_and_says_it_is_the_contacts(db, ops, tmp_path):
    path = tmp_path / "v.csv"
    path.write_text("Navn;By;Kontaktperson;Kontakttelefon\nBrovst Bageri;Brovst;Ib Holm;1234\n", encoding="utf-8")
    shown = preview(path, "company")
    plan = plan_import(path, "company", shown.mapping, ops)
    assert plan.refused == [(2, "Kontaktperson: Telefon er ikke et gyldigt telefonnummer (8 cifre, evt. med +45).")]


def test_a_contact_added_to_a_company_already_there_is_said_so(db, ops, sheet):
    ops.create_company(name="Jammerbugt Rengøring ApS", cvr="29403473", city="Brovst")
    plan = plan_import(sheet, "company", preview(sheet, "company").mapping, ops)
    assert [(r.row_number, r.note) for r in plan.rows_ok if r.note] == [
        (2, "Jammerbugt Rengøring ApS findes allerede; kontaktpersonen Aysel Lindberg tilføjes.")]
