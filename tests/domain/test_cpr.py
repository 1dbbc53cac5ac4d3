"""The CPR guard's detection (desktop/domain/cpr.py): real dates only, every usual way of writing one."""

from __future__ import annotations

import pytest

from desktop.domain.cpr import fields_with_cpr, find_cpr, is_cpr, refusal_reason, replace_cpr


@pytest.mark.parametrize("text", [
    "010190-1234", "0101901234", "010190 1234", "010190 - 1234", "Borger 010190-1234 starter mandag.",
    "(cpr 311299-4321)", "290200-4234",  # 29 February 2000 (a 4 in the seventh digit and 00: the 2000s)
])
def test_a_cpr_number_with_a_real_date_is_found(text):
    found = find_cpr(text)
    assert len(found) == 1
    assert text[found[0].start:found[0].end] == found[0].text


@pytest.mark.parametrize("text", [
    "310290-1234",  # no 31 February
    "320190-1234", "011390-1234",  # no 32nd day, no 13th month
    "290201-4234",  # 2001 was no leap year
    "290200-1234",  # a 1 in the seventh digit: 1900, no leap year either
    "12345678",  # a phone number or a CVR
    "98 76 54 32", "+45 98765432",
    "01019012345",  # eleven digits: part of something else
    "1010190-1234",  # a digit before it
    "Ring 2026-11-30 kl. 10", "",
])
def test_no_false_alarm_on_other_numbers(text):
    assert find_cpr(text) == []


def test_modulus_eleven_is_not_required():
    # 010190-1234 does not pass the old modulus-11 check; numbers issued since 2007 need not.
    assert is_cpr("010190-1234")
    assert not is_cpr("310290-1234")


def test_two_numbers_are_both_replaced_and_the_rest_is_kept():
    text = "Mødte 010190-1234 og 0202851111 på lageret; tlf. 98765432."
    assert [m.text for m in find_cpr(text)] == ["010190-1234", "0202851111"]
    assert replace_cpr(text, "AB") == "Mødte AB og AB på lageret; tlf. 98765432."


def test_only_free_text_fields_are_looked_at():
    assert fields_with_cpr("visit", {"body": "x 010190-1234", "needs": "ok", "next_step": "0101901234"}) \
        == ["body", "next_step"]
    assert fields_with_cpr("contact", {"name": "0101901234"}) == []  # a name field has its own rules
    assert fields_with_cpr("follow_up", {"note": "010190 1234"}) == ["note"]


def test_the_reason_is_danish_and_names_the_field_not_the_number():
    reason = refusal_reason("visit", "body")
    assert "»Referat«" in reason and "CPR-nummer" in reason and "initialer" in reason
