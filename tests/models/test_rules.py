"""The shared domain rules (desktop.domain): CVR, phone, email, postcode, ranges, lengths, dates,
required and unknown fields, and the typed error that carries a Danish message and the field name."""

from __future__ import annotations

import json
from datetime import date, datetime

import pytest
from hypothesis import assume, given
from hypothesis import strategies as st

from desktop.domain import ENTITIES, FieldError, ValidationError, clean_fields, validate_record
from desktop.domain.errors import MESSAGES
from desktop.domain.rules import cvr_is_valid, email_is_valid, normalise_phone, postcode_is_valid
from desktop.domain.validation import to_wire

WEIGHTS = (2, 7, 6, 5, 4, 3, 2, 1)


@st.composite
def valid_cvrs(draw) -> str:
    """An 8-digit CVR number whose weighted digit sum is a multiple of 11."""
    digits = [draw(st.integers(1, 9))] + draw(st.lists(st.integers(0, 9), min_size=6, max_size=6))
    check = -sum(d * w for d, w in zip(digits, WEIGHTS, strict=False)) % 11
    assume(check < 10)
    return "".join(map(str, digits)) + str(check)


def refused(entity: str, fields: dict) -> ValidationError:
    with pytest.raises(ValidationError) as info:
        clean_fields(entity, fields)
    return info.value


# -- CVR ---------------------------------------------------------------------------------------


@pytest.mark.parametrize("cvr", ["24256790", "61126228", "10403782"])
def test_real_cvr_numbers_pass(cvr):
    assert cvr_is_valid(cvr)
    assert clean_fields("company", {"cvr": cvr}) == {"cvr": cvr}


@given(valid_cvrs())
def test_a_generated_valid_cvr_passes(cvr):
    assert cvr_is_valid(cvr)
    assert clean_fields("company", {"cvr": cvr}) == {"cvr": cvr}


@given(valid_cvrs(), st.integers(0, 7), st.integers(1, 9))
def test_changing_one_digit_of_a_valid_cvr_fails(cvr, position, delta):
    changed = cvr[:position] + str((int(cvr[position]) + delta) % 10) + cvr[position + 1 :]
    assert changed != cvr
    assert not cvr_is_valid(changed)
    error = refused("company", {"cvr": changed})
    assert error.field == "cvr"
    assert error.errors[0].code == "cvr_checksum"


@given(valid_cvrs())
def test_cvr_typed_with_spaces_or_dashes_is_stored_as_eight_digits(cvr):
    assert clean_fields("company", {"cvr": f" {cvr[:4]} {cvr[4:]} "}) == {"cvr": cvr}
    assert clean_fields("company", {"cvr": f"{cvr[:2]}-{cvr[2:4]}-{cvr[4:6]}-{cvr[6:]}"}) == {"cvr": cvr}


@pytest.mark.parametrize("value", ["1234567", "123456789", "abcdefgh", "2425679O", "24 25 67 9x"])
def test_cvr_must_be_eight_digits(value):
    error = refused("company", {"cvr": value})
    assert error.field == "cvr"
    assert error.errors[0].code == "cvr_format"
    assert error.message("da") == "CVR-nummeret skal være 8 cifre."
    assert error.message("en") == "The CVR number must be 8 digits."


def test_cvr_checksum_failure_is_explained_in_danish_and_english():
    error = refused("company", {"cvr": "24256791"})
    assert error.message("da") == "CVR-nummeret er ikke gyldigt (kontrolcifferet passer ikke)."
    assert "check digit" in error.message("en")


@pytest.mark.parametrize("value", ["2425679²", "１２３４５６７４", "٢٤٢٥٦٧٩٠"])
def test_cvr_of_non_ascii_digits_is_refused_not_a_crash(value):
    # str.isdigit() is true for these; int("²") raises. Both must be a typed error.
    assert not cvr_is_valid(value)
    assert refused("company", {"cvr": value}).field == "cvr"


def test_blank_cvr_is_no_cvr():
    assert clean_fields("company", {"cvr": "  "}) == {"cvr": None}
    assert clean_fields("company", {"cvr": None}) == {"cvr": None}


