"""The real sync server for tests: a fresh database (SQLite or PostgreSQL) and uvicorn on loopback."""

from __future__ import annotations

import contextlib
import os
import threading
import time
import uuid
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import uvicorn

from server import admin
from server.app import create_app
from server.db import make_engine

PG_ADMIN_URL = "postgresql+psycopg://postgres@127.0.0.1:5432/postgres"
PASSWORD = "korrekt-hest-batteri"


def postgres_available() -> bool:
    """True if the local PostgreSQL answers (and FELTBOG_NO_POSTGRES is not set)."""
    if os.environ.get("FELTBOG_NO_POSTGRES"):
        return False
    try:
        import psycopg

        with psycopg.connect("host=127.0.0.1 port=5432 user=postgres dbname=postgres", connect_timeout=3):
            return True
    except Exception:  # noqa: BLE001
        return False


@contextlib.contextmanager
def make_database_url(kind: str, tmp_path: Path) -> Iterator[str]:
    """A URL for a brand-new, empty database; PostgreSQL ones are dropped afterwards."""
    if kind == "sqlite":
        yield f"sqlite:///{tmp_path / f'server-{uuid.uuid4().hex[:8]}.sqlite'}"
        return
    import psycopg

    name = f"feltbog_test_{uuid.uuid4().hex[:12]}"
    with psycopg.connect("host=127.0.0.1 port=5432 user=postgres dbname=postgres", autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    try:
        yield f"postgresql+psycopg://postgres@127.0.0.1:5432/{name}"
    finally:
        with psycopg.connect("host=127.0.0.1 port=5432 user=postgres dbname=postgres", autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@dataclass
class LiveServer:
    """uvicorn serving the real app on 127.0.0.1 on a free port, in a background thread."""

    database_url: str
    url: str = ""
    team_id: str = ""
    users: dict[str, str] = field(default_factory=dict)  # username -> id

    def __enter__(self) -> LiveServer:
        self.app = create_app(self.database_url)
        self.engine = self.app.state.engine
        config = uvicorn.Config(self.app, host="127.0.0.1", port=0, log_level="warning", lifespan="off")
        self.server = uvicorn.Server(config)
        self.thread = threading.Thread(target=self.server.run, daemon=True)
        self.thread.start()
        deadline = time.monotonic() + 20
        while not self.server.started:
            if time.monotonic() > deadline or not self.thread.is_alive():
                raise RuntimeError("the test server did not start")
            time.sleep(0.01)
        port = self.server.servers[0].sockets[0].getsockname()[1]
        self.url = f"http://127.0.0.1:{port}"
        with self.engine.connect() as conn:
            existing = admin.list_teams(conn)
        self.team_id = existing[0]["id"] if existing else self.new_team("Jobcenter Jammerbugt")
        return self

    def __exit__(self, *exc: object) -> None:
        self.server.should_exit = True
        self.thread.join(10)
        self.engine.dispose()

    def new_team(self, name: str | None = None) -> str:
        """Create a team; returns its id."""
        with self.engine.execution_options(write=True).begin() as conn:
            return admin.create_team(conn, name or f"Team {uuid.uuid4().hex[:8]}")

    def user(
        self, role: str = "consultant", team_id: str | None = None, username: str | None = None
    ) -> tuple[str, str]:
        """Create a user in a team (default: the first team); returns (username, password)."""
        username = username or f"{role}-{uuid.uuid4().hex[:8]}"
        with self.engine.execution_options(write=True).begin() as conn:
            user_id = admin.create_user(conn, username, f"{role.title()} {username[-4:]}", role, PASSWORD)
            admin.add_member(conn, user_id, team_id or self.team_id)
        self.users[username] = user_id
        return username, PASSWORD


def start_standalone(database_url: str | None = None) -> LiveServer:
    """A server for scripts (benchmarks): the caller calls __exit__ when done."""
    folder = Path(os.environ.get("TMPDIR", "/tmp"))
    return LiveServer(database_url or f"sqlite:///{folder / uuid.uuid4().hex}.sqlite").__enter__()


def engine_for(url: str):  # noqa: ANN201
    """A separate engine on the server's database (to inspect it from a test)."""
    return make_engine(url)
