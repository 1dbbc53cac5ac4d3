"""Keeps the calendar file in the data folder current (issue 16, point 3).

After every change the operation helper announces (local edits, and what a
sync pulled: both come through ``changes_applied``) and when the signed-in
user changes, the file is rewritten on the database worker through
:class:`~desktop.ui.operation.Op`, a moment after the last of a burst. The
writing itself is :func:`desktop.exchange.calendar_feed.write_calendar_file`
(Qt-free: whole file, temporary file + os.replace, only when changed).

An encrypted database gets no plain-text calendar beside it: the file is
removed while encryption is on.
"""

from __future__ import annotations

import logging
from pathlib import Path

from PySide6.QtCore import QObject, QTimer
from sqlalchemy.orm import Session

from desktop.exchange.calendar_feed import calendar_file, write_calendar_file
from desktop.models.changes import Changes
from desktop.ui.account import AccountSnapshot
from desktop.ui.context import AppContext
from desktop.ui.operation import Op

log = logging.getLogger(__name__)

CALENDAR_ENTITIES = ("follow_up", "company", "visit", "opening")


class CalendarKeeper(QObject):
    """Rewrites ``<data>/feltbog-kalender.ics`` after changes; lives as long as the main window."""

    def __init__(self, ctx: AppContext, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self._timer = QTimer(self, singleShot=True, interval=500)
        self._timer.timeout.connect(self.update_now)
        ctx.events.changes_applied.connect(self._changed)
        ctx.events.account_changed.connect(self._account_changed)

    def _changed(self, changes: Changes) -> None:
        if changes.touches(*CALENDAR_ENTITIES):
            self._timer.start()  # a burst (a sync's pages, an import) is written once

    def _account_changed(self, _account: AccountSnapshot) -> None:
        self._timer.start()

    def update_now(self) -> None:
        """Rewrite the file now (on the database worker); values are captured here, on the GUI thread."""
        db, user_id, today = self.ctx.db, self.ctx.account.user_id, self.ctx.today()
        if db.path is None or not user_id:
            return
        folder = db.path.parent

        def write(session: Session) -> Path | None:
            if db.encrypted:
                calendar_file(folder).unlink(missing_ok=True)
                return None
            return write_calendar_file(session, folder, user_id, today)

        Op.read(self.ctx, write).tied_to(self).failure(self._failed).run()

    def _failed(self, error: BaseException) -> None:
        # A calendar that could not be written must not interrupt the work: the next change tries again.
        log.warning("The calendar file could not be written: %s", type(error).__name__)
