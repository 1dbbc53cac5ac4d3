"""Full-text search (FTS5) over company names, visit notes, openings and mentors, typed with or
without a Danish keyboard; the index follows every create, update and delete."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from desktop.models.queries import list_companies, list_mentors, list_openings, list_visits
from desktop.models.search import fold, match_expression, search


def hits(db, query, **kwargs):
    with db.read() as session:
        return {(h.entity, h.id) for h in search(session, query, **kwargs)}


# -- fold --------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("typed", "stored"),
    [("Tømrer", "toemrer"), ("Tømrer", "tomrer"), ("Ågade", "aagade"), ("Ærø", "aero"), ("Ærø", "AERØ"),
     ("Café", "cafe"), ("Søren Østergaard", "soren ostergard"), ("Aabybro", "åbybro")],
)
def test_fold_makes_keyboard_spellings_equal(typed, stored):
    assert fold(typed) == fold(stored)


@given(st.text())
def test_fold_is_idempotent(value):
    assert fold(fold(value)) == fold(value)


@given(st.text(alphabet="aeoøåæAEOØÅÆ ", max_size=20))
def test_fold_is_idempotent_on_danish_letters(value):
    assert fold(fold(value)) == fold(value)


@given(st.text())
def test_any_typed_query_is_safe_fts_syntax(query):
    expression = match_expression(query)
    assert expression is None or all(part.startswith('"') and part.endswith('"*')
                                     for part in expression.split(" AND "))


# -- finding things -------------------------------------------------------------------------------------


@pytest.fixture
def found(ops):
    tomrer = ops.create_company(name="Tømrer Hansen ApS", city="Aars").id
    agade = ops.create_company(name="Auto", address="Ågade 4", city="Løgstør").id
    bager = ops.create_company(name="Bageriet", industry="Fødevarer").id
    visit = ops.create_visit(bager, body="Faglærte bruger tid på rengøring; forslag om småjob",
                             needs="Opvask").id
    opening = ops.create_opening(bager, title="Opvasker", kind="smaajob", job_functions="Opvask og rengøring").id
    mentor = ops.add_mentor(bager, name="Søren Østergaard", title="Bagermester", notes="Tålmodig").id
    return {"tomrer": tomrer, "agade": agade, "bager": bager, "visit": visit, "opening": opening, "mentor": mentor}


@pytest.mark.parametrize("typed", ["tømr", "tomrer", "toemrer", "TØMRER", "Tømrer", "tøm", "to", "hansen tøm",
                                   "tomrer aars"])
def test_tomrer_is_found_however_it_is_typed(db, found, typed):
    assert hits(db, typed) == {("company", found["tomrer"])}


@pytest.mark.parametrize("typed", ["aagade", "ågade", "agade", "AAGADE 4"])
def test_agade_is_found_from_aagade(db, found, typed):
    assert hits(db, typed) == {("company", found["agade"])}


def test_search_covers_company_names_visit_notes_openings_and_mentors(db, found):
    assert hits(db, "bageriet") == {("company", found["bager"])}
    assert hits(db, "rengoring") == {("visit", found["visit"]), ("opening", found["opening"])}
    assert hits(db, "opvask") == {("visit", found["visit"]), ("opening", found["opening"])}
    assert hits(db, "soren ostergaard") == {("mentor", found["mentor"])}
    assert hits(db, "bagermester") == {("mentor", found["mentor"])}
    assert hits(db, "fodevarer") == {("company", found["bager"])}
    assert hits(db, "rengøring", entities=("opening",)) == {("opening", found["opening"])}


def test_every_word_must_match(db, found):
    assert hits(db, "rengøring opvasker") == {("opening", found["opening"])}
    assert hits(db, "rengøring tømrer") == set()


def test_a_match_in_the_title_ranks_first(ops, db, found):
    named = ops.create_company(name="Opvask Service").id
    with db.read() as session:
        ranked = search(session, "opvask", entities=("company", "visit"))
    assert [(h.entity, h.id) for h in ranked] == [("company", named), ("visit", found["visit"])]
    assert ranked[0].rank < ranked[1].rank  # the note only mentions it in its needs


@pytest.mark.parametrize("typed", ["", "   ", "a", "ø", '"', "*", "-", "NEAR(", "AND", "title:x", "'; DROP TABLE"])
def test_odd_or_too_short_input_finds_nothing_and_never_fails(db, found, typed):
    with db.read() as session:
        assert search(session, typed) == []
        list_companies(session, search=typed)


def test_lists_filter_by_search(db, found):
    with db.read() as session:
        assert [c.id for c in list_companies(session, search="toemrer").items] == [found["tomrer"]]
        assert list_companies(session, search="toemrer").total == 1
        assert [v.id for v in list_visits(session, search="smaajob").items] == [found["visit"]]
        assert [o.id for o in list_openings(session, search="opvask").items] == [found["opening"]]
        assert [m.id for m in list_mentors(session, search="soren").items] == [found["mentor"]]
        assert list_companies(session, search=" ").total == 3  # blank is no filter


# -- the index follows the data ------------------------------------------------------------------------------


def test_the_index_follows_updates(ops, db, found):
    ops.update_company(found["tomrer"], name="Snedker Hansen ApS")
    ops.save_visit_draft(found["visit"], body="Nu handler det om lager")
    ops.update("mentor", found["mentor"], {"name": "Ærø Åsted"})
    assert hits(db, "tømrer") == set()
    assert hits(db, "snedker") == {("company", found["tomrer"])}
    assert hits(db, "lager") == {("visit", found["visit"])}
    assert hits(db, "rengøring") == {("opening", found["opening"])}
    assert hits(db, "aero asted") == {("mentor", found["mentor"])}
    assert hits(db, "soren") == set()


def test_the_index_follows_deletes(ops, db, found):
    ops.delete("opening", found["opening"])
    ops.delete("visit", found["visit"])
    assert hits(db, "rengøring") == set()
    ops.delete_company(found["bager"])  # takes its mentor with it
    assert hits(db, "soren") == set() and hits(db, "bageriet") == set()
    assert hits(db, "tømrer") == {("company", found["tomrer"])}


def test_a_refused_edit_leaves_the_index_as_it_was(ops, db, found):
    from desktop.domain import ValidationError

    with pytest.raises(ValidationError):
        ops.update_company(found["tomrer"], name="Snedker", email="nej")
    assert hits(db, "tømrer") == {("company", found["tomrer"])} and hits(db, "snedker") == set()
