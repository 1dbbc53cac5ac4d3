"""Read a date the way a consultant types it (as Outlook and Excel take it), with no Qt.

:func:`parse_typed_date` understands, with day before month as in Denmark:

* full dates with any of ``-`` ``.`` ``/`` or a space between the parts:
  ``07-12-2026``, ``7.12.2026``, ``7/12/26``, ``7 12 2026``, ISO ``2026-12-07``;
* no year (this year is meant): ``7/12``, ``7-12``, ``7.12``; a lone day
  ``7`` is that day of this month;
* digits only: ``0712`` (ddmm), ``071226`` (ddmmyy), ``07122026`` (ddmmyyyy);
* month names, Danish or English, full or short: ``7. december 2026``, ``7 dec``;
* words and offsets from today: ``i dag``, ``i morgen``, ``i overmorgen``,
  ``i går`` (and ``today``, ``tomorrow``, ``yesterday``), a weekday
  (``fredag``: the next one, today included), ``+3`` / ``-3`` days, ``+2u`` /
  ``+2w`` weeks, ``+1m`` months.

A two-digit year is put in the century that lands it no more than 20 years
ahead of today (typed in 2026: ``45`` is 2045, ``46`` is 1946), as Windows'
own two-digit-year window does.

Anything else, and dates that do not exist (``31-02-2026``), raise
:class:`DateInputError`, whose :meth:`~DateInputError.message` says what is
wrong in Danish or English, so a form can show it under the field.
"""

from __future__ import annotations

import calendar
import re
from datetime import date, timedelta

from desktop.domain.formatting import dk_date

MIN_YEAR = 1900
MAX_YEAR = 2199
FUTURE_WINDOW = 20  # a two-digit year lands at most this many years after today

_MONTHS_DA = ("januar", "februar", "marts", "april", "maj", "juni", "juli", "august", "september", "oktober",
              "november", "december")
_MONTHS_EN = ("january", "february", "march", "april", "may", "june", "july", "august", "september", "october",
              "november", "december")
_WEEKDAYS = (
    ("mandag", "monday", "man", "mon"),
    ("tirsdag", "tuesday", "tir", "tue"),
    ("onsdag", "wednesday", "ons", "wed"),
    ("torsdag", "thursday", "tor", "thu"),
    ("fredag", "friday", "fre", "fri"),
    ("lørdag", "saturday", "lør", "sat"),
    ("søndag", "sunday", "søn", "sun"),
)
_DAYS_FROM_TODAY = {
    "idag": 0, "dd": 0, "today": 0,
    "imorgen": 1, "morgen": 1, "tomorrow": 1,
    "iovermorgen": 2, "overmorgen": 2,
    "igår": -1, "igaar": -1, "yesterday": -1,
    "iforgårs": -2, "iforgaars": -2,
}
_OFFSET = re.compile(r"^([+-])\s*(\d{1,4})\s*([dwum]?)$")
_PARTS = re.compile(r"[\s./,\-]+")

MESSAGES: dict[str, tuple[str, str]] = {
    "unreadable": (
        "»{text}« kan ikke læses som en dato. Skriv fx 07-12-2026, 7/12 eller i morgen.",
        "“{text}” is not a date. Type e.g. 07-12-2026, 7/12 or tomorrow.",
    ),
    "no_such_day": (
        "{text} findes ikke: {month_da} {year} har {days} dage.",
        "{text} does not exist: {month_en} {year} has {days} days.",
    ),
    "no_such_month": (
        "{text} findes ikke: der er ingen måned {month}.",
        "{text} does not exist: there is no month {month}.",
    ),
    "year_out_of_range": (
        "Året {year} ligger uden for {min}-{max}.",
        "The year {year} is outside {min}-{max}.",
    ),
}


class DateInputError(ValueError):
    """Typed text that is not a date; :meth:`message` says why, in Danish or English."""

    def __init__(self, code: str, text: str, **params: object) -> None:
        self.code = code
        self.text = text
        self.params = params
        super().__init__(self.message("da"))

    def message(self, language: str = "da") -> str:
        """The reason, worded for the person who typed it."""
        da, en = MESSAGES[self.code]
        return (en if language == "en" else da).format(text=self.text, **self.params)


def format_date(value: date | None) -> str:
    """The Danish way a date field shows a date: ``07-12-2026`` ("" for none), as everywhere else (``dk_date``)."""
    return dk_date(value)


