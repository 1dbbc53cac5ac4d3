"""The read path: plain dataclasses, paging (offset/limit/total), sorting and filters."""

from __future__ import annotations

import dataclasses
from datetime import date, timedelta

import pytest

from desktop.domain.formatting import danish_sort_key
from desktop.models import Actor, Operations
from desktop.models.centre_queries import centres_due
from desktop.models.outbox import pending_count
from desktop.models.queries import (
    CompanyRow,
    ContactRow,
    FollowUpRow,
    MentorRow,
    OpeningRow,
    Page,
    VisitRow,
    list_companies,
    list_conflicts,
    list_contacts,
    list_follow_ups,
    list_mentors,
    list_openings,
    list_visits,
    municipalities,
)
from desktop.models.record_queries import Record, get_record, record_title
from tests.conftest import TODAY
from tests.models.snapshot import approve

OTHER_USER = "3c5e0e43-1111-4e1e-8d8e-5c4a3e2f0b0b"


@pytest.fixture
def companies(ops, db, user_id, team_id):
    """Nine companies in two municipalities, two of them centres, two owned by a colleague."""
    colleague = Operations(db, Actor(OTHER_USER, team_id), today=lambda: TODAY)
    rows = [
        (ops, "bageriet", "Vesthimmerland", False),
        (ops, "Aars Tømrer", "Vesthimmerland", False),
        (ops, "Farsø VVS", "Vesthimmerland", True),
        (ops, "Cafe Limfjorden", "Jammerbugt", False),
        (ops, "Jammerbugt Rengøring", "Jammerbugt", False),
        (colleague, "Hotel Fjerritslev", "Jammerbugt", True),
        (colleague, "Dansk Metal Aars", "Vesthimmerland", False),
        (ops, "Entreprenør Nord", None, False),
        (ops, "Gartneriet", "Jammerbugt", False),
    ]
    ids = {name: writer.create_company(name=name, municipality=municipality, is_centre=centre,
                                       city=f"By {i}").id
           for i, (writer, name, municipality, centre) in enumerate(rows)}
    gone = ops.create_company(name="Slettet ApS", municipality="Jammerbugt").id
    ops.delete_company(gone)
    return ids


def names(page):
    return [row.name for row in page.items]


def test_lists_return_pages_of_frozen_dataclasses(db, companies):
    with db.read() as session:
        page = list_companies(session)
    assert isinstance(page, Page) and dataclasses.is_dataclass(page)
    assert (page.total, page.offset, page.limit) == (9, 0, 100)
    assert all(isinstance(row, CompanyRow) for row in page.items)
    with pytest.raises(dataclasses.FrozenInstanceError):
        page.items[0].name = "Andet"  # type: ignore[misc]
    assert page.items[0].city.startswith("By ")  # plain values, readable after the session closed


def test_paging_with_offset_limit_and_total(db, companies):
    everything = sorted(companies, key=danish_sort_key)
    with db.read() as session:
        pages = [list_companies(session, offset=offset, limit=4) for offset in (0, 4, 8)]
        past_the_end = list_companies(session, offset=20, limit=4)
    assert [(p.offset, p.limit, p.total, len(p.items)) for p in pages] == [(0, 4, 9, 4), (4, 4, 9, 4),
                                                                          (8, 4, 9, 1)]
    assert [name for p in pages for name in names(p)] == everything
    assert past_the_end.items == [] and past_the_end.total == 9


def test_pages_cover_every_row_once_even_when_names_are_equal(ops, db):
    ids = {ops.create_company(name="Netto", city=f"Filial {i}").id for i in range(23)}
    seen = []
    with db.read() as session:
        for offset in range(0, 23, 5):
            seen += [row.id for row in list_companies(session, offset=offset, limit=5).items]
    assert len(seen) == 23 and set(seen) == ids


def test_sorting_by_name_is_danish_ignores_case_and_can_be_reversed(db, companies):
    with db.read() as session:
        assert names(list_companies(session)) == sorted(companies, key=danish_sort_key)
        assert names(list_companies(session))[-1] == "Aars Tømrer"  # Aa is Å (tests/models/test_danish_order.py)
        assert names(list_companies(session, descending=True)) == sorted(companies, key=danish_sort_key,
                                                                         reverse=True)
        by_city = list_companies(session, sort="city")
        assert [row.city for row in by_city.items] == sorted(row.city for row in by_city.items)
        assert names(list_companies(session, sort="no_such_column")) == names(list_companies(session))


