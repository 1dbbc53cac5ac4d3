"""What background work and its callbacks hold is let go on the GUI thread, never on a worker.

The UI tests' native crash (SIGSEGV in QTimerInfoList::activateTimers, docs/performance.md): a closed,
Python-owned dialog whose last reference was the database worker's (its executor keeps the work item a
moment after the work is done, while the GUI thread had already run the callbacks) was destroyed on the
worker, where Qt cannot unregister its widgets' timers; one fired later on the GUI thread. These tests
hold the worker in that moment on purpose (a second done-callback that waits), so they fail every time
without the fix (desktop/ui/tasks.py, _Job) instead of now and then.
"""

from __future__ import annotations

import gc
import threading
import weakref
from concurrent.futures import Future
from functools import partial

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDialog, QLineEdit, QVBoxLayout


class _Held:
    """Something the work and its result hold (a stand-in for a widget)."""


class _Dialog(QDialog):
    """A Python-owned dialog with a focused line edit (whose cursor blinks on a timer), as the record dialogs."""

    def __init__(self) -> None:
        super().__init__()
        self.edit = QLineEdit(self)
        QVBoxLayout(self).addWidget(self.edit)


def _hold_the_worker(future: Future, gate: threading.Event) -> None:
    """Keep the worker after the GUI thread was told, before it drops its work item."""
    future.add_done_callback(lambda _f: gate.wait(10))


def test_the_worker_keeps_nothing_of_the_work_once_the_gui_thread_has_its_result(ctx, qtbot):
    held = _Held()
    gone = weakref.ref(held)
    got: list[object] = []
    gate = threading.Event()
    _hold_the_worker(ctx.tasks.run(partial(lambda thing: thing, held), got.append), gate)
    try:
        qtbot.waitUntil(lambda: bool(got), timeout=5000)  # the GUI thread ran on_success; the worker still waits
        assert got == [held]
        got.clear()
        del held
        gc.collect()
        assert gone() is None  # neither the work (it held it) nor its result is kept by the waiting worker
    finally:
        gate.set()
    ctx.tasks.wait_idle()


def test_an_error_and_its_traceback_are_let_go_on_the_gui_thread_too(ctx, qtbot):
    held = _Held()
    gone = weakref.ref(held)
    failed: list[BaseException] = []
    gate = threading.Event()

    def fail(thing: _Held) -> None:
        raise ValueError(thing)  # the error, and its traceback's frames, hold it

    _hold_the_worker(ctx.tasks.run(partial(fail, held), None, failed.append), gate)
    try:
        qtbot.waitUntil(lambda: bool(failed), timeout=5000)
        failed.clear()
        del held
        gc.collect()
        assert gone() is None
    finally:
        gate.set()
    ctx.tasks.wait_idle()


def test_a_dialog_whose_work_outlived_it_is_destroyed_on_the_gui_thread(ctx, qtbot):
    dialog = _Dialog()
    dialog.show()
    dialog.edit.setFocus()
    destroyed_on: list[str] = []
    dialog.destroyed.connect(lambda: destroyed_on.append(threading.current_thread().name),
                             Qt.ConnectionType.DirectConnection)
    done: list[object] = []
    gate = threading.Event()
    # The work and its finish close over the dialog, as a record dialog's save does; the finish closes it.
    work = partial(lambda d: d.objectName(), dialog)
    finish = partial(lambda d, _result: done.append(d.close()), dialog)
    _hold_the_worker(ctx.tasks.run(work, finish, parent=dialog), gate)
    del work, finish
    try:
        qtbot.waitUntil(lambda: bool(done), timeout=5000)
        done.clear()
        del dialog  # the test's reference was the last one the GUI thread had
        gc.collect()
    finally:
        gate.set()
    ctx.tasks.wait_idle()
    qtbot.waitUntil(lambda: bool(destroyed_on), timeout=5000)
    assert destroyed_on == [threading.main_thread().name]



def _reaches(start: object, target: object, depth: int = 6) -> bool:
    """Whether ``target`` is reachable from ``start`` through at most ``depth`` references."""
    seen: set[int] = set()
    level = [start]
    for _ in range(depth):
        following = []
        for item in level:
            for referent in gc.get_referents(item):
                if referent is target:
                    return True
                if id(referent) not in seen and not isinstance(referent, type):
                    seen.add(id(referent))
                    following.append(referent)
        level = following
    return False


def test_a_sync_asked_for_in_the_window_leaves_the_sync_thread_no_reference_to_it(ctx, qtbot, monkeypatch):
    """The sync thread keeps the future of the sync it ran (and calls its callbacks): none may hold the window."""
    from desktop.ui.account import AccountSnapshot
    from desktop.ui.main_window import MainWindow

    future: Future = Future()
    monkeypatch.setattr(ctx.runner, "request", lambda: future)
    window = MainWindow(ctx)
    qtbot.addWidget(window)
    window._sync_if_signed_in(AccountSnapshot(signed_in=True))
    assert not _reaches(future, window)
    with qtbot.waitSignal(ctx.events.sync_finished, timeout=5000):  # the window still hears of the sync's end
        threading.Thread(target=future.set_result, args=(None,), name="feltbog-sync").start()
