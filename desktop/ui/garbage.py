"""Python's cyclic garbage collector runs on the GUI thread only.

Why: a Qt object may be destroyed only on the thread it lives on, and Qt
unregisters an object's timers only then. Parentless QObjects of the app
(the sync relay, dialogs, a closed window) are often held by reference
cycles, so whichever thread happens to trigger the collector frees them:
with the database worker and the sync thread allocating all day, that was
often not the GUI thread, and a timer of a freed object later crashed the
event loop (SIGSEGV in QTimerInfoList::activateTimers, seen in the UI tests).
calibre does the same: automatic collection off, the same thresholds checked
from a GUI timer.
"""

from __future__ import annotations

import gc

from PySide6.QtCore import QObject, QTimer

INTERVAL_MS = 500


class GuiGarbageCollector(QObject):
    """Disables automatic collection and collects, by the usual thresholds, from a GUI-thread timer."""

    def __init__(self, parent: QObject) -> None:
        super().__init__(parent)
        self.setObjectName("gui_garbage_collector")
        self.threshold = gc.get_threshold()
        gc.disable()
        # What exists now (modules, classes, the ORM's tables: made at start-up, while collection was
        # paused, desktop/boot.py) lives as long as the app: keep it out of every later collection, or the
        # first one would walk all of it at once.
        gc.freeze()
        self.timer = QTimer(self, interval=INTERVAL_MS)
        self.timer.timeout.connect(self.check)
        self.timer.start()

    def check(self) -> None:
        """Collect the oldest generation whose count passed its threshold (as the automatic collector would)."""
        counts = gc.get_count()
        generation = -1
        for level in range(3):
            if counts[level] > self.threshold[level]:
                generation = level
        if generation >= 0:
            gc.collect(generation)
