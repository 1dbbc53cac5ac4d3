"""Composition root: builds the database, sync, background tasks and the window."""

from __future__ import annotations

import logging
import sys
import threading
from pathlib import Path
from typing import Any

from PySide6.QtCore import QObject, Qt, Signal, Slot
from PySide6.QtGui import QIcon
from PySide6.QtWidgets import QApplication, QMessageBox, QWidget

from desktop.config import default_data_dir, log_dir
from desktop.credentials import Credentials
from desktop.errors import UserFacingError
from desktop.logs import setup_logging
from desktop.models.db import Database
from desktop.models.health import DatabaseDamagedError
from desktop.paths import resource
from desktop.preset import load_preset
from desktop.sync.runner import SyncRunner
from desktop.sync.service import SyncService
from desktop.ui import accessibility, i18n
from desktop.ui.context import AppContext
from desktop.ui.dialogs.recovery import recover
from desktop.ui.errors import CrashReporter
from desktop.ui.events import AppEvents
from desktop.ui.garbage import GuiGarbageCollector
from desktop.ui.i18n import tr
from desktop.ui.operation import Op
from desktop.ui.sync_relay import SyncRelay
from desktop.ui.tasks import TaskRunner
from desktop.ui.theme import ThemeKeeper
from desktop.ui.widgets.ask import ask

log = logging.getLogger(__name__)


class GuiConfirmer(QObject):
    """Lets the sync thread ask the user a yes/no question and wait for the answer."""

    ask = Signal(object)

    def __init__(self) -> None:
        super().__init__()
        self.ask.connect(self._ask, Qt.ConnectionType.QueuedConnection)
        self.answer_for_tests: bool | None = None

    def confirm_mass_delete(self, count: int, total: int, reason: str) -> bool:
        """Ask on the GUI thread and wait for the answer (called on the sync thread)."""
        if self.answer_for_tests is not None:
            return self.answer_for_tests
        box = {"event": threading.Event(), "answer": False, "count": count, "total": total, "reason": reason}
        self.ask.emit(box)
        box["event"].wait(600)
        return bool(box["answer"])

    @Slot(object)
    def _ask(self, box: dict) -> None:
        text = (tr("You signed in to another server. Replace the data on this computer with that server's data? "
                   "Unsent changes are kept.") if box["reason"] == "server_changed" else
                tr("The sync would remove %1 of the %2 records on this computer. A backup is made first. "
                   "Continue?").replace("%1", str(box["count"])).replace("%2", str(box["total"])))
        box["answer"] = ask(None, tr("Feltbog"), text)
        box["event"].set()


def build_context(data_dir: Path, *, start_sync: bool = True, interval: float = 120.0,
                  debounce: float = 3.0, credentials: Credentials | None = None) -> AppContext:
    """Open the database (migrating after a backup) and wire sync and tasks.

    The account snapshot is read right away (the database's part on the
    database worker, the keychain's on the network pool); until it arrives
    the context holds an empty one (offline, not signed in).
    """
    db = Database.in_folder(data_dir)
    events = AppEvents()
    confirmer = GuiConfirmer()
    service = SyncService(db, credentials or Credentials(), confirm_mass_delete=confirmer.confirm_mass_delete)
    ctx = AppContext(db=db, tasks=TaskRunner(), events=events, service=service, preset=load_preset())
    relay = SyncRelay(ctx)
    ctx.companions += [confirmer, relay]
    ctx.runner = SyncRunner.for_service(service, on_status=events.sync_status.emit, on_result=relay.deliver,
                                        interval=interval, debounce=debounce)
    ctx.refresh_account()
    if start_sync:
        ctx.runner.start()
    return ctx


def make_application(argv: list[str] | None = None) -> QApplication:
    """The QApplication with names, icon, style sheet and translator."""
    app = QApplication.instance() or QApplication(argv or sys.argv)
    app.setOrganizationName("Feltbog")
    app.setApplicationName("Feltbog")
    app.setWindowIcon(QIcon(str(resource("icons", "feltbog.svg"))))
    if app.findChild(GuiGarbageCollector) is None:
        GuiGarbageCollector(app)  # cycles are freed on the GUI thread, never on a worker (desktop/ui/garbage.py)
    if app.findChild(ThemeKeeper) is None:
        ThemeKeeper(app)  # feltbog.qss, with its dark-mode additions when the system is dark
    accessibility.install(app)  # every input of every window gets an accessible name when first shown
    i18n.set_language(i18n.saved_language(), app)
    return app


def open_context(folder: Path, **kwargs: Any) -> AppContext | None:
    """The context (``build_context``'s arguments), after offering recovery if the database file is damaged.

    None when it cannot open (the user quit, or the file cannot be read for another reason, said in a message).
    """
    for _attempt in range(2):  # a recovered file opens at the second try
        try:
            return build_context(folder, **kwargs)
        except DatabaseDamagedError as error:
            log.error("The database is damaged (%s)", error.damage.value)
            if not recover(error):
                return None
        except UserFacingError as error:  # e.g. an encrypted database whose key is not in the keychain
            log.error("Could not open the database (%s)", type(error).__name__)
            QMessageBox.critical(None, tr("Feltbog"), error.message(i18n.language()))
            return None
    return None


def look_after_the_file(ctx: AppContext, parent: QWidget) -> None:
    """Once the window is up: the page check of a large file, then the daily backup.

    Both read the file through connections of their own (WAL lets them read
    beside the app), so they run on the pool beside the database worker and
    do not hold up the lists: the check reads about 1 GB a second. A file
    found damaged is marked, so the next start offers recovery; the
    user is told now, while everything typed so far is still in the file.
    """

    def check() -> object:
        if not ctx.db.pages_checked:  # a small file was checked as it opened
            ctx.db.check_pages()
        return ctx.db.backup_daily_if_due()

    def damaged(error: BaseException) -> None:
        if isinstance(error, DatabaseDamagedError):
            QMessageBox.warning(parent, tr("Feltbog"), error.message(i18n.language()) + "\n\n" + tr(
                "Restart Feltbog to recover it. Keep working only if you must: what you type now is "
                "rescued as far as the file can still be read."))
        else:
            log.warning("The start-up check of the database failed (%s)", type(error).__name__)

    Op.network(ctx, check, parent).failure(damaged).run()


def offer_sign_in_on_first_start(ctx: AppContext, window: Any) -> None:
    """First start (no server known yet): the sign-in dialog, whose "Arbejd offline" leaves it for later."""
    ctx.refresh_account(lambda account: None if account.server_url else window.sign_in())


def run_app(data_dir: Path | None = None) -> int:
    """``python -m desktop``: show the main window (and the login on first run)."""
    folder = Path(data_dir) if data_dir else default_data_dir()
    setup_logging(log_dir(folder))
    app = make_application()
    reporter = CrashReporter()
    reporter.install()
    from desktop.ui.main_window import MainWindow

    ctx = open_context(folder)
    if ctx is None:
        return 1
    window = MainWindow(ctx)
    window.show()
    offer_sign_in_on_first_start(ctx, window)
    Op.write(ctx, lambda ops: ops.plan_centre_follow_ups()).run()
    look_after_the_file(ctx, window)
    code = app.exec()
    ctx.runner.stop()
    ctx.tasks.shutdown()
    ctx.db.close()
    return code
