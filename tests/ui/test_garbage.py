"""Reference cycles made on a worker thread are freed on the GUI thread (desktop/ui/garbage.py)."""

from __future__ import annotations

import gc
import threading

from desktop.ui.garbage import GuiGarbageCollector


class _Cycle:
    freed_on: list[str] = []

    def __init__(self) -> None:
        self.me = self

    def __del__(self) -> None:
        _Cycle.freed_on.append(threading.current_thread().name)


def test_cycles_made_on_a_worker_are_freed_on_the_gui_thread(app, qtbot):
    assert app.findChild(GuiGarbageCollector) is not None and not gc.isenabled()
    _Cycle.freed_on = []

    def work() -> None:
        for _ in range(2_000):  # enough allocations to pass the youngest generation's threshold many times
            _Cycle()

    worker = threading.Thread(target=work, name="feltbog-db")
    worker.start()
    worker.join()
    assert _Cycle.freed_on == []  # the worker's allocations did not start a collection there
    qtbot.waitUntil(lambda: len(_Cycle.freed_on) == 2_000, timeout=5_000)
    assert set(_Cycle.freed_on) == {threading.main_thread().name}
