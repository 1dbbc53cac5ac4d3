"""Scratch databases and seed data for the tests and the benchmarks; the running server never imports this.

* ``make_database_url(kind, tmp_path)``: a context manager yielding the URL of a
  brand-new, empty database (PostgreSQL ones are created by the ``postgres``
  superuser on 127.0.0.1:5432 and dropped afterwards).
* ``clone_database(url, tmp_path)``: a copy of a prepared database (a file copy
  for SQLite, ``CREATE DATABASE ... TEMPLATE`` for PostgreSQL), so a fixture can
  migrate and seed once and give every test its own copy.
* ``seed(url_or_engine, ...)``, ``seed_team``, ``seed_user``: a team and users
  (consultant, supervisor, admin) with the known ``PASSWORD``; they return ids.
* ``mint_token``: a bearer token made in the database, without the Argon2 cost of a login.

``tests.support.live_server`` (the server in a thread for tests) and ``bench``
(the server in its own process) both seed through here, so the benchmarks do
not import the tests.
"""

from __future__ import annotations

import contextlib
import functools
import os
import shutil
import uuid
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path

from sqlalchemy import Engine, insert
from sqlalchemy.engine import make_url

from server import admin
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
    except Exception:
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
        shutil.copyfile(parsed.database or "", copy)
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
