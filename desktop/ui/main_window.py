"""The main window: sidebar, screens, menus and the sync status bar. No business logic."""

from __future__ import annotations

import importlib
from collections.abc import Callable
from concurrent.futures import Future
from typing import TYPE_CHECKING, cast

from PySide6.QtCore import QSize, Qt, QTimer
from PySide6.QtGui import QAction, QCloseEvent, QIcon, QKeySequence
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QMainWindow,
    QMessageBox,
    QProgressDialog,
    QWidget,
)

from desktop import __version__
from desktop.domain.digest import week_key
from desktop.models.search_everything import Found
from desktop.paths import resource
from desktop.sync.engine import SyncResult
from desktop.sync.runner import SyncStatus
from desktop.ui.accessibility import name_inputs
from desktop.ui.account import AccountSnapshot
from desktop.ui.calendar_keeper import CalendarKeeper
from desktop.ui.context import AppContext
from desktop.ui.i18n import tr
from desktop.ui.reminders import Reminders
from desktop.ui.screens.companies import CompaniesScreen
from desktop.ui.screens.today import TodayScreen
from desktop.ui.widgets.lazy_stack import LazyStack
from desktop.ui.widgets.sync_status import SyncStatusWidget

if TYPE_CHECKING:  # the other screens' modules are imported when the screen is first built (start-up)
    from desktop.ui.screens.conflicts import ConflictsScreen
    from desktop.ui.screens.records import FollowUpsScreen, MentorsScreen, OpeningsScreen
    from desktop.ui.screens.reports import ReportsScreen
    from desktop.ui.screens.review import ReviewScreen
    from desktop.ui.screens.visits import VisitsScreen

LONG_SYNC_RECORDS = 2_000  # a sync that pulls more than this gets a progress dialog