# -- phone, email, postcode ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("typed", "stored"),
    [
        ("12345678", "12 34 56 78"),
        ("12 34 56 78", "12 34 56 78"),
        ("+45 12 34 56 78", "12 34 56 78"),
        ("+4512345678", "12 34 56 78"),
        ("0045 1234 5678", "12 34 56 78"),
        ("12-34-56-78", "12 34 56 78"),
        ("(+45) 98 24 11 00", "98 24 11 00"),
        ("+46 70 123 45 67", "+46701234567"),
    ],
)
def test_danish_phone_numbers_with_prefix_and_spaces(typed, stored):
    assert normalise_phone(typed) == stored
    assert clean_fields("contact", {"phone": typed}) == {"phone": stored}


@pytest.mark.parametrize("typed", ["1234567", "123456789", "+45 1234", "+45 123456789", "telefon", "１２３４５６７８",
                                   "12345678901234567890"])
def test_bad_phone_numbers_are_refused_next_to_the_field(typed):
    assert normalise_phone(typed) is None
    error = refused("contact", {"phone": typed})
    assert error.by_field("da") == {"phone": "Telefon er ikke et gyldigt telefonnummer (8 cifre, evt. med +45)."}
    assert error.by_field("en") == {"phone": "Phone is not a valid phone number (8 digits, optionally with +45)."}


@pytest.mark.parametrize("value", ["mette@firma.dk", "m.hansen+praktik@jammerbugt.dk", "søren@bager-ø.dk"])
def test_valid_emails(value):
    assert email_is_valid(value)
    assert clean_fields("mentor", {"email": value}) == {"email": value}


def test_email_is_stored_trimmed_and_lower_case():
    assert clean_fields("company", {"email": " Info@Aars-Tomrer.DK "}) == {"email": "info@aars-tomrer.dk"}


@pytest.mark.parametrize("value", ["mette", "mette@", "@firma.dk", "mette@firma", "me tte@firma.dk", "a@b@c.dk",
                                   "mette@firma..dk", "x" * 250 + "@firma.dk"])
def test_bad_emails_are_refused(value):
    assert not email_is_valid(value)
    error = refused("mentor", {"email": value})
    assert error.field == "email"
    assert error.message("da") == "E-mail er ikke en gyldig e-mailadresse."


@pytest.mark.parametrize(("value", "ok"), [("9440", True), ("0800", True), ("944", False), ("94400", False),
                                           ("DK-9440", False), ("abcd", False), ("９４４０", False)])
def test_postcode_is_four_digits(value, ok):
    assert postcode_is_valid(value) is ok
    if ok:
        assert clean_fields("company", {"postcode": value}) == {"postcode": value}
    else:
        assert refused("company", {"postcode": value}).message() == "Postnummeret skal være 4 cifre."


# -- numbers and ranges -------------------------------------------------------------------------


@pytest.mark.parametrize(("typed", "stored"), [("7,5", 7.5), (" 7,5 ", 7.5), ("7.5", 7.5), (8, 8.0), ("0", 0.0),
                                               (37, 37.0), ("37,0", 37.0)])
def test_hours_per_week_accepts_danish_decimal_comma(typed, stored):
    assert clean_fields("opening", {"hours_per_week": typed}) == {"hours_per_week": stored}


@pytest.mark.parametrize(("typed", "code"), [("37,5", "out_of_range"), (-1, "out_of_range"), (38, "out_of_range"),
                                             ("otte", "not_number"), (True, "not_number"), ("nan", "not_number"),
                                             (float("inf"), "not_number"), ([8], "not_number")])
def test_hours_per_week_out_of_range_or_not_a_number(typed, code):
    error = refused("opening", {"hours_per_week": typed})
    assert error.field == "hours_per_week"
    assert error.errors[0].code == code
    if code == "out_of_range":
        assert error.message("da") == "Timer pr. uge skal være mellem 0 og 37."


@pytest.mark.parametrize("typed", [1, "1", "2", 1000, 3.0])
def test_places_at_least_one(typed):
    assert clean_fields("opening", {"places": typed}) == {"places": int(typed)}


@pytest.mark.parametrize(("typed", "code"), [(0, "out_of_range"), (-3, "out_of_range"), ("1,5", "not_integer"),
                                             (True, "not_integer"), ("mange", "not_integer")])
def test_places_refused(typed, code):
    error = refused("opening", {"places": typed})
    assert (error.field, error.errors[0].code) == ("places", code)


