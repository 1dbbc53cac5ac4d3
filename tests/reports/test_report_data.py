"""Report data checked exactly against what a reader of the printed report must see."""

from __future__ import annotations

from datetime import date

import pytest

from desktop.domain.errors import ValidationError
from desktop.domain.formatting import danish_sort_key, dk_number, interval_label, period_label, span_label
from desktop.models import Actor, Operations
from desktop.reports import (
    CentreCatalogue,
    CentreEntry,
    CompanyInfo,
    FollowUpList,
    VisitSummary,
    centre_catalogue_data,
    follow_up_list_data,
    supervisor_report_data,
    visit_summary_data,
)
from desktop.reports.data import ContactLine, FollowUpLine, OpeningLine
from desktop.reports.supervisor import (
    CentreStatus,
    ConsultantStats,
    OpeningKindRow,
    PlacedOpening,
    SupervisorReport,
    Week,
    weeks_between,
)
from tests.conftest import TODAY
from tests.reports.dataset import SOREN

NOV_2 = date(2026, 11, 2)
NOV_29 = date(2026, 11, 29)


def test_visit_summary_has_everything_the_company_is_sent(db, dataset):
    with db.read() as session:
        data = visit_summary_data(session, dataset.visit, names=dataset.names, today=TODAY)
    assert data == VisitSummary(
        visit_id=dataset.visit,
        company=CompanyInfo("Jammerbugt Rengøring ApS", "29403473", "Østergade 12", "9460", "Brovst",
                            "98 23 45 67", "kontakt@jbrengoering.dk"),
        visited_at=date(2026, 11, 10),
        kind="first_contact",
        consultant="Mette Kjær",
        participants="Lone Bødker (direktør), Mette Kjær (virksomhedskonsulent)",
        body="Faglærte medarbejdere bruger tid på rengøring af værksted og kantine.\n\n"
             "Virksomheden er åben for en virksomhedspraktik på rengøringsopgaverne.",
        needs="Hjælp til daglig rengøring, 8 timer om ugen.",
        next_step="Kollega foreslår en borger til virksomhedspraktik.",
        follow_up_on=date(2026, 11, 24),
        openings=(
            OpeningLine("Ordinære timer på lageret", "ordinary", 8.0, None, date(2026, 12, 7), 1, "in_dialogue"),
            OpeningLine("Rengøring af værksted og kantine", "virksomhedspraktik", 8.0, 13, date(2026, 11, 16), 1,
                        "filled"),
        ),
        generated_on=TODAY,
        signature=("Mette Kjær",),
    )
    assert (data.week, data.kind_label, data.company.address_line) == (46, "Første kontakt",
                                                                        "Østergade 12, 9460 Brovst")
    assert [o.kind_label for o in data.openings] == ["Ordinært job", "Virksomhedspraktik"]
    assert [o.status_label for o in data.openings] == ["I dialog", "Besat"]


def test_visit_summary_without_names_shows_a_short_id_and_refuses_unknown_visits(db, dataset, user_id):
    with db.read() as session:
        assert visit_summary_data(session, dataset.visit, today=TODAY).consultant == user_id[:8]
        with pytest.raises(ValidationError):
            visit_summary_data(session, "00000000-0000-4000-8000-000000000000")


def test_centre_catalogue_lists_centres_in_danish_order_with_contacts_and_mentors(db, dataset):
    with db.read() as session:
        data = centre_catalogue_data(session, names=dataset.names, today=TODAY)
    ids = dataset.centres
    assert data == CentreCatalogue(
        centres=(
            CentreEntry(
                ids["Farsø Plejecenter Ågården"], "Farsø Plejecenter Ågården", None, "Ågade 3", "9640", "Farsø",
                "Vesthimmerland", None, None, "Køkken, rengøring og pedelopgaver", "Ressourceforløb, unge under 30",
                4, 21, date(2026, 3, 1), None, "Mette Kjær",
                (ContactLine("Åse Møller", "Køkkenleder", "96 17 18 19", None),), 1,
            ),
            CentreEntry(
                ids["Løgstør Maskinfabrik ApS"], "Løgstør Maskinfabrik ApS", "18340518", "Havnevej 41", "9670",
                "Løgstør", "Vesthimmerland", None, "info@lmf.dk", "Montage og svejsning", "Sygedagpengemodtagere",
                2, 14, date(2026, 6, 1), date(2027, 5, 31), "Søren Østergaard", (), 0,
            ),
            # "Aa" is filed as "Å", after Z, as in every Danish directory.
            CentreEntry(
                ids["Aars Tømrer & Snedker A/S"], "Aars Tømrer & Snedker A/S", "35871209", "Industrivej 7", "9600",
                "Aars", "Vesthimmerland", "98 62 10 20", None, "Tømrerarbejde, lager og oprydning på pladsen",
                "Jobparate og aktivitetsparate", 3, 21, date(2026, 1, 1), date(2027, 12, 31), "Søren Østergaard",
                (ContactLine("Birgitte Læsø", "Kontorchef", None, "bl@aarstomrer.dk"),
                 ContactLine("Jørgen Frølund", "Værkfører", "40 50 60 70", "jf@aarstomrer.dk")),
                2,
            ),
        ),
        generated_on=TODAY,
    )
    assert data.total_places == 9


