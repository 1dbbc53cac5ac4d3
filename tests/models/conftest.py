"""Store tests: the same ``db`` fixture as tests/conftest.py, made faster.

Each test still gets its own database file in its own data folder, at the
newest revision; it is copied from one migrated once per run instead of
migrated again (test_migrations.py covers migrating a new file).
"""

from __future__ import annotations

import shutil

import pytest

from desktop.models import Database
from desktop.models.db import DB_FILENAME


@pytest.fixture(scope="session")
def migrated_database_file(tmp_path_factory):
    folder = tmp_path_factory.mktemp("migrated")
    Database.in_folder(folder).close()
    return folder / DB_FILENAME


@pytest.fixture
def db(tmp_path, migrated_database_file):
    folder = tmp_path / "data"
    folder.mkdir()
    shutil.copyfile(migrated_database_file, folder / DB_FILENAME)
    database = Database.in_folder(folder)
    assert database.last_backup is None  # already current: opened, not migrated
    yield database
    database.close()
