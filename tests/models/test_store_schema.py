"""Migrations with backup, the model/schema match, the CLI, and the Qt-free boundary."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

from sqlalchemy import Boolean, Date, DateTime, Float, Integer, String, Text, text

from desktop.domain.schema import BOOL, CHOICE, DATE, DATETIME, ENTITIES, FLOAT, INT, SYNC_COLUMNS, TEXT, UUID
from desktop.models import Database
from desktop.models.db import DB_FILENAME, head_revision
from desktop.models.entities import MODELS
from desktop.models.search import search

ROOT = Path(__file__).resolve().parents[2]
COLUMN_TYPES = {TEXT: (String, Text), CHOICE: (String,), UUID: (String,), INT: (Integer,), FLOAT: (Float,),
                BOOL: (Boolean,), DATE: (Date,), DATETIME: (DateTime,)}


def test_every_schema_field_has_a_matching_column_and_nothing_else():
    assert set(MODELS) == set(ENTITIES)
    for entity, spec in ENTITIES.items():
        columns = {c.name: c for c in MODELS[entity].__table__.columns}
        assert set(columns) - set(SYNC_COLUMNS) == set(spec.field_map), entity
        for field in spec.fields:
            assert isinstance(columns[field.name].type, COLUMN_TYPES[field.kind]), (entity, field.name)


def test_a_database_made_by_the_first_migration_is_upgraded_after_a_backup(tmp_path):
    folder = tmp_path / "data"
    path = folder / DB_FILENAME
    old = Database(path, migrate_to="0001")
    with old.write() as session:
        session.execute(text(
            "INSERT INTO company (id, name, is_centre, version, created_at, updated_at, deleted) "
            "VALUES ('0b9d0c36-7b55-4c3a-9a63-6c1d3a0e0001', 'Tømrerfirmaet Ågade', 0, 3, '2026-01-01', "
            "'2026-01-01', 0)"
        ))
    old.close()
    upgraded = Database.in_folder(folder)
    assert upgraded.last_backup is not None and upgraded.last_backup.parent == folder / "backups"
    with upgraded.read() as session:
        assert session.execute(text("SELECT version_num FROM alembic_version")).scalar() == head_revision()
        assert [h.entity for h in search(session, "toemrer aagade")] == ["company"]
    upgraded.close()
    again = Database.in_folder(folder)
    assert again.last_backup is None  # already current: no needless backup
    again.close()


def test_version_and_self_test_from_the_command_line(tmp_path):
    version = subprocess.run([sys.executable, "-m", "desktop", "--version"], capture_output=True, text=True,
                             cwd=ROOT, check=True)
    assert version.stdout.startswith("Feltbog ")
    selftest = subprocess.run([sys.executable, "-m", "desktop", "--self-test"], capture_output=True, text=True,
                              cwd=ROOT, timeout=120)
    assert selftest.returncode == 0, selftest.stdout + selftest.stderr
    assert "self-test passed" in selftest.stdout


def test_import_linter_contracts_hold():
    linter = Path(sys.executable).with_name("lint-imports")
    result = subprocess.run([str(linter)], capture_output=True, text=True, cwd=ROOT)
    assert result.returncode == 0, result.stdout + result.stderr


def test_no_core_module_imports_qt():
    for package in ("desktop/domain", "desktop/models", "desktop/sync", "desktop/reports", "server"):
        for path in (ROOT / package).rglob("*.py"):
            tree = ast.parse(path.read_text(encoding="utf-8"))
            for node in ast.walk(tree):
                names = []
                if isinstance(node, ast.Import):
                    names = [a.name for a in node.names]
                elif isinstance(node, ast.ImportFrom) and node.module:
                    names = [node.module]
                assert not any(n.startswith(("PySide6", "desktop.ui")) for n in names), path
