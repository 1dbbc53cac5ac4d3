"""Turn raw field values (from a form or the wire) into clean, typed values.

``clean_fields`` checks each field on its own; ``validate_record`` checks a
whole record (required fields, fields that depend on each other). Both raise
:class:`ValidationError` listing every problem found, never the first only.
"""

from __future__ import annotations

import functools
import math
import re
import uuid
from collections.abc import Callable
from datetime import UTC, date, datetime
from typing import Any

from desktop.domain import rules
from desktop.domain.durations import has_unit, parse_weeks
from desktop.domain.errors import FieldError, ValidationError
from desktop.domain.schema import (
    BOOL,
    CHOICE,
    DATE,
    DATETIME,
    ENTITIES,
    FLOAT,
    INT,
    TEXT,
    UUID,
    EntitySpec,
    FieldSpec,
)


class _BadValueError(Exception):
    def __init__(self, code: str, **params: object) -> None:
        self.code = code
        self.params = params


def _error(spec: FieldSpec, code: str, **params: object) -> FieldError:
    return FieldError(spec.name, code, spec.label_da, spec.label_en, tuple(params.items()))


def parse_date(value: object) -> date:
    """Accept a date, ISO ``2026-11-22`` or Danish ``22-11-2026`` / ``22.11.2026``."""
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    if not isinstance(value, str):
        raise ValueError(value)
    text = value.strip()
    if len(text) == 10 and text[4] == "-":
        return date.fromisoformat(text)
    for sep in ("-", ".", "/"):
        parts = text.split(sep)
        if len(parts) == 3 and len(parts[2]) == 4:
            return date(int(parts[2]), int(parts[1]), int(parts[0]))
    raise ValueError(value)


def parse_datetime(value: object) -> datetime:
    """Accept a datetime or an ISO 8601 string; naive values are taken as UTC."""
    if isinstance(value, datetime):
        dt = value
    elif isinstance(value, str):
        dt = datetime.fromisoformat(value.strip().replace("Z", "+00:00"))
    else:
        raise ValueError(value)
    return dt if dt.tzinfo else dt.replace(tzinfo=UTC)


def _clean_text(spec: FieldSpec, value: object) -> str | None:
    if not isinstance(value, str):
        raise _BadValueError("not_text")
    text = value.strip() if spec.max_len <= 2_000 else value.rstrip()
    if not text:
        return None
    if "\x00" in text or not _encodes(text):
        raise _BadValueError("not_text")
    if spec.check == "cvr":
        text = rules.normalise_cvr(text)
        if not (len(text) == 8 and text.isascii() and text.isdigit()):
            raise _BadValueError("cvr_format")
        if not rules.cvr_is_valid(text):
            raise _BadValueError("cvr_checksum")
        return text
    if spec.check == "phone":
        phone = rules.normalise_phone(text)
        if phone is None:
            raise _BadValueError("bad_phone")
        return phone
    if spec.check == "email":
        if not rules.email_is_valid(text):
            raise _BadValueError("bad_email")
        return text.lower() if "@" in text else text
    if spec.check == "postcode" and not rules.postcode_is_valid(text):
        raise _BadValueError("bad_postcode")
    if len(text) > spec.max_len:
        raise _BadValueError("too_long", max=spec.max_len)
    return text


def _encodes(text: str) -> bool:
    # A lone surrogate ("\ud800", possible in JSON) cannot be stored as UTF-8.
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def _check_range(spec: FieldSpec, number: float) -> None:
    lo, hi = spec.minimum, spec.maximum
    if lo is not None and hi is not None and not lo <= number <= hi:
        raise _BadValueError("out_of_range", min=_fmt(lo), max=_fmt(hi))
    if lo is not None and number < lo:
        raise _BadValueError("too_small", min=_fmt(lo))


_THOUSANDS = re.compile(r"^\d{1,3}(\.\d{3})+$")


def _fmt(n: float) -> str:
    return str(int(n)) if float(n).is_integer() else str(n).replace(".", ",")


