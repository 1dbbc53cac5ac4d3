"""The threads all disk and network work runs on, off the GUI thread (Anki's TaskManager).

Screens do not call this directly: they build a :class:`desktop.ui.operation.Op`,
which submits here and owns the finish (a test in tests/ui enforces it).

* ``uses_db=True`` work goes to ONE worker thread: SQLite has one writer, and
  one queue keeps an autosave from racing a sync.
* network-only work (``uses_db=False``) may run in parallel on a small pool.
* results come back to the GUI thread through a signal; ``on_failure``
  defaults to the one error presenter, so no failure is ever silent.
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


class _Relay(QObject):
    done = Signal(object, object, object, object)  # future, on_success, on_failure, parent


class TaskRunner(QObject):
    """Runs callables in the background and hands results to the GUI thread."""

    def __init__(self) -> None:
        super().__init__()
        self._db = ThreadPoolExecutor(1, thread_name_prefix="feltbog-db")
        self._net = ThreadPoolExecutor(4, thread_name_prefix="feltbog-net")
        self._relay = _Relay()
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
        """Run ``op`` in the background; call back on the GUI thread."""
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
        future = (self._db if uses_db else self._net).submit(op)
        future.add_done_callback(lambda f: self._relay.done.emit(f, on_success, on_failure, parent))
        return future

    @Slot(object, object, object, object)
    def _finish(self, future: Future, on_success: Callable[[Any], None] | None,
                on_failure: Callable[[BaseException], None] | None, parent: QWidget | None) -> None:
        self.pending -= 1
        error = future.exception()
        if error is None:
            if on_success is not None:
                on_success(future.result())
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
