"""Login rate limiting kept in the server's database, and a cap on refusal audit rows.

Every worker process and every server behind the proxy reads and writes the
same rows (``login_limits``), so N workers do not allow N times the guesses,
and no flood can evict a lock-out: rows are never dropped to make room, only
once they have expired (a bounded clean-up after each failure).

What is counted, each with its own limit per window and a lock-out that
doubles while the failures go on (up to ``max_lockout``):

* the **(address, user)** pair: a few guesses at one account from one place;
* the **user**, from anywhere: guesses spread over many addresses;
* the **address** alone, only after far more failures: a job centre behind one
  NAT address is not locked out because one person mistyped;
* a **known device** of the user (a device key the app keeps in the OS
  keychain and sends as ``X-Feltbog-Device``, that has signed this user in
  before): such a login is never held back by the pair, user or address
  lock-outs others caused, only by its own failures. So a correct password
  from the consultant's own laptop always gets in, while someone else
  guessing at that account is locked out.

Usernames and device keys are stored only as keyed hashes (HMAC with a secret
made at install): a password typed into the username field is never kept.
IPv6 addresses count per /64 (what one subscriber gets).
"""

from __future__ import annotations

import hashlib
import hmac
import ipaddress
import math
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass

from sqlalchemy import Connection, delete, insert, select, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert

from server.tables import LoginDevice, LoginLimit, ServerSecret

MAX_KEYS = 100_000  # RefusalThrottle: bound memory under a flood of made-up addresses
CLEANUP_BATCH = 200  # expired limiter rows dropped per failed login
DEVICE_HEADER = "x-feltbog-device"
PAIR, USER, ADDRESS, DEVICE = "pair", "user", "address", "device"


def address_key(host: str) -> str:
    """The address a limit counts: IPv4 as it is, IPv6 by its /64 network."""
    try:
        ip = ipaddress.ip_address(host)
    except ValueError:
        return host[:64]
    if isinstance(ip, ipaddress.IPv6Address):
        if ip.ipv4_mapped is not None:
            return str(ip.ipv4_mapped)
        return str(ipaddress.ip_network(f"{ip}/64", strict=False))
    return str(ip)


@dataclass(frozen=True)
class Keys:
    """The limiter rows one login attempt touches (keyed hashes, scope -> key)."""

    rows: dict[str, str]
    known_device: bool