def _clean_number(spec: FieldSpec, value: object) -> int | float:
    if spec.check == "weeks" and isinstance(value, str) and has_unit(value):
        try:
            value = parse_weeks(value)  # "3 måneder" is 13 weeks
        except ValueError:
            raise _BadValueError("not_duration") from None
    if isinstance(value, bool):
        raise _BadValueError("not_integer" if spec.kind == INT else "not_number")
    if isinstance(value, str):
        text = value.strip()
        if spec.kind == INT and _THOUSANDS.match(text):
            text = text.replace(".", "")  # "1.000" is a thousand in Danish, not one
        text = text.replace(",", ".")  # Danes type 7,5
        try:
            value = float(text)
        except ValueError:
            raise _BadValueError("not_integer" if spec.kind == INT else "not_number") from None
    if isinstance(value, int) and abs(value) > 2**53:
        # float() of a huge int (possible in JSON) overflows; it is out of every range here.
        _check_range(spec, value)
        raise _BadValueError("not_number")
    if not isinstance(value, int | float) or not math.isfinite(value):
        raise _BadValueError("not_number")
    if spec.kind == INT:
        if not float(value).is_integer():
            raise _BadValueError("not_integer")
        value = int(value)
    else:
        value = float(value)
    _check_range(spec, value)
    return value


def _clean_value(spec: FieldSpec, value: object) -> object:
    if value is None or (isinstance(value, str) and not value.strip() and spec.kind != TEXT):
        return None
    kind = spec.kind
    if kind == TEXT:
        return _clean_text(spec, value)
    if kind in (INT, FLOAT):
        return _clean_number(spec, value)
    if kind == BOOL:
        if isinstance(value, bool):
            return value
        if value in (0, 1):
            return bool(value)
        raise _BadValueError("not_bool")
    if kind == DATE:
        try:
            return parse_date(value)
        except (ValueError, TypeError):
            raise _BadValueError("bad_date") from None
    if kind == DATETIME:
        try:
            return parse_datetime(value)
        except (ValueError, TypeError):
            raise _BadValueError("bad_datetime") from None
    if kind == UUID:
        if isinstance(value, uuid.UUID):
            return str(value)
        try:
            return str(uuid.UUID(str(value)))
        except (ValueError, TypeError, AttributeError):
            raise _BadValueError("bad_uuid") from None
    if kind == CHOICE:
        if value not in spec.choices:
            raise _BadValueError("bad_choice")
        return value
    raise AssertionError(f"unknown field kind {kind}")


_UUID_FORM = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")
_MAX_EXACT = 2**53  # ints beyond this go through _clean_number's own overflow path


def _cleaner(spec: FieldSpec) -> Callable[[object], object]:
    """``_clean_value`` for one field, with the common cases decided up front.

    The server cleans every field of every pushed mutation, so the kind, the
    check and the limits are looked at once per field spec here instead of once
    per value. Each fast path gives exactly what ``_clean_value`` gives for the
    values it takes (text straight to ``_clean_text``, a JSON int in range, a JSON
    bool, a UUID already in its canonical form); anything else goes to ``_clean_value``
    itself, so the accepted values, the results and the error codes are the same.
    """
    kind = spec.kind
    if kind == TEXT:

        def clean_text(value: object) -> object:
            return None if value is None else _clean_text(spec, value)  # what _clean_value does for text

        return clean_text
    if kind == INT:
        lo, hi = spec.minimum, spec.maximum

        def clean_int(value: object) -> object:
            if (type(value) is int and -_MAX_EXACT <= value <= _MAX_EXACT and (lo is None or lo <= value)
                    and (hi is None or value <= hi)):
                return value
            return _clean_value(spec, value)

        return clean_int
    if kind == BOOL:

        def clean_bool(value: object) -> object:
            return value if value is True or value is False else _clean_value(spec, value)

        return clean_bool
    if kind == UUID:

        def clean_uuid(value: object) -> object:
            if type(value) is str and _UUID_FORM.fullmatch(value):
                return value  # str(uuid.UUID(value)) is value itself
            return _clean_value(spec, value)

        return clean_uuid
    return functools.partial(_clean_value, spec)


# Per entity: field name -> its cleaner (built once; see _cleaner).
_CLEANERS = {name: {f.name: _cleaner(f) for f in spec.fields} for name, spec in ENTITIES.items()}


def entity_spec(entity: str) -> EntitySpec:
    """Return the spec of an entity; KeyError names unknown ones."""
    return ENTITIES[entity]