def parse_typed_date(text: str, today: date) -> date | None:
    """The date ``text`` means, typed on ``today``; None for blank text.

    Raises :class:`DateInputError` for text that is not a date or names a
    day that does not exist. See the module docstring for what is accepted.
    """
    raw = " ".join(text.split())
    if not raw:
        return None
    word = raw.casefold().replace(" ", "").rstrip(".")
    if word in _DAYS_FROM_TODAY:
        return today + timedelta(days=_DAYS_FROM_TODAY[word])
    for number, names in enumerate(_WEEKDAYS):
        if word in names:
            return today + timedelta(days=(number - today.weekday()) % 7)
    offset = _OFFSET.match(raw.casefold())
    if offset:
        return _offset(raw, today, offset.group(1), int(offset.group(2)), offset.group(3))
    parts = [p for p in _PARTS.split(raw.casefold()) if p]
    if len(parts) == 1 and parts[0].isascii() and parts[0].isdigit():
        return _digits_only(raw, parts[0], today)
    if len(parts) == 3 and _is_number(parts[0]) and len(parts[0]) == 4:  # ISO 2026-12-07
        if _is_number(parts[1]) and _is_number(parts[2]) and len(parts[2]) <= 2:
            return _make(raw, int(parts[0]), int(parts[1]), int(parts[2]))
        raise DateInputError("unreadable", raw)
    if len(parts) in (2, 3) and _is_number(parts[0]) and len(parts[0]) <= 2:
        day, month = int(parts[0]), _month(raw, parts[1])
        year = _year(raw, parts[2], today) if len(parts) == 3 else today.year
        return _make(raw, year, month, day)
    raise DateInputError("unreadable", raw)


def _is_number(part: str) -> bool:
    return part.isascii() and part.isdigit()


def _digits_only(raw: str, digits: str, today: date) -> date:
    if len(digits) <= 2:
        return _make(raw, today.year, today.month, int(digits))
    if len(digits) == 4:
        return _make(raw, today.year, int(digits[2:]), int(digits[:2]))
    if len(digits) == 6:
        return _make(raw, _year(raw, digits[4:], today), int(digits[2:4]), int(digits[:2]))
    if len(digits) == 8:
        day, month, year = int(digits[:2]), int(digits[2:4]), int(digits[4:])
        if not 1 <= month <= 12 and MIN_YEAR <= int(digits[:4]) <= MAX_YEAR:
            return _make(raw, int(digits[:4]), int(digits[4:6]), int(digits[6:]))  # 20261207
        return _make(raw, year, month, day)
    raise DateInputError("unreadable", raw)


def _month(raw: str, part: str) -> int:
    if _is_number(part) and len(part) <= 2:
        return int(part)
    if len(part) >= 3 and part.isalpha():
        for names in (_MONTHS_DA, _MONTHS_EN):
            for number, name in enumerate(names, start=1):
                if name.startswith(part):
                    return number
    raise DateInputError("unreadable", raw)


def _year(raw: str, part: str, today: date) -> int:
    if not _is_number(part) or len(part) not in (2, 4):
        raise DateInputError("unreadable", raw)
    year = int(part)
    if len(part) == 2:
        year += 2000 if 2000 + year <= today.year + FUTURE_WINDOW else 1900
    return year


def _make(raw: str, year: int, month: int, day: int) -> date:
    if not MIN_YEAR <= year <= MAX_YEAR:
        raise DateInputError("year_out_of_range", raw, year=year, min=MIN_YEAR, max=MAX_YEAR)
    if not 1 <= month <= 12:
        raise DateInputError("no_such_month", raw, month=month)
    days = calendar.monthrange(year, month)[1]
    if not 1 <= day <= days:
        raise DateInputError("no_such_day", raw, month_da=_MONTHS_DA[month - 1], month_en=_MONTHS_EN[month - 1]
                             .capitalize(), year=year, days=days)
    return date(year, month, day)


def _offset(raw: str, today: date, sign: str, amount: int, unit: str) -> date:
    amount = -amount if sign == "-" else amount
    if unit == "m":
        months = today.year * 12 + today.month - 1 + amount
        year, month = divmod(months, 12)
        if not MIN_YEAR <= year <= MAX_YEAR:
            raise DateInputError("year_out_of_range", raw, year=year, min=MIN_YEAR, max=MAX_YEAR)
        return date(year, month + 1, min(today.day, calendar.monthrange(year, month + 1)[1]))
    days = amount * 7 if unit in ("u", "w") else amount
    result = today.toordinal() + days
    if not date(MIN_YEAR, 1, 1).toordinal() <= result <= date(MAX_YEAR, 12, 31).toordinal():
        raise DateInputError("unreadable", raw)
    return date.fromordinal(result)
