"""Reminders of due follow-ups and centre visits: which to show, which are new, and snoozes. Qt-free.

The tray (desktop.ui.reminders) reads the due items on the database worker
(desktop.models.reminders), then asks this module which of them to show (not
snoozed now) and which to announce (not announced before in this run).
Snoozes are kept per item as "remind me again after" times, stored as a small
JSON text (the UI keeps it in QSettings).
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

MORNING = time(8, 0)  # "tomorrow" means tomorrow morning, when the working day starts
HOUR = "hour"
TOMORROW = "tomorrow"


@dataclass(frozen=True)
class DueItem:
    """One thing due: a follow-up (``follow_up:<id>``) or a centre due for a visit (``centre:<company id>``)."""

    key: str
    due_on: date | None
    title: str  # the company (or what the follow-up is about)
    note: str
    opens: str  # what a click opens: "company", "visit" or "today"
    opens_id: str
    overdue: bool = False


def snooze_until(choice: str, now: datetime) -> datetime:
    """When a snoozed item comes back: in an hour, or tomorrow at 08:00."""
    if choice == HOUR:
        return now + timedelta(hours=1)
    if choice == TOMORROW:
        return datetime.combine(now.date() + timedelta(days=1), MORNING)
    raise ValueError(f"unknown snooze: {choice}")


def showing(items: Iterable[DueItem], snoozed: Mapping[str, datetime], now: datetime) -> list[DueItem]:
    """The items to remind of now: due and not snoozed past ``now``; overdue first, then by date."""
    shown = [item for item in items if snoozed.get(item.key, now) <= now]
    return sorted(shown, key=lambda i: (not i.overdue, i.due_on or date.min, i.title.casefold()))


def newly_due(items: Iterable[DueItem], announced: Iterable[str]) -> list[DueItem]:
    """The items not announced yet (a notification says each item once per run, or again after its snooze)."""
    seen = set(announced)
    return [item for item in items if item.key not in seen]


def forget_expired(
    snoozed: Mapping[str, datetime], now: datetime, keys: Iterable[str] | None = None
) -> dict[str, datetime]:
    """The snoozes still running; with ``keys``, only those of items that are still due."""
    wanted = None if keys is None else set(keys)
    return {k: v for k, v in snoozed.items() if v > now and (wanted is None or k in wanted)}


def dump_snoozes(snoozed: Mapping[str, datetime]) -> str:
    """The snoozes as JSON text (for QSettings)."""
    return json.dumps({k: v.isoformat(timespec="minutes") for k, v in sorted(snoozed.items())})


def load_snoozes(text: object) -> dict[str, datetime]:
    """Read :func:`dump_snoozes` text; anything unreadable is no snooze (never an error at start-up)."""
    if not isinstance(text, str) or not text:
        return {}
    try:
        raw = json.loads(text)
    except ValueError:
        return {}
    out: dict[str, datetime] = {}
    if isinstance(raw, dict):
        for key, value in raw.items():
            try:
                out[str(key)] = datetime.fromisoformat(str(value))
            except ValueError:
                continue
    return out
