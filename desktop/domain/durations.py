"""A duration typed as a consultant says it, in weeks: "13", "13 uger", "3 måneder", "½ år".

Openings are agreed in months ("tre måneders praktik") but the law and the
job centre's systems count weeks, so the app stores weeks and lets people
type or pick months. A month is 52/12 weeks, rounded: 1 → 4, 3 → 13, 6 → 26,
12 → 52, the numbers the job centres' own guides use.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

WEEKS_PER_YEAR = 52

_UNITS: dict[str, float] = {}
for _words, _weeks in (
    (("u", "uge", "uger", "w", "wk", "wks", "week", "weeks"), 1),
    (("md", "mdr", "mnd", "mnd.", "md.", "mdr.", "måned", "måneder", "maaned", "maaneder", "m", "month", "months",
      "mo"), WEEKS_PER_YEAR / 12),
    (("år", "aar", "y", "yr", "year", "years"), WEEKS_PER_YEAR),
):
    for _word in _words:
        _UNITS[_word] = _weeks

_TYPED = re.compile(r"^\s*(?P<amount>\d+(?:[.,]\d+)?|½|\d+\s*½)?\s*(?P<unit>[^\d\s]+\.?)?\s*$", re.IGNORECASE)


@dataclass(frozen=True)
class DurationPreset:
    """A duration offered in a list: shown in months (or a year), stored in weeks."""

    weeks: int
    label_da: str
    label_en: str


PRESETS = (
    DurationPreset(4, "1 måned", "1 month"),
    DurationPreset(9, "2 måneder", "2 months"),
    DurationPreset(13, "3 måneder", "3 months"),
    DurationPreset(26, "6 måneder", "6 months"),
    DurationPreset(39, "9 måneder", "9 months"),
    DurationPreset(52, "1 år", "1 year"),
)


def has_unit(text: str) -> bool:
    """True when ``text`` names a unit ("3 måneder"), i.e. is not a plain number of weeks."""
    return any(ch.isalpha() or ch == "½" for ch in text)


def parse_weeks(text: str) -> int:
    """Weeks from a typed duration; raises ValueError for text that is not one.

    A plain number is weeks. "3 måneder", "3 mdr", "3 months" are 13 weeks;
    "1 år" and "½ år" 52 and 26; "6 uger" 6. A unit with no number means one.
    """
    match = _TYPED.match(text.strip().lower())
    if not match or not (match["amount"] or match["unit"]):
        raise ValueError(text)
    raw = (match["amount"] or "1").replace(" ", "")
    amount = float(raw[:-1] or 0) + 0.5 if raw.endswith("½") else float(raw.replace(",", "."))
    unit = match["unit"]
    per = 1.0 if unit is None else _UNITS.get(unit, _UNITS.get(unit.rstrip(".")))
    if per is None:
        raise ValueError(text)
    weeks = amount * per
    # Half up, as people round: 2 months (8.67 weeks) is 9, 3 months (13.0) is 13.
    return int(weeks + 0.5)
