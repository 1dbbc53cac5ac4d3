"""PDF rendering: the text a reader sees (extracted with pypdf), byte-stable output, progress and cancel."""

from __future__ import annotations

import dataclasses
from datetime import date

import pytest
from pypdf import PdfReader

from desktop.cancel import CancelToken
from desktop.errors import Cancelled
from desktop.reports import (
    CentreCatalogue,
    centre_catalogue_data,
    follow_up_list_data,
    render_pdf,
    supervisor_report_data,
    visit_summary_data,
)
from tests.conftest import TODAY


def pdf_text(path) -> tuple[int, str]:
    """Page count and all text, with runs of white space (line breaks in table cells) as one space."""
    reader = PdfReader(str(path))
    return len(reader.pages), " ".join(" ".join(page.extract_text() for page in reader.pages).split())


@pytest.fixture
def reports(db, dataset, user_id, team_id):
    with db.read() as session:
        return {
            "visit": visit_summary_data(session, dataset.visit, names=dataset.names, today=TODAY),
            "catalogue": centre_catalogue_data(session, names=dataset.names, today=TODAY),
            "supervisor": supervisor_report_data(session, team_id, date(2026, 11, 2), date(2026, 11, 29),
                                                 names=dataset.names, team_name="Jobcenter Jammerbugt", today=TODAY),
            "follow_ups": follow_up_list_data(session, user_id, date(2026, 11, 1), date(2027, 2, 28),
                                              names=dataset.names, today=TODAY),
        }


def test_visit_summary_pdf(reports, tmp_path):
    path = render_pdf(reports["visit"], tmp_path / "referat.pdf")
    pages, text = pdf_text(path)
    assert pages == 1
    for expected in ("Besøgsreferat", "Jammerbugt Rengøring ApS", "29403473", "Østergade 12, 9460 Brovst",
                     "10-11-2026 (uge 46)", "Første kontakt", "Lone Bødker (direktør)",
                     "Faglærte medarbejdere bruger tid på rengøring af værksted og kantine.",
                     "Hjælp til daglig rengøring, 8 timer om ugen.", "Vi følger op den 24-11-2026 (uge 48).",
                     "Rengøring af værksted og kantine", "Virksomhedspraktik", "13 uger", "Besat",
                     "Side 1 af 1", "udskrevet 23-11-2026"):
        assert expected in text, expected
    assert PdfReader(str(path)).metadata.title == "Besøgsreferat: Jammerbugt Rengøring ApS 10-11-2026"


def test_catalogue_pdf_keeps_danish_letters(reports, tmp_path):
    pages, text = pdf_text(render_pdf(reports["catalogue"], tmp_path / "katalog.pdf"))
    assert pages == 1
    for expected in ("Virksomhedscenterkatalog", "3 virksomhedscentre · 9 pladser i alt",
                     "Farsø Plejecenter Ågården", "Løgstør Maskinfabrik ApS", "Aars Tømrer & Snedker A/S",
                     "Køkken, rengøring og pedelopgaver", "Mindst hver 3. uge (21 dage)", "01-01-2026 – 31-12-2027",
                     "Søren Østergaard", "Jørgen Frølund, Værkfører", "tlf. 40 50 60 70 · jf@aarstomrer.dk",
                     "Åse Møller", "2 aktive"):
        assert expected in text, expected
    assert text.index("Farsø") < text.index("Løgstør") < text.index("Aars Tømrer")


def test_supervisor_pdf_has_charts_and_tables(reports, tmp_path):
    pages, text = pdf_text(render_pdf(reports["supervisor"], tmp_path / "leder.pdf"))
    assert pages == 2
    for expected in ("Rapport til leder", "Jobcenter Jammerbugt · 02-11-2026 – 29-11-2026 (uge 45–48)",
                     "Besøg pr. uge og konsulent", "uge 45", "Mette Kjær", "Søren Østergaard",
                     "Jobåbninger efter type og status", "Småjob", "Besatte timer pr. uge",
                     "Jammerbugt Rengøring ApS", "Virksomhedscentre", "15-06-2026 (overskredet)", "Side 2 af 2"):
        assert expected in text, expected


def test_follow_up_pdf(reports, tmp_path):
    pages, text = pdf_text(render_pdf(reports["follow_ups"], tmp_path / "opf.pdf"))
    assert pages == 1
    for expected in ("Opfølgninger", "Mette Kjær · 01-11-2026 – 28-02-2027",
                     "5 opfølgninger: 1 udført, 4 åbne (1 overskredet)", "Ring til Lone om praktikstart",
                     "Opfølgning på besøg: Jammerbugt Rengøring ApS",
                     "Midtvejsopfølgning: Rengøring af værksted og kantine", "31-12-2026", "Jobåbning"):
        assert expected in text, expected


def test_same_data_gives_the_same_bytes(reports, tmp_path):
    for name, data in reports.items():
        first = render_pdf(data, tmp_path / f"{name}-1.pdf").read_bytes()
        assert render_pdf(data, tmp_path / f"{name}-2.pdf").read_bytes() == first, name


