"""The real sync server in its own process, as in production, for benchmarks.

An in-process server shares the GIL with the app core it serves, which
halves what either can do on two cores. Benchmarks therefore start
``python -m server`` (uvicorn, optionally several workers) on a free
loopback port and talk to it over HTTP like a laptop would.
"""

from __future__ import annotations

import contextlib
import os
import socket
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import requests

from server.seeding import PASSWORD, mint_token, seed_team, seed_user


def free_port() -> int:
    """A TCP port on 127.0.0.1 that nothing listens on right now."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@contextlib.contextmanager
def serve(database_url: str, workers: int = 1, log: Path | None = None,
          env: dict[str, str] | None = None) -> Iterator[str]:
    """``python -m server`` on a free loopback port; yields its base URL and stops it afterwards.

    ``env``: more environment variables for the server (its ``FELTBOG_*`` settings)."""
    port = free_port()
    with contextlib.ExitStack() as stack:
        out = stack.enter_context(open(log, "ab")) if log else subprocess.DEVNULL
        process = subprocess.Popen(
            [sys.executable, "-m", "server", "--db", database_url, "--host", "127.0.0.1", "--port", str(port),
             "--workers", str(workers)],
            stdout=out, stderr=out, env={**os.environ, "PYTHONUNBUFFERED": "1", **(env or {})},
        )
        base = f"http://127.0.0.1:{port}"
        try:
            deadline = time.monotonic() + 60
            while True:  # bounded: 60 s
                if process.poll() is not None:
                    raise RuntimeError(f"the server exited with {process.returncode}; see {log}")
                with contextlib.suppress(requests.RequestException):
                    if requests.get(f"{base}/api/v1/health", timeout=1).ok:
                        break
                if time.monotonic() > deadline:
                    raise RuntimeError(f"the server did not start within 60 s; see {log}")
                time.sleep(0.1)
            yield base
        finally:
            process.terminate()
            try:
                process.wait(20)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait(10)


@dataclass
class ServerProcess:
    """``serve`` as an object: the URL, one team made on entry, and users and tokens on demand."""

    database_url: str
    workers: int = 1
    log: Path | None = None
    url: str = ""
    team_id: str = ""
    users: dict[str, str] = field(default_factory=dict)  # username -> id
    env: dict[str, str] = field(default_factory=dict)  # the server's FELTBOG_* settings

    def __enter__(self) -> ServerProcess:
        self._stack = contextlib.ExitStack()
        self.url = self._stack.enter_context(serve(self.database_url, self.workers, self.log, self.env))
        self.team_id = seed_team(self.database_url, "Jobcenter Jammerbugt")
        return self

    def __exit__(self, *exc: object) -> None:
        self._stack.close()

    def user(self, role: str = "consultant", team_id: str | None = None,
             username: str | None = None) -> tuple[str, str]:
        """A new user in a team (default: the first); returns (username, password)."""
        username = username or f"{role}-{uuid.uuid4().hex[:8]}"
        self.users[username] = seed_user(self.database_url, username, role, [team_id or self.team_id])
        return username, PASSWORD

    def token(self, username: str) -> str:
        """A bearer token for a user made by ``user()`` (no Argon2 login)."""
        return mint_token(self.database_url, self.users[username])
