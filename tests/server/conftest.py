"""Server tests talk HTTP to the real app, each on its own fresh SQLite or PostgreSQL database.

A module-scoped template database is migrated and seeded once per backend
(two teams, five people, a bearer token each); every test gets a copy of it
(a file copy, or ``CREATE DATABASE ... TEMPLATE``), so tests are isolated and
no test pays for migrations or Argon2 hashing.
"""

from __future__ import annotations

import contextlib
import json
import threading
import time
import uuid
from collections.abc import Iterator
from dataclasses import dataclass, field

import httpx
import pytest
import uvicorn
from fastapi.testclient import TestClient
from sqlalchemy import func, select

from server.app import create_app
from server.config import Settings
from server.db import make_engine, migrate
from server.tables import AuditEntry, Record
from tests.support.live_server import (
    PASSWORD,
    LiveServer,
    clone_database,
    make_database_url,
    mint_token,
    postgres_available,
    seed_team,
    seed_user,
)

PEOPLE = [("mette", "consultant", "a"), ("jens", "consultant", "a"), ("sara", "supervisor", "a"),
          ("otto", "consultant", "b"), ("ada", "admin", "a")]


@dataclass
class Template:
    kind: str
    url: str
    team_a: str
    team_b: str
    ids: dict[str, str]
    tokens: dict[str, str]


@dataclass
class Api:
    """A TestClient plus the people and teams of two job centres."""

    client: TestClient
    url: str
    kind: str
    team_a: str = ""
    team_b: str = ""
    ids: dict[str, str] = field(default_factory=dict)
    tokens: dict[str, str] = field(default_factory=dict)
    mutation_ids: dict[tuple[str, str], int] = field(default_factory=dict)

    @property
    def engine(self):
        return self.client.app.state.engine

    def login(self, username: str, password: str = PASSWORD) -> str:
        reply = self.client.post("/api/v1/auth/login", json={"username": username, "password": password,
                                                             "device_name": "test"})
        assert reply.status_code == 200, reply.text
        return reply.json()["token"]

    def h(self, who: str) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.tokens[who]}"}

    def push(self, who: str, mutations: list[dict], device: str = "dev-1", expect: int = 200) -> dict:
        """Push with consecutive mutation ids per (user, device), filled in here."""
        numbered = []
        for m in mutations:
            key = (who, device)
            self.mutation_ids[key] = self.mutation_ids.get(key, 0) + 1
            numbered.append({"base_version": 0, "fields": {}, "op": "upsert", **m,
                             "mutation_id": self.mutation_ids[key]})
        reply = self.client.post("/api/v1/sync/push", headers=self.h(who),
                                 json={"device_id": device, "schema_version": 1, "mutations": numbered})
        assert reply.status_code == expect, reply.text
        return reply.json()

    def push_one(self, who: str, mutation: dict, device: str = "dev-1") -> dict:
        """Push one mutation; return its result."""
        return self.push(who, [mutation], device)["results"][0]

    def pull_all(self, who: str, since: int = 0, limit: int = 500) -> tuple[list[dict], int]:
        changes = []
        for _ in range(10_000):
            page = self.client.get("/api/v1/sync/pull", params={"since": since, "limit": limit}, headers=self.h(who))
            assert page.status_code == 200, page.text
            body = page.json()
            changes.extend(body["changes"])
            since = body["cursor"]
            if not body["has_more"]:
                return changes, since
        raise AssertionError("pull never finished")

    def latest(self, who: str, record_id: str) -> dict:
        """The newest change of one record that ``who`` pulls."""
        return [c for c in self.pull_all(who)[0] if c["id"] == record_id][-1]

    def summary(self, who: str) -> dict:
        reply = self.client.get("/api/v1/sync/summary", headers=self.h(who))
        assert reply.status_code == 200, reply.text
        return reply.json()

    def company(self, who: str = "mette", team: str | None = None, **fields) -> str:
        record_id = str(uuid.uuid4())
        result = self.push_one(who, {"entity": "company", "id": record_id,
                                     "fields": {"team_id": team or self.team_a, "name": "Aars Tømrer", **fields}})
        assert result["status"] == "applied", result
        return record_id

    def visit(self, who: str = "mette", company: str | None = None, **fields) -> str:
        company = company or self.company(who)
        record_id = str(uuid.uuid4())
        result = self.push_one(who, {"entity": "visit", "id": record_id, "fields": {
            "team_id": self.team_a, "company_id": company, "visited_at": "2026-11-20", "body": "Referat",
            "consultant_id": self.ids[who], **fields}})
        assert result["status"] == "applied", result
        return record_id

    def count(self, entity: str | None = None) -> int:
        query = select(func.count()).select_from(Record)
        if entity:
            query = query.where(Record.entity == entity)
        with self.engine.connect() as conn:
            return conn.execute(query).scalar()

    def audit_actions(self, **where) -> list[str]:
        query = select(AuditEntry.action).order_by(AuditEntry.id)
        for name, value in where.items():
            query = query.where(getattr(AuditEntry, name) == value)
        with self.engine.connect() as conn:
            return list(conn.execute(query).scalars())


