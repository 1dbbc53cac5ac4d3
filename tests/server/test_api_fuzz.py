"""Schemathesis against the server's own /openapi.json, on a real server on a loopback port.

Every operation the OpenAPI document lists is fuzzed with valid and invalid
input, signed in as a consultant, a supervisor and an admin (so the admin
endpoints are fuzzed both by people they must refuse and by an admin), on
SQLite and on PostgreSQL. Each response must:

* never be a 5xx;
* have a status code the OpenAPI documents for that operation;
* have the documented content type, headers and body schema.

In CI each (operation, role, backend) gets a few examples, which keeps the
whole module around half a minute (about 800 requests). ``FELTBOG_FUZZ_REQUESTS=N`` asks for
about ``N`` requests in total instead (the examples are spread evenly over the
operations; the exact number sent is printed at the end of the module, run
pytest with ``-s`` to see it), e.g.::

    FELTBOG_FUZZ_REQUESTS=3000 .venv/bin/python -m pytest -s tests/server/test_api_fuzz.py
"""

from __future__ import annotations

import functools
import math
import os
import uuid

import pytest
import requests
import schemathesis
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from schemathesis import GenerationMode, checks
from sqlalchemy import create_engine

from server.app import create_app
from tests.support.live_server import LiveServer, make_database_url, mint_token, postgres_available

ROLES = ("consultant", "supervisor", "admin")
BACKENDS = ("sqlite", "postgres")
CI_EXAMPLES = 6
METHODS = ("get", "put", "post", "delete", "patch")


@functools.cache
def operations() -> list[tuple[str, str]]:
    """(method, path) of every operation the app documents (read from the app itself, no database)."""
    app = create_app(engine=create_engine("sqlite://"), run_migrations=False)
    return sorted((method.upper(), path) for path, item in app.openapi()["paths"].items()
                  for method in item if method in METHODS)


def examples_per_test() -> int:
    """Hypothesis examples per (operation, role, backend): FELTBOG_FUZZ_REQUESTS spread evenly."""
    wanted = int(os.environ.get("FELTBOG_FUZZ_REQUESTS", "0") or 0)
    return max(CI_EXAMPLES, math.ceil(wanted / (len(operations()) * len(ROLES) * len(BACKENDS))))


SENT: dict[str, int] = {"requests": 0, "5xx": 0}
# What every response must satisfy. Checks that assume a plain CRUD API (valid-looking input is
# always accepted, a created resource can be fetched) do not fit one where random ids belong to nobody.
CHECKS = [
    checks.not_a_server_error,
    checks.status_code_conformance,
    checks.content_type_conformance,
    checks.response_headers_conformance,
    checks.response_schema_conformance,
]


