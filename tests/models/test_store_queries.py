"""The read path: paging, sorting, filters, search, Today's lists."""

from __future__ import annotations

import pytest

from desktop.models import Actor, Operations
from desktop.models.queries import (
    CompanyRow,
    centres_due,
    list_companies,
    list_mentors,
    list_openings,
    list_visits,
    municipalities,
    pending_count,
)
from desktop.models.search import search
from tests.conftest import TODAY


@pytest.fixture
def filled(ops, db):
    names = ["Ørsted Service", "Aars Tømrer", "Bageriet", "Ågade Auto", "Farsø VVS"]
    ids = {}
    for i, name in enumerate(names):
        ids[name] = ops.create_company(name=name, municipality="Vesthimmerland" if i % 2 else "Jammerbugt",
                                       is_centre=i == 2).id
    return ids


def test_companies_page_sort_and_total(db, filled):
    with db.read() as session:
        page = list_companies(session, limit=2)
        assert page.total == 5 and len(page.items) == 2 and isinstance(page.items[0], CompanyRow)
        assert [c.name for c in list_companies(session, limit=10).items] == sorted(filled, key=str.lower)
        desc = list_companies(session, descending=True, offset=1, limit=2)
        assert [c.name for c in desc.items] == sorted(filled, key=str.lower, reverse=True)[1:3]


def test_company_filters(db, filled, user_id):
    with db.read() as session:
        assert [c.name for c in list_companies(session, is_centre=True).items] == ["Bageriet"]
        assert list_companies(session, municipality="Jammerbugt").total == 3
        assert list_companies(session, responsible_user_id=user_id).total == 5
        assert list_companies(session, responsible_user_id="nobody").total == 0
        assert municipalities(session) == ["Jammerbugt", "Vesthimmerland"]
        assert pending_count(session) == 5


@pytest.mark.parametrize("typed", ["tømr", "tomrer", "toemrer", "TØMRER", "aars tøm"])
def test_search_finds_tomrer_however_it_is_typed(db, filled, typed):
    with db.read() as session:
        assert [h.id for h in search(session, typed)] == [filled["Aars Tømrer"]]
        assert [c.name for c in list_companies(session, search=typed).items] == ["Aars Tømrer"]


def test_search_finds_agade_from_aagade(db, filled):
    with db.read() as session:
        assert [h.id for h in search(session, "aagade")] == [filled["Ågade Auto"]]


def test_search_covers_visits_openings_and_mentors_and_follows_edits(ops, db, filled):
    company = filled["Bageriet"]
    visit = ops.create_visit(company, body="Faglærte bruger tid på rengøring; forslag om småjob").id
    opening = ops.create_opening(company, title="Opvasker", kind="smaajob", job_functions="Opvask og rengøring").id
    mentor = ops.add_mentor(company, name="Søren Østergaard", title="Bager").id
    with db.read() as session:
        hits = {(h.entity, h.id) for h in search(session, "rengoring")}
        assert hits == {("visit", visit), ("opening", opening)}
        assert [h.id for h in search(session, "sören ostergaard")] == [mentor]
        assert [v.id for v in list_visits(session, search="smaajob").items] == [visit]
        assert [o.id for o in list_openings(session, search="opvask").items] == [opening]
        assert [m.id for m in list_mentors(session, search="soren").items] == [mentor]
    ops.save_visit_draft(visit, body="Nu handler det om lager")
    ops.delete("opening", opening)
    with db.read() as session:
        assert search(session, "rengoring") == []
        assert [h.id for h in search(session, "lager")] == [visit]


def test_blank_search_is_no_filter(db, filled):
    with db.read() as session:
        assert search(session, "  ") == []
        assert list_companies(session, search=" ").total == 5


def test_centres_due_uses_last_visit(db, user_id, team_id):
    from datetime import timedelta

    ops = Operations(db, Actor(user_id, team_id), today=lambda: TODAY)
    centre = ops.create_company(name="Center", is_centre=True).id
    ops.create_visit(centre, visited_at=TODAY - timedelta(days=30))
    with db.read() as session:
        [(row, last)] = centres_due(session, TODAY)
    assert row.id == centre and last == TODAY - timedelta(days=30)
    ops.create_visit(centre, visited_at=TODAY)
    with db.read() as session:
        assert centres_due(session, TODAY) == []
