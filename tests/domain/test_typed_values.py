"""Numbers and CVR numbers as people type them, read by the shared domain rules (issue 15, finding 7)."""

from __future__ import annotations

import pytest

from desktop.domain.errors import ValidationError
from desktop.domain.validation import clean_fields


@pytest.mark.parametrize("typed", ["31000017", "31 00 00 17", "DK31000017", "dk 31000017", "DK-31 00 00 17",
                                   "31-00-00-17"])
def test_a_cvr_number_in_any_usual_form_is_kept_as_8_digits(typed):
    assert clean_fields("company", {"cvr": typed}) == {"cvr": "31000017"}


@pytest.mark.parametrize(("typed", "code"), [("310000171", "cvr_format"), ("DK3100001", "cvr_format"),
                                             ("31000018", "cvr_checksum"), ("DKK31000017", "cvr_format")])
def test_a_wrong_cvr_number_is_refused_with_its_reason(typed, code):
    with pytest.raises(ValidationError) as caught:
        clean_fields("company", {"cvr": typed})
    assert caught.value.errors[0].code == code


@pytest.mark.parametrize(("typed", "value"), [("7,5", 7.5), ("7.5", 7.5), (" 37 ", 37.0), ("0", 0.0)])
def test_hours_take_a_danish_or_english_decimal(typed, value):
    assert clean_fields("opening", {"hours_per_week": typed}) == {"hours_per_week": value}


@pytest.mark.parametrize(("typed", "value"), [("1.000", 1000), ("12", 12), ("1", 1)])
def test_a_danish_thousands_dot_in_a_whole_number_is_a_thousand(typed, value):
    assert clean_fields("opening", {"places": typed}) == {"places": value}


@pytest.mark.parametrize(("field", "typed", "message"), [
    ("hours_per_week", "40", "Timer pr. uge skal være mellem 0 og 37."),
    ("duration_weeks", "12,5", "Varighed (uger) skal være et helt tal."),
    ("duration_weeks", "tolv", "Varighed (uger) skal være et antal uger, fx 13, eller måneder, fx 3 måneder."),
    ("duration_weeks", "12,5", "Varighed (uger) skal være et helt tal."),
    ("hours_per_week", "otte", "Timer pr. uge skal være et tal."),
])
def test_a_number_that_does_not_fit_is_refused_with_a_message(field, typed, message):
    with pytest.raises(ValidationError) as caught:
        clean_fields("opening", {field: typed})
    assert caught.value.message("da") == message
