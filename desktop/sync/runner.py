"""When to sync: one at a time, after local changes, every 2 minutes, and
with a backoff that re-arms itself after failures (no Qt; a thread).

* ``request()`` starts a sync now; a request while one runs joins it.
* ``local_change()`` syncs a few seconds after the last local edit.
* Every ``interval`` seconds a periodic sync runs.
* After a network or server failure the next attempt is scheduled with
  exponential backoff, and it fires by itself: no new local edit is needed.
  A successful attempt is how the app notices the network came back.
* ``status()`` is plain data the status bar shows.
"""

from __future__ import annotations

import logging
import random
import threading
import time
from collections.abc import Callable
from concurrent.futures import Future
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any, TypedDict

from desktop.cancel import CancelToken, Progress
from desktop.errors import Cancelled, UserFacingError
from desktop.models.outbox import pending_count
from desktop.models.receipts import refused_records
from desktop.sync.engine import SyncResult
from desktop.sync.errors import SyncError, SyncErrorKind

if TYPE_CHECKING:  # the service imports the engine; the runner only needs its type
    from desktop.sync.service import SyncService

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class SyncStatus:
    """What the status bar shows."""

    online: bool | None = None  # None: not tried yet
    syncing: bool = False
    pending: int = 0
    refused: int = 0  # changes the server refused: sent, but not in the server's copy
    last_success: datetime | None = None
    last_error: str | None = None
    last_error_kind: str | None = None
    failures: int = 0
    next_attempt_in: float | None = None
    clock_warning: bool = False
    progress: tuple[int, int, str] | None = None


def leaves_upkeep(result: SyncResult) -> bool:
    """Whether a sync wrote records here, leaving the database upkeep to do (``Database.tidy``).

    A sync with nothing to do only reads and stamps a few values: a checkpoint
    after it measured 4-5 ms more on the next idle sync, for nothing to tidy.
    """
    return bool(result.pushed or result.rejected or result.pulled or result.wiped or result.handed_back)


class _Counts(TypedDict):
    pending: int
    refused: int


