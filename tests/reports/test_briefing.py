"""The briefing before a visit: what it reads from the local database, and the one-page PDF a consultant prints."""

from __future__ import annotations

import os
import shutil
from datetime import date

import pytest

from desktop.domain.errors import ValidationError
from desktop.reports import briefing_data, render_pdf
from desktop.reports.briefing import BriefingMentor
from tests.conftest import TODAY
from tests.reports.test_report_pdf import pdf_text


@pytest.fixture
def briefing(db, dataset):
    with db.read() as session:
        return briefing_data(session, dataset.jammerbugt, names=dataset.names, today=TODAY)


def test_briefing_reads_the_company_its_visits_openings_and_comments(briefing):
    assert briefing.company.name == "Jammerbugt Rengøring ApS"
    assert [c.name for c in briefing.contacts] == ["Lone Bødker"]
    assert briefing.centre is None
    [visit] = briefing.visits
    assert (visit.visited_at, visit.needs, visit.consultant) == (
        date(2026, 11, 10), "Hjælp til daglig rengøring, 8 timer om ugen.", "Mette Kjær")
    [internship] = briefing.internships
    assert internship.title == "Rengøring af værksted og kantine"
    # Started 16-11-2026 for 13 weeks: midway follow-up after 45 days, the end one after 91 days.
    assert (internship.starts_on, internship.ends_on) == (date(2026, 11, 16), date(2027, 2, 15))
    assert (internship.next_follow_up, internship.next_follow_up_note) == (
        date(2026, 12, 31), "Midtvejsopfølgning: Rengøring af værksted og kantine")
    assert [o.title for o in briefing.openings] == ["Ordinære timer på lageret"]  # in dialogue; the filled one is not
    [comment] = briefing.comments
    assert (comment.comment, comment.state_label, comment.visited_at) == ("Fint referat.", "Godkendt",
                                                                          date(2026, 11, 10))


def test_mentor_places_in_use_count_running_internships(db, dataset, ops):
    farso = dataset.centres["Farsø Plejecenter Ågården"]
    with db.read() as session:
        hanne = next(m for m in briefing_data(session, farso, today=TODAY).mentors if m.name == "Hanne Mikkelsen")
    assert hanne == BriefingMentor("Hanne Mikkelsen", "Køkkenleder", None, 1, 0, True)
    mentor_id = next(m.id for m in ops_mentors(db, farso) if m.name == "Hanne Mikkelsen")
    ops.create_opening(farso, title="Køkkenhjælp", kind="virksomhedspraktik", duration_weeks=4,
                       starts_on=date(2026, 11, 9), status="filled", mentor_id=mentor_id)
    ops.create_opening(farso, title="Ended", kind="virksomhedspraktik", duration_weeks=1,
                       starts_on=date(2026, 10, 1), status="filled", mentor_id=mentor_id)
    with db.read() as session:
        data = briefing_data(session, farso, today=TODAY)
    assert [i.title for i in data.internships] == ["Køkkenhjælp"]
    assert next(m for m in data.mentors if m.name == "Hanne Mikkelsen").in_use == 1
    assert data.centre is not None and data.centre.places == 4
    assert data.centre.next_visit_due == date(2026, 12, 10)  # last visit 19-11 + 21 days


def ops_mentors(db, company_id):
    from desktop.models.queries import list_mentors

    with db.read() as session:
        return list_mentors(session, company_id=company_id).items


def test_a_deleted_company_has_no_briefing(db, dataset, ops):
    lonely = ops.create_company(name="Uden besøg ApS").id
    ops.delete_company(lonely)
    with db.read() as session, pytest.raises(ValidationError):
        briefing_data(session, lonely, today=TODAY)


def test_briefing_pdf_is_one_page_with_the_last_needs_and_the_next_follow_up(briefing, tmp_path):
    path = render_pdf(briefing, tmp_path / "forberedelse.pdf")
    pages, text = pdf_text(path)
    assert pages == 1
    if os.environ.get("FELTBOG_KEEP_PDF"):
        shutil.copy(path, os.environ["FELTBOG_KEEP_PDF"])
    for expected in ("Forberedelse til besøg", "Jammerbugt Rengøring ApS", "CVR 29403473", "Lone Bødker",
                     "Hjælp til daglig rengøring, 8 timer om ugen.",
                     "Kollega foreslår en borger til virksomhedspraktik.",
                     "Rengøring af værksted og kantine", "16-11-2026 – 15-02-2027",
                     "31-12-2026 (uge 53)", "Midtvejsopfølgning", "Ordinære timer på lageret", "Fint referat."):
        assert expected in text, expected


def test_a_long_history_still_fits_on_one_page(db, dataset, ops, tmp_path):
    long = "Virksomheden har mange ønsker og behov, som skal beskrives grundigt i referatet. " * 20
    for day in range(1, 8):
        ops.create_visit(dataset.jammerbugt, visited_at=date(2026, 10, day), needs=long, next_step=long, body=long)
    for n in range(10):
        ops.add_contact(dataset.jammerbugt, name=f"Kontakt {n}", title="Formand", phone="12345678")
        ops.add_mentor(dataset.jammerbugt, name=f"Mentor {n}", title="Faglært")
        ops.create_opening(dataset.jammerbugt, title=f"Åbning {n} " + "lang titel " * 5, kind="smaajob",
                           status="open", job_functions=long)
    with db.read() as session:
        data = briefing_data(session, dataset.jammerbugt, names=dataset.names, today=TODAY)
    path = render_pdf(data, tmp_path / "lang.pdf")
    if os.environ.get("FELTBOG_KEEP_PDF"):
        shutil.copy(path, os.environ["FELTBOG_KEEP_PDF"].replace(".pdf", "-long.pdf"))
    pages, text = pdf_text(path)
    assert pages == 1
    assert "flere i appen" in text
