"""Cancellation and progress for long work, as plain Python (the UI adapts them)."""

from __future__ import annotations

import threading
from collections.abc import Callable

from desktop.errors import Cancelled

# progress(done, total, message); total is 0 when unknown.
Progress = Callable[[int, int, str], None]


def no_progress(_done: int, _total: int, _message: str) -> None:
    """A progress callback that ignores everything."""


class CancelToken:
    """A thread-safe flag the user's Cancel button sets and long work checks."""

    def __init__(self) -> None:
        self._event = threading.Event()

    def cancel(self) -> None:
        """Ask the work to stop at its next check."""
        self._event.set()

    @property
    def cancelled(self) -> bool:
        """True once cancel() was called."""
        return self._event.is_set()

    def check(self) -> None:
        """Raise :class:`Cancelled` if cancel() was called."""
        if self._event.is_set():
            raise Cancelled()