def test_centre_catalogue_leaves_out_other_teams_deleted_and_plain_companies(db, ops, dataset, user_id, team_id):
    other = Operations(db, Actor(user_id, "8d8d8d8d-0000-4000-8000-000000000000"), today=lambda: TODAY)
    other.create_company(name="Hobro Kantine", is_centre=True, centre_places=1)
    gone = ops.create_company(name="Brovst Bageri", is_centre=True).id
    ops.delete_company(gone)
    with db.read() as session:
        assert len(centre_catalogue_data(session, today=TODAY).centres) == 4
        mine = centre_catalogue_data(session, team_id=team_id, today=TODAY)
    assert [c.name for c in mine.centres] == ["Farsø Plejecenter Ågården", "Løgstør Maskinfabrik ApS",
                                              "Aars Tømrer & Snedker A/S"]
    assert mine.centres[0].responsible == user_id[:8]  # no names given: a short id


def test_supervisor_report_counts_visits_openings_hours_and_centres(db, dataset, user_id, team_id):
    with db.read() as session:
        data = supervisor_report_data(session, team_id, NOV_2, NOV_29, names=dataset.names,
                                      team_name="Jobcenter Vesthimmerland", today=TODAY)
    assert data == SupervisorReport(
        team_id=team_id,
        team_name="Jobcenter Vesthimmerland",
        start=NOV_2,
        end=NOV_29,
        generated_on=TODAY,
        weeks=(Week(2026, 45, NOV_2), Week(2026, 46, date(2026, 11, 9)), Week(2026, 47, date(2026, 11, 16)),
               Week(2026, 48, date(2026, 11, 23))),
        consultants=(
            # open: one planned by hand, one by the visit's "Opfølgning den" (24-11)
            ConsultantStats(user_id, "Mette Kjær", (0, 1, 1, 0), visits=2, drafts=1, approved=1, has_issues=0,
                            openings=1, follow_ups_done=1, follow_ups_open=2),
            ConsultantStats(SOREN, "Søren Østergaard", (1, 0, 0, 0), visits=1, drafts=0, approved=0,
                            has_issues=0, openings=0, follow_ups_done=0, follow_ups_open=0),
        ),
        visits_by_kind=(("first_contact", 1), ("follow_up", 1), ("centre_visit", 1)),
        statuses=("open", "in_dialogue", "filled", "closed"),
        # The ordinary opening starts 07-12-2026, after the period.
        openings_by_kind=(OpeningKindRow("smaajob", (1, 0, 0, 0)),
                          OpeningKindRow("virksomhedspraktik", (0, 0, 1, 0))),
        hours_placed_per_week=(0.0, 0.0, 8.0, 0.0),
        placed=(PlacedOpening("Jammerbugt Rengøring ApS", "Rengøring af værksted og kantine", "virksomhedspraktik",
                              8.0, 1, date(2026, 11, 16)),),
        centres=(
            CentreStatus("Farsø Plejecenter Ågården", "Mette Kjær", 1, date(2026, 11, 19), date(2026, 12, 10), False),
            CentreStatus("Løgstør Maskinfabrik ApS", "Søren Østergaard", 0, None, date(2026, 6, 15), True),
            CentreStatus("Aars Tømrer & Snedker A/S", "Søren Østergaard", 1, date(2026, 11, 3), date(2026, 11, 24),
                         False),
        ),
    )
    assert (data.total_visits, data.total_openings, data.total_hours_placed, data.overdue_centres) == (3, 2, 8, 1)


def test_supervisor_report_for_another_team_is_empty_and_end_before_start_is_refused(db, dataset):
    with db.read() as session:
        data = supervisor_report_data(session, "8d8d8d8d-0000-4000-8000-000000000000", NOV_2, NOV_29, today=TODAY)
        assert (data.consultants, data.openings_by_kind, data.placed, data.centres) == ((), (), (), ())
        assert data.hours_placed_per_week == (0.0,) * 4
        with pytest.raises(ValueError):
            supervisor_report_data(session, None, NOV_29, NOV_2)


