"""The one way the UI does background work (Anki's CollectionOp/QueryOp, in one object).

An :class:`Op` is built on the GUI thread, over plain values the caller has
already read from its widgets, and then ``run()``:

* the work runs on the database worker (``uses_db``, the default: SQLite has
  one writer) or on the network pool (:meth:`Op.network`);
* ``with_progress(label)`` shows a dialog after ~0.5 s whose Cancel sets the
  work's :class:`~desktop.cancel.CancelToken`;
* a :class:`~desktop.domain.errors.ValidationError` goes to ``invalid`` (to
  show next to a field), anything else to ``failure`` or the one error
  presenter, so no failure is silent;
* a screen closed while its work ran gets no callback (its widgets are gone);
  what the work changed is still announced, and an error still shown;
* its finish, on the GUI thread, is the ONLY place that tells the screens what
  changed (``changes_applied``) and pokes the sync runner after a local change.
  Pulled changes come through here too: after a sync, the context re-reads the
  account with an Op that announces what the sync brought.

A test (tests/ui/test_operation_rules.py) fails if desktop/ui submits work or
emits the change signal anywhere else.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any, Protocol

import shiboken6
from PySide6.QtCore import QObject, Qt, Signal
from PySide6.QtWidgets import QProgressDialog, QWidget

from desktop.cancel import CancelToken, Progress
from desktop.domain.errors import ValidationError
from desktop.models.changes import Changes, Result
from desktop.ui.i18n import tr

if TYPE_CHECKING:
    from desktop.models.db import Database
    from desktop.models.operations import Operations
    from desktop.sync.runner import SyncRunner
    from desktop.ui.events import AppEvents
    from desktop.ui.tasks import TaskRunner

Work = Callable[[Progress, CancelToken], Any]


class AppContext(Protocol):
    """What an Op needs of :class:`desktop.ui.context.AppContext` (a protocol, so the two modules form no cycle)."""

    db: Database
    tasks: TaskRunner
    events: AppEvents
    runner: SyncRunner | None

    def ops(self) -> Operations:
        """Operations as the signed-in user (called on the worker)."""
        ...


def changes_of(result: Any) -> Changes | None:
    """The Changes a named operation returned (itself, or a Result's / an import's ``changes``)."""
    if isinstance(result, Changes):
        return result
    if isinstance(result, Result):
        return result.changes
    changes = getattr(result, "changes", None)
    return changes if isinstance(changes, Changes) else None


class _Bridge(QObject):
    """Carries progress from the worker to the dialog (queued: the dialog lives on the GUI thread)."""

    moved = Signal(int, int, str)


class Op:
    """One piece of background work with one finish. Build it, chain the callbacks, ``run()``."""

    def __init__(self, ctx: AppContext, work: Work, *, parent: QWidget | None = None, uses_db: bool = True) -> None:
        self.ctx = ctx
        self.work = work
        self.parent = parent
        self.uses_db = uses_db
        self.owner: QObject | None = parent
        self.cancel = CancelToken()
        self._on_success: Callable[[Any], None] | None = None
        self._on_invalid: Callable[[ValidationError], None] | None = None
        self._on_failure: Callable[[BaseException], None] | None = None
        self._changes: Callable[[Any], Changes | None] | None = None
        self._label: str | None = None
        self._dialog: QProgressDialog | None = None

    # -- the kinds of work ------------------------------------------------------------------

    @classmethod
    def read(cls, ctx: AppContext, query: Callable[[Any], Any], parent: QWidget | None = None) -> Op:
        """``query(session)`` in a read session on the database worker."""
        db = ctx.db

        def work(_progress: Progress, _cancel: CancelToken) -> Any:
            with db.read() as session:
                return query(session)

        return cls(ctx, work, parent=parent)

    @classmethod
    def write(cls, ctx: AppContext, operation: Callable[[Operations], Any], parent: QWidget | None = None) -> Op:
        """A named operation ``operation(ops)`` on the database worker; the Changes it returns are announced."""
        return cls(ctx, lambda _p, _c: operation(ctx.ops()), parent=parent).announcing(changes_of)

    @classmethod
    def call(cls, ctx: AppContext, function: Callable[[], Any], parent: QWidget | None = None) -> Op:
        """``function()`` on the database worker (sign-in, encryption: work that also writes the database)."""
        return cls(ctx, lambda _p, _c: function(), parent=parent)

    @classmethod
    def network(cls, ctx: AppContext, function: Callable[[], Any], parent: QWidget | None = None) -> Op:
        """``function()`` on the network pool (HTTP, reading a file): it must not touch the database."""
        return cls(ctx, lambda _p, _c: function(), parent=parent, uses_db=False)

    @classmethod
    def long(cls, ctx: AppContext, work: Work, label: str, parent: QWidget | None = None) -> Op:
        """``work(progress, cancel)`` on the database worker with a delayed, cancellable progress dialog."""
        return cls(ctx, work, parent=parent).with_progress(label)

    # -- the builder ------------------------------------------------------------------------

    def success(self, callback: Callable[[Any], None] | None) -> Op:
        """Call ``callback(result)`` on the GUI thread when the work is done."""
        self._on_success = callback
        return self

    def invalid(self, callback: Callable[[ValidationError], None] | None) -> Op:
        """Send a ValidationError to ``callback`` (to show next to the field) instead of a message box."""
        self._on_invalid = callback
        return self

    def failure(self, callback: Callable[[BaseException], None] | None) -> Op:
        """Handle any other error here instead of the one error presenter."""
        self._on_failure = callback
        return self

    def announcing(self, changes: Callable[[Any], Changes | None]) -> Op:
        """Tell every screen what ``changes(result)`` says changed (local ones also start a sync soon)."""
        self._changes = changes
        return self

    def tied_to(self, owner: QObject) -> Op:
        """Skip the callbacks if ``owner`` (by default the parent) is deleted before the work is done."""
        self.owner = owner
        return self

    def with_progress(self, label: str) -> Op:
        """Show a progress dialog (only if the work takes more than ~0.5 s) with Cancel."""
        self._label = label
        return self

    def run(self) -> CancelToken:
        """Start the work (call on the GUI thread). Returns the token that cancels it."""
        progress: Progress = _ignore_progress
        if self._label is not None:
            progress = self._show_dialog(self._label)
        work, cancel = self.work, self.cancel
        self.ctx.tasks.run(lambda: work(progress, cancel), self._finish, self._failed,
                           uses_db=self.uses_db, parent=self.parent)
        return cancel

    # -- the finish (GUI thread) --------------------------------------------------------------

    def _finish(self, result: Any) -> None:
        self._close_dialog()
        changes = self._changes(result) if self._changes is not None else None
        try:
            # The caller first (as Anki does): e.g. the account snapshot is in place
            # before the screens refresh on what a sync pulled.
            if self._on_success is not None and self._owner_alive():
                self._on_success(result)
        finally:
            if changes:
                _announce(self.ctx, changes)

    def _failed(self, error: BaseException) -> None:
        self._close_dialog()
        alive = self._owner_alive()
        if alive and isinstance(error, ValidationError) and self._on_invalid is not None:
            self._on_invalid(error)
        elif alive and self._on_failure is not None:
            self._on_failure(error)
        else:
            from desktop.ui.errors import show_error

            show_error(self.parent if alive else None, error)

    def _owner_alive(self) -> bool:
        return self.owner is None or shiboken6.isValid(self.owner)

    def _show_dialog(self, label: str) -> Progress:
        dialog = QProgressDialog(label, tr("Cancel"), 0, 0, self.parent)
        dialog.setWindowModality(Qt.WindowModality.WindowModal)
        dialog.setMinimumDuration(500)  # quick work never flashes a dialog
        dialog.setAutoReset(False)
        dialog.canceled.connect(self.cancel.cancel)
        bridge = _Bridge(dialog)

        def moved(done: int, total: int, _message: str) -> None:
            dialog.setMaximum(max(total, 0))
            dialog.setValue(min(done, total) if total else 0)

        bridge.moved.connect(moved)
        self._dialog = dialog
        return bridge.moved.emit

    def _close_dialog(self) -> None:
        if self._dialog is not None:
            self._dialog.reset()
            self._dialog.deleteLater()
            self._dialog = None


def _announce(ctx: AppContext, changes: Changes) -> None:
    """The one emitter of "something changed" (only an Op's finish calls it).

    Local changes also poke the sync runner; pulled ones must not, or every
    sync would schedule the next. ``local_change()`` counts the unsent rows
    (a database read), so it runs on the database worker, not here.
    """
    ctx.events.changes_applied.emit(changes)
    runner = ctx.runner
    if runner is not None and not changes.from_sync:
        ctx.tasks.run(runner.local_change)


def _ignore_progress(_done: int, _total: int, _message: str) -> None:
    """Progress of work that shows no dialog."""
