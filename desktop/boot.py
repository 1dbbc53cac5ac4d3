"""The first thing the app does when it starts: pause Python's cyclic garbage collector for the imports.

Importing the app (PySide6, SQLAlchemy, the ORM classes) makes a few hundred thousand objects that all
live as long as the app, and the collector walked them again and again while they were made: a quarter
of the import time (issue 22, docs/performance.md "Start-up"). Nothing made then is garbage, so the
collector is off until the app exists; then :class:`desktop.ui.garbage.GuiGarbageCollector` freezes what
start-up made (out of every later collection) and collects by the usual thresholds on the GUI thread.
"""

from __future__ import annotations

import gc


def pause_garbage_collection() -> None:
    """Turn automatic collection off (call before the app's imports; the GUI's collector takes over)."""
    gc.disable()
