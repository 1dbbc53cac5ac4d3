"""Danish formatting shared by reports and exports: dates, weeks, choice names, people.

Qt-free on purpose (``desktop.ui.i18n`` needs Qt), so reports rendered in a
worker and CSV exports use the same words the screens show.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from datetime import date, datetime

# Danish display names of choice values; the same words as desktop.ui.i18n.CHOICES.
CHOICES_DA: dict[str, dict[str, str]] = {
    "visit.kind": {
        "first_contact": "Første kontakt",
        "follow_up": "Opfølgning",
        "centre_visit": "Centerbesøg",
        "phone": "Telefon",
    },
    "visit.status": {"draft": "Kladde", "ready": "Klar til gennemsyn"},
    "opening.kind": {
        "smaajob": "Småjob",
        "virksomhedspraktik": "Virksomhedspraktik",
        "loentilskud": "Løntilskud",
        "fleksjob": "Fleksjob",
        "igu": "IGU",
        "ordinary": "Ordinært job",
        "voksenlaerling": "Voksenlærling",
    },
    "opening.status": {"open": "Åben", "in_dialogue": "I dialog", "filled": "Besat", "closed": "Lukket"},
    "follow_up.subject_kind": {"company": "Virksomhed", "visit": "Besøg", "opening": "Jobåbning"},
    "review.state": {
        "received": "Modtaget",
        "edited": "Rettet",
        "has_issues": "Har mangler",
        "approved": "Godkendt",
        "rejected": "Afvist",
    },
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
    """A number with a Danish decimal comma and no needless decimals: 7,5 / 8."""
    if value is None:
        return ""
    if float(value).is_integer():
        return str(int(value))
    return f"{value:.1f}".replace(".", ",")


def short_id(user_id: str | None) -> str:
    """A short, recognisable stand-in for a user we have no name for."""
    return user_id[:8] if user_id else ""


def person(names: Mapping[str, str] | None, user_id: str | None) -> str:
    """A user's full name if the app knows it, else a short id ("" for nobody)."""
    if not user_id:
        return ""
    return (names or {}).get(user_id) or short_id(user_id)


# Danish alphabetical order: æ, ø, å come after z, and "aa" is å (Aalestrup
# and Aars are filed under Å, as in every Danish directory).
_DANISH = str.maketrans({"æ": "z\x01", "ä": "z\x01", "ø": "z\x02", "ö": "z\x02", "å": "z\x03"})
_AA = re.compile(r"aa")


def danish_sort_key(text: str | None) -> str:
    """A sort key that orders names the way a Danish reader expects."""
    return _AA.sub("å", (text or "").casefold()).translate(_DANISH)