class LoginLimiter:
    """Failures per key and window in ``login_limits``; see the module docstring."""

    def __init__(self, attempts: int = 5, window: float = 300.0, clock: Callable[[], float] = time.time,
                 max_lockout: float = 3600.0, user_attempts: int = 10, address_attempts: int = 100) -> None:
        self.limits = {PAIR: attempts, DEVICE: attempts, USER: user_attempts, ADDRESS: address_attempts}
        self.window = window
        self.max_lockout = max(max_lockout, window)
        self.clock = clock
        self._secret: bytes | None = None
        self._lock = threading.Lock()

    # -- keys --------------------------------------------------------------------------------

    def secret(self, conn: Connection) -> bytes:
        """The install's HMAC key (made by the migration that made the tables)."""
        with self._lock:
            if self._secret is None:
                value = conn.execute(select(ServerSecret.value).where(ServerSecret.name == "limiter")).scalar()
                if value is None:
                    raise RuntimeError("the server database has no limiter secret: run the migrations")
                self._secret = value.encode()
            return self._secret

    def digest(self, conn: Connection, scope: str, value: str) -> str:
        """A keyed hash of ``value`` in ``scope`` (what the tables store instead of the value)."""
        return hmac.new(self.secret(conn), f"{scope}\0{value}".encode("utf-8", "replace"),
                        hashlib.sha256).hexdigest()

    def keys(self, conn: Connection, username: str, address: str, user_id: str | None,
             device: str | None) -> Keys:
        """The rows of one attempt; the device counts only if it signed this user in before."""
        name, where = username.lower(), address_key(address)
        rows = {PAIR: self.digest(conn, PAIR, f"{where}\0{name}"), USER: self.digest(conn, USER, name),
                ADDRESS: self.digest(conn, ADDRESS, where)}
        known = False
        if user_id is not None and device:
            device_key = self.digest(conn, DEVICE, device)
            known = conn.execute(select(LoginDevice.user_id).where(
                LoginDevice.user_id == user_id, LoginDevice.device_key == device_key)).first() is not None
            if known:
                rows[DEVICE] = self.digest(conn, DEVICE, f"{device}\0{user_id}")
        return Keys(rows, known)

    def _binding(self, keys: Keys) -> dict[str, str]:
        """The rows whose lock-out holds this attempt back: a known device's own, else the others."""
        if keys.known_device:
            return {DEVICE: keys.rows[DEVICE]}
        return {scope: key for scope, key in keys.rows.items() if scope != DEVICE}

    # -- the three operations ----------------------------------------------------------------

    def retry_after(self, conn: Connection, keys: Keys) -> float:
        """Seconds until this attempt may be made (0: now)."""
        now = self.clock()
        binding = list(self._binding(keys).values())
        until = conn.execute(select(LoginLimit.locked_until).where(LoginLimit.key.in_(binding))).scalars()
        return max([0.0, *(u - now for u in until if u)])

    def failed(self, conn: Connection, keys: Keys) -> None:
        """Count a failure on every row of the attempt (in the caller's write transaction)."""
        now = self.clock()
        rows = dict(keys.rows)
        if keys.known_device:  # the owner mistyping on their own laptop: not a lock on the office
            rows.pop(PAIR), rows.pop(ADDRESS)
        fresh = [{"key": k, "failures": 0, "window_start": now, "lockouts": 0, "locked_until": 0.0,
                  "expires_at": now + self.window} for k in sorted(rows.values())]
        if conn.dialect.name == "postgresql":
            conn.execute(pg_insert(LoginLimit).values(fresh).on_conflict_do_nothing())
            # Locked in key order, so two logins counting the same rows never deadlock.
            query = (select(LoginLimit).where(LoginLimit.key.in_(list(rows.values()))).order_by(LoginLimit.key)
                     .with_for_update())
        else:  # the IMMEDIATE transaction holds SQLite's write lock already
            have = set(conn.execute(select(LoginLimit.key).where(LoginLimit.key.in_(list(rows.values())))).scalars())
            missing = [f for f in fresh if f["key"] not in have]
            if missing:
                conn.execute(insert(LoginLimit), missing)
            query = select(LoginLimit).where(LoginLimit.key.in_(list(rows.values())))
        scope_of = {key: scope for scope, key in rows.items()}
        for row in conn.execute(query).all():
            failures, start, lockouts, until = row.failures, row.window_start, row.lockouts, row.locked_until
            if now - start >= self.window:
                failures, start = 0, now
            if lockouts and now - until >= self.max_lockout:
                lockouts = 0  # quiet long enough: forgiven
            failures += 1
            if failures >= self.limits[scope_of[row.key]]:
                lockouts += 1
                until = now + min(self.window * 2 ** (lockouts - 1), self.max_lockout)
                failures = 0
            conn.execute(update(LoginLimit).where(LoginLimit.key == row.key).values(
                failures=failures, window_start=start, lockouts=lockouts, locked_until=until,
                expires_at=max(start + self.window, until + self.max_lockout if lockouts else until)))
        self.clean_up(conn, now)

    def succeeded(self, conn: Connection, keys: Keys, user_id: str, device: str | None) -> None:
        """A correct password: the pair's and the device's failures are cleared, the device becomes known.

        The user's and the address's rows stay: someone else guessing at the
        account, or from the address, is still held back.
        """
        clear = [keys.rows[s] for s in (PAIR, DEVICE) if s in keys.rows]
        conn.execute(delete(LoginLimit).where(LoginLimit.key.in_(clear)))
        if device and not keys.known_device:
            dialect = pg_insert if conn.dialect.name == "postgresql" else sqlite_insert
            conn.execute(dialect(LoginDevice).values(user_id=user_id, device_key=self.digest(conn, DEVICE, device),
                                                     first_seen=self.clock()).on_conflict_do_nothing())

    def clean_up(self, conn: Connection, now: float) -> int:
        """Drop up to CLEANUP_BATCH expired rows (never one that still counts)."""
        expired = select(LoginLimit.key).where(LoginLimit.expires_at < now).limit(CLEANUP_BATCH)
        keys = list(conn.execute(expired).scalars())
        if keys:
            conn.execute(delete(LoginLimit).where(LoginLimit.key.in_(keys), LoginLimit.expires_at < now))
        return len(keys)


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
