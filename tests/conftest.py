"""Fixtures shared by every test: a fresh local database, operations, no real keychain."""

from __future__ import annotations

import os
import tempfile
import uuid
from datetime import date

import keyring
import pytest
from keyring.backend import KeyringBackend

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
# What IT may have preset on this machine (desktop/preset.py) must not reach the tests: they read this
# file instead, which does not exist unless a test writes it (or points FELTBOG_PRESET elsewhere).
os.environ["FELTBOG_PRESET"] = os.path.join(tempfile.mkdtemp(prefix="feltbog-tests-"), "no-preset.toml")

TODAY = date(2026, 11, 23)


class MemoryKeyring(KeyringBackend):
    """An in-memory keyring so tests never touch (or prompt for) a real keychain."""

    priority = 1  # type: ignore[assignment]

    def __init__(self) -> None:
        super().__init__()
        self.secrets: dict[tuple[str, str], str] = {}

    def get_password(self, service: str, username: str) -> str | None:
        return self.secrets.get((service, username))

    def set_password(self, service: str, username: str, password: str) -> None:
        self.secrets[(service, username)] = password

    def delete_password(self, service: str, username: str) -> None:
        self.secrets.pop((service, username), None)


@pytest.fixture(autouse=True)
def memory_keyring() -> MemoryKeyring:
    backend = MemoryKeyring()
    keyring.set_keyring(backend)
    return backend


@pytest.fixture
def user_id() -> str:
    return str(uuid.uuid4())


@pytest.fixture
def team_id() -> str:
    return str(uuid.uuid4())


@pytest.fixture
def db(tmp_path):
    from desktop.models import Database

    database = Database.in_folder(tmp_path / "data")
    yield database
    database.close()


@pytest.fixture
def ops(db, user_id, team_id):
    from desktop.models import Actor, Operations

    return Operations(db, Actor(user_id, team_id), today=lambda: TODAY)
