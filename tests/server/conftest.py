"""Server tests talk HTTP to the real app, each on its own fresh SQLite or PostgreSQL database.

A module-scoped template database is migrated and seeded once per backend
(two teams, five people, a bearer token each); every test gets a copy of it
(a file copy, or ``CREATE DATABASE ... TEMPLATE``), so tests are isolated and
no test pays for migrations or Argon2 hashing.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select

from server.app import create_app
from server.db import make_engine, migrate
from server.tables import AuditEntry, Record
from tests.support.live_server import (
    PASSWORD,
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
