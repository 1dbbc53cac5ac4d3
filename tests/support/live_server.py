"""The real sync server for tests: fresh databases (SQLite or PostgreSQL), seed data, uvicorn on loopback.

* ``make_database_url(kind, tmp_path)``: a context manager yielding the URL of a
  brand-new, empty database (PostgreSQL ones are created by the ``postgres``
  superuser on 127.0.0.1:5432 and dropped afterwards).
* ``clone_database(url, tmp_path)``: a copy of a prepared database (a file copy
  for SQLite, ``CREATE DATABASE ... TEMPLATE`` for PostgreSQL), so a fixture can
  migrate and seed once and give every test its own copy.
* ``seed(url_or_engine, ...)``: a team and users (consultant, supervisor, admin)
  with the known ``PASSWORD``; returns their ids. ``mint_token`` makes a bearer
  token without the Argon2 cost of a login.
* ``LiveServer(url)``: runs migrations, serves the app with uvicorn on
  127.0.0.1 on a free port in a background thread; ``.base_url`` (also ``.url``).
"""

from __future__ import annotations

import contextlib
import functools
import os
import shutil
import threading
import time
import uuid
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path

import uvicorn
from sqlalchemy import Engine, insert
from sqlalchemy.engine import make_url

from server import admin
from server.app import create_app
from server.db import make_engine, migrate
from server.security import hash_password, new_token, token_hash, utcnow
from server.tables import Token

PG_ADMIN = "host=127.0.0.1 port=5432 user=postgres dbname=postgres"
PASSWORD = "korrekt-hest-batteri"
ROLES = ("consultant", "supervisor", "admin")


def postgres_available() -> bool:
    """True if the local PostgreSQL answers (and FELTBOG_NO_POSTGRES is not set)."""
    if os.environ.get("FELTBOG_NO_POSTGRES"):
        return False
    try:
        import psycopg

        with psycopg.connect(PG_ADMIN, connect_timeout=3):
            return True
    except Exception:  # noqa: BLE001
        return False


def _pg(sql: str) -> None:
    import psycopg

    with psycopg.connect(PG_ADMIN, autocommit=True) as conn:
        conn.execute(sql)


@contextlib.contextmanager
def _pg_database(template: str | None = None) -> Iterator[str]:
    name = f"feltbog_test_{uuid.uuid4().hex[:12]}"
    _pg(f'CREATE DATABASE "{name}"' + (f' TEMPLATE "{template}"' if template else ""))
    try:
        yield f"postgresql+psycopg://postgres@127.0.0.1:5432/{name}"
    finally:
        _pg(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@contextlib.contextmanager
def make_database_url(kind: str, tmp_path: Path) -> Iterator[str]:
    """A URL for a brand-new, empty database; PostgreSQL ones are dropped afterwards."""
    if kind == "sqlite":
        yield f"sqlite:///{Path(tmp_path) / f'server-{uuid.uuid4().hex[:8]}.sqlite'}"
        return
    if kind != "postgres":
        raise ValueError(f"kind must be 'sqlite' or 'postgres', not {kind!r}")
    with _pg_database() as url:
        yield url


@contextlib.contextmanager
def clone_database(url: str, tmp_path: Path) -> Iterator[str]:
    """A fresh copy of a prepared database (nothing may be connected to the original)."""
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite":
        copy = Path(tmp_path) / f"server-{uuid.uuid4().hex[:8]}.sqlite"
        shutil.copyfile(parsed.database, copy)
        yield f"sqlite:///{copy}"
        return
    with _pg_database(template=parsed.database) as clone:
        yield clone


@functools.cache
def password_hash(password: str = PASSWORD) -> str:
    """One Argon2 hash per password and test process (hashing costs ~0.4 s on this machine)."""
    return hash_password(password)


@dataclass
class Seeded:
    """What ``seed`` made: the team and the users (username -> id)."""

    team_id: str
    users: dict[str, str] = field(default_factory=dict)
    password: str = PASSWORD

    def id(self, username: str) -> str:
        return self.users[username]


@contextlib.contextmanager
def _engine(target: str | Engine) -> Iterator[Engine]:
    if isinstance(target, Engine):
        yield target
        return
    engine = make_engine(target)
    try:
        migrate(engine)
        yield engine
    finally:
        engine.dispose()


def seed_team(target: str | Engine, name: str | None = None) -> str:
    """Create a team (in a database URL or an engine); returns its id."""
    with _engine(target) as engine, engine.execution_options(write=True).begin() as conn:
        admin.ensure_counters(conn)
        return admin.create_team(conn, name or f"Team {uuid.uuid4().hex[:8]}")


def seed_user(target: str | Engine, username: str, role: str = "consultant", teams: tuple[str, ...] | list[str] = (),
              password: str = PASSWORD, full_name: str | None = None) -> str:
    """Create a user with a known password, member of ``teams`` (ids or names); returns the id."""
    with _engine(target) as engine, engine.execution_options(write=True).begin() as conn:
        user_id = admin.create_user(conn, username, full_name or username.replace("-", " ").title(), role, password,
                                    password_hash=password_hash(password))
        for team in teams:
            admin.add_member(conn, user_id, team)
        return user_id


def seed(target: str | Engine, team_name: str = "Jobcenter Jammerbugt",
         users: dict[str, str] | None = None) -> Seeded:
    """A team and its users; ``users`` maps username -> role (default: one of each role).

    >>> seeded = seed(url)  # mette (consultant), sara (supervisor), ada (admin), password PASSWORD
    """
    users = users if users is not None else {"mette": "consultant", "sara": "supervisor", "ada": "admin"}
    with _engine(target) as engine:
        seeded = Seeded(seed_team(engine, team_name))
        for username, role in users.items():
            seeded.users[username] = seed_user(engine, username, role, [seeded.team_id])
    return seeded


def mint_token(target: str | Engine, user_id: str, days: int = 30, device_name: str = "test") -> str:
    """A valid bearer token for a user, made directly in the database (no Argon2 login)."""
    token = new_token()
    with _engine(target) as engine, engine.execution_options(write=True).begin() as conn:
        conn.execute(insert(Token).values(token_hash=token_hash(token), user_id=user_id, device_name=device_name,
                                          created_at=utcnow(), expires_at=utcnow() + timedelta(days=days)))
    return token


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

    @property
    def base_url(self) -> str:
        return self.url

    def __enter__(self) -> LiveServer:
        self.app = create_app(self.database_url)  # runs the migrations
        self.engine = self.app.state.engine
        config = uvicorn.Config(self.app, host="127.0.0.1", port=0, log_level="warning", lifespan="off",
                                timeout_graceful_shutdown=5)
        self.server = uvicorn.Server(config)
        self.thread = threading.Thread(target=self.server.run, name="live-server", daemon=True)
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