def clean_fields(entity: str, fields: dict[str, Any]) -> dict[str, Any]:
    """Check and normalise the given fields of ``entity``, one by one.

    Unknown field names are refused. Returns typed values (``date`` for dates,
    ``None`` for blanks). Raises ValidationError with every problem found.
    """
    cleaners = _CLEANERS[entity]  # KeyError for an unknown entity, as entity_spec
    clean: dict[str, Any] = {}
    errors: list[FieldError] = []
    for name, raw in fields.items():
        cleaner = cleaners.get(name)
        if cleaner is None:
            errors.append(FieldError(name, "unknown_field", name, name, (("field", name),)))
            continue
        try:
            clean[name] = cleaner(raw)
        except _BadValueError as bad:
            errors.append(_error(ENTITIES[entity].field_map[name], bad.code, **bad.params))
    if errors:
        raise ValidationError(errors, entity)
    return clean


# Per entity: its required fields and its yes/no fields, in the spec's order (validate_record runs once per
# pushed mutation on the server, so the specs are not walked each time).
_REQUIRED = {name: tuple(f for f in spec.fields if f.required) for name, spec in ENTITIES.items()}
_BOOLS = {name: tuple(f for f in spec.fields if f.kind == BOOL) for name, spec in ENTITIES.items()}


_REQUIRED_NAMES = {name: tuple(f.name for f in fields) for name, fields in _REQUIRED.items()}
_BOOL_NAMES = {name: tuple(f.name for f in fields) for name, fields in _BOOLS.items()}


def validate_record(entity: str, record: dict[str, Any]) -> None:
    """Check a whole (merged, cleaned) record: required fields and cross-field rules."""
    spec = entity_spec(entity)
    # The usual case first, without building error lists: every required field set, no blank yes/no.
    get = record.get
    if (all(get(name) is not None for name in _REQUIRED_NAMES[entity])
            and all(get(name, True) is not None for name in _BOOL_NAMES[entity])
            and (entity != "company" or not (get("centre_agreement_start") and get("centre_agreement_end")))):
        return
    errors = [_error(f, "required") for f in _REQUIRED[entity] if record.get(f.name) is None]
    # A yes/no field is never blank (its column is NOT NULL): refuse None here
    # instead of failing in the database with a traceback.
    errors += [_error(f, "not_bool") for f in _BOOLS[entity] if f.name in record and record[f.name] is None]
    if entity == "company":
        start, end = record.get("centre_agreement_start"), record.get("centre_agreement_end")
        if start and end and end < start:
            errors.append(_error(spec.field_map["centre_agreement_end"], "end_before_start"))
    if errors:
        raise ValidationError(errors, entity)


_PLAIN = frozenset({str, int, float, bool})
# Per entity: its date and date-time fields, the only ones whose clean value differs from its wire form.
_DATED = {name: frozenset(f.name for f in spec.fields if f.kind in (DATE, DATETIME)) for name, spec in ENTITIES.items()}


def clean_wire(entity: str, fields: dict[str, Any]) -> dict[str, Any]:
    """``to_wire(entity, clean_fields(entity, fields))``, without the second pass when no date is among them.

    Every other kind's clean value is already its wire form (text, numbers, yes/no, a canonical UUID,
    one of the choices), so only dates and date-times are converted.
    """
    clean = clean_fields(entity, fields)
    dated = _DATED[entity]
    if dated and not dated.isdisjoint(clean):
        return to_wire(entity, clean)
    return clean


def to_wire(entity: str, fields: dict[str, Any]) -> dict[str, Any]:
    """Convert typed field values into their JSON wire form."""
    spec = entity_spec(entity)
    out: dict[str, Any] = {}
    for name, value in fields.items():
        if value is None or type(value) in _PLAIN:  # most values: kept as they are
            out[name] = value
            continue
        kind = spec.field_map[name].kind if name in spec.field_map else None
        if kind == DATE and isinstance(value, date):
            out[name] = value.isoformat()
        elif kind == DATETIME and isinstance(value, datetime):
            out[name] = value.astimezone(UTC).isoformat().replace("+00:00", "Z")
        else:
            out[name] = value
    return out
