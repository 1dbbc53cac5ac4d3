"""The one formatting implementation: Danish for reports and exports, the UI language for screens."""

from __future__ import annotations

from datetime import UTC, date, datetime

from desktop.domain import formatting as f


def test_choice_names_in_both_languages_and_unknown_values_as_they_are():
    assert f.choice_name("opening.kind", "loentilskud") == "Løntilskud"
    assert f.choice_name("opening.kind", "loentilskud", "en") == "Wage subsidy"
    assert f.choice_da("visit.kind", "phone") == "Telefon"
    assert f.choice_name("opening.kind", "something-new", "en") == "something-new"
    assert f.choice_name("no.such", None) == ""


def test_dates_weeks_and_numbers_the_danish_way():
    assert f.dk_date(date(2026, 11, 22)) == "22-11-2026"
    assert f.dk_date(None) == ""
    moment = datetime(2026, 11, 22, 13, 5, tzinfo=UTC)
    assert f.dk_datetime(moment) == moment.astimezone().strftime("%d-%m-%Y %H:%M")
    assert f.dk_datetime(None) == ""
    assert f.week_label(date(2026, 11, 26)) == "uge 48"
    assert f.week_label(date(2026, 11, 26), "en") == "week 48"
    assert f.week_label(None, "en") == ""
    assert [f.dk_number(n) for n in (7.5, 8, 2287.5, None)] == ["7,5", "8", "2.287,5", ""]


def test_people_by_name_or_short_id():
    assert f.person({"u-1": "Mette Hansen"}, "u-1") == "Mette Hansen"
    assert f.person(None, "0123456789abcdef") == "01234567"
    assert f.person({}, None) == ""


def test_an_excerpt_is_one_line_and_says_when_it_was_cut():
    assert f.excerpt("Kort\nnote", 80) == "Kort note"
    assert f.excerpt(None, 10) == ""
    cut = f.excerpt("Talte med indehaveren om et fleksjob i værkstedet", 20)
    assert cut == "Talte med indehaver…" and len(cut) <= 20
    assert f.excerpt("Talte med  indehaveren", 11) == "Talte med…"  # no space before the dots
