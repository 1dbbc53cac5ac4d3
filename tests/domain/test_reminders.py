"""Which due items the tray reminds of, which are new, and snoozes (issue 16, point 2)."""

from __future__ import annotations

from datetime import date, datetime

import pytest

from desktop.domain.reminders import (
    DueItem,
    dump_snoozes,
    forget_expired,
    load_snoozes,
    newly_due,
    showing,
    snooze_until,
)

NOW = datetime(2026, 11, 23, 10, 30)


def item(key: str, due: date | None = date(2026, 11, 23), overdue: bool = False, title: str = "Firma") -> DueItem:
    return DueItem(key, due, title, "", "company", "c1", overdue)


def test_snooze_an_hour_or_until_tomorrow_morning():
    assert snooze_until("hour", NOW) == datetime(2026, 11, 23, 11, 30)
    assert snooze_until("tomorrow", NOW) == datetime(2026, 11, 24, 8, 0)
    assert snooze_until("tomorrow", datetime(2026, 12, 31, 23, 50)) == datetime(2027, 1, 1, 8, 0)
    with pytest.raises(ValueError):
        snooze_until("forever", NOW)


def test_snoozed_items_come_back_after_their_time_and_overdue_come_first():
    a, b, c = item("follow_up:a"), item("follow_up:b", date(2026, 11, 20), overdue=True), item("centre:c", None)
    snoozed = {"follow_up:a": datetime(2026, 11, 23, 11, 30)}
    assert showing([a, b, c], snoozed, NOW) == [b, c]
    assert showing([a, b, c], snoozed, datetime(2026, 11, 23, 11, 30)) == [b, c, a]


def test_new_items_are_those_not_announced():
    a, b = item("follow_up:a"), item("follow_up:b")
    assert newly_due([a, b], {"follow_up:a"}) == [b]
    assert newly_due([a, b], []) == [a, b]


def test_expired_snoozes_and_those_of_items_no_longer_due_are_forgotten():
    snoozed = {"a": datetime(2026, 11, 23, 9, 0), "b": datetime(2026, 11, 24, 8, 0), "c": datetime(2026, 11, 24, 8)}
    assert forget_expired(snoozed, NOW) == {"b": snoozed["b"], "c": snoozed["c"]}
    assert forget_expired(snoozed, NOW, keys=["c"]) == {"c": snoozed["c"]}


def test_snoozes_survive_the_settings_text_and_bad_text_is_none():
    snoozed = {"follow_up:a": datetime(2026, 11, 24, 8, 0)}
    assert load_snoozes(dump_snoozes(snoozed)) == snoozed
    assert load_snoozes("not json") == {}
    assert load_snoozes(None) == {}
    assert load_snoozes('{"x": "tirsdag"}') == {}
