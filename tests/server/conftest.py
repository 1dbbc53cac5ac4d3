"""Server tests talk HTTP to the real app on a fresh SQLite or PostgreSQL database."""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field

import pytest
from fastapi.testclient import TestClient

from server import admin
from server.app import create_app
from tests.support.live_server import PASSWORD, make_database_url, postgres_available


@dataclass
class Api:
    """A TestClient plus the people and teams of a small job centre."""

    client: TestClient
    url: str
    team_a: str = ""
    team_b: str = ""
    ids: dict[str, str] = field(default_factory=dict)
    tokens: dict[str, str] = field(default_factory=dict)
    mutation_ids: dict[tuple[str, str], int] = field(default_factory=dict)

    @property
    def engine(self):
        return self.client.app.state.engine

    def login(self, username: str) -> str:
        reply = self.client.post("/api/v1/auth/login", json={"username": username, "password": PASSWORD,
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

    def company(self, who: str = "mette", team: str | None = None, **fields) -> str:
        record_id = str(uuid.uuid4())
        result = self.push(who, [{"entity": "company", "id": record_id,
                                  "fields": {"team_id": team or self.team_a, "name": "Aars Tømrer", **fields}}])
        assert result["results"][0]["status"] == "applied", result
        return record_id


def _seed(api: Api) -> None:
    with api.engine.execution_options(write=True).begin() as conn:
        api.team_a = admin.create_team(conn, "Jobcenter Jammerbugt")
        api.team_b = admin.create_team(conn, "Jobcenter Vesthimmerland")
        for username, role, team in [("mette", "consultant", api.team_a), ("jens", "consultant", api.team_a),
                                     ("sara", "supervisor", api.team_a), ("otto", "consultant", api.team_b),
                                     ("ada", "admin", api.team_a)]:
            api.ids[username] = admin.create_user(conn, username, username.title(), role, PASSWORD)
            admin.add_member(conn, username, team)
    for username in api.ids:
        api.tokens[username] = api.login(username)


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def api(request, tmp_path):
    if request.param == "postgres" and not postgres_available():
        pytest.skip("PostgreSQL is not running on 127.0.0.1:5432")
    with make_database_url(request.param, tmp_path) as url:
        app = create_app(url)
        with TestClient(app) as client:
            api = Api(client, url)
            _seed(api)
            yield api
        app.state.engine.dispose()
