"""Danish formatting shared by reports and exports: dates, weeks, choice names, people.

Qt-free on purpose (``desktop.ui.i18n`` needs Qt), so reports rendered in a
worker and CSV exports use the same words the screens show.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Mapping
from datetime import date, datetime

from desktop.domain.choices import CHOICE_NAMES

# Danish display names of choice values, from the table the screens use too.
CHOICES_DA: dict[str, dict[str, str]] = {
    key: {value: names[0] for value, names in values.items()} for key, values in CHOICE_NAMES.items()
}


def choice_da(key: str, value: str | None) -> str:
    """Danish name of a choice value, e.g. ``choice_da("opening.kind", "igu")``; unknown values as they are."""
    if value is None:
        return ""
    return CHOICES_DA.get(key, {}).get(value, value)


def dk_date(value: date | datetime | None) -> str:
    """Danish style: 22-11-2026 (empty for no date)."""
    return value.strftime("%d-%m-%Y") if value else ""


def iso_week(value: date) -> int:
    """The ISO week number people plan by."""
    return value.isocalendar().week


def week_label(value: date | None) -> str:
    """``"uge 48"`` (empty for no date)."""
    return f"uge {iso_week(value)}" if value else ""


def dk_number(value: float | int | None) -> str:
    """A number the Danish way, with no needless decimals: 7,5 / 8 / 2.287."""
    if value is None:
        return ""
    text = f"{int(value):,}" if float(value).is_integer() else f"{value:,.1f}"
    # Python writes 2,287.5; Danes write 2.287,5.
    return text.translate(str.maketrans({",": ".", ".": ","}))


def short_id(user_id: str | None) -> str:
    """A short, recognisable stand-in for a user we have no name for."""
    return user_id[:8] if user_id else ""


def person(names: Mapping[str, str] | None, user_id: str | None) -> str:
    """A user's full name if the app knows it, else a short id ("" for nobody)."""
    if not user_id:
        return ""
    return (names or {}).get(user_id) or short_id(user_id)


# Danish alphabetical order: æ, ø, å come after z (as "{", "|", "}" do in ASCII),
# "aa" is å (Aalestrup and Aars are filed under Å, as in every Danish
# directory), and other accents sort with their base letter (é as e).
_LAST_LETTERS = {"æ": "{", "ä": "{", "ø": "|", "ö": "|", "å": "}"}
_AA = re.compile(r"aa")


def danish_sort_key(text: str | None) -> str:
    """A sort key that orders names the way a Danish reader expects."""
    out = []
    for char in _AA.sub("å", (text or "").casefold()):
        if char in _LAST_LETTERS:
            out.append(_LAST_LETTERS[char])
        else:
            out.append("".join(c for c in unicodedata.normalize("NFKD", char) if not unicodedata.combining(c)))
    return "".join(out)


def period_label(start: date, end: date) -> str:
    """``"02-11-2026 – 29-11-2026 (uge 45–48)"``; weeks carry the year when the period spans two."""
    (y1, w1, _), (y2, w2, _) = start.isocalendar(), end.isocalendar()
    if (y1, w1) == (y2, w2):
        weeks = f"uge {w1}"
    elif y1 == y2:
        weeks = f"uge {w1}–{w2}"
    else:
        weeks = f"uge {w1} {y1} – uge {w2} {y2}"
    return f"{dk_date(start)} – {dk_date(end)} ({weeks})"


def interval_label(days: int | None) -> str:
    """How often a centre is visited, the way people say it: "Mindst hver 3. uge" for 21 days."""
    if not days:
        return ""
    if days == 7:
        return "Mindst hver uge"
    if days % 7 == 0:
        return f"Mindst hver {days // 7}. uge ({days} dage)"
    return f"Mindst hver {days}. dag"


def span_label(start: date | None, end: date | None) -> str:
    """An agreement period: "01-01-2026 – 31-12-2027", "fra 01-01-2026" or "til 31-12-2027"."""
    if start and end:
        return f"{dk_date(start)} – {dk_date(end)}"
    if start:
        return f"fra {dk_date(start)}"
    return f"til {dk_date(end)}" if end else ""
