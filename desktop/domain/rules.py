"""Single-field rules: CVR numbers, phone numbers, emails, postcodes."""

from __future__ import annotations

import re

_CVR_WEIGHTS = (2, 7, 6, 5, 4, 3, 2, 1)
_EMAIL = re.compile(r"^[^@\s]+@[^@\s.]+(\.[^@\s.]+)+$")
_SPACES = re.compile(r"[\s\-./()]")


def _digits(value: str) -> bool:
    # str.isdigit() is also true for "²" and "１２" (which int() may refuse or
    # which would be stored as non-ASCII): numbers here are plain 0-9.
    return value.isascii() and value.isdigit()


def normalise_cvr(value: str) -> str:
    """Remove what people type around a CVR number: spaces, dashes, dots and the
    "DK" of the EU VAT form ("1234 5678", "DK12345678", "DK-12 34 56 78")."""
    compact = _SPACES.sub("", value)
    return compact[2:] if compact[:2].casefold() == "dk" else compact


def cvr_is_valid(cvr: str) -> bool:
    """Return True for an 8-digit CVR number that passes the modulus-11 check.

    The weights 2, 7, 6, 5, 4, 3, 2, 1 multiplied digit by digit must sum to a
    multiple of 11 (the rule the Danish Business Authority publishes).
    """
    if len(cvr) != 8 or not _digits(cvr) or cvr[0] == "0":
        return False
    return sum(int(d) * w for d, w in zip(cvr, _CVR_WEIGHTS, strict=True)) % 11 == 0


def normalise_phone(value: str) -> str | None:
    """Return a phone number in a canonical form, or None if it is not valid.

    Danish numbers are 8 digits, optionally with +45 or 0045 in front; they
    come back as ``"12 34 56 78"``. Foreign numbers must start with ``+`` and
    have 7 to 15 digits; they come back as ``"+46 701234567"``-style digits.
    """
    compact = _SPACES.sub("", value)
    if compact.startswith("00"):
        compact = "+" + compact[2:]
    if compact.startswith("+45"):
        compact = compact[3:]
    if _digits(compact) and len(compact) == 8:
        return " ".join(compact[i : i + 2] for i in range(0, 8, 2))
    if compact.startswith("+") and _digits(compact[1:]) and 7 <= len(compact) - 1 <= 15:
        return compact
    return None


def email_is_valid(value: str) -> bool:
    """A pragmatic email check: one @, a dot in the domain, no spaces."""
    return len(value) <= 254 and bool(_EMAIL.match(value))


def postcode_is_valid(value: str) -> bool:
    """Danish postcodes are four digits (0800-9990)."""
    return len(value) == 4 and _digits(value)
