"""Login rate limiting per username and per address with a growing lock-out, and a cap on refusal audit rows."""

from __future__ import annotations

import math
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field

MAX_KEYS = 100_000  # bound memory under a flood of made-up usernames or addresses


@dataclass
class _Key:
    failures: list[float] = field(default_factory=list)
    lockouts: int = 0  # lock-outs in a row; each one lasts twice as long as the one before
    locked_until: float = 0.0


class LoginLimiter:
    """Allow ``attempts`` failures per key in ``window`` seconds, then lock the key out.

    The first lock-out lasts ``window`` seconds; every further one while the
    key keeps failing doubles it, up to ``max_lockout``. A key that stays
    quiet for ``max_lockout`` after its lock-out ends starts again from one
    ``window``, and a correct password clears the user's key (not the
    address's: one address guessing many users stays locked).

    Kept in memory per server process: with several workers each counts on
    its own, which still bounds guessing to workers x attempts per lock-out.
    """

    def __init__(self, attempts: int = 5, window: float = 300.0, clock: Callable[[], float] = time.monotonic,
                 max_lockout: float = 3600.0) -> None:
        self.attempts = attempts
        self.window = window
        self.max_lockout = max(max_lockout, window)
        self.clock = clock
        self._keys: dict[str, _Key] = {}
        self._lock = threading.Lock()

    @staticmethod
    def _names(username: str, address: str) -> tuple[str, str]:
        return f"u:{username}", f"a:{address}"

    def _key(self, name: str, now: float) -> _Key:
        key = self._keys.get(name)
        if key is None:
            if len(self._keys) >= MAX_KEYS:
                self._keys.clear()
            key = self._keys[name] = _Key()
        key.failures = [t for t in key.failures if now - t < self.window]
        if key.lockouts and now - key.locked_until >= self.max_lockout:
            key.lockouts = 0  # quiet long enough: forgiven
        return key

    def retry_after(self, username: str, address: str) -> float:
        """Seconds until the user and the address may try again (0 when they may now)."""
        now = self.clock()
        with self._lock:
            return max(0.0, *(self._key(name, now).locked_until - now for name in self._names(username, address)))

    def allowed(self, username: str, address: str) -> bool:
        """False while the user or the address is locked out."""
        return self.retry_after(username, address) == 0

    def failed(self, username: str, address: str) -> None:
        """Count a failed login; the ``attempts``-th failure in a window locks the key out."""
        now = self.clock()
        with self._lock:
            for name in self._names(username, address):
                key = self._key(name, now)
                key.failures.append(now)
                if len(key.failures) >= self.attempts:
                    key.lockouts += 1
                    key.locked_until = now + min(self.window * 2 ** (key.lockouts - 1), self.max_lockout)
                    key.failures.clear()

    def succeeded(self, username: str, address: str) -> None:
        """A correct password clears the user's failures and lock-out history (not the address's)."""
        with self._lock:
            self._keys.pop(self._names(username, address)[0], None)


def retry_after_header(seconds: float) -> dict[str, str]:
    """The ``Retry-After`` header for a wait of ``seconds`` (whole seconds, at least 1)."""
    return {"Retry-After": str(max(1, math.ceil(seconds)))}


class RefusalThrottle:
    """How many refused-request audit rows an address may cause: ``rows`` per ``window`` seconds.

    Every refused request should be in the audit log, but a flood of made-up
    tokens must not turn into a flood of writes (SQLite has one writer). Past
    the limit the refusals are only counted, and the next row written for
    that address says how many were left out, so the log still shows them.
    """

    def __init__(self, rows: int = 30, window: float = 60.0, clock: Callable[[], float] = time.monotonic) -> None:
        self.rows = rows
        self.window = window
        self.clock = clock
        self._written: dict[str, list[float]] = {}
        self._skipped: dict[str, int] = {}
        self._lock = threading.Lock()

    def admit(self, address: str) -> int | None:
        """None: do not write a row (counted). Otherwise write one, noting this many left out before it."""
        now = self.clock()
        with self._lock:
            if len(self._written) >= MAX_KEYS:
                self._written.clear()
                self._skipped.clear()
            times = [t for t in self._written.get(address, []) if now - t < self.window]
            if len(times) >= self.rows:
                self._written[address] = times
                self._skipped[address] = self._skipped.get(address, 0) + 1
                return None
            times.append(now)
            self._written[address] = times
            return self._skipped.pop(address, 0)
