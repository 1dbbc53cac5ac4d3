"""Export of the lists to CSV (Danish Excel) and .xlsx, and the round trip back through the importer."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime

import pytest
from openpyxl import load_workbook

from desktop.cancel import CancelToken
from desktop.errors import Cancelled, UserFacingError
from desktop.exchange import (
    export_companies,
    export_follow_ups,
    export_mentors,
    export_openings,
    export_rows,
    export_visits,
    plan_import,
    preview,
    read_table,
    run_import,
)
from desktop.models import Actor, Operations
from desktop.models.queries import list_companies
from tests.conftest import TODAY
from tests.reports.dataset import build

OTHER_TEAM = "0b0b0b0b-0000-4000-8000-000000000000"


@pytest.fixture
def dataset(ops, db, user_id):
    return build(ops, db, user_id)


def csv_lines(path) -> list[str]:
    data = path.read_bytes()
    assert data.startswith(b"\xef\xbb\xbf")  # the BOM that makes Excel read UTF-8
    return data[3:].decode("utf-8").split("\r\n")[:-1]


def company_tuples(db, team_id):
    with db.read() as session:
        return sorted((c.name, c.cvr, c.city, c.municipality, c.industry, c.phone, c.is_centre)
                      for c in list_companies(session, limit=1000).items if team_of(session, c.id) == team_id)


def team_of(session, company_id):
    from desktop.models.entities import Company

    return session.get(Company, company_id).team_id


def test_company_csv_is_what_danish_excel_expects(db, dataset, tmp_path):
    with db.read() as session:
        path = export_companies(session, tmp_path / "virksomheder.csv", names=dataset.names)
    lines = csv_lines(path)
    assert lines[0] == "Navn;CVR-nr.;By;Kommune;Branche;Telefon;Virksomhedscenter;Ansvarlig konsulent"
    assert lines[1:] == [
        "Farsø Plejecenter Ågården;;Farsø;Vesthimmerland;;;Ja;Mette Kjær",
        "Jammerbugt Rengøring ApS;29403473;Brovst;Jammerbugt;Rengøring;98 23 45 67;Nej;Mette Kjær",
        "Løgstør Maskinfabrik ApS;18340518;Løgstør;Vesthimmerland;;;Ja;Søren Østergaard",
        "Aars Tømrer & Snedker A/S;35871209;Aars;Vesthimmerland;;98 62 10 20;Ja;Søren Østergaard",  # Aa is Å: last
    ]


@pytest.mark.parametrize("suffix", [".csv", ".xlsx"])
def test_companies_round_trip_through_the_importer(db, dataset, tmp_path, user_id, team_id, suffix):
    with db.read() as session:
        path = export_companies(session, tmp_path / f"virksomheder{suffix}", names=dataset.names)
    shown = preview(path)
    assert set(shown.mapping.values()) == {"name", "cvr", "city", "municipality", "industry", "phone", "is_centre"}
    other = Operations(db, Actor(user_id, OTHER_TEAM), today=lambda: TODAY)
    plan = plan_import(path, "company", shown.mapping, other)
    assert plan.refused == [] and len(plan.rows_ok) == 4
    run_import(plan, other)
    assert company_tuples(db, OTHER_TEAM) == company_tuples(db, team_id)


def test_xlsx_has_bold_header_widths_and_real_dates(db, dataset, tmp_path):
    with db.read() as session:
        path = export_visits(session, tmp_path / "besøg.xlsx", names=dataset.names)
    sheet = load_workbook(path).active
    header = [c.value for c in sheet[1]]
    assert header == ["Dato", "Uge", "Virksomhed", "Type", "Konsulent", "Status", "Gennemsyn", "Referat (uddrag)"]
    assert all(c.font.bold for c in sheet[1]) and sheet.freeze_panes == "A2"
    rows = [[c.value for c in row] for row in sheet.iter_rows(min_row=2)]
    assert rows[0][:7] == [datetime(2026, 11, 19), 47, "Farsø Plejecenter Ågården", "Opfølgning", "Mette Kjær",
                           "Kladde", None]
    assert rows[1][:7] == [datetime(2026, 11, 10), 46, "Jammerbugt Rengøring ApS", "Første kontakt", "Mette Kjær",
                           "Klar til gennemsyn", "Godkendt"]
    assert sheet["A2"].number_format == "DD-MM-YYYY"
    assert sheet.column_dimensions["C"].width >= len("Farsø Plejecenter Ågården")
    assert sheet.column_dimensions["B"].width < sheet.column_dimensions["C"].width


def test_opening_mentor_and_follow_up_exports(db, dataset, tmp_path, user_id):
    with db.read() as session:
        openings = csv_lines(export_openings(session, tmp_path / "jobåbninger.csv"))
        mentors = csv_lines(export_mentors(session, tmp_path / "mentorer.csv"))
        follow_ups = csv_lines(export_follow_ups(session, tmp_path / "opf.csv", names=dataset.names,
                                                 assignee_id=user_id, done=None))
    assert openings == [
        "Titel;Virksomhed;Type;Timer pr. uge;Varighed (uger);Start;Pladser;Status",
        "Ordinære timer på lageret;Jammerbugt Rengøring ApS;Ordinært job;8;;07-12-2026;1;I dialog",
        "Rengøring af værksted og kantine;Jammerbugt Rengøring ApS;Virksomhedspraktik;8;13;16-11-2026;1;Besat",
        "Småjob i montagehallen;Løgstør Maskinfabrik ApS;Småjob;10;;09-11-2026;2;Åben",
    ]
    assert mentors[0] == "Navn;Stilling;Virksomhed;Telefon;E-mail;Mentoruddannet;Kapacitet;Aktiv"
    assert "Ole Jensen;Pedel;Farsø Plejecenter Ågården;;;;1;Nej" in mentors
    assert "Niels Kjær;Tømrer;Aars Tømrer & Snedker A/S;;;18-09-2025;1;Ja" in mentors
    assert follow_ups[0] == "Dato;Uge;Vedrører;Emne;Note;Udført;Ansvarlig"
    assert "12-11-2026;46;Virksomhed;Jammerbugt Rengøring ApS;Send materiale om praktik;Ja;Mette Kjær" in follow_ups


@dataclass(frozen=True)
class Line:
    name: str
    hours: float | None
    when: datetime | None


def test_export_rows_of_any_dataclass_or_dict(tmp_path):
    rows = [Line("Småjob, køkken", 7.5, datetime(2026, 11, 23, 9, 30, tzinfo=UTC)), Line('Citat "ja"', None, None)]
    columns = [("name", "Navn"), ("hours", "Timer"), ("when", "Tid"), (lambda r: r.name.upper(), "Stort")]
    csv_path = export_rows(rows, columns, tmp_path / "linjer.csv")
    assert csv_lines(csv_path) == ["Navn;Timer;Tid;Stort", "Småjob, køkken;7,5;23-11-2026;SMÅJOB, KØKKEN",
                                   '"Citat ""ja""";;;"CITAT ""JA"""']
    assert read_table(csv_path).rows[1][1][0] == 'Citat "ja"'
    sheet = load_workbook(export_rows(rows, columns, tmp_path / "linjer.xlsx")).active
    assert [c.value for c in sheet[2]] == ["Småjob, køkken", 7.5, datetime(2026, 11, 23, 9, 30), "SMÅJOB, KØKKEN"]
    dicts = export_rows([{"n": "Æble", "d": date(2026, 1, 2)}], [("n", "Navn"), ("d", "Dato")], tmp_path / "d.csv")
    assert csv_lines(dicts) == ["Navn;Dato", "Æble;02-01-2026"]