@pytest.mark.parametrize("huge", [10**400, -(10**400), 2**64])
def test_a_huge_integer_from_the_wire_is_out_of_range_not_a_crash(huge):
    for entity, field in (("opening", "places"), ("opening", "hours_per_week"), ("mentor", "capacity")):
        error = refused(entity, {field: huge})
        assert error.field == field


def test_mentor_capacity_and_centre_interval_ranges():
    assert refused("mentor", {"capacity": 0}).field == "capacity"
    assert refused("company", {"centre_visit_interval_days": 0}).field == "centre_visit_interval_days"
    assert refused("company", {"centre_visit_interval_days": 366}).field == "centre_visit_interval_days"
    assert clean_fields("company", {"centre_visit_interval_days": "21"}) == {"centre_visit_interval_days": 21}


# -- text and lengths ---------------------------------------------------------------------------


def test_text_is_trimmed_and_blank_is_none():
    assert clean_fields("company", {"name": "  Jammerbugt Rengøring ApS  ", "city": "   "}) == {
        "name": "Jammerbugt Rengøring ApS",
        "city": None,
    }


def test_long_notes_keep_their_leading_indentation():
    assert clean_fields("visit", {"body": "  - punkt\n"}) == {"body": "  - punkt"}


@pytest.mark.parametrize(("entity", "field", "limit"), [("company", "name", 200), ("visit", "body", 100_000),
                                                        ("opening", "job_functions", 2_000),
                                                        ("follow_up", "note", 2_000)])
def test_lengths(entity, field, limit):
    assert clean_fields(entity, {field: "ø" * limit}) == {field: "ø" * limit}
    error = refused(entity, {field: "ø" * (limit + 1)})
    assert error.field == field
    assert error.errors[0].code == "too_long"
    assert f"højst være {limit} tegn" in error.message("da")


@pytest.mark.parametrize("value", ["a\x00b", "a\ud800b", 42, ["x"]])
def test_text_that_cannot_be_stored_is_refused(value):
    # A lone surrogate is valid JSON ("\ud800") but cannot be written as UTF-8.
    for entity, field in (("company", "name"), ("company", "email"), ("visit", "body")):
        error = refused(entity, {field: value})
        assert (error.field, error.errors[0].code) == (field, "not_text")


# -- dates, choices, booleans, ids ----------------------------------------------------------------


@pytest.mark.parametrize("typed", ["22-11-2026", "2026-11-22", "22.11.2026", "22/11/2026", " 22-11-2026 ",
                                   date(2026, 11, 22), datetime(2026, 11, 22, 9, 30)])
def test_dates_danish_and_iso(typed):
    assert clean_fields("visit", {"visited_at": typed}) == {"visited_at": date(2026, 11, 22)}


@pytest.mark.parametrize("typed", ["31-02-2026", "2026-13-01", "22-11-26", "i morgen", "32.01.2026", 20261122,
                                   "2026/11/22"])
def test_bad_dates_are_refused_with_the_expected_format(typed):
    error = refused("visit", {"visited_at": typed})
    assert error.field == "visited_at"
    assert error.message("da") == "Besøgsdato er ikke en gyldig dato (dd-mm-åååå)."


def test_choices():
    assert clean_fields("opening", {"kind": "virksomhedspraktik"}) == {"kind": "virksomhedspraktik"}
    error = refused("visit", {"kind": "frokost"})
    assert (error.field, error.errors[0].code) == ("kind", "bad_choice")


@pytest.mark.parametrize(("typed", "stored"), [(True, True), (False, False), (1, True), (0, False)])
def test_booleans(typed, stored):
    assert clean_fields("company", {"is_centre": typed}) == {"is_centre": stored}


@pytest.mark.parametrize("typed", ["ja", "maybe", 2, [True]])
def test_bad_booleans(typed):
    assert refused("company", {"is_centre": typed}).errors[0].code == "not_bool"


def test_a_yes_no_field_cannot_be_blank_in_a_record():
    # Its column is NOT NULL: None must be a typed error, not an IntegrityError later.
    with pytest.raises(ValidationError) as info:
        validate_record("company", {"name": "X", "is_centre": None})
    assert (info.value.field, info.value.errors[0].code) == ("is_centre", "not_bool")


