"""Dates as consultants type them: the Outlook/Excel forms, words, offsets, and clear refusals."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from desktop.domain.dates import MAX_YEAR, MIN_YEAR, DateInputError, format_date, parse_typed_date
from desktop.domain.validation import parse_date

TODAY = date(2026, 11, 23)  # a Monday
DEC_7 = date(2026, 12, 7)
dates = st.dates(min_value=date(MIN_YEAR, 1, 1), max_value=date(MAX_YEAR, 12, 31))


@pytest.mark.parametrize("typed", [
    "07-12-2026", "7-12-2026", "7-12-26", "7/12", "7-12", "7.12", "7.12.2026", "7/12/2026", "7 12 2026",
    "071226", "07122026", "0712", "2026-12-07", "20261207", "7. december 2026", "7 dec", "7. dec. 26",
    "7 December", " 07 - 12 - 2026 ", "+14", "+2u", "+2w",
])
def test_the_forms_people_type_all_mean_7_december(typed):
    assert parse_typed_date(typed, TODAY) == DEC_7


@pytest.mark.parametrize(("typed", "expected"), [
    ("i dag", TODAY), ("I DAG", TODAY), ("idag", TODAY), ("today", TODAY),
    ("i morgen", TODAY + timedelta(1)), ("imorgen", TODAY + timedelta(1)), ("tomorrow", TODAY + timedelta(1)),
    ("i overmorgen", TODAY + timedelta(2)), ("i går", TODAY - timedelta(1)), ("yesterday", TODAY - timedelta(1)),
    ("+3", TODAY + timedelta(3)), ("-3", TODAY - timedelta(3)), ("+ 3", TODAY + timedelta(3)),
    ("+1m", date(2026, 12, 23)), ("-11m", date(2025, 12, 23)),
    ("mandag", TODAY), ("fredag", date(2026, 11, 27)), ("søn", date(2026, 11, 29)), ("tuesday", date(2026, 11, 24)),
    ("7", date(2026, 11, 7)), ("30", date(2026, 11, 30)),
])
def test_words_and_offsets_count_from_today(typed, expected):
    assert parse_typed_date(typed, TODAY) == expected


def test_a_month_offset_keeps_the_day_or_takes_the_last_of_a_short_month():
    assert parse_typed_date("+1m", date(2027, 1, 31)) == date(2027, 2, 28)


@pytest.mark.parametrize(("typed", "year"), [("1-1-26", 2026), ("1-1-46", 2046), ("1-1-47", 1947),
                                             ("1-1-00", 2000), ("1-1-99", 1999)])
def test_two_digit_years_land_at_most_20_years_ahead(typed, year):
    assert parse_typed_date(typed, TODAY).year == year


@pytest.mark.parametrize("blank", ["", "   ", "\t"])
def test_blank_is_no_date(blank):
    assert parse_typed_date(blank, TODAY) is None


@pytest.mark.parametrize(("typed", "code", "danish"), [
    ("31-02-2026", "no_such_day", "31-02-2026 findes ikke: februar 2026 har 28 dage."),
    ("29-02-2027", "no_such_day", "29-02-2027 findes ikke: februar 2027 har 28 dage."),
    ("31/4", "no_such_day", "31/4 findes ikke: april 2026 har 30 dage."),
    ("07-13-2026", "no_such_month", "07-13-2026 findes ikke: der er ingen måned 13."),
    ("0", "no_such_day", "0 findes ikke: november 2026 har 30 dage."),
    ("1-1-1850", "year_out_of_range", "Året 1850 ligger uden for 1900-2199."),
    ("i næste uge", "unreadable",
     "»i næste uge« kan ikke læses som en dato. Skriv fx 07-12-2026, 7/12 eller i morgen."),
    ("071", "unreadable", None), ("7-12-202", "unreadable", None), ("7-foo-2026", "unreadable", None),
    ("2026-12-7-1", "unreadable", None), ("１２-１２-2026", "unreadable", None), ("+", "unreadable", None),
])
def test_what_is_not_a_date_is_refused_with_a_reason(typed, code, danish):
    with pytest.raises(DateInputError) as caught:
        parse_typed_date(typed, TODAY)
    assert caught.value.code == code
    if danish:
        assert caught.value.message("da") == danish
    assert caught.value.message("en") and caught.value.message("en") != caught.value.message("da")


def test_the_english_message_names_the_month_in_english():
    with pytest.raises(DateInputError) as caught:
        parse_typed_date("31-02-2026", TODAY)
    assert caught.value.message("en") == "31-02-2026 does not exist: February 2026 has 28 days."


@given(dates)
def test_what_a_field_shows_reads_back_as_the_same_date(day):
    assert parse_typed_date(format_date(day), TODAY) == day


@given(dates, st.sampled_from(["-", ".", "/", " "]))
def test_any_separator_and_unpadded_parts_read_back(day, sep):
    assert parse_typed_date(f"{day.day}{sep}{day.month}{sep}{day.year}", TODAY) == day
    assert parse_typed_date(f"{day:%d%m%Y}", TODAY) == day
    assert parse_typed_date(day.isoformat(), TODAY) == day


@given(st.dates(min_value=date(1947, 1, 1), max_value=date(2046, 12, 31)))
def test_six_digits_read_back_inside_the_two_digit_window(day):
    assert parse_typed_date(f"{day:%d%m%y}", TODAY) == day


@given(st.text(max_size=30), dates)
def test_any_text_gives_a_date_none_or_a_date_input_error(text, today):
    try:
        result = parse_typed_date(text, today)
    except DateInputError as error:
        assert error.message("da") and error.message("en")
    else:
        assert result is None or MIN_YEAR <= result.year <= MAX_YEAR


@given(st.one_of(dates.map(format_date), dates.map(date.isoformat), dates.map(lambda d: f"{d:%d.%m.%Y}"),
                 st.text(alphabet="0123456789-./", max_size=12)))
def test_every_date_the_domain_rules_read_is_read_the_same_way(text):
    try:
        expected = parse_date(text)
    except ValueError:
        return
    if MIN_YEAR <= expected.year <= MAX_YEAR:
        assert parse_typed_date(text, TODAY) == expected
