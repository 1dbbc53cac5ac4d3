"""Reminders in the system tray: the count of due follow-ups and centre visits, a notification, a snooze.

The due list is read on the database worker through the operation helper, at
start, every ten minutes, and a moment after something that matters changed;
which items to show and announce is decided Qt-free in desktop.domain.reminders.
Snoozes are kept in QSettings per item. Where there is no system tray
(``QSystemTrayIcon.isSystemTrayAvailable()`` is false, as offscreen) the state
and the menu are still kept, only nothing is shown or announced.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

from PySide6.QtCore import QObject, QRectF, QSettings, Qt, QTimer
from PySide6.QtGui import QColor, QFont, QIcon, QPainter, QPixmap
from PySide6.QtWidgets import QMenu, QSystemTrayIcon, QWidget

from desktop.domain.reminders import (
    HOUR,
    TOMORROW,
    DueItem,
    dump_snoozes,
    forget_expired,
    load_snoozes,
    newly_due,
    showing,
    snooze_until,
)
from desktop.models.changes import Changes
from desktop.models.reminders import due_items
from desktop.paths import resource
from desktop.ui.context import AppContext
from desktop.ui.i18n import fmt_date, tr
from desktop.ui.operation import Op
from desktop.ui.widgets.counts import counted

INTERVAL_MS = 10 * 60 * 1000  # read the due list again every ten minutes
AFTER_CHANGE_MS = 2000  # and a moment after a change (autosave writes often; one read for a burst)
MENU_ITEMS = 8  # the tray menu lists this many; "Åbn I dag" shows the rest
SETTINGS_KEY = "reminders/snoozed"
NOTE_CHARS = 70  # a menu line and a notification stay short; the note is read in full where it opens
RELEVANT = ("follow_up", "company", "visit")


def badge_icon(base: QIcon, count: int, size: int = 64) -> QIcon:
    """The app icon with a red badge holding ``count`` (none for 0; "99+" above 99)."""
    pixmap = base.pixmap(size, size) if not base.isNull() else QPixmap(size, size)
    if base.isNull():
        pixmap.fill(QColor("#1f5f4a"))
    if count <= 0:
        return QIcon(pixmap)
    painter = QPainter(pixmap)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    text = str(count) if count < 100 else "99+"
    diameter = size * 0.62
    box = QRectF(size - diameter, 0, diameter, diameter)
    painter.setPen(Qt.PenStyle.NoPen)
    painter.setBrush(QColor("#c62828"))
    painter.drawEllipse(box.center(), diameter / 2, diameter / 2)
    font = QFont()
    font.setBold(True)
    font.setPixelSize(int(diameter * (0.62 if len(text) == 1 else 0.5 if len(text) == 2 else 0.36)))
    painter.setFont(font)
    painter.setPen(QColor("white"))
    painter.drawText(box, Qt.AlignmentFlag.AlignCenter, text)
    painter.end()
    return QIcon(pixmap)


def item_text(item: DueItem) -> str:
    """One line of the menu: "23-11-2026 · Aars Tømrer — Ring om praktik (forfalden)"."""
    when = fmt_date(item.due_on) if item.due_on else tr("centre visit due")
    note = item.note if len(item.note) <= NOTE_CHARS else item.note[:NOTE_CHARS - 1].rstrip() + "…"
    if item.title and item.title in item.note:  # "Besøg virksomhedscenter: <name>" names the company already
        text = f"{when} · {note}"
    else:
        text = f"{when} · {item.title}" + (f" — {note}" if note else "")
    return text + (f" ({tr('overdue')})" if item.overdue else "")


class Reminders(QObject):
    """The tray icon and its menu, the notification of newly due items, and the snoozes.

    ``open_item(kind, id)`` shows what a click opens: ``("company", id)``,
    ``("visit", id)`` or ``("today", "")``.
    """

    def __init__(self, ctx: AppContext, open_item: Callable[[str, str], None], parent: QWidget | None = None,
                 now: Callable[[], datetime] = datetime.now) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.open_item = open_item
        self.now = now
        self.due: list[DueItem] = []  # everything due, as last read
        self.items: list[DueItem] = []  # what is reminded of now (not snoozed)
        self.announced: set[str] = set()
        self.last_notice: tuple[str, str] | None = None  # (title, text) of the last notification, for the tests
        self._clicked: DueItem | None = None  # what clicking the last notification opens
        self.snoozed = load_snoozes(QSettings().value(SETTINGS_KEY, ""))
        self.base_icon = QIcon(str(resource("icons", "feltbog.svg")))
        self.tray = QSystemTrayIcon(self.base_icon, self)
        self.menu = QMenu(parent)
        self.menu.setObjectName("reminders_menu")
        self.tray.setContextMenu(self.menu)
        self.tray.activated.connect(self._activated)
        self.tray.messageClicked.connect(self._message_clicked)
        self.timer = QTimer(self)
        self.timer.setInterval(INTERVAL_MS)
        self.timer.timeout.connect(self.refresh)
        self.soon = QTimer(self)
        self.soon.setSingleShot(True)
        self.soon.setInterval(AFTER_CHANGE_MS)
        self.soon.timeout.connect(self.refresh)
        ctx.events.changes_applied.connect(self._changed)
        ctx.events.account_changed.connect(self._account_changed)  # signed in as someone: their items
        self._show([])

    @staticmethod
    def tray_available() -> bool:
        """True where the desktop has a system tray (false offscreen and on some Linux desktops)."""
        return QSystemTrayIcon.isSystemTrayAvailable()

    def start(self) -> None:
        """Read the due list in a moment (the account snapshot is read first) and then every ten minutes;
        show the icon where there is a tray."""
        if self.tray_available():
            self.tray.show()
        self.timer.start()
        self.soon.start()

    def stop(self) -> None:
        """No more reads; the icon goes (the window closed)."""
        self.timer.stop()
        self.soon.stop()
        self.tray.hide()

    def _account_changed(self, _account: object) -> None:
        self.soon.start()

    def _changed(self, changes: Changes) -> None:
        if changes.touches(*RELEVANT):
            self.soon.start()

    def refresh(self) -> None:
        """Read the due items on the database worker (the user and the day captured here)."""
        user, today = self.ctx.account.user_id, self.ctx.today()
        Op.read(self.ctx, lambda session: due_items(session, user, today)).tied_to(self).success(self._read).run()

    def _read(self, due: list[DueItem]) -> None:
        self.due = due
        now = self.now()
        self.snoozed = forget_expired(self.snoozed, now, keys=[i.key for i in due])
        self._save_snoozes()
        self._show(showing(due, self.snoozed, now))

    def _show(self, items: list[DueItem]) -> None:
        self.items = items
        count = len(items)
        tip = counted(count, tr("Feltbog: 1 follow-up or visit due"), tr("Feltbog: %1 follow-ups or visits due")) \
            if count else tr("Feltbog: nothing due")
        self.tray.setToolTip(tip)
        self.tray.setIcon(badge_icon(self.base_icon, count))
        self._fill_menu()
        new = newly_due(items, self.announced)
        self.announced |= {i.key for i in items}
        if new:
            self._notify(new)

    def _fill_menu(self) -> None:
        for action in self.menu.actions():  # clear() leaves the submenus behind: each refresh would add some
            if action.menu() is not None:
                action.menu().deleteLater()
        self.menu.clear()
        for item in self.items[:MENU_ITEMS]:
            sub = self.menu.addMenu(item_text(item))
            sub.addAction(tr("Open")).triggered.connect(lambda _c=False, i=item: self.open(i))
            sub.addAction(tr("Remind me again in 1 hour")).triggered.connect(
                lambda _c=False, i=item: self.snooze([i], HOUR))
            sub.addAction(tr("Remind me again tomorrow")).triggered.connect(
                lambda _c=False, i=item: self.snooze([i], TOMORROW))
        if len(self.items) > MENU_ITEMS:
            more = self.menu.addAction(tr("%1 more on Today").replace("%1", str(len(self.items) - MENU_ITEMS)))
            more.setEnabled(False)
        if self.items:
            self.menu.addSeparator()
            self.menu.addAction(tr("Remind me of all again in 1 hour")).triggered.connect(
                lambda: self.snooze(list(self.items), HOUR))
            self.menu.addAction(tr("Remind me of all again tomorrow")).triggered.connect(
                lambda: self.snooze(list(self.items), TOMORROW))
            self.menu.addSeparator()
        self.menu.addAction(tr("Open Today")).triggered.connect(lambda: self.open_item("today", ""))

    def _notify(self, new: list[DueItem]) -> None:
        if len(new) == 1:
            title, text = tr("Due today"), item_text(new[0])
        else:
            title = counted(len(new), tr("1 follow-up or visit due"), tr("%1 follow-ups or visits due"))
            text = "\n".join(item_text(i) for i in new[:3]) + ("\n…" if len(new) > 3 else "")
        self.last_notice = (title, text)
        self._clicked = new[0] if len(new) == 1 else None  # several: the click opens I dag
        if self.tray_available() and self.tray.isVisible():
            self.tray.showMessage(title, text, self.tray.icon(), 15_000)

    def _message_clicked(self) -> None:
        if self._clicked is not None:
            self.open(self._clicked)
        else:
            self.open_item("today", "")

    def _activated(self, reason: QSystemTrayIcon.ActivationReason) -> None:
        if reason in (QSystemTrayIcon.ActivationReason.Trigger, QSystemTrayIcon.ActivationReason.DoubleClick):
            self.open_item("today", "")

    def open(self, item: DueItem) -> None:
        """Show what the item is about (its company or visit; I dag for the rest)."""
        self.open_item(item.opens, item.opens_id)

    def snooze(self, items: list[DueItem], choice: str) -> None:
        """Remind of ``items`` again in an hour or tomorrow morning (kept in the settings, so across a restart)."""
        until = snooze_until(choice, self.now())
        for item in items:
            self.snoozed[item.key] = until
            self.announced.discard(item.key)  # when it comes back, it is announced again
        self._save_snoozes()
        self._show(showing(self.due, self.snoozed, self.now()))

    def _save_snoozes(self) -> None:
        QSettings().setValue(SETTINGS_KEY, dump_snoozes(self.snoozed))

    def menu_texts(self) -> list[str]:
        """The menu's entries as shown (for the tests and accessibility checks)."""
        return [a.text() for a in self.menu.actions() if not a.isSeparator()]
