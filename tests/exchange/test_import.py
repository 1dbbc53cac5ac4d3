"""Import of companies, contacts and mentors from messy real-world CSV and Excel files."""

from __future__ import annotations

import json
from datetime import date, datetime

import pytest
from openpyxl import Workbook

from desktop.domain.errors import ValidationError
from desktop.errors import UserFacingError
from desktop.exchange import (
    COMPANY_CVR,
    COMPANY_NAME,
    plan_import,
    preview,
    read_table,
    run_import,
    suggest_mapping,
)
from desktop.models import Operations
from desktop.models.queries import list_companies, list_contacts, list_mentors
from tests.exchange.helpers import fingerprint, outbox

# As Danish Excel saves "CSV (semikolonsepareret)": Windows-1252, ";" and CRLF,
# with the blank lines, stray spaces and mistakes of a list kept by hand.
DANISH_EXCEL_CSV = (
    "Virksomhedsnavn;CVR-nr.;Adresse;Postnr.;By;Kommune;Tlf.;E-mail;Branche\r\n"  # row 1
    "Jammerbugt Rengøring ApS;29403473;Østergade 12;9460;Brovst;Jammerbugt;98 23 45 67;kontakt@jbrengoering.dk;"
    "Rengøring\r\n"  # 2
    "Aabybro Tømrer & Snedker; 2940 3481 ;Søndergade 4;9440;Aabybro;Jammerbugt;98241122;;Tømrer\r\n"  # 3
    ";;;;;;;;\r\n"  # 4: an empty row Excel keeps
    "Brovst Bageri;12345678;Torvet 1;9460;Brovst;Jammerbugt;;;Bageri\r\n"  # 5: broken CVR
    "Fjerritslev Auto;29403503;Østergade 3;9690;Fjerritslev;Jammerbugt;+45 98 21 00 00;Info@FJauto.dk;Auto\r\n"  # 6
    "\r\n"  # 7
    "Jammerbugt Rengøring ApS;29403473;Østergade 12;9460;Brovst;Jammerbugt;98 23 45 67;kontakt@jbrengoering.dk;"
    "Rengøring\r\n"  # 8: the same row again
    "Pandrup Kro;29403481;Vestergade 2;9490;Pandrup;Jammerbugt;;;Kro\r\n"  # 9: CVR of row 3
    ";35871217;Industrivej 9;9600;Aars;Vesthimmerland;;;Tømrer\r\n"  # 10: no name
    "Løkken Is;;Havnevej 2;9480;Løkken;Hjørring;1234;;Is\r\n"  # 11: bad phone
    "Aars Tømrer & Snedker;35871209;Industrivej 7;9600;Aars;Vesthimmerland;;;Tømrer\r\n"  # 12: already there
    "Hals Fiskeindustri;;Havnen 8;9370;Hals;Aalborg;;salg@hals-fisk.dk;Fiskeindustri – frost\r\n"  # 13: no CVR
)

EXPECTED_REFUSED = [
    (5, "CVR-nummeret er ikke gyldigt (kontrolcifferet passer ikke)."),
    (8, "Dobbelt række: den samme som række 2."),
    (9, "CVR-nummeret 29403481 står også i række 3."),
    (10, "Navn skal udfyldes."),
    (11, "Telefon er ikke et gyldigt telefonnummer (8 cifre, evt. med +45)."),
]
EXPECTED_EXISTING = [(12, "Aars Tømrer & Snedker A/S findes allerede (CVR-nummer 35871209).")]


@pytest.fixture
def danish_csv(tmp_path):
    path = tmp_path / "virksomheder.csv"
    path.write_bytes(DANISH_EXCEL_CSV.encode("cp1252"))
    return path


@pytest.fixture
def existing(ops):
    return ops.create_company(name="Aars Tømrer & Snedker A/S", cvr="35871209", city="Aars").id


def companies(db):
    with db.read() as session:
        return {c.name: c for c in list_companies(session, limit=1000).items}


def test_preview_detects_cp1252_semicolons_and_suggests_the_mapping(danish_csv):
    shown = preview(danish_csv)
    assert (shown.encoding, shown.delimiter, shown.total_rows) == ("cp1252", ";", 10)
    assert shown.headers[0] == "Virksomhedsnavn" and shown.rows[0][0] == "Jammerbugt Rengøring ApS"
    assert shown.mapping == {0: "name", 1: "cvr", 2: "address", 3: "postcode", 4: "city", 5: "municipality",
                             6: "phone", 7: "email", 8: "industry"}


