"""Sync tests run the real server on a loopback port, on SQLite and on PostgreSQL."""

from __future__ import annotations

import pytest

from tests.support.live_server import LiveServer, make_database_url, postgres_available
from tests.sync.harness import Device

BACKENDS = ["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)]


def _skip_without_postgres(kind: str) -> None:
    if kind == "postgres" and not postgres_available():
        pytest.skip("PostgreSQL is not running on 127.0.0.1:5432")


@pytest.fixture(params=BACKENDS)
def server(request, tmp_path_factory):
    _skip_without_postgres(request.param)
    with make_database_url(request.param, tmp_path_factory.mktemp("db")) as url, LiveServer(url) as live:
        yield live


class _ServerWithDevices:
    """A second, separate server (another URL, another database) for 'wrong server' tests."""

    def __init__(self, live: LiveServer, tmp_path) -> None:
        self.live = live
        self.url = live.url
        self.tmp_path = tmp_path

    def user(self, role: str = "consultant"):
        return self.live.user(role)

    def device(self, name: str) -> Device:
        username, password = self.live.user("consultant")
        return Device(self.tmp_path / name, self.url, username, password)


@pytest.fixture
def other_server(tmp_path_factory):
    folder = tmp_path_factory.mktemp("other")
    with make_database_url("sqlite", folder) as url, LiveServer(url) as live:
        yield _ServerWithDevices(live, folder)


@pytest.fixture
def make_device(server, tmp_path):
    devices: list[Device] = []
    account = {}

    def make(name: str, role: str = "consultant", same_user: bool = True, **service_kwargs) -> Device:
        if not same_user or role not in account:
            account[role] = server.user(role)
        username, password = account[role]
        device = Device(tmp_path / name, server.url, username, password, **service_kwargs)
        devices.append(device)
        return device

    yield make
    for device in devices:
        device.close()


@pytest.fixture
def make_device_for_team(server):
    def make(folder, team_id: str) -> Device:
        username, password = server.user("consultant", team_id=team_id)
        return Device(folder, server.url, username, password)

    return make


@pytest.fixture
def bulk_load(server):
    """Put ``n`` realistic records on the server through the real push endpoint."""
    from bench.datagen import Sizes, push_records, records
    from desktop.sync.client import SyncClient

    def load(n: int) -> None:
        username, password = server.user("consultant")
        client = SyncClient(server.url)
        token = client.login(username, password, "bulk")["token"]
        client = SyncClient(server.url, lambda: token)
        companies = n // 3
        items = list(records(7, Sizes(companies=companies, visits=n - companies, centre_share=0.0, openings=0,
                                      follow_ups=0), server.team_id, [server.users[username]]))[:n]
        push_records(client, "bulk-loader", items)

    return load
