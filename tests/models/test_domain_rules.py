"""The shared domain rules: CVR, phone, email, postcode, ranges, dates, folding."""

from __future__ import annotations

from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bench.datagen import valid_cvr
from desktop.domain import ValidationError, clean_fields, validate_record
from desktop.domain.rules import cvr_is_valid, normalise_phone
from desktop.models.search import fold

cvr_digits = st.lists(st.integers(0, 9), min_size=7, max_size=7)


@given(st.randoms(use_true_random=False))
def test_generated_valid_cvr_passes_and_one_changed_digit_fails(rng):
    cvr = valid_cvr(rng)
    assert cvr_is_valid(cvr)
    position = rng.randrange(8)
    digit = int(cvr[position])
    changed = cvr[:position] + str((digit + rng.randint(1, 9)) % 10) + cvr[position + 1 :]
    # Weights 2,7,6,5,4,3,2,1 are all non-zero mod 11, so one changed digit always breaks the check.
    assert not cvr_is_valid(changed)


@pytest.mark.parametrize("value", ["1234567", "123456789", "abcdefgh", "12 34 56 7x"])
def test_cvr_must_be_eight_digits(value):
    with pytest.raises(ValidationError) as info:
        clean_fields("company", {"cvr": value})
    assert info.value.field == "cvr"
    assert "8 cifre" in info.value.message("da")


def test_cvr_with_spaces_is_normalised():
    import random

    cvr = valid_cvr(random.Random(3))
    assert clean_fields("company", {"cvr": f" {cvr[:4]} {cvr[4:]} "}) == {"cvr": cvr}


def test_cvr_checksum_failure_has_danish_and_english_messages():
    with pytest.raises(ValidationError) as info:
        clean_fields("company", {"cvr": "12345678"})
    assert "kontrolcifferet" in info.value.message("da")
    assert "check digit" in info.value.message("en")


@pytest.mark.parametrize(
    ("typed", "stored"),
    [("12345678", "12 34 56 78"), ("+45 12 34 56 78", "12 34 56 78"), ("0045-12345678", "12 34 56 78"),
     ("+46 70 123 45 67", "+46701234567")],
)
def test_phone_numbers_are_normalised(typed, stored):
    assert normalise_phone(typed) == stored


@pytest.mark.parametrize("typed", ["1234", "+45 1234", "telefon", "12345678901234567890"])
def test_bad_phone_numbers_are_refused_next_to_the_field(typed):
    with pytest.raises(ValidationError) as info:
        clean_fields("contact", {"phone": typed})
    assert info.value.by_field("da") == {"phone": "Telefon er ikke et gyldigt telefonnummer (8 cifre, evt. med +45)."}


@pytest.mark.parametrize("typed", ["mette", "mette@", "mette@firma", "me tte@firma.dk"])
def test_bad_emails_are_refused(typed):
    with pytest.raises(ValidationError) as info:
        clean_fields("mentor", {"email": typed})
    assert info.value.field == "email"


def test_hours_accept_danish_decimal_comma_and_stay_in_range():
    assert clean_fields("opening", {"hours_per_week": "7,5"}) == {"hours_per_week": 7.5}
    for bad in ("37,5", -1, "otte"):
        with pytest.raises(ValidationError) as info:
            clean_fields("opening", {"hours_per_week": bad})
        assert info.value.field == "hours_per_week"


def test_places_at_least_one_and_whole():
    for bad in (0, "1,5", True):
        with pytest.raises(ValidationError):
            clean_fields("opening", {"places": bad})


def test_dates_danish_and_iso():
    assert clean_fields("visit", {"visited_at": "22-11-2026"}) == {"visited_at": date(2026, 11, 22)}
    assert clean_fields("visit", {"visited_at": "2026-11-22"}) == {"visited_at": date(2026, 11, 22)}
    assert clean_fields("visit", {"visited_at": "22.11.2026"}) == {"visited_at": date(2026, 11, 22)}
    with pytest.raises(ValidationError) as info:
        clean_fields("visit", {"visited_at": "31-02-2026"})
    assert "dd-mm-åååå" in info.value.message()


def test_lengths_unknown_fields_and_choices():
    with pytest.raises(ValidationError) as info:
        clean_fields("company", {"name": "x" * 201, "shoe_size": 44, "is_centre": "maybe"})
    assert set(info.value.by_field()) == {"name", "shoe_size", "is_centre"}
    with pytest.raises(ValidationError):
        clean_fields("visit", {"kind": "lunch"})


def test_required_fields_and_agreement_period():
    with pytest.raises(ValidationError) as info:
        validate_record("opening", {"title": None, "kind": None, "company_id": None})
    assert set(info.value.by_field()) == {"title", "kind", "company_id"}
    with pytest.raises(ValidationError) as info:
        validate_record("company", {"name": "X", "centre_agreement_start": date(2026, 1, 2),
                                    "centre_agreement_end": date(2026, 1, 1)})
    assert info.value.field == "centre_agreement_end"


@given(st.text())
def test_fold_is_idempotent(text):
    assert fold(fold(text)) == fold(text)


@pytest.mark.parametrize(("a", "b"), [("Tømrer", "toemrer"), ("Tømrer", "tomrer"), ("Ågade", "aagade"),
                                      ("Ærø", "aero"), ("Café", "cafe")])
def test_fold_makes_keyboard_spellings_equal(a, b):
    assert fold(a) == fold(b)