def test_ids_are_normalised_uuids():
    raw = "5A0E8A8E00004000800000000000ABCD"
    assert clean_fields("visit", {"company_id": raw}) == {"company_id": "5a0e8a8e-0000-4000-8000-00000000abcd"}
    assert refused("visit", {"company_id": "not-an-id"}).errors[0].code == "bad_uuid"


# -- whole records, unknown fields, the error type ----------------------------------------------------


def test_unknown_fields_are_refused_by_name():
    error = refused("company", {"name": "X", "shoe_size": 44, "version": 3})
    assert set(error.by_field()) == {"shoe_size", "version"}
    assert error.by_field("da")["shoe_size"] == "Ukendt felt: shoe_size."
    assert error.by_field("en")["shoe_size"] == "Unknown field: shoe_size."


def test_every_problem_is_reported_not_only_the_first():
    error = refused("company", {"name": "x" * 201, "cvr": "123", "email": "nej", "phone": "1", "postcode": "1",
                                "is_centre": "måske", "centre_places": -1})
    assert set(error.by_field()) == {"name", "cvr", "email", "phone", "postcode", "is_centre", "centre_places"}
    assert all(isinstance(e, FieldError) for e in error.errors)
    assert error.field == "name"  # the first, to put the cursor in
    assert error.message("da") == " ".join(error.by_field("da").values())
    assert str(error) == error.message("da")


def test_errors_travel_as_json():
    error = refused("opening", {"hours_per_week": "40"})
    wire = error.to_wire()
    assert json.loads(json.dumps(wire)) == [
        {"field": "hours_per_week", "code": "out_of_range", "message": "Timer pr. uge skal være mellem 0 og 37."}
    ]


@pytest.mark.parametrize("entity", list(ENTITIES))
def test_required_fields_of_every_entity(entity):
    required = {f.name for f in ENTITIES[entity].fields if f.required}
    with pytest.raises(ValidationError) as info:
        validate_record(entity, {})
    assert set(info.value.by_field()) == required
    assert all(e.code == "required" for e in info.value.errors)
    assert all(m.endswith("skal udfyldes.") for m in info.value.by_field("da").values())


def test_agreement_cannot_end_before_it_starts():
    with pytest.raises(ValidationError) as info:
        validate_record("company", {"name": "Center", "centre_agreement_start": date(2026, 2, 1),
                                    "centre_agreement_end": date(2026, 1, 31)})
    assert info.value.field == "centre_agreement_end"
    assert info.value.message() == "Slutdatoen ligger før startdatoen."
    validate_record("company", {"name": "Center", "centre_agreement_start": date(2026, 2, 1),
                                "centre_agreement_end": date(2026, 2, 1)})


def test_every_message_exists_in_danish_and_english_and_formats():
    params = {"max": 10, "min": 1, "other": "Firma", "field": "felt"}
    for code, (da, en) in MESSAGES.items():
        error = FieldError("name", code, "Navn", "Name", tuple(params.items()))
        assert da != en, code
        for language in ("da", "en"):
            text = error.message(language)
            assert text and "{" not in text, (code, language)


def test_to_wire_sends_dates_as_iso():
    assert to_wire("opening", {"starts_on": date(2026, 12, 1), "title": "Praktik", "mentor_id": None}) == {
        "starts_on": "2026-12-01", "title": "Praktik", "mentor_id": None,
    }


# -- no input ever crashes the rules ----------------------------------------------------------------

ANY_VALUE = st.one_of(
    st.none(), st.booleans(), st.integers(), st.floats(), st.text(max_size=30), st.dates(),
    st.text(alphabet="0123456789 ,.-+²１٢", max_size=12),
    st.lists(st.integers(), max_size=2),
)
FIELDS = [(entity, field) for entity, spec in ENTITIES.items() for field in spec.field_map]


@given(st.sampled_from(FIELDS), ANY_VALUE)
def test_any_value_is_either_clean_or_a_validation_error(entity_field, value):
    entity, field = entity_field
    try:
        clean = clean_fields(entity, {field: value})
    except ValidationError as error:
        assert error.field == field
        assert error.message("da") and error.message("en")
    else:
        assert set(clean) == {field}
        json.dumps(to_wire(entity, clean))