def test_plan_refuses_bad_and_duplicate_rows_with_danish_reasons_and_writes_nothing(db, ops, danish_csv, existing):
    before = fingerprint(db)
    plan = plan_import(danish_csv, "company", preview(danish_csv).mapping, ops)
    assert fingerprint(db) == before
    assert plan.refused == EXPECTED_REFUSED
    assert plan.existing == EXPECTED_EXISTING
    assert [r.row_number for r in plan.rows_ok] == [2, 3, 6, 13]
    assert plan.rows_ok[1].fields == {
        "name": "Aabybro Tømrer & Snedker", "cvr": "29403481", "address": "Søndergade 4", "postcode": "9440",
        "city": "Aabybro", "municipality": "Jammerbugt", "phone": "98 24 11 22", "industry": "Tømrer",
    }
    assert plan.total_rows == 10


def test_run_import_writes_every_good_row_through_the_outbox(db, ops, danish_csv, existing, team_id, user_id):
    sent_before = len(outbox(db))
    plan = plan_import(danish_csv, "company", preview(danish_csv).mapping, ops)
    result = run_import(plan, ops)
    assert result.created == 4 and result.changes.touches("company") and len(result.changes.ids) == 4
    found = companies(db)
    assert set(found) == {"Aars Tømrer & Snedker A/S", "Jammerbugt Rengøring ApS", "Aabybro Tømrer & Snedker",
                          "Fjerritslev Auto", "Hals Fiskeindustri"}
    assert found["Fjerritslev Auto"].phone == "98 21 00 00"
    assert found["Aabybro Tømrer & Snedker"].responsible_user_id == user_id
    new = outbox(db)[sent_before:]
    assert [(m.entity, m.op) for m in new] == [("company", "upsert")] * 4
    fields = json.loads(new[0].fields)
    assert fields["name"] == "Jammerbugt Rengøring ApS" and fields["team_id"] == team_id
    # Importing the same file again imports nothing new: every company is there already.
    again = plan_import(danish_csv, "company", preview(danish_csv).mapping, ops)
    # A re-run says "findes allerede" for each of them; only the rows that are wrong are refused.
    assert again.rows_ok == [] and again.refused == [r for r in EXPECTED_REFUSED if r[0] in (5, 10, 11)]
    assert again.existing == [
        (2, "Jammerbugt Rengøring ApS findes allerede (CVR-nummer 29403473)."),
        (3, "Aabybro Tømrer & Snedker findes allerede (CVR-nummer 29403481)."),
        (6, "Fjerritslev Auto findes allerede (CVR-nummer 29403503)."),
        (8, "Jammerbugt Rengøring ApS findes allerede (CVR-nummer 29403473)."),
        (9, "Aabybro Tømrer & Snedker findes allerede (CVR-nummer 29403481)."),
        (12, "Aars Tømrer & Snedker A/S findes allerede (CVR-nummer 35871209)."),
        (13, "Hals Fiskeindustri findes allerede. Angiv CVR-nummeret, hvis det er en anden."),
    ]


def test_a_failing_write_mid_import_keeps_nothing(db, ops, danish_csv, existing, monkeypatch):
    plan = plan_import(danish_csv, "company", preview(danish_csv).mapping, ops)
    before = fingerprint(db)
    original = Operations._create
    calls = []

    def fail_on_third(self, writer, entity, fields):
        calls.append(fields["name"])
        if len(calls) == 3:
            raise OSError("disk I/O error")
        return original(self, writer, entity, fields)

    monkeypatch.setattr(Operations, "_create", fail_on_third)
    with pytest.raises(OSError):
        run_import(plan, ops)
    assert len(calls) == 3
    assert fingerprint(db) == before  # no company, no outbox row, no search entry


