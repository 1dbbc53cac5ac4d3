"""The real sync server in its own process, as in production, for benchmarks.

An in-process server shares the GIL with the app core it serves, which
halves what either can do on two cores. Benchmarks therefore start
``python -m server`` (uvicorn, optionally several workers) on a free
loopback port and talk to it over HTTP like a laptop would.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import uuid
from dataclasses import dataclass, field
from pathlib import Path

import requests

from tests.support.live_server import PASSWORD, mint_token, seed_team, seed_user


def free_port() -> int:
    """A TCP port on 127.0.0.1 that nothing listens on right now."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@dataclass
class ServerProcess:
    """``python -m server`` on 127.0.0.1 in a child process; a context manager.

    On entry the database is migrated (by the server itself) and one team is
    made; ``user()`` adds users and ``token()`` mints their bearer tokens.
    """

    database_url: str
    workers: int = 1
    log: Path | None = None
    url: str = ""
    team_id: str = ""
    users: dict[str, str] = field(default_factory=dict)  # username -> id

    def __enter__(self) -> ServerProcess:
        port = free_port()
        out = open(self.log, "ab") if self.log else subprocess.DEVNULL  # noqa: SIM115 - closed in __exit__
        self._out = out
        env = {**os.environ, "PYTHONUNBUFFERED": "1"}
        self.process = subprocess.Popen(
            [sys.executable, "-m", "server", "--db", self.database_url, "--host", "127.0.0.1", "--port", str(port),
             "--workers", str(self.workers)],
            stdout=out, stderr=out, env=env,
        )
        self.url = f"http://127.0.0.1:{port}"
        deadline = time.monotonic() + 60
        while True:
            if self.process.poll() is not None:
                raise RuntimeError(f"the server exited with {self.process.returncode}")
            try:
                if requests.get(f"{self.url}/api/v1/health", timeout=1).ok:
                    break
            except requests.RequestException:
                pass
            if time.monotonic() > deadline:
                self.__exit__()
                raise RuntimeError("the server did not start within 60 s")
            time.sleep(0.1)
        self.team_id = seed_team(self.database_url, "Jobcenter Jammerbugt")
        return self

    def __exit__(self, *exc: object) -> None:
        self.process.terminate()
        try:
            self.process.wait(20)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait(10)
        if self._out is not subprocess.DEVNULL:
            self._out.close()

    def user(self, role: str = "consultant", team_id: str | None = None,
             username: str | None = None) -> tuple[str, str]:
        """A new user in a team (default: the first); returns (username, password)."""
        username = username or f"{role}-{uuid.uuid4().hex[:8]}"
        self.users[username] = seed_user(self.database_url, username, role, [team_id or self.team_id])
        return username, PASSWORD

    def token(self, username: str) -> str:
        """A bearer token for a user made by ``user()`` (no Argon2 login)."""
        return mint_token(self.database_url, self.users[username])
