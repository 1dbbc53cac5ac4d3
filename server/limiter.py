"""Login rate limiting per username and per address, with a growing lock-out."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable


class LoginLimiter:
    """Allow ``attempts`` failures per key in ``window`` seconds; then refuse until it passes.

    Kept in memory per server process: with several workers each counts on
    its own, which still bounds guessing to workers x attempts per window.
    """

    def __init__(self, attempts: int = 5, window: float = 300.0, clock: Callable[[], float] = time.monotonic) -> None:
        self.attempts = attempts
        self.window = window
        self.clock = clock
        self._failures: dict[str, list[float]] = {}
        self._lock = threading.Lock()

    def _recent(self, key: str, now: float) -> list[float]:
        times = [t for t in self._failures.get(key, []) if now - t < self.window]
        self._failures[key] = times
        return times

    def allowed(self, username: str, address: str) -> bool:
        """False while the user or the address has too many recent failures."""
        now = self.clock()
        with self._lock:
            return all(len(self._recent(k, now)) < self.attempts for k in (f"u:{username}", f"a:{address}"))

    def failed(self, username: str, address: str) -> None:
        """Count a failed login."""
        now = self.clock()
        with self._lock:
            for key in (f"u:{username}", f"a:{address}"):
                self._recent(key, now).append(now)
            if len(self._failures) > 100_000:  # bound memory under a flood of usernames
                self._failures.clear()

    def succeeded(self, username: str, address: str) -> None:
        """A correct password clears the user's failures (not the address's)."""
        with self._lock:
            self._failures.pop(f"u:{username}", None)