@pytest.mark.parametrize(
    ("filters", "expected"),
    [
        ({"is_centre": True}, {"Farsø VVS", "Hotel Fjerritslev"}),
        ({"is_centre": False}, {"bageriet", "Aars Tømrer", "Cafe Limfjorden", "Jammerbugt Rengøring",
                                "Dansk Metal Aars", "Entreprenør Nord", "Gartneriet"}),
        ({"municipality": "Jammerbugt"}, {"Cafe Limfjorden", "Jammerbugt Rengøring", "Hotel Fjerritslev",
                                          "Gartneriet"}),
        ({"responsible_user_id": OTHER_USER}, {"Hotel Fjerritslev", "Dansk Metal Aars"}),
        ({"municipality": "Jammerbugt", "is_centre": True, "responsible_user_id": OTHER_USER},
         {"Hotel Fjerritslev"}),
        ({"municipality": "Vesthimmerland", "is_centre": False, "search": "aars"}, {"Aars Tømrer",
                                                                                   "Dansk Metal Aars"}),
        ({"municipality": "Læsø"}, set()),
    ],
)
def test_company_filters(db, companies, filters, expected):
    with db.read() as session:
        page = list_companies(session, **filters)
    assert set(names(page)) == expected and page.total == len(expected)


def test_my_companies(db, companies, user_id):
    with db.read() as session:
        assert list_companies(session, responsible_user_id=user_id).total == 7


def test_municipalities_for_the_filter_box(db, companies):
    with db.read() as session:
        assert municipalities(session) == ["Jammerbugt", "Vesthimmerland"]


@pytest.fixture
def visits(ops, db, user_id, companies):
    colleague = Operations(db, Actor(OTHER_USER, None), today=lambda: TODAY)
    bageriet, tomrer = companies["bageriet"], companies["Aars Tømrer"]
    ids = {
        "old": ops.create_visit(bageriet, visited_at=TODAY - timedelta(days=60), body="Første besøg. " * 30).id,
        "mid": colleague.create_visit(tomrer, visited_at=TODAY - timedelta(days=10), body="Lærling?").id,
        "new": ops.create_visit(tomrer, visited_at=TODAY, kind="phone").id,
    }
    ops.mark_visit_ready(ids["old"])
    approve(db, ids["old"])
    return ids


def test_visits_newest_first_with_company_name_excerpt_and_review_state(db, visits):
    with db.read() as session:
        page = list_visits(session)
    assert [row.id for row in page.items] == [visits["new"], visits["mid"], visits["old"]]
    assert all(isinstance(row, VisitRow) for row in page.items)
    old = page.items[-1]
    assert (old.company_name, old.status, old.review_state) == ("bageriet", "ready", "approved")
    assert old.excerpt.startswith("Første besøg.") and len(old.excerpt) == 160
    assert (page.items[0].excerpt, page.items[0].review_state, page.items[0].kind) == ("", None, "phone")


def test_visit_filters_and_paging(db, visits, companies, user_id):
    with db.read() as session:
        assert list_visits(session, company_id=companies["Aars Tømrer"]).total == 2
        assert [r.id for r in list_visits(session, consultant_id=OTHER_USER).items] == [visits["mid"]]
        assert [r.id for r in list_visits(session, status="ready").items] == [visits["old"]]
        assert list_visits(session, consultant_id=user_id).total == 2
        window = list_visits(session, since=TODAY - timedelta(days=30), until=TODAY - timedelta(days=1))
        assert [r.id for r in window.items] == [visits["mid"]]
        oldest_first = list_visits(session, descending=False, offset=1, limit=1)
        assert (oldest_first.total, [r.id for r in oldest_first.items]) == (3, [visits["mid"]])


def test_openings_mentors_and_contacts(ops, db, companies):
    company = companies["Jammerbugt Rengøring"]
    cleaning = ops.create_opening(company, title="rengøring", kind="virksomhedspraktik", hours_per_week="8",
                                  duration_weeks=13).id
    ops.create_opening(company, title="Lager", kind="smaajob", status="filled")
    ops.create_opening(companies["bageriet"], title="Bagerlærling", kind="voksenlaerling")
    ops.add_mentor(company, name="Mette", trained_on="01-03-2025", capacity=2)
    ops.add_mentor(company, name="Ib", active=False)
    ops.add_contact(company, name="lone", phone="12345678")
    ops.add_contact(company, name="Bent")
    with db.read() as session:
        openings = list_openings(session, company_id=company)
        assert [o.title for o in openings.items] == ["Lager", "rengøring"]
        first = list_openings(session, kind="virksomhedspraktik").items[0]
        assert isinstance(first, OpeningRow)
        assert (first.id, first.company_name, first.hours_per_week, first.duration_weeks) == (
            cleaning, "Jammerbugt Rengøring", 8.0, 13)
        assert [o.title for o in list_openings(session, status="open").items] == ["Bagerlærling", "rengøring"]
        last = list_openings(session, sort="title", descending=True, limit=1)
        assert ([o.title for o in last.items], last.total) == (["rengøring"], 3)
        mentors = list_mentors(session, company_id=company)
        assert [m.name for m in mentors.items] == ["Ib", "Mette"] and isinstance(mentors.items[0], MentorRow)
        assert [m.name for m in list_mentors(session, active=True).items] == ["Mette"]
        assert list_mentors(session, active=True).items[0].trained_on == date(2025, 3, 1)
        contacts = list_contacts(session, company)
        assert [c.name for c in contacts] == ["Bent", "lone"] and isinstance(contacts[0], ContactRow)
        assert contacts[1].phone == "12 34 56 78"


