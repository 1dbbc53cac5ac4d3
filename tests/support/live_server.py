"""The real sync server for tests: uvicorn on loopback, on a database from ``server.seeding``.

* ``LiveServer(url)``: runs migrations, serves the app with uvicorn on
  127.0.0.1 on a free port in a background thread; ``.base_url`` (also ``.url``).
  With ``ssl_certfile`` (and ``ssl_keyfile``) it serves HTTPS, as a municipal
  server behind its own CA's certificate does (tests/sync/test_tls_trust_store.py).
* The scratch databases and seed data (``make_database_url``, ``clone_database``,
  ``seed``, ``seed_team``, ``seed_user``, ``mint_token``, ``PASSWORD``) live in
  ``server.seeding``, shared with the benchmarks, and are re-exported here.
"""

from __future__ import annotations

import os
import threading
import time
import uuid
from dataclasses import dataclass, field
from pathlib import Path

import uvicorn
from sqlalchemy import Engine

from server import admin
from server.app import create_app
from server.config import Settings
from server.db import make_engine
from server.seeding import (
    PASSWORD,
    ROLES,
    Seeded,
    clone_database,
    make_database_url,
    mint_token,
    password_hash,
    postgres_available,
    seed,
    seed_team,
    seed_user,
)

__all__ = [
    "PASSWORD",
    "ROLES",
    "LiveServer",
    "Seeded",
    "clone_database",
    "engine_for",
    "make_database_url",
    "mint_token",
    "password_hash",
    "postgres_available",
    "seed",
    "seed_team",
    "seed_user",
    "start_standalone",
]


@dataclass
class LiveServer:
    """uvicorn serving the real app on 127.0.0.1 on a free port, in a background thread.

    On entry the database is migrated and, if it has no team yet, gets one
    ("Jobcenter Jammerbugt"), whose id is ``team_id``. ``user()`` makes users.
    """

    database_url: str
    url: str = ""
    team_id: str = ""
    users: dict[str, str] = field(default_factory=dict)  # username -> id
    settings: dict[str, object] = field(default_factory=dict)  # server.config.Settings fields besides the URL
    ssl_certfile: str | None = None  # PEM chain; HTTPS when set
    ssl_keyfile: str | None = None

    @property
    def base_url(self) -> str:
        return self.url

    def __enter__(self) -> LiveServer:
        settings = Settings(database_url=self.database_url, **self.settings) if self.settings else None  # type: ignore[arg-type]
        self.app = create_app(self.database_url, settings=settings)  # runs the migrations
        self.engine = self.app.state.engine
        config = uvicorn.Config(self.app, host="127.0.0.1", port=0, log_level="warning", lifespan="off",
                                timeout_graceful_shutdown=5, ssl_certfile=self.ssl_certfile,
                                ssl_keyfile=self.ssl_keyfile)
        self.server = uvicorn.Server(config)
        self.thread = threading.Thread(target=self.server.run, name="live-server", daemon=True)
        self.thread.start()
        deadline = time.monotonic() + 20
        while not self.server.started:
            if time.monotonic() > deadline or not self.thread.is_alive():
                raise RuntimeError("the test server did not start")
            time.sleep(0.01)
        port = self.server.servers[0].sockets[0].getsockname()[1]
        self.url = f"{'https' if self.ssl_certfile else 'http'}://127.0.0.1:{port}"
        with self.engine.connect() as conn:
            existing = admin.list_teams(conn)
        self.team_id = existing[0]["id"] if existing else self.new_team("Jobcenter Jammerbugt")
        return self

    def __exit__(self, *exc: object) -> None:
        self.server.should_exit = True
        self.thread.join(15)
        self.engine.dispose()

    def new_team(self, name: str | None = None) -> str:
        """Create a team; returns its id."""
        return seed_team(self.engine, name)

    def user(
        self, role: str = "consultant", team_id: str | None = None, username: str | None = None
    ) -> tuple[str, str]:
        """Create a user in a team (default: the first team); returns (username, password)."""
        username = username or f"{role}-{uuid.uuid4().hex[:8]}"
        self.users[username] = seed_user(self.engine, username, role, [team_id or self.team_id],
                                         full_name=f"{role.title()} {username[-4:]}")
        return username, PASSWORD

    def token(self, username: str) -> str:
        """A bearer token for a user made by ``user()`` (no login round trip)."""
        return mint_token(self.engine, self.users[username])


def start_standalone(database_url: str | None = None) -> LiveServer:
    """A server for scripts (benchmarks): the caller calls __exit__ when done."""
    folder = Path(os.environ.get("TMPDIR", "/tmp"))
    return LiveServer(database_url or f"sqlite:///{folder / uuid.uuid4().hex}.sqlite").__enter__()


def engine_for(url: str) -> Engine:
    """A separate engine on the server's database (to inspect it from a test)."""
    return make_engine(url)
