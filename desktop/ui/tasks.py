"""The threads all disk and network work runs on, off the GUI thread (Anki's TaskManager).

Screens do not call this directly: they build a :class:`desktop.ui.operation.Op`,
which submits here and owns the finish (a test in tests/ui enforces it).

* ``uses_db=True`` work goes to ONE worker thread: SQLite has one writer, and
  one queue keeps an autosave from racing a sync.
* network-only work (``uses_db=False``) may run in parallel on a small pool.
* results come back to the GUI thread through a signal; ``on_failure``
  defaults to the one error presenter, so no failure is ever silent;
* everything handed to :meth:`TaskRunner.run` (the work, the callbacks, the
  parent, and the result or error) is let go on the GUI thread, never on a
  worker: see :class:`_Job`.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from typing import Any

from PySide6.QtCore import QObject, Signal, Slot
from PySide6.QtWidgets import QApplication, QWidget

log = logging.getLogger(__name__)


class _Job:
    """One piece of background work, its callbacks and then its outcome, emptied on the GUI thread.

    Why: the callables close over widgets (a dialog, its Op, the window), and
    a Python-owned widget is destroyed, C++ object and all, by whichever
    thread drops its last reference. The executor keeps its work item (and
    so the work) until a moment after the work is done, and the GUI thread
    often finishes the callbacks within that moment; the worker then held
    the last reference and destroyed e.g. a closed EntityDialog on the
    database worker. Qt cannot unregister a widget's timers from another
    thread, so a timer of the freed widget later fired on the GUI thread:
    the SIGSEGV in QTimerInfoList::activateTimers that the UI tests hit
    now and then (docs/performance.md, "The UI tests' native crash").
    So the worker only ever keeps this shell: :meth:`take` empties it on the
    GUI thread, and the worker's own frame keeps neither result nor error.
    """

    __slots__ = ("op", "on_success", "on_failure", "parent", "result", "error")

    def __init__(self, op: Callable[[], Any], on_success: Callable[[Any], None] | None,
                 on_failure: Callable[[BaseException], None] | None, parent: QWidget | None) -> None:
        self.op: Callable[[], Any] | None = op
        self.on_success = on_success
        self.on_failure = on_failure
        self.parent = parent
        self.result: Any = None
        self.error: BaseException | None = None

    def __call__(self) -> None:
        """Run the work (on a worker); its outcome stays in the job, not in this frame."""
        op = self.op
        assert op is not None
        try:
            self.result = op()
        except BaseException as error:  # handed to the GUI thread like the executor's future would
            self.error = error
        finally:
            del op

    def take(self) -> tuple[Callable[[Any], None] | None, Callable[[BaseException], None] | None,
                            QWidget | None, Any, BaseException | None]:
        """Empty the job (GUI thread): callbacks, parent, result and error, for the caller to let go here."""
        taken = (self.on_success, self.on_failure, self.parent, self.result, self.error)
        self.op = self.on_success = self.on_failure = self.parent = self.result = self.error = None
        return taken


class _Relay(QObject):
    done = Signal(object, object)  # the job, its future


class TaskRunner(QObject):
    """Runs callables in the background and hands results to the GUI thread."""

    def __init__(self) -> None:
        super().__init__()
        self._db = ThreadPoolExecutor(1, thread_name_prefix="feltbog-db")
        self._net = ThreadPoolExecutor(4, thread_name_prefix="feltbog-net")
        self._relay = _Relay(self)  # a child: a worker's last reference to it never destroys it there
        self._relay.done.connect(self._finish)
        self.pending = 0
        self._closed = False

    def run(
        self,
        op: Callable[[], Any],
        on_success: Callable[[Any], None] | None = None,
        on_failure: Callable[[BaseException], None] | None = None,
        *,
        uses_db: bool = True,
        parent: QWidget | None = None,
    ) -> Future:
        """Run ``op`` in the background; call back on the GUI thread.

        The future returned says when the work is done; what it returned or
        raised goes only to ``on_success`` / ``on_failure``.
        """
        app = QApplication.instance()
        if app is not None and threading.current_thread() is not threading.main_thread():
            raise RuntimeError("run_in_background must be called from the GUI thread")
        if self._closed:
            # The app is closing: a view that still asks for rows (a table laying itself out) gets nothing.
            log.debug("Background work after shutdown dropped")
            dropped: Future = Future()
            dropped.cancel()
            return dropped
        self.pending += 1
        job = _Job(op, on_success, on_failure, parent)
        future = (self._db if uses_db else self._net).submit(job)
        relay = self._relay
        future.add_done_callback(lambda f: relay.done.emit(job, f))
        return future

    @Slot(object, object)
    def _finish(self, job: _Job, future: Future) -> None:
        self.pending -= 1
        on_success, on_failure, parent, result, error = job.take()
        if future.cancelled():  # never ran (the app is closing): nobody is waiting for it any more
            return
        if error is None:
            if on_success is not None:
                on_success(result)
            return
        if on_failure is not None:
            on_failure(error)
        else:
            from desktop.ui.errors import show_error

            show_error(parent, error)

    def wait_idle(self, timeout: float = 10.0) -> None:
        """Block until queued work is done (for shutdown and tests)."""
        self._db.submit(lambda: None).result(timeout)

    def shutdown(self) -> None:
        """Finish queued work (an autosave must land) and stop the threads."""
        self._closed = True
        self._db.shutdown(wait=True)
        self._net.shutdown(wait=False, cancel_futures=True)