@pytest.fixture(scope="module", params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def template(request, tmp_path_factory):
    """A migrated, seeded database per backend and test module."""
    if request.param == "postgres" and not postgres_available():
        pytest.skip("PostgreSQL is not running on 127.0.0.1:5432 (or FELTBOG_NO_POSTGRES=1)")
    with make_database_url(request.param, tmp_path_factory.mktemp("template")) as url:
        engine = make_engine(url)
        migrate(engine)
        teams = {"a": seed_team(engine, "Jobcenter Jammerbugt"), "b": seed_team(engine, "Jobcenter Vesthimmerland")}
        ids = {name: seed_user(engine, name, role, [teams[team]]) for name, role, team in PEOPLE}
        tokens = {name: mint_token(engine, user_id) for name, user_id in ids.items()}
        engine.dispose()  # a PostgreSQL template must have no connections
        yield Template(request.param, url, teams["a"], teams["b"], ids, tokens)


@pytest.fixture
def api(template, tmp_path):
    with clone_database(template.url, tmp_path) as url:
        app = create_app(url)
        with TestClient(app) as client:
            yield Api(client, url, template.kind, template.team_a, template.team_b, dict(template.ids),
                      dict(template.tokens))
        app.state.engine.dispose()


@dataclass
class HttpApi(Api):
    """The Api helpers, but over HTTP to a live server (uvicorn on a loopback port)."""

    live: LiveServer | Served | None = None

    @property
    def engine(self):
        return self.live.engine

    def refusals(self) -> list[dict]:
        """Audit rows of refused attempts, oldest first, with their detail decoded."""
        with self.engine.connect() as conn:
            rows = conn.execute(select(AuditEntry).where(AuditEntry.action.like("refused:%"))
                                .order_by(AuditEntry.id)).all()
        return [{"action": r.action, "user_id": r.user_id, "entity_id": r.entity_id, "device_id": r.device_id,
                 "detail": json.loads(r.detail) if r.detail and r.detail.startswith("{") else r.detail}
                for r in rows]


@pytest.fixture
def web(template, tmp_path):
    """The real server over HTTP on a copy of the seeded template (SQLite and PostgreSQL)."""
    with (clone_database(template.url, tmp_path) as url, LiveServer(url) as live,
          httpx.Client(base_url=live.url, timeout=30) as client):
        yield HttpApi(client, url, template.kind, template.team_a, template.team_b, dict(template.ids),
                      dict(template.tokens), live=live)


@dataclass
class Served:
    """An app (own settings, own uvicorn options) served on a free loopback port."""

    app: object
    url: str

    @property
    def engine(self):
        return self.app.state.engine


@contextlib.contextmanager
def serve_app(database_url: str, settings: Settings | None = None, **uvicorn_options) -> Iterator[Served]:
    """``create_app`` with these settings under uvicorn with these options, in a thread; stopped after."""
    app = create_app(database_url, settings=settings)
    config = uvicorn.Config(app, host="127.0.0.1", port=0, log_level="warning", lifespan="off",
                            **{"timeout_graceful_shutdown": 5, **uvicorn_options})
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, name="served-app", daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while not server.started:
        if time.monotonic() > deadline or not thread.is_alive():
            raise RuntimeError("the test server did not start")
        time.sleep(0.01)
    port = server.servers[0].sockets[0].getsockname()[1]
    try:
        yield Served(app, f"http://127.0.0.1:{port}")
    finally:
        server.should_exit = True
        thread.join(15)
        app.state.engine.dispose()


@pytest.fixture
def web_with(template, tmp_path):
    """``web_with(settings={...}, **uvicorn_options)``: like ``web``, with other settings or uvicorn options."""
    with contextlib.ExitStack() as stack:
        url = stack.enter_context(clone_database(template.url, tmp_path))

        def make(settings: dict | None = None, **uvicorn_options) -> HttpApi:
            served = stack.enter_context(serve_app(url, Settings(url, **(settings or {})), **uvicorn_options))
            client = stack.enter_context(httpx.Client(base_url=served.url, timeout=30))
            return HttpApi(client, url, template.kind, template.team_a, template.team_b, dict(template.ids),
                           dict(template.tokens), live=served)

        yield make
