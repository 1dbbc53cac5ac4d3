"""The composition root's product: what every screen needs, passed in (no globals)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from PySide6.QtCore import QObject
from PySide6.QtWidgets import QWidget

from desktop.domain.errors import ValidationError
from desktop.models.changes import Changes, Result
from desktop.models.db import Database
from desktop.models.operations import Operations
from desktop.preset import Preset
from desktop.sync.runner import SyncRunner
from desktop.sync.service import SyncService
from desktop.ui.account import AccountSnapshot, read_account, with_keychain
from desktop.ui.events import AppEvents
from desktop.ui.operation import Op
from desktop.ui.tasks import TaskRunner


@dataclass
class AppContext:
    """Database, background tasks, events, sync and the account snapshot for one running app.

    ``account`` is the last snapshot read off the GUI thread; the GUI thread reads
    it instead of SQLite or the keychain. ``refresh_account`` renews it (after
    sign-in, sign-out and every sync) and ``events.account_changed`` says so.
    """

    db: Database
    tasks: TaskRunner
    events: AppEvents
    service: SyncService
    runner: SyncRunner | None = None
    today: Callable[[], date] = field(default=date.today)
    account: AccountSnapshot = field(default_factory=AccountSnapshot)
    preset: Preset = field(default_factory=Preset)  # what IT preset (server address, sign-in method): read at start
    # QObjects that live as long as the app (the sync confirmer and relay): kept here so they are not collected
    companions: list[QObject] = field(default_factory=list)
    # refresh_account calls so far, and how many of them the snapshot shown is as new as (a refresh asked
    # before it is not shown when it lands); set_account's snapshot is as new as every refresh asked so far
    _accounts_asked: int = field(default=0, init=False, repr=False)
    _account_shown: int = field(default=0, init=False, repr=False)

    def ops(self) -> Operations:
        """Operations as the signed-in user (or offline, anonymous). Reads the account: call on the worker."""
        return Operations(self.db, self.service.actor(), today=self.today)

    def set_account(self, snapshot: AccountSnapshot) -> None:
        """Take a new snapshot (GUI thread) and tell the views.

        It is newer than what any refresh still on its way will bring (a sign-in's own snapshot, read after
        the sign-in): those are not shown when they land.
        """
        self._show_account(snapshot, self._accounts_asked)

    def _show_account(self, snapshot: AccountSnapshot, as_new_as: int) -> None:
        self._account_shown = as_new_as
        self.account = snapshot
        self.events.account_changed.emit(snapshot)

    def refresh_account(self, then: Callable[[AccountSnapshot], None] | None = None, *,
                        pulled: Changes | None = None, parent: QWidget | None = None) -> None:
        """Re-read the account; ``pulled`` (what a sync brought) is announced after the snapshot is in place.

        The database's part is read on the database worker, the keychain's after it on the network pool:
        the lists' queries wait on the database worker, and a keychain that asks the user for access, or
        loads slowly (the first use imports ``keyring`` and its backends: a tenth of a start-up on Linux),
        must not hold up the first screen. The snapshots of two refreshes can then finish in either
        order: one asked before the snapshot shown was is not shown (``then`` still gets its own).
        """
        self._accounts_asked += 1
        asked = self._accounts_asked
        service = self.service

        def done(snapshot: AccountSnapshot) -> None:
            if asked > self._account_shown:
                self._show_account(snapshot, asked)
            if then is not None:
                then(snapshot)

        def ask_keychain(snapshot: AccountSnapshot) -> None:
            Op.network(self, lambda: with_keychain(snapshot, service), parent).success(done).announcing(
                lambda _s: pulled).run()

        Op.call(self, lambda: read_account(service), parent).success(ask_keychain).run()

    def write(
        self,
        operation: Callable[[Operations], Changes | Result],
        on_success: Callable[[Any], None] | None = None,
        on_invalid: Callable[[ValidationError], None] | None = None,
        parent: QWidget | None = None,
    ) -> None:
        """Shortcut for ``Op.write(...)`` (kept for the entity dialog and tests); new code builds the Op."""
        Op.write(self, operation, parent).success(on_success).invalid(on_invalid).run()