def test_long_catalogue_numbers_every_page_and_never_splits_a_centre(reports, tmp_path):
    centre = reports["catalogue"].centres[-1]
    many = CentreCatalogue(tuple(dataclasses.replace(centre, id=str(i), name=f"Aars Tømrer {i:03d}")
                                 for i in range(60)), TODAY)
    pages, text = pdf_text(render_pdf(many, tmp_path / "stor.pdf"))
    assert pages > 5
    assert f"Side 1 af {pages}" in text and f"Side {pages} af {pages}" in text
    assert "60 virksomhedscentre · 180 pladser i alt" in text
    for page in PdfReader(str(tmp_path / "stor.pdf")).pages:
        page_text = page.extract_text()
        # Every centre that starts on a page ends on it: its last row is on the same page.
        assert page_text.count("Aars Tømrer 0") == page_text.count("Kommune")


def test_user_text_is_printed_as_typed(reports, tmp_path):
    tricky = dataclasses.replace(reports["visit"], body="Løn <b>ikke</b> & skånehensyn\nlinje to",
                                 openings=(), needs=None, next_step=None, follow_up_on=None)
    _, text = pdf_text(render_pdf(tricky, tmp_path / "x.pdf"))
    assert "Løn <b>ikke</b> & skånehensyn" in text and "linje to" in text
    assert "Jobåbninger fra besøget" not in text and "Næste skridt" not in text


def test_empty_reports_render(db, tmp_path):
    with db.read() as session:
        empty = [centre_catalogue_data(session, today=TODAY),
                 supervisor_report_data(session, None, date(2026, 1, 1), date(2026, 12, 31), today=TODAY),
                 follow_up_list_data(session, None, date(2026, 1, 1), date(2026, 12, 31), today=TODAY)]
    texts = [pdf_text(render_pdf(data, tmp_path / f"{i}.pdf"))[1] for i, data in enumerate(empty)]
    assert "Der er ingen virksomhedscentre." in texts[0]
    assert "Ingen besøg i perioden." in texts[1] and "(uge 1–53)" in texts[1]
    assert "Ingen opfølgninger i perioden." in texts[2] and "Alle" in texts[2]


def test_a_year_long_supervisor_report_thins_week_labels(db, dataset, team_id, tmp_path):
    with db.read() as session:
        data = supervisor_report_data(session, team_id, date(2026, 1, 1), date(2026, 12, 31), today=TODAY)
    assert len(data.weeks) == 53
    _, text = pdf_text(render_pdf(data, tmp_path / "aar.pdf"))
    assert "Ugenummer (ISO-uge) for besøgsdatoen." in text


def test_progress_is_reported(reports, tmp_path):
    calls = []
    render_pdf(reports["catalogue"], tmp_path / "k.pdf", progress=lambda done, total, msg: calls.append((done, total)))
    laid_out = [c for c in calls if c[1]]
    assert laid_out and laid_out[-1][0] == laid_out[-1][1]  # the last flowable placed
    assert [d for d, _ in laid_out] == sorted(d for d, _ in laid_out)


@pytest.mark.parametrize("when", ["before", "during layout"])
def test_cancel_leaves_no_file(reports, tmp_path, when):
    token = CancelToken()
    if when == "before":
        token.cancel()

    def progress(done: int, total: int, _message: str) -> None:
        if total and done >= 2:
            token.cancel()

    folder = tmp_path / "out"
    folder.mkdir()
    with pytest.raises(Cancelled):
        render_pdf(reports["catalogue"], folder / "k.pdf", progress=progress, cancel=token)
    assert list(folder.iterdir()) == []


def test_unknown_data_is_refused(tmp_path):
    with pytest.raises(TypeError):
        render_pdf({"not": "a report"}, tmp_path / "x.pdf")


def test_visit_summary_signs_off_with_the_consultant_and_the_jobcentre_never_a_made_up_sender(db, dataset, tmp_path):
    """Issue 15, finding 7: no hard-coded "Jobcentret" under the name."""
    with db.read() as session:
        named = visit_summary_data(session, dataset.visit, names=dataset.names, today=TODAY,
                                   organisation="Jobcenter Jammerbugt")
        unnamed = visit_summary_data(session, dataset.visit, names={}, today=TODAY)
        no_place = visit_summary_data(session, dataset.visit, names=dataset.names, today=TODAY)
    _, text = pdf_text(render_pdf(named, tmp_path / "a.pdf"))
    assert "Med venlig hilsen Mette Kjær Jobcenter Jammerbugt" in text
    _, text = pdf_text(render_pdf(no_place, tmp_path / "b.pdf"))
    assert "Med venlig hilsen Mette Kjær" in text and "Jobcentret" not in text
    _, text = pdf_text(render_pdf(unnamed, tmp_path / "c.pdf"))
    assert "Med venlig hilsen" not in text and "Jobcentret" not in text  # no sender known: no sign-off