def test_a_row_taken_since_the_plan_names_the_row_and_keeps_nothing(db, ops, danish_csv, existing):
    plan = plan_import(danish_csv, "company", preview(danish_csv).mapping, ops)
    ops.create_company(name="Fjerritslev Auto (synket)", cvr="29403503")  # arrives by sync meanwhile
    before = fingerprint(db)
    with pytest.raises(UserFacingError) as caught:
        run_import(plan, ops)
    assert caught.value.message_da == (
        "Række 6: CVR-nummeret er allerede brugt af Fjerritslev Auto (synket). Intet er indlæst.")
    assert fingerprint(db) == before


def test_create_many_is_one_transaction_and_tells_which_row_failed(db, ops):
    changes = ops.create_many("company", [{"name": "Hobro Kantine"}, {"name": "Års Maskinstation"}])
    assert len(changes.ids) == 2 and changes.entities == frozenset({"company"})
    before = fingerprint(db)
    with pytest.raises(ValidationError) as caught:
        ops.create_many("company", [{"name": "Nibe Smedie"}, {"name": "Farsø Kro", "cvr": "12345678"}])
    assert caught.value.row_index == 1 and caught.value.field == "cvr"
    assert fingerprint(db) == before
    with pytest.raises(ValueError):
        ops.create_many("review", [])


def test_xlsx_mentors_found_by_cvr_or_name_with_typed_cells(db, ops, tmp_path, existing):
    other = ops.create_company(name="Farsø Plejecenter Ågården", city="Farsø").id
    ops.create_company(name="Hals Kro", city="Hals")
    ops.create_company(name="Hals Kro", city="Hou")
    ops.add_mentor(other, name="Hanne Mikkelsen")
    book = Workbook()
    sheet = book.active
    sheet.append(["Mentor", "Stilling", "CVR", "Virksomhed", "Tlf.", "Mail", "Uddannet", "Kapacitet", "Aktiv"])
    sheet.append(["Niels Kjær", "Tømrer", 35871209, None, 40506070, "nk@aarstomrer.dk", datetime(2025, 9, 18), 2, "Ja"])
    sheet.append(["Pia Sørensen", "Tømrer", None, "Aars Tømrer & Snedker A/S", None, None, "18-09-2025", 1, "nej"])
    sheet.append([None] * 9)
    sheet.append(["Ole Jensen", "Pedel", None, "farsø plejecenter ågården", None, None, None, None, True])
    sheet.append(["Niels Kjær", "Tømrer", 35871209, None, None, None, None, None, None])  # again
    sheet.append(["Hanne Mikkelsen", "Køkkenleder", None, "Farsø Plejecenter Ågården", None, None, None, 1, "Ja"])
    sheet.append(["Bjørn Læsø", None, None, "Løgstør Maskinfabrik", None, None, None, None, None])
    sheet.append(["Lone Bødker", None, None, "Hals Kro", None, None, None, None, None])
    sheet.append(["Mads Frølund", None, 35871217, None, None, None, None, None, None])
    sheet.append(["Karen Kjær", None, 35871209, None, None, None, None, 99, "måske"])
    sheet.append([None] * 9)
    path = tmp_path / "mentorer.xlsx"
    book.save(path)

    shown = preview(path, "mentor")
    assert shown.mapping == {0: "name", 1: "title", 2: COMPANY_CVR, 3: COMPANY_NAME, 4: "phone", 5: "email",
                             6: "trained_on", 7: "capacity", 8: "active"}
    assert shown.rows[0][6] == "18-09-2025" and shown.rows[0][2] == "35871209"
    plan = plan_import(path, "mentor", shown.mapping, ops)
    assert plan.refused == [
        (6, "Mentoren Niels Kjær står også i række 2."),
        (8, "Virksomheden Løgstør Maskinfabrik findes ikke."),
        (9, "Flere virksomheder hedder Hals Kro. Angiv CVR-nummeret."),
        (10, "Der findes ingen virksomhed med CVR-nummer 35871217."),
        (11, "Kapacitet (borgere ad gangen) skal være mellem 1 og 50. Aktiv skal være ja eller nej."),
    ]
    assert plan.existing == [(7, "Mentoren Hanne Mikkelsen findes allerede hos virksomheden.")]
    assert [r.row_number for r in plan.rows_ok] == [2, 3, 5]
    run_import(plan, ops)
    with db.read() as session:
        mentors = {m.name: m for m in list_mentors(session).items}
    assert (mentors["Niels Kjær"].company_id, mentors["Niels Kjær"].phone) == (existing, "40 50 60 70")
    assert (mentors["Niels Kjær"].trained_on, mentors["Niels Kjær"].capacity) == (date(2025, 9, 18), 2)
    assert (mentors["Pia Sørensen"].trained_on, mentors["Pia Sørensen"].active) == (date(2025, 9, 18), False)
    assert mentors["Ole Jensen"].company_id == other and mentors["Ole Jensen"].active is True


