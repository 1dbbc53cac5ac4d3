"""Reminders of due follow-ups and centre visits in the tray, away from I dag (issue 16, point 2).

Offscreen there is no system tray: the tests check the state, the tooltip, the
badge and the menu, and what the notification would say and open.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from PySide6.QtCore import QSettings

from desktop.domain.reminders import load_snoozes
from desktop.ui.reminders import SETTINGS_KEY
from tests.conftest import TODAY

NOW = datetime(2026, 11, 23, 9, 15)


def _due(ctx):
    ops = ctx.ops()
    company = ops.create_company(name="Aars Tømrer").id
    ops.create_follow_up("company", company, due_on=TODAY - timedelta(days=3), note="Ring om praktik")
    ops.create_follow_up("company", company, due_on=TODAY, note="Send kontrakt")
    ops.create_follow_up("company", company, due_on=TODAY + timedelta(days=2), note="Ikke endnu")
    return company


def test_the_tray_counts_due_items_and_announces_them_while_another_screen_is_open(ctx, window, qtbot):
    company = _due(ctx)
    reminders = window.reminders
    reminders.now = lambda: NOW
    window.sidebar.setCurrentRow(3)  # Opslag: I dag is not open
    reminders.refresh()
    qtbot.waitUntil(lambda: len(reminders.items) == 2, timeout=5000)
    assert reminders.tray.toolTip() == "Feltbog: 2 opfølgninger eller besøg forfalder"
    assert not reminders.tray.icon().isNull()
    texts = reminders.menu_texts()
    assert texts[0] == "20-11-2026 · Aars Tømrer — Ring om praktik (overskredet)"
    assert texts[1] == "23-11-2026 · Aars Tømrer — Send kontrakt"
    assert texts[-3:] == ["Påmind mig om alle igen om 1 time", "Påmind mig om alle igen i morgen", "Åbn I dag"]
    title, text = reminders.last_notice
    assert title == "2 opfølgninger eller besøg forfalder" and "Ring om praktik" in text
    reminders._message_clicked()  # several: the click opens I dag
    assert window.stack.currentWidget() is window.today
    # "Åbn" on one of them opens its company's page
    window.sidebar.setCurrentRow(3)
    reminders.menu.actions()[0].menu().actions()[0].trigger()
    qtbot.waitUntil(lambda: window.companies.page.heading.text() == "Aars Tømrer", timeout=5000)
    assert window.stack.currentWidget() is window.companies and window.companies.page.company_id == company


def test_a_new_follow_up_due_is_announced_alone_and_its_click_opens_it(ctx, window, qtbot):
    company = _due(ctx)
    reminders = window.reminders
    reminders.now = lambda: NOW
    reminders.refresh()
    qtbot.waitUntil(lambda: len(reminders.items) == 2, timeout=5000)
    reminders.last_notice = None
    from desktop.ui.operation import Op

    Op.write(ctx, lambda ops: ops.create_follow_up("company", company, due_on=TODAY, note="Tjek mentor")).run()
    qtbot.waitUntil(lambda: len(reminders.items) == 3, timeout=8000)  # after changes_applied, without I dag
    assert reminders.last_notice == ("Forfalder i dag", "23-11-2026 · Aars Tømrer — Tjek mentor")
    window.sidebar.setCurrentRow(5)
    reminders._message_clicked()
    qtbot.waitUntil(lambda: window.companies.page.company_id == company, timeout=5000)
    assert window.stack.currentWidget() is window.companies


def test_snooze_one_for_an_hour_and_all_until_tomorrow(ctx, window, qtbot):
    _due(ctx)
    reminders = window.reminders
    clock = {"now": NOW}
    reminders.now = lambda: clock["now"]
    reminders.refresh()
    qtbot.waitUntil(lambda: len(reminders.items) == 2, timeout=5000)
    first = reminders.items[0]
    snooze_hour = reminders.menu.actions()[0].menu().actions()[1]
    assert snooze_hour.text() == "Påmind mig igen om 1 time"
    snooze_hour.trigger()
    assert [i.key for i in reminders.items] == [reminders.due[1].key] or len(reminders.items) == 1
    assert first.key not in [i.key for i in reminders.items]
    assert reminders.tray.toolTip() == "Feltbog: 1 opfølgning eller besøg forfalder"
    assert load_snoozes(QSettings().value(SETTINGS_KEY)) == {first.key: datetime(2026, 11, 23, 10, 15)}
    # an hour later it is back, and announced again
    clock["now"] = datetime(2026, 11, 23, 10, 20)
    reminders.last_notice = None
    reminders.refresh()
    qtbot.waitUntil(lambda: len(reminders.items) == 2, timeout=5000)
    assert reminders.last_notice is not None and "Ring om praktik" in reminders.last_notice[1]
    # all until tomorrow morning: nothing left, the snoozes kept across a restart (QSettings)
    next(a for a in reminders.menu.actions() if a.text() == "Påmind mig om alle igen i morgen").trigger()
    assert reminders.items == [] and reminders.tray.toolTip() == "Feltbog: intet forfalder"
    assert set(load_snoozes(QSettings().value(SETTINGS_KEY)).values()) == {datetime(2026, 11, 24, 8, 0)}
    assert reminders.menu_texts() == ["Åbn I dag"]


def test_the_due_list_is_read_on_the_database_worker(ctx, window, qtbot, monkeypatch):
    import threading

    from desktop.models import reminders as query

    threads = []
    real = query.due_items

    def spy(*args, **kwargs):
        threads.append(threading.current_thread())
        return real(*args, **kwargs)

    monkeypatch.setattr("desktop.ui.reminders.due_items", spy)
    window.reminders.refresh()
    qtbot.waitUntil(lambda: bool(threads), timeout=5000)
    assert threads[0] is not threading.main_thread()
    assert window.reminders.timer.isActive() and window.reminders.timer.interval() == 10 * 60 * 1000


def test_a_line_names_the_company_once_and_a_long_note_is_shortened(app):
    from desktop.domain.reminders import DueItem
    from desktop.ui.reminders import item_text

    centre = DueItem("follow_up:a", TODAY, "Vesthimmerland Virksomhedscenter",
                     "Besøg virksomhedscenter: Vesthimmerland Virksomhedscenter", "company", "c", True)
    assert item_text(centre) == "23-11-2026 · Besøg virksomhedscenter: Vesthimmerland Virksomhedscenter (overskredet)"
    long = DueItem("follow_up:b", TODAY, "Aars Tømrer", "Ring " * 40, "company", "c")
    assert item_text(long).endswith("…") and len(item_text(long)) < 100


def test_refreshing_keeps_one_submenu_per_item(ctx, window, qtbot):
    from PySide6.QtCore import QCoreApplication, QEvent
    from PySide6.QtWidgets import QMenu

    _due(ctx)
    reminders = window.reminders
    reminders.now = lambda: NOW
    for _ in range(3):
        reminders.refresh()
        qtbot.waitUntil(lambda: len(reminders.items) == 2, timeout=5000)
        qtbot.wait(50)
        reminders.items = []
    QCoreApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete)
    assert len(reminders.menu.findChildren(QMenu)) == 2