class MainWindow(QMainWindow):
    """Assembles the screens; screens do their own work."""

    def __init__(self, ctx: AppContext) -> None:
        super().__init__()
        self.ctx = ctx
        self.setWindowTitle(tr("Feltbog – field book for company consultants"))
        self.setWindowIcon(QIcon(str(resource("icons", "feltbog.svg"))))
        self.resize(1200, 780)
        # Built when first shown or asked for (LazyStack): only Today is built at start-up.
        factories = [
            lambda: TodayScreen(ctx, open_company=self.open_company, open_visit=self.open_visit,
                                open_review=self.open_review),
            lambda: CompaniesScreen(ctx, open_visit=self.open_visit, start_visit=self.start_visit),
            _built_later(ctx, "visits", "VisitsScreen"),
            _built_later(ctx, "records", "OpeningsScreen"),
            _built_later(ctx, "records", "MentorsScreen"),
            _built_later(ctx, "records", "FollowUpsScreen"),
            _built_later(ctx, "conflicts", "ConflictsScreen"),
            _built_later(ctx, "reports", "ReportsScreen"),
            _built_later(ctx, "review", "ReviewScreen"),
        ]
        # A screen built after the window was shown missed the naming of inputs at show: name them when built.
        self.stack = LazyStack(factories, on_built=name_inputs)
        self.sidebar = QListWidget()
        self.sidebar.setObjectName("sidebar")
        self.sidebar.setAccessibleName(tr("Screens"))
        self.sidebar.setFixedWidth(190)
        self.sidebar.setIconSize(QSize(18, 18))
        self.titles = [tr("Today"), tr("Companies"), tr("Visits"), tr("Openings"), tr("Mentors"), tr("Follow-ups"),
                       tr("Conflicts"), tr("Reports"), tr("Review")]
        self.go_actions: list[QAction] = []  # Ctrl+1..9, listed in the Go menu
        for number, title in enumerate(self.titles, start=1):
            self.sidebar.addItem(QListWidgetItem(title))
            action = QAction(title, self)
            action.setShortcut(QKeySequence(f"Ctrl+{number}"))
            action.triggered.connect(lambda _c=False, n=number - 1: self.sidebar.setCurrentRow(n))
            self.go_actions.append(action)
        self.sidebar.currentRowChanged.connect(self.stack.show_page)
        central = QWidget()
        layout = QHBoxLayout(central)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(0)
        layout.addWidget(self.sidebar)
        layout.addWidget(self.stack, 1)
        self.setCentralWidget(central)
        self.sync_widget = SyncStatusWidget(self.sync_now)
        self.statusBar().addPermanentWidget(self.sync_widget)
        self._progress: QProgressDialog | None = None
        self._manual_sync = False
        # The week whose digest offer was looked at: again after every sync (the account snapshot comes then),
        # so a window left open over the weekend offers the digest on Monday too (once a week: models/state).
        self._digest_week: str | None = None
        self._status = ctx.runner.status() if ctx.runner else SyncStatus()
        self._menus()
        self.reminders = Reminders(ctx, self.open_reminder, self)  # the tray: due items even when I dag is not open
        self.reminders.start()
        self.calendar = CalendarKeeper(ctx, self)  # <data>/feltbog-kalender.ics follows every change
        ctx.events.sync_status.connect(self.show_sync_status)
        ctx.events.sync_finished.connect(self._sync_finished)
        ctx.events.account_changed.connect(self._account_changed)
        self._listening = True
        self.sidebar.setCurrentRow(0)
        self._account_changed(ctx.account)

    # -- the screens, built on first use (LazyStack) -----------------------------------------

    @property
    def screens(self) -> list[tuple[str, QWidget]]:
        """Every screen with its sidebar title (builds the ones not built yet)."""
        return [(title, self.stack.page(n)) for n, title in enumerate(self.titles)]

    @property
    def today(self) -> TodayScreen:
        """I dag."""
        return cast("TodayScreen", self.stack.page(0))

    @property
    def companies(self) -> CompaniesScreen:
        """The company list and page."""
        return cast("CompaniesScreen", self.stack.page(1))

    @property
    def visits(self) -> VisitsScreen:
        """The visit list and editor."""
        return cast("VisitsScreen", self.stack.page(2))

    @property
    def openings(self) -> OpeningsScreen:
        """Job openings."""
        return cast("OpeningsScreen", self.stack.page(3))

    @property
    def mentors(self) -> MentorsScreen:
        """Mentors."""
        return cast("MentorsScreen", self.stack.page(4))

    @property
    def follow_ups(self) -> FollowUpsScreen:
        """Follow-ups."""
        return cast("FollowUpsScreen", self.stack.page(5))

    @property
    def conflicts(self) -> ConflictsScreen:
        """Sync conflicts."""
        return cast("ConflictsScreen", self.stack.page(6))

    @property
    def reports(self) -> ReportsScreen:
        """Reports."""
        return cast("ReportsScreen", self.stack.page(7))

    @property
    def review(self) -> ReviewScreen:
        """The review queue (supervisors)."""
        return cast("ReviewScreen", self.stack.page(8))

    def _menus(self) -> None:
        file_menu = self.menuBar().addMenu(tr("&File"))
        for text, slot, shortcut in ((tr("Search everything…"), self.search_everything, "Ctrl+K"),
                                     (tr("Sync now"), self.sync_now, "F5"),
                                     (tr("Import from CSV or Excel…"), self.import_file, ""),
                                     (tr("Export open openings…"), self.export_openings, ""),
                                     (tr("Deleted in the last 30 days…"), self.show_deleted, ""),
                                     (tr("Sign in…"), self.sign_in, ""),
                                     (tr("Settings…"), self.settings, "Ctrl+,"),
                                     (tr("Quit"), self.close, "Ctrl+Q")):
            action = file_menu.addAction(text)
            action.setObjectName(f"action_{slot.__name__}")  # e.g. action_sign_in, action_import_file
            action.triggered.connect(slot)
            if shortcut:
                action.setShortcut(QKeySequence(shortcut))
        work_menu = self.menuBar().addMenu(tr("&Work"))
        for text, slot, shortcut in ((tr("New visit…"), self.new_visit, "Ctrl+N"),
                                     (tr("Find in the list"), self.find, "Ctrl+F"),
                                     (tr("Save report as PDF…"), self.save_pdf, "Ctrl+P"),
                                     (tr("Weekly digest…"), self.weekly_digest, "")):
            action = work_menu.addAction(text)
            action.setObjectName(f"action_{slot.__name__}")
            action.triggered.connect(slot)
            if shortcut:
                action.setShortcut(QKeySequence(shortcut))
        go_menu = self.menuBar().addMenu(tr("&Go to"))
        for action in self.go_actions:
            go_menu.addAction(action)
        help_menu = self.menuBar().addMenu(tr("&Help"))
        help_menu.addAction(tr("About Feltbog")).triggered.connect(self.about)

    # -- navigation ------------------------------------------------------------------------

    def open_company(self, company_id: str) -> None:
        """Show a company's page."""
        self.sidebar.setCurrentRow(1)
        self.companies.show_company(company_id)

    def open_visit(self, visit_id: str) -> None:
        """Open a visit note in the editor."""
        self.sidebar.setCurrentRow(2)
        self.visits.show_visit(visit_id)

    def open_found(self, found: Found) -> None:
        """Open what a search hit shows on: its company's page, or the visit."""
        entity, record_id = found.opens
        if entity == "visit":
            self.open_visit(record_id)
        elif record_id:
            self.open_company(record_id)

    def search_everything(self) -> None:
        """Ctrl+K: one search over companies, contacts, mentors, visits, openings and follow-ups."""
        from desktop.ui.dialogs.search_all import SearchAllDialog

        SearchAllDialog(self.ctx, self.open_found, self).exec()

    def open_review(self) -> None:
        """Show the review queue (supervisors)."""
        self.sidebar.setCurrentRow(len(self.titles) - 1)

    def new_visit(self) -> None:
        """Ctrl+N: a new visit note, for the company whose page is open, else for a company picked."""
        page = self.companies.page
        if self.stack.currentWidget() is self.companies and self.companies.stack.currentWidget() is page \
                and page.company_id:
            self.start_visit(page.company_id)
            return
        self.sidebar.setCurrentRow(2)
        self.visits.show_list()
        self.visits.list.new_visit()

    def find(self) -> None:
        """Ctrl+F: the search box of the list on screen (the company list's from screens without one)."""
        screen = self.stack.currentWidget()
        if screen in (self.companies, self.visits):
            screen.show_list()
            box = screen.list.search
        elif isinstance(getattr(screen, "search", None), QLineEdit) and screen.search.isVisible():
            box = screen.search
        else:
            self.sidebar.setCurrentRow(1)
            self.companies.show_list()
            box = self.companies.list.search
        box.setFocus()
        box.selectAll()

    def save_pdf(self) -> None:
        """Ctrl+P: save the report chosen on Rapporter as PDF."""
        self.sidebar.setCurrentRow(self.stack.indexOf(self.reports))
        self.reports.save()

    def weekly_digest(self) -> None:
        """Work > Ugens overblik: last week in the team, per consultant (also offered once a week)."""
        from desktop.ui.dialogs.digest import show_digest

        show_digest(self.ctx, self)

    def open_reminder(self, kind: str, record_id: str) -> None:
        """A reminder clicked in the tray or its notification: bring the window up and show the item."""
        if self.isMinimized():
            self.showNormal()
        self.raise_()
        self.activateWindow()
        if kind == "company" and record_id:
            self.open_company(record_id)
        elif kind == "visit" and record_id:
            self.open_visit(record_id)
        else:
            self.sidebar.setCurrentRow(0)

    def start_visit(self, company_id: str) -> None:
        """Start a new visit note for a company (stored once something is typed)."""
        self.sidebar.setCurrentRow(2)
        self.visits.new_visit(company_id)

    # -- sync ------------------------------------------------------------------------------

    def sync_now(self) -> None:
        """A sync the user asked for: its errors are shown in plain words.

        Whether a token is stored is asked off the GUI thread (the keychain
        may prompt), so the answer is fresh without the window waiting for it.
        """
        self.ctx.refresh_account(self._sync_if_signed_in, parent=self)

    def _sync_if_signed_in(self, account: AccountSnapshot) -> None:
        if not account.signed_in:
            self.sign_in()
            return
        if self.ctx.runner is None:
            return
        self._manual_sync = True
        future = self.ctx.runner.request()
        # Called on the sync thread, which keeps the future: the callback must not hold this widget
        # (its last reference would then go on that thread; desktop/ui/tasks.py, _Job).
        future.add_done_callback(self.ctx.events.sync_finished.emit)

    def _sync_finished(self, future: Future[SyncResult]) -> None:
        error = future.exception()
        manual, self._manual_sync = self._manual_sync, False
        if error is None:
            return
        from desktop.sync.errors import SyncError, SyncErrorKind

        if isinstance(error, SyncError) and error.kind is SyncErrorKind.AUTH:
            self.sign_in()
        elif manual:
            from desktop.ui.errors import show_error

            show_error(self, error)

    def _account_changed(self, account: AccountSnapshot) -> None:
        """Only supervisors and admins see the review screen; the status bar says whether we are signed in."""
        self.sidebar.item(len(self.titles) - 1).setHidden(not account.supervisor)
        self.sync_widget.show_status(self._status, account.signed_in)
        this_week = week_key(self.ctx.today())
        if account.supervisor and self._digest_week != this_week:
            from desktop.ui.dialogs.digest import offer_weekly_digest

            self._digest_week = this_week
            offer_weekly_digest(self.ctx, self)

    def show_sync_status(self, status: SyncStatus) -> None:
        """Render the runner's status from plain values only: no database or keychain here (GUI thread)."""
        self._status = status
        self.sync_widget.show_status(status, self.ctx.account.signed_in)
        progress = status.progress
        if status.syncing and progress and progress[1] >= LONG_SYNC_RECORDS:
            if self._progress is None:
                self._progress = QProgressDialog(tr("Fetching data from the server…"), tr("Cancel"), 0, 0, self)
                self._progress.setWindowModality(Qt.WindowModality.WindowModal)
                self._progress.setMinimumDuration(500)  # only a sync that takes a while shows it
                self._progress.canceled.connect(self.ctx.runner.cancel)
            self._progress.setMaximum(progress[1])
            self._progress.setValue(min(progress[0], progress[1]))
        elif not status.syncing and self._progress is not None:
            self._progress.reset()
            self._progress = None

    def sign_in(self) -> None:
        """Ask for the sign-in; a successful one syncs right away."""
        from desktop.ui.dialogs.login import LoginDialog

        if LoginDialog(self.ctx, self).exec():
            QTimer.singleShot(0, self.sync_now)

    def show_deleted(self) -> None:
        """Slettet: the team's recent deletes from the server, with "Gendan" (issue 16, 8)."""
        from desktop.ui.dialogs.deleted import DeletedDialog

        DeletedDialog(self.ctx, self).exec()

    def export_openings(self) -> None:
        """File > export the open openings for job postings (from the Openings screen)."""
        self.sidebar.setCurrentRow(self.stack.indexOf(self.openings))
        self.openings.export_postings()

    def import_file(self) -> None:
        """Import companies, contacts or mentors from a file."""
        from desktop.ui.dialogs.import_dialog import ImportDialog

        ImportDialog(self.ctx, self).exec()

    def settings(self) -> None:
        """Language, encryption and where the sign-in is kept."""
        from desktop.ui.dialogs.settings import SettingsDialog

        SettingsDialog(self.ctx, self).exec()

    def about(self) -> None:
        """The version and what Feltbog is."""
        QMessageBox.about(self, tr("About Feltbog"),
                          tr("Feltbog %1 – an offline-first field book for job-centre company consultants.")
                          .replace("%1", __version__))

    def closeEvent(self, event: QCloseEvent) -> None:
        if self.stack.built(2) is not None:  # Visits never opened: nothing typed, and nothing to build at close
            self.visits.editor.save_now()  # the last keystrokes are saved before we go
        self.reminders.stop()
        self._stop_listening()
        super().closeEvent(event)

    def _stop_listening(self) -> None:
        """A closed window no longer answers the app's events (no sign-in box or digest offer from it)."""
        if self._listening:
            self._listening = False
            events = self.ctx.events
            events.sync_status.disconnect(self.show_sync_status)
            events.sync_finished.disconnect(self._sync_finished)
            events.account_changed.disconnect(self._account_changed)


# The screens not shown at start-up, imported when first built (their modules are a tenth of the imports).

def _built_later(ctx: AppContext, module: str, screen: str) -> Callable[[], QWidget]:
    """A factory for ``desktop.ui.screens.<module>.<screen>(ctx)`` that imports its module when called."""

    def build() -> QWidget:
        built: QWidget = getattr(importlib.import_module(f"desktop.ui.screens.{module}"), screen)(ctx)
        return built

    return build
