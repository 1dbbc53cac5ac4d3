"""Durations typed as consultants say them: "3 måneder" is 13 weeks (issue 21, less typing)."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from desktop.domain.durations import PRESETS, has_unit, parse_weeks
from desktop.domain.errors import ValidationError
from desktop.domain.validation import clean_fields


@pytest.mark.parametrize(("typed", "weeks"), [
    ("13", 13), ("13 uger", 13), ("6 uger", 6), ("3 måneder", 13), ("3 mdr", 13), ("3 md.", 13),
    ("3 months", 13), ("1 måned", 4), ("måned", 4), ("2 måneder", 9), ("6 måneder", 26), ("9 mdr.", 39),
    ("1 år", 52), ("½ år", 26), ("1,5 år", 78), ("2½ måned", 11), ("  3   MÅNEDER ", 13),
])
def test_typed_durations_become_weeks(typed, weeks):
    assert parse_weeks(typed) == weeks


@pytest.mark.parametrize("typed", ["", "x", "3 dage", "tre måneder", "3 måneder 2 uger", "-3 mdr"])
def test_text_that_is_no_duration_is_refused(typed):
    with pytest.raises(ValueError):
        parse_weeks(typed)


def test_every_offered_period_means_what_it_says():
    for preset in PRESETS:
        assert parse_weeks(preset.label_da) == preset.weeks
        assert parse_weeks(preset.label_en) == preset.weeks


@given(st.integers(min_value=0, max_value=10_000))
def test_a_plain_number_is_weeks(n):
    assert not has_unit(str(n))
    assert parse_weeks(str(n)) == n


def test_the_opening_rules_store_months_as_weeks():
    assert clean_fields("opening", {"duration_weeks": "3 måneder"}) == {"duration_weeks": 13}
    assert clean_fields("opening", {"duration_weeks": "26"}) == {"duration_weeks": 26}
    assert clean_fields("opening", {"duration_weeks": 8}) == {"duration_weeks": 8}


def test_a_duration_that_cannot_be_read_says_how_to_write_it():
    with pytest.raises(ValidationError) as bad:
        clean_fields("opening", {"duration_weeks": "3 dage"})
    assert bad.value.by_field("da") == {
        "duration_weeks": "Varighed (uger) skal være et antal uger, fx 13, eller måneder, fx 3 måneder."}
    with pytest.raises(ValidationError) as too_long:
        clean_fields("opening", {"duration_weeks": "11 år"})  # 572 weeks: over the 520 the rules allow
    assert "duration_weeks" in too_long.value.by_field("da")