def test_follow_ups_open_by_default_by_due_date(ops, db, companies, user_id):
    company = companies["Gartneriet"]
    late = ops.create_follow_up("company", company, due_on=TODAY - timedelta(days=2), note="Ring").id
    soon = ops.create_follow_up("company", company, due_on=TODAY + timedelta(days=5), note="Besøg").id
    done = ops.create_follow_up("company", company, due_on=TODAY - timedelta(days=9)).id
    ops.complete_follow_up(done)
    theirs = Operations(db, Actor(OTHER_USER, None), today=lambda: TODAY).create_follow_up(
        "company", company, due_on=TODAY).id
    with db.read() as session:
        page = list_follow_ups(session)
        assert [f.id for f in page.items] == [late, theirs, soon] and isinstance(page.items[0], FollowUpRow)
        assert page.items[0].subject_title == "Gartneriet"
        assert [f.id for f in list_follow_ups(session, assignee_id=user_id).items] == [late, soon]
        assert [f.id for f in list_follow_ups(session, due_until=TODAY).items] == [late, theirs]
        assert [f.id for f in list_follow_ups(session, due_from=TODAY).items] == [theirs, soon]
        assert [f.id for f in list_follow_ups(session, done=True).items] == [done]
        assert list_follow_ups(session, done=None).total == 4
        assert [f.id for f in list_follow_ups(session, descending=True, limit=1).items] == [soon]


def test_get_record_gives_every_field_and_the_visits_review(ops, db, visits, companies):
    with db.read() as session:
        company = get_record(session, "company", companies["Farsø VVS"])
        visit = get_record(session, "visit", visits["old"])
        draft = get_record(session, "visit", visits["new"])
    assert isinstance(company, Record) and company.entity == "company" and company.version == 0
    assert company.fields["is_centre"] is True and company.fields["municipality"] == "Vesthimmerland"
    assert visit.review.state == "approved" and visit.review.comment == "Fint referat"
    assert draft.review is None


def test_deleted_records_are_not_listed_or_found(ops, db, companies):
    company = companies["Cafe Limfjorden"]
    opening = ops.create_opening(company, title="Opvasker", kind="smaajob").id
    ops.delete("opening", opening)
    with db.read() as session:
        assert get_record(session, "opening", opening) is None
        assert list_openings(session).total == 0
        assert "Slettet ApS" not in names(list_companies(session, limit=100))


def test_record_titles_and_conflicts(ops, db, companies):
    from desktop.models.entities import Conflict

    company = companies["Gartneriet"]
    visit = ops.create_visit(company, visited_at="22-11-2026").id
    with db.write() as session:
        session.add(Conflict(entity="visit", record_id=visit, field="body", kept_value="A", lost_value="B",
                             version=5))
    with db.read() as session:
        assert record_title(session, "company", company) == "Gartneriet"
        assert record_title(session, "visit", visit) == "Gartneriet 22-11-2026"
        [conflict] = list_conflicts(session)
        assert (conflict.field, conflict.record_title, conflict.resolved) == ("body", "Gartneriet 22-11-2026", False)
    ops.resolve_conflict(conflict.id)
    with db.read() as session:
        assert list_conflicts(session) == [] and len(list_conflicts(session, resolved=None)) == 1


def test_centres_due(timed_centres):
    db, due, fresh = timed_centres
    with db.read() as session:
        rows = centres_due(session, TODAY)
    assert [(row.id, last) for row, last in rows] == [(due, TODAY - timedelta(days=30))]
    assert isinstance(rows[0][0], CompanyRow)


@pytest.fixture
def timed_centres(ops, db):
    due = ops.create_company(name="Center A", is_centre=True).id
    ops.create_visit(due, visited_at=TODAY - timedelta(days=30))
    fresh = ops.create_company(name="Center B", is_centre=True).id
    ops.create_visit(fresh, visited_at=TODAY - timedelta(days=2))
    return db, due, fresh


def test_pending_count_counts_unsent_changes(ops, db):
    with db.read() as session:
        assert pending_count(session) == 0
    company = ops.create_company(name="Firma").id
    ops.update_company(company, city="Aars")
    with db.read() as session:
        assert pending_count(session) == 2
