"""The composition root's product: what every screen needs, passed in (no globals)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from PySide6.QtWidgets import QWidget

from desktop.domain.errors import ValidationError
from desktop.models.changes import Changes, Result
from desktop.models.db import Database
from desktop.models.operations import Operations
from desktop.sync.runner import SyncRunner
from desktop.sync.service import SyncService
from desktop.ui.events import AppEvents
from desktop.ui.tasks import TaskRunner


@dataclass
class AppContext:
    """Database, background tasks, events and sync for one running app."""

    db: Database
    tasks: TaskRunner
    events: AppEvents
    service: SyncService
    runner: SyncRunner | None = None
    today: Callable[[], date] = field(default=date.today)

    def ops(self) -> Operations:
        """Operations as the signed-in user (or offline, anonymous)."""
        return Operations(self.db, self.service.actor(), today=self.today)

    def user_id(self) -> str | None:
        """The signed-in user's id (None when working offline without an account)."""
        return self.service.account().user_id

    def read(self, query: Callable[[Any], Any], on_success: Callable[[Any], None],
             parent: QWidget | None = None) -> None:
        """Run a read-only query on the database worker."""

        def run() -> Any:
            with self.db.read() as session:
                return query(session)

        self.tasks.run(run, on_success, parent=parent)

    def write(
        self,
        operation: Callable[[Operations], Changes | Result],
        on_success: Callable[[Any], None] | None = None,
        on_invalid: Callable[[ValidationError], None] | None = None,
        parent: QWidget | None = None,
    ) -> None:
        """Run a named operation on the database worker, then tell every screen.

        A ValidationError goes to ``on_invalid`` (to show next to the field);
        anything else goes to the one error presenter.
        """

        def done(result: Any) -> None:
            changes = result.changes if isinstance(result, Result) else result
            if changes:
                self.events.changes_applied.emit(changes)
                if self.runner is not None:
                    self.runner.local_change()
            if on_success is not None:
                on_success(result)

        def failed(error: BaseException) -> None:
            if isinstance(error, ValidationError) and on_invalid is not None:
                on_invalid(error)
                return
            from desktop.ui.errors import show_error

            show_error(parent, error)

        self.tasks.run(lambda: operation(self.ops()), done, failed, parent=parent)