def test_export_refuses_other_formats_and_leaves_nothing_when_cancelled(tmp_path):
    with pytest.raises(UserFacingError):
        export_rows([], [("a", "A")], tmp_path / "liste.ods")
    token = CancelToken()
    token.cancel()
    for suffix in (".csv", ".xlsx"):
        with pytest.raises(Cancelled):
            export_rows([Line("a", 1, None)], [("name", "Navn")], tmp_path / f"x{suffix}", cancel=token)
    assert list(tmp_path.iterdir()) == []


def test_user_text_never_becomes_a_formula(tmp_path):
    rows = [{"note": '=HYPERLINK("http://x","klik")'}, {"note": "+46 701234567"}, {"note": "-cmd|' /C calc'!A0"},
            {"note": "@SUM(1)"}, {"note": "- en punktopstilling"}]
    lines = csv_lines(export_rows(rows, [("note", "Note")], tmp_path / "n.csv"))
    assert lines[1:] == ['"\'=HYPERLINK(""http://x"",""klik"")"', "+46 701234567", "'-cmd|' /C calc'!A0",
                         "'@SUM(1)", "'- en punktopstilling"]
    sheet = load_workbook(export_rows(rows, [("note", "Note")], tmp_path / "n.xlsx")).active
    assert sheet["A2"].data_type == "s" and sheet["A2"].value == '=HYPERLINK("http://x","klik")'


def test_the_importer_takes_the_guarding_apostrophe_off_again(tmp_path, ops):
    path = export_rows([{"name": "=Nibe Smedie", "city": "Nibe"}], [("name", "Navn"), ("city", "By")],
                       tmp_path / "v.csv")
    plan = plan_import(path, "company", preview(path).mapping, ops)
    assert [r.fields for r in plan.rows_ok] == [{"name": "=Nibe Smedie", "city": "Nibe"}]
