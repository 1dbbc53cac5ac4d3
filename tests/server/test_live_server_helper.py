"""The reusable test helper itself: fresh databases, seed data, a real server on a loopback port."""

from __future__ import annotations

import pytest
import requests

from tests.support.live_server import PASSWORD, LiveServer, make_database_url, postgres_available, seed


@pytest.mark.parametrize("kind", ["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def test_seed_then_serve_then_sign_in(kind, tmp_path):
    if kind == "postgres" and not postgres_available():
        pytest.skip("PostgreSQL is not running on 127.0.0.1:5432 (or FELTBOG_NO_POSTGRES=1)")
    with make_database_url(kind, tmp_path) as url:
        seeded = seed(url)
        assert set(seeded.users) == {"mette", "sara", "ada"} and seeded.password == PASSWORD
        with LiveServer(url) as server:
            assert server.base_url == server.url and server.base_url.startswith("http://127.0.0.1:")
            assert server.team_id == seeded.team_id  # the seeded team is the server's first team
            login = requests.post(f"{server.base_url}/api/v1/auth/login", timeout=10,
                                  json={"username": "sara", "password": PASSWORD, "device_name": "helper"})
            assert login.status_code == 200 and login.json()["user"]["id"] == seeded.id("sara")
            assert login.json()["user"]["role"] == "supervisor"
            username, _ = server.user("consultant")
            summary = requests.get(f"{server.base_url}/api/v1/sync/summary", timeout=10,
                                   headers={"Authorization": f"Bearer {server.token(username)}"})
            assert summary.json()["teams"] == [seeded.team_id]
        with pytest.raises(requests.ConnectionError):
            requests.get(f"{server.base_url}/api/v1/health", timeout=2)