def test_supervisor_report_counts_has_issues_and_unnamed_consultants(db, dataset, team_id, user_id):
    from desktop.models.entities import Review

    with db.write() as session:  # a later verdict replaces the approval
        session.add(Review(id="11111111-1111-4111-8111-111111111111", team_id=team_id, version=9,
                           visit_id=dataset.visit, state="has_issues"))
    with db.read() as session:
        data = supervisor_report_data(session, team_id, NOV_2, NOV_29, today=TODAY)
    by_id = {c.consultant_id: (c.name, c.approved, c.has_issues) for c in data.consultants}
    assert by_id == {SOREN: (SOREN[:8], 0, 0), user_id: (user_id[:8], 0, 1)}


def test_follow_up_list_is_by_date_with_weeks_and_overdue_marked(db, dataset, user_id):
    with db.read() as session:
        data = follow_up_list_data(session, user_id, date(2026, 11, 1), date(2027, 2, 28), names=dataset.names,
                                   today=TODAY)
    internship = "Rengøring af værksted og kantine"
    assert data == FollowUpList(
        assignee_id=user_id,
        assignee="Mette Kjær",
        start=date(2026, 11, 1),
        end=date(2027, 2, 28),
        items=(
            FollowUpLine(date(2026, 11, 12), "company", "Jammerbugt Rengøring ApS", "Send materiale om praktik",
                         done=True, overdue=False),
            FollowUpLine(date(2026, 11, 20), "visit", "Jammerbugt Rengøring ApS", "Ring til Lone om praktikstart",
                         done=False, overdue=True),
            # The visit's "Opfølgning den" planned one by itself.
            FollowUpLine(date(2026, 11, 24), "visit", "Jammerbugt Rengøring ApS",
                         "Opfølgning på besøg: Jammerbugt Rengøring ApS", done=False, overdue=False),
            # The internship (13 weeks from 16-11-2026) planned its midway and end follow-ups by itself.
            FollowUpLine(date(2026, 12, 31), "opening", internship, f"Midtvejsopfølgning: {internship}",
                         done=False, overdue=False),
            FollowUpLine(date(2027, 2, 15), "opening", internship, f"Slutopfølgning: {internship}",
                         done=False, overdue=False),
        ),
        generated_on=TODAY,
    )
    assert [f.week for f in data.items] == [46, 47, 48, 53, 7]
    assert [f.subject_kind_label for f in data.items] == ["Virksomhed", "Besøg", "Besøg", "Jobåbning", "Jobåbning"]
    assert (data.done_count, data.open_count, data.overdue_count) == (1, 4, 1)


def test_follow_up_list_of_the_colleague_holds_the_overdue_centre_visit(db, dataset):
    with db.read() as session:
        data = follow_up_list_data(session, SOREN, date(2026, 1, 1), date(2026, 12, 31), names=dataset.names,
                                   today=TODAY)
    assert [(f.due_on, f.subject_title, f.done) for f in data.items] == [
        (date(2026, 1, 22), "Aars Tømrer & Snedker A/S", True),  # closed by the visit on 03-11-2026
        (date(2026, 6, 15), "Løgstør Maskinfabrik ApS", False),
    ]


def test_weeks_between_crosses_the_new_year():
    weeks = weeks_between(date(2026, 12, 28), date(2027, 1, 11))
    assert [(w.year, w.week) for w in weeks] == [(2026, 53), (2027, 1), (2027, 2)]
    assert weeks[0].label == "uge 53"


def test_danish_formatting():
    names = ["Aars Tømrer", "Ørsted Service", "Bageriet", "Ågade Auto", "Æblegården", "Zoneterapi", "Café Éden"]
    assert sorted(names, key=danish_sort_key) == ["Bageriet", "Café Éden", "Zoneterapi", "Æblegården",
                                                  "Ørsted Service", "Ågade Auto", "Aars Tømrer"]
    assert [dk_number(v) for v in (8, 7.5, 2287, 1234.5, None)] == ["8", "7,5", "2.287", "1.234,5", ""]
    assert period_label(NOV_2, NOV_29) == "02-11-2026 – 29-11-2026 (uge 45–48)"
    assert period_label(date(2026, 12, 28), date(2027, 1, 3)) == "28-12-2026 – 03-01-2027 (uge 53)"
    assert period_label(date(2026, 12, 1), date(2027, 1, 31)) == "01-12-2026 – 31-01-2027 (uge 49 2026 – uge 4 2027)"
    assert [interval_label(d) for d in (21, 14, 7, 10, None)] == [
        "Mindst hver 3. uge (21 dage)", "Mindst hver 2. uge (14 dage)", "Mindst hver uge", "Mindst hver 10. dag", ""]
    assert span_label(date(2026, 1, 1), None) == "fra 01-01-2026"
    assert span_label(None, date(2026, 1, 1)) == "til 01-01-2026"