class SyncRunner:
    """Schedules syncs of one :class:`SyncService` on a background thread."""

    def __init__(
        self,
        sync: Callable[[Progress, CancelToken], SyncResult],
        count_pending: Callable[[], int],
        *,
        interval: float = 120.0,
        debounce: float = 3.0,
        backoff_base: float = 5.0,
        backoff_max: float = 900.0,
        on_status: Callable[[SyncStatus], None] = lambda _s: None,
        on_result: Callable[[SyncResult], None] = lambda _r: None,
        clock: Callable[[], float] = time.monotonic,
        count_refused: Callable[[], int] = lambda: 0,
        upkeep: Callable[[], object] = lambda: None,
    ) -> None:
        self._sync = sync
        self._upkeep = upkeep
        self._count_pending = count_pending
        self._count_refused = count_refused
        self.interval = interval
        self.debounce = debounce
        self.backoff_base = backoff_base
        self.backoff_max = backoff_max
        self.on_status = on_status
        self.on_result = on_result
        self.clock = clock
        self._lock = threading.Condition()
        self._status = SyncStatus(**self._counts())
        self._running: Future[SyncResult] | None = None
        self._cancel: CancelToken | None = None
        self._due_debounce: float | None = None
        self._due_retry: float | None = None
        self._due_periodic = clock() + interval
        self._manual_requested = False
        self._paused = False  # after an error only a person can fix (auth, version)
        self._thread: threading.Thread | None = None
        self._stopping = False

    @classmethod
    def for_service(cls, service: SyncService, **kwargs: Any) -> SyncRunner:
        """A runner for a :class:`desktop.sync.service.SyncService`."""

        def count() -> int:
            with service.db.read() as session:
                return pending_count(session)

        def refused() -> int:
            with service.db.read() as session:
                return refused_records(session)

        return cls(lambda progress, cancel: service.sync(progress, cancel), count, count_refused=refused,
                   upkeep=service.db.tidy, **kwargs)

    # -- control ------------------------------------------------------------------------------

    @property
    def started(self) -> bool:
        """True between start() and stop(): the scheduling thread is there."""
        return self._thread is not None

    def start(self) -> None:
        """Start the scheduling thread (a daemon; stop() ends it)."""
        with self._lock:
            if self._thread is None:
                self._stopping = False
                self._thread = threading.Thread(target=self._loop, name="feltbog-sync", daemon=True)
                self._thread.start()

    def stop(self, timeout: float = 10.0) -> None:
        """Cancel a running sync and end the thread."""
        with self._lock:
            self._stopping = True
            if self._cancel:
                self._cancel.cancel()
            self._lock.notify_all()
            thread = self._thread
        if thread is not None:
            thread.join(timeout)
        self._thread = None

    def request(self) -> Future[SyncResult]:
        """Sync now (a person asked). Joins a sync that is already running."""
        with self._lock:
            self._paused = False
            if self._running is not None:
                return self._running
            self._manual_requested = True
            future: Future[SyncResult] = Future()
            self._running = future
            self._lock.notify_all()
            return future

    def local_change(self) -> None:
        """A local edit happened: sync once the user pauses typing."""
        with self._lock:
            self._due_debounce = self.clock() + self.debounce
            self._set_status(**self._counts())
            self._lock.notify_all()

    def network_changed(self, online: bool) -> None:
        """The OS says the network came back (or went away)."""
        with self._lock:
            if online:
                self._due_retry = self.clock()
                self._lock.notify_all()
            else:
                self._set_status(online=False)

    def cancel(self) -> None:
        """Cancel the running sync, if any."""
        with self._lock:
            if self._cancel:
                self._cancel.cancel()

    def status(self) -> SyncStatus:
        """The current status, with a fresh count of unsent changes."""
        with self._lock:
            return self._status

    # -- the thread ---------------------------------------------------------------------------

    def _counts(self) -> _Counts:
        """The unsent and the refused changes, for the status (0 when they cannot be read)."""
        try:
            return {"pending": self._count_pending(), "refused": self._count_refused()}
        except Exception:  # status must never crash the runner
            log.exception("Could not count pending changes")
            return {"pending": 0, "refused": 0}

    def _set_status(self, **changes: Any) -> None:
        self._status = replace(self._status, **changes)
        status = self._status
        try:
            self.on_status(status)
        except Exception:  # a UI callback bug must not stop syncing
            log.exception("on_status callback failed")

    def _next_due(self) -> float | None:
        if self._paused:
            return None
        dues = [d for d in (self._due_debounce, self._due_retry) if d is not None]
        if self._due_retry is None:  # while backing off, periodic syncs wait for the retry
            dues.append(self._due_periodic)
        return min(dues) if dues else None

    def _loop(self) -> None:
        while True:
            with self._lock:
                while not self._stopping:
                    if self._manual_requested:
                        break
                    due = self._next_due()
                    now = self.clock()
                    if due is not None and due <= now:
                        break
                    self._lock.wait(timeout=None if due is None else min(due - now, 60.0))
                if self._stopping:
                    if self._running is not None and not self._running.done():
                        self._running.set_exception(Cancelled())
                    return
                self._manual_requested = False
                self._due_debounce = None
                future = self._running or Future()
                self._running = future
                self._cancel = CancelToken()
                cancel = self._cancel
                self._set_status(syncing=True, progress=None)
            self._run(future, cancel)

    def _run(self, future: Future[SyncResult], cancel: CancelToken) -> None:
        def progress(done: int, total: int, message: str) -> None:
            with self._lock:
                self._set_status(progress=(done, total, message))

        error: BaseException | None = None
        result: SyncResult | None = None
        try:
            result = self._sync(progress, cancel)
        except BaseException as exc:  # reported through the future and status
            error = exc
        with self._lock:
            now = self.clock()
            self._due_periodic = now + self.interval
            self._running = None
            self._cancel = None
            if result is not None:
                self._due_retry = None
                self._set_status(
                    online=True, syncing=False, failures=0, last_error=None, last_error_kind=None,
                    last_success=datetime.now(UTC), **self._counts(), next_attempt_in=None,
                    clock_warning=result.clock_skew_warning, progress=None,
                )
            else:
                self._after_failure(error, now)
        if result is not None:
            try:
                self.on_result(result)
            except Exception:
                log.exception("on_result callback failed")
        # The screens already have the result; the upkeep the sync's commits left out (the search index's
        # merges, the WAL checkpoint) runs now, after a failed attempt too: edits made offline leave both.
        if result is None or leaves_upkeep(result):
            self._tidy()
        if result is not None:
            future.set_result(result)
        else:
            future.set_exception(error)

    def _tidy(self) -> None:
        if self._stopping:  # closing: the last connection's close checkpoints anyway
            return
        try:
            self._upkeep()
        except Exception:  # upkeep must never stop syncing; the next attempt tries again
            log.exception("Upkeep after the sync failed")

    def _after_failure(self, error: BaseException | None, now: float) -> None:
        failures = self._status.failures + 1
        kind: str | None = error.kind.value if isinstance(error, SyncError) else type(error).__name__
        message: str | None = error.message() if isinstance(error, UserFacingError) else repr(error)
        online = self._status.online
        next_in: float | None = None
        if isinstance(error, Cancelled):
            failures -= 1
            message, kind = None, None
        elif isinstance(error, SyncError) and error.retryable:
            online = error.kind is not SyncErrorKind.NETWORK
            delay = min(self.backoff_base * 2 ** (failures - 1), self.backoff_max)
            next_in = delay * random.uniform(0.8, 1.2)  # jitter, not crypto
            self._due_retry = now + next_in
        else:
            # Auth, version, an aborted mass delete or a bug: retrying alone
            # would fail the same way; wait for the user.
            self._paused = True
            self._due_retry = None
            if not isinstance(error, UserFacingError):
                log.error("Sync failed unexpectedly", exc_info=error)
        self._set_status(
            syncing=False, failures=failures, last_error=message, last_error_kind=kind, online=online,
            next_attempt_in=next_in, **self._counts(), progress=None,
        )