def test_contacts_from_a_utf8_comma_file_with_quotes(db, ops, tmp_path, existing):
    path = tmp_path / "kontakter.csv"
    path.write_text(
        'Virksomhed,Kontaktperson,Stilling,Telefon,E-mail\n'
        '"Aars Tømrer & Snedker A/S","Jørgen Frølund","Værkfører, lager","40 50 60 70",jf@aarstomrer.dk\n'
        '\n'
        'Aars Tømrer & Snedker A/S,Birgitte Læsø,Kontorchef,,bl@aarstomrer\n', encoding="utf-8-sig")
    shown = preview(path, "contact")
    assert (shown.encoding, shown.delimiter) == ("utf-8-sig", ",")
    assert shown.mapping == {0: COMPANY_NAME, 1: "name", 2: "title", 3: "phone", 4: "email"}
    plan = plan_import(path, "contact", shown.mapping, ops)
    assert plan.refused == [(4, "E-mail er ikke en gyldig e-mailadresse.")]
    run_import(plan, ops)
    with db.read() as session:
        assert [(c.name, c.title) for c in list_contacts(session, existing)] == [("Jørgen Frølund", "Værkfører, lager")]


@pytest.mark.parametrize(("text", "delimiter"), [
    ("Navn\tBy\nNibe Smedie\tNibe\n", "\t"),
    ("Navn|By|Kommune\nNibe Smedie|Nibe|Aalborg\nHals Kro|Hals|Aalborg\n", "|"),  # csv.Sniffer's find
    ("Navn\nNibe Smedie\n", ","),  # one column: any delimiter reads it
])
def test_delimiters(tmp_path, text, delimiter):
    path = tmp_path / "liste.txt"
    path.write_text(text, encoding="utf-8")
    table = read_table(path)
    assert table.delimiter == delimiter and table.rows[0][1][0] == "Nibe Smedie"


def test_mapping_suggestions_from_danish_and_english_headers():
    headers = ["Firmanavn", "CVR nummer", "Postnummer", "By", "Telefonnr.", "Mail", "Branche", "Kommune",
               "Noget andet", "Navn"]
    assert suggest_mapping(headers, "company") == {0: "name", 1: "cvr", 2: "postcode", 3: "city", 4: "phone",
                                                   5: "email", 6: "industry", 7: "municipality"}
    english = ["Company name", "VAT number", "Zip code", "City", "Phone", "E-mail", "Industry", "Municipality"]
    assert suggest_mapping(english, "company") == dict(enumerate(
        ["name", "cvr", "postcode", "city", "phone", "email", "industry", "municipality"]))
    assert suggest_mapping(["Navn", "Virksomhed", "CVR-nr."], "contact") == {0: "name", 1: COMPANY_NAME,
                                                                            2: COMPANY_CVR}


def test_refusals_the_user_must_fix_before_planning(ops, danish_csv, tmp_path):
    with pytest.raises(UserFacingError, match="navnet"):
        plan_import(danish_csv, "company", {1: "cvr"}, ops)
    with pytest.raises(UserFacingError, match="virksomheden"):
        plan_import(danish_csv, "contact", {0: "name"}, ops)
    with pytest.raises(ValueError):
        plan_import(danish_csv, "company", {0: "name", 1: "name"}, ops)
    (tmp_path / "tom.csv").write_bytes(b"\r\n;;\r\n")
    with pytest.raises(UserFacingError, match="tom"):
        preview(tmp_path / "tom.csv")
    (tmp_path / "liste.pdf").write_bytes(b"%PDF")
    with pytest.raises(UserFacingError, match="CSV eller Excel"):
        preview(tmp_path / "liste.pdf")
    (tmp_path / "skadet.xlsx").write_bytes(b"not a zip")
    with pytest.raises(UserFacingError, match="Excel-regneark"):
        preview(tmp_path / "skadet.xlsx")