def auth(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


class Fuzzed:
    """The live server, its schema as schemathesis loaded it over HTTP, and a token per role."""

    def __init__(self, live: LiveServer) -> None:
        self.live = live
        self.users = {role: live.user(role)[0] for role in ROLES}
        self.tokens = {role: live.token(name) for role, name in self.users.items()}
        self.session = requests.Session()
        self.schema = schemathesis.openapi.from_url(f"{live.url}/openapi.json")

    def token_for(self, role: str, path: str) -> str:
        """The role's token; a fresh one for the calls that revoke the token they came with."""
        if path.endswith(("/auth/logout", "/auth/refresh")):
            return mint_token(self.live.engine, self.live.users[self.users[role]])
        return self.tokens[role]

    def seed(self) -> None:
        """Something to find: a company and a ready visit in the team, so pulls and queues are not empty."""
        company, visit = str(uuid.uuid4()), str(uuid.uuid4())
        reply = self.session.post(f"{self.live.url}/api/v1/sync/push", headers=auth(self.tokens["consultant"]),
                                  json={"device_id": "seed", "schema_version": 1, "mutations": [
                                      {"mutation_id": 1, "entity": "company", "id": company, "op": "upsert",
                                       "base_version": 0, "fields": {"team_id": self.live.team_id,
                                                                     "name": "Aars Tømrer"}},
                                      {"mutation_id": 2, "entity": "visit", "id": visit, "op": "upsert",
                                       "base_version": 0, "fields": {
                                           "team_id": self.live.team_id, "company_id": company,
                                           "visited_at": "2026-11-20", "body": "Referat", "status": "ready"}}]})
        assert reply.status_code == 200 and {r["status"] for r in reply.json()["results"]} == {"applied"}, reply.text


@pytest.fixture(scope="module", params=[BACKENDS[0], pytest.param(BACKENDS[1], marks=pytest.mark.postgres)])
def fuzzed(request, tmp_path_factory):
    if request.param == "postgres" and not postgres_available():
        pytest.skip("PostgreSQL is not running on 127.0.0.1:5432 (or FELTBOG_NO_POSTGRES=1)")
    with make_database_url(request.param, tmp_path_factory.mktemp("fuzz")) as url, LiveServer(url) as live:
        fuzzed = Fuzzed(live)
        fuzzed.seed()
        yield fuzzed
        fuzzed.session.close()
    print(f"\nschemathesis: {SENT['requests']} requests sent so far in this module, {SENT['5xx']} answered 5xx")


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("method,path", operations(), ids=[f"{m} {p}" for m, p in operations()])
def test_no_server_error_and_every_response_matches_the_schema(fuzzed, role, method, path):
    operation = fuzzed.schema[path][method]
    cases = st.one_of(operation.as_strategy(GenerationMode.POSITIVE), operation.as_strategy(GenerationMode.NEGATIVE))

    @given(case=cases)
    @settings(max_examples=examples_per_test(), deadline=None, database=None,
              suppress_health_check=list(HealthCheck))
    def fuzz(case):
        headers = auth(fuzzed.token_for(role, path))
        SENT["requests"] += 1
        response = case.call(headers=headers, session=fuzzed.session, timeout=30)
        SENT["5xx"] += response.status_code >= 500
        case.validate_response(response, checks=CHECKS, headers=headers)

    fuzz()


def test_a_nul_character_anywhere_gets_422_on_both_databases(fuzzed):
    """Found by the fuzzer: PostgreSQL cannot store or compare NUL, so these used to be 500s there."""
    base, admin_auth = fuzzed.live.url + "/api/v1", auth(fuzzed.tokens["admin"])
    mutation = {"mutation_id": 1, "entity": "company", "id": str(uuid.uuid4()), "op": "upsert", "base_version": 0,
                "fields": {"team_id": fuzzed.live.team_id, "name": "X"}}
    attempts = [
        ("POST", "/auth/login", None, {"username": "ada\x00", "password": "x"}),
        ("POST", "/sync/push", None, {"device_id": "d\x00", "schema_version": 1, "mutations": [mutation]}),
        ("POST", "/sync/push", None, {"device_id": "d", "schema_version": 1,
                                      "mutations": [{**mutation, "id": "a\x00b"}]}),
        ("GET", "/reviews/queue", {"team_id": "a\x00"}, None),
        ("POST", "/visits/a%00b/reviews", None, {"state": "approved"}),
        ("POST", "/admin/teams", None, {"name": "Jobcenter\x00"}),
        ("POST", "/admin/memberships", None, {"user_id": "a\x00", "team_id": fuzzed.live.team_id}),
        ("POST", "/admin/users/a%00/revoke", None, None),
    ]
    for method, path, params, body in attempts:
        reply = fuzzed.session.request(method, base + path, params=params, json=body, headers=admin_auth, timeout=30)
        assert reply.status_code == 422, (path, reply.text)
        assert reply.json()["detail"]["code"] == "invalid_request" and reply.json()["detail"]["message"]
    # A NUL inside a record's fields stays a per-mutation rejection, so one bad record never blocks a push.
    reply = fuzzed.session.post(base + "/sync/push", headers=admin_auth, json={
        "device_id": "nul-test", "schema_version": 1,
        "mutations": [{**mutation, "fields": {"team_id": fuzzed.live.team_id, "name": "X\x00"}}]})
    assert reply.status_code == 200 and reply.json()["results"][0]["status"] == "rejected"
