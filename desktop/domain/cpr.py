"""The CPR guard: finding a Danish CPR number (a citizen's personal number) in free text.

A company consultant's notes are about companies; a citizen's CPR number does
not belong in them (it makes the note personal data that must be found and
erased on request). The app warns as it is typed, and the server may refuse it
(``server.config.Settings.refuse_cpr_numbers``). Shared by both, so they agree.

A candidate is ``ddmmyy-xxxx``, ``ddmmyyxxxx`` or the same with spaces around
or inside the hyphen, not part of a longer run of digits. Only numbers whose
first six digits are a real date (checked by python-stdnum's ``dk.cpr``, which
also reads the century from the seventh digit) are reported: ``310290-1234``
is not one. The modulus-11 check is not required, because CPR numbers issued
since 2007 need not satisfy it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from stdnum.dk import cpr as stdnum_cpr
from stdnum.exceptions import ValidationError as StdnumError

from desktop.domain.schema import ENTITIES, MEDIUM, TEXT

# Six digits, an optional hyphen with optional spaces (or spaces alone), four digits; no digit either side.
_CANDIDATE = re.compile(r"(?<!\d)(\d{6})(?: *- *| +)?(\d{4})(?!\d)")

# The free-text fields: text meant for sentences (note, needs, next step, comments, participants ...).
# Names, phones and ids are short fields with their own rules; conflicts only carry other fields' values.
FREE_TEXT_FIELDS: dict[str, tuple[str, ...]] = {
    entity: tuple(f.name for f in spec.fields if f.kind == TEXT and f.max_len >= MEDIUM)
    for entity, spec in ENTITIES.items() if entity != "conflict"
}

REASON_DA = ("Feltet »{label}« indeholder et CPR-nummer. CPR-numre hører ikke hjemme i fritekst: "
             "skriv borgerens initialer eller et sagsnummer i stedet.")
REFUSED_CODE = "cpr_number"


@dataclass(frozen=True)
class CprMatch:
    """One CPR number found in a text: where it is (``text[start:end]``) and how it was written."""

    start: int
    end: int
    text: str


def is_cpr(candidate: str) -> bool:
    """True if ``candidate`` (ten digits, separators allowed) has a real birth date in its first six digits."""
    digits = stdnum_cpr.compact(candidate)
    if len(digits) != 10 or not digits.isdigit():
        return False
    try:
        stdnum_cpr.get_birth_date(digits)
    except StdnumError:
        return False
    return True


def find_cpr(text: str | None) -> list[CprMatch]:
    """Every CPR number in ``text``, in order (empty for None, "" and text without one)."""
    if not text or not any(ch.isdigit() for ch in text):
        return []
    return [CprMatch(m.start(), m.end(), m.group(0)) for m in _CANDIDATE.finditer(text) if is_cpr(m.group(0))]


def is_free_text(entity: str, field: str) -> bool:
    """True for the fields the guard watches (:data:`FREE_TEXT_FIELDS`)."""
    return field in FREE_TEXT_FIELDS.get(entity, ())


def fields_with_cpr(entity: str, fields: dict[str, object]) -> list[str]:
    """The free-text fields of a record (wire or local form) that hold a CPR number, in schema order."""
    return [name for name in FREE_TEXT_FIELDS.get(entity, ())
            if isinstance(fields.get(name), str) and find_cpr(str(fields[name]))]


def replace_cpr(text: str, replacement: str) -> str:
    """``text`` with every CPR number in it replaced by ``replacement`` (initials, a case reference)."""
    out, last = [], 0
    for match in find_cpr(text):
        out.append(text[last:match.start])
        out.append(replacement)
        last = match.end
    out.append(text[last:])
    return "".join(out)


def refusal_reason(entity: str, field: str) -> str:
    """The Danish reason a server gives for refusing ``field`` of ``entity`` because it holds a CPR number."""
    spec = ENTITIES.get(entity)
    label = spec.field_map[field].label_da if spec is not None and field in spec.field_map else field
    return REASON_DA.format(label=label)
