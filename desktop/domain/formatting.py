"""Danish (and English) formatting of dates, weeks, numbers, choice names and people.

The one implementation for the screens (``desktop.ui.i18n`` passes the UI
language), the PDF reports and the exports (always Danish). Qt-free, so a
report rendered in a worker and a CSV export use the same words the screens
show.
"""

from __future__ import annotations

import functools
import unicodedata
from collections.abc import Mapping
from datetime import date, datetime
from typing import Literal

from desktop.domain.choices import CHOICE_NAMES

Language = Literal["da", "en"]

def choice_name(key: str, value: str | None, language: Language = "da") -> str:
    """Display name of a choice value, e.g. ``choice_name("opening.kind", "igu")``; unknown values as they are."""
    if value is None:
        return ""
    names = CHOICE_NAMES.get(key, {}).get(value)
    if names is None:
        return value
    return names[1] if language == "en" else names[0]


def choice_da(key: str, value: str | None) -> str:
    """Danish name of a choice value, e.g. ``choice_da("opening.kind", "igu")``; unknown values as they are."""
    return choice_name(key, value, "da")


def dk_date(value: date | datetime | None) -> str:
    """Danish style: 22-11-2026 (empty for no date)."""
    return value.strftime("%d-%m-%Y") if value else ""


def dk_datetime(value: datetime | None) -> str:
    """Danish style with time, in local time: 22-11-2026 14:05 (empty for none)."""
    return value.astimezone().strftime("%d-%m-%Y %H:%M") if value else ""


def iso_week(value: date) -> int:
    """The ISO week number people plan by."""
    return value.isocalendar().week


def week_label(value: date | None, language: Language = "da") -> str:
    """``"uge 48"`` (``"week 48"`` in English; empty for no date)."""
    if value is None:
        return ""
    return f"{'week' if language == 'en' else 'uge'} {iso_week(value)}"


def dk_number(value: float | None) -> str:
    """A number the Danish way, with no needless decimals: 7,5 / 8 / 2.287."""
    if value is None:
        return ""
    text = f"{int(value):,}" if float(value).is_integer() else f"{value:,.1f}"
    # Python writes 2,287.5; Danes write 2.287,5.
    return text.translate(str.maketrans(",.", ".,"))


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
# directory), case is ignored, and other accents sort with their base letter
# (é as e). The one implementation: the PDF catalogue sorts with the key, and
# SQLite's ``COLLATE danish`` (registered on every connection by
# desktop.models.collation) compares with :func:`danish_compare`.
DANISH_COLLATION = "danish"


def danish_sort_key(text: str | None) -> str:
    """A sort key that orders names the way a Danish reader expects."""
    # Chained str.replace runs in C: SQLite calls the collation for every
    # comparison while it fills an index, so this is kept cheap.
    t = (text or "").casefold().replace("aa", "å")
    t = t.replace("æ", "{").replace("ä", "{").replace("ø", "|").replace("ö", "|").replace("å", "}")
    if not t.isascii():
        t = "".join(c for c in unicodedata.normalize("NFKD", t) if not unicodedata.combining(c))
    return t


_cached_key = functools.lru_cache(maxsize=65_536)(danish_sort_key)


def danish_compare(left: str, right: str) -> int:
    """-1, 0 or 1 as ``left`` sorts before, with or after ``right`` in Danish order (SQLite's collation)."""
    a, b = _cached_key(left), _cached_key(right)
    return (a > b) - (a < b)


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


def excerpt(text: str | None, limit: int) -> str:
    """``text`` on one line, at most ``limit`` characters, ending in "…" when something was cut."""
    line = " ".join((text or "").split())
    return line if len(line) <= limit else line[: limit - 1].rstrip() + "…"
