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
from desktop.ui.account import AccountSnapshot, load_account
from desktop.ui.events import AppEvents
from desktop.ui.operation import Op
from desktop.ui.tasks import TaskRunner


@dataclass
class AppContext:
    """Database, background tasks, events, sync and the account snapshot for one running app.

    ``account`` is the last snapshot read on the worker; the GUI thread reads
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

    def ops(self) -> Operations:
        """Operations as the signed-in user (or offline, anonymous). Reads the account: call on the worker."""
        return Operations(self.db, self.service.actor(), today=self.today)

    def set_account(self, snapshot: AccountSnapshot) -> None:
        """Take a new snapshot (GUI thread) and tell the views."""
        self.account = snapshot
        self.events.account_changed.emit(snapshot)

    def refresh_account(self, then: Callable[[AccountSnapshot], None] | None = None, *,
                        pulled: Changes | None = None, parent: QWidget | None = None) -> None:
        """Re-read the account on the database worker; ``pulled`` (what a sync brought) is announced after it."""

        def done(snapshot: AccountSnapshot) -> None:
            self.set_account(snapshot)
            if then is not None:
                then(snapshot)

        Op.call(self, lambda: load_account(self.service), parent).success(done).announcing(lambda _s: pulled).run()

    def write(
        self,
        operation: Callable[[Operations], Changes | Result],
        on_success: Callable[[Any], None] | None = None,
        on_invalid: Callable[[ValidationError], None] | None = None,
        parent: QWidget | None = None,
    ) -> None:
        """Shortcut for ``Op.write(...)`` (kept for the entity dialog and tests); new code builds the Op."""
        Op.write(self, operation, parent).success(on_success).invalid(on_invalid).run()
