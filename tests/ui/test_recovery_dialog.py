"""The recovery dialog at start-up: the diagnosis, the backups with their counts, and a rebuild that keeps
what was typed (issue 18, finding 3), through the real dialog."""

from __future__ import annotations

import sqlite3
import uuid

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel, QMessageBox

from desktop.models import Database, Operations
from desktop.models.changes import Actor
from desktop.models.db import DB_FILENAME
from desktop.models.health import Damage, DatabaseDamagedError
from desktop.models.outbox import pending_count
from desktop.ui.dialogs.recovery import RecoveryDialog


@pytest.fixture
def damaged(tmp_path):
    folder = tmp_path / "data"
    db = Database.in_folder(folder)
    ops = Operations(db, Actor(str(uuid.uuid4()), str(uuid.uuid4())))
    for i in range(40):
        ops.create_company(name=f"Virksomhed {i}", city="Aars", notes="n" * 300)
    db.backup_daily_if_due()
    ops.create_company(name="Skrevet efter sikkerhedskopien", city="Fjerritslev")
    db.close()
    path = folder / DB_FILENAME
    with sqlite3.connect(path) as conn:
        conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    data = bytearray(path.read_bytes())
    data[:4096] = bytes(4096)  # the first page overwritten
    path.write_bytes(bytes(data))
    with pytest.raises(DatabaseDamagedError) as caught:
        Database(path)
    return caught.value


def test_the_dialog_names_the_damage_and_lists_the_backup_with_its_records(qtbot, damaged, tmp_path):
    assert damaged.damage is Damage.HEADER
    dialog = RecoveryDialog(damaged)
    qtbot.addWidget(dialog)
    diagnosis = dialog.findChild(QLabel, "diagnosis").text()
    assert "overskrevet" in diagnosis or "overwritten" in diagnosis
    [line] = [dialog.backups.item(i).text() for i in range(dialog.backups.count())]
    assert "40 records" in line or "40 poster" in line
    assert not dialog.restore.isEnabled()
    dialog.backups.setCurrentRow(0)
    assert dialog.restore.isEnabled()
    dialog.grab().save(str(tmp_path / "recovery.png"))


def test_rebuilding_keeps_what_was_typed_and_the_damaged_file(qtbot, damaged, monkeypatch):
    shown: list[str] = []
    monkeypatch.setattr(QMessageBox, "information", lambda _parent, _title, text: shown.append(text))
    dialog = RecoveryDialog(damaged)
    qtbot.addWidget(dialog)
    qtbot.mouseClick(dialog.rebuild, Qt.MouseButton.LeftButton)
    assert dialog.result() == RecoveryDialog.DialogCode.Accepted
    assert dialog.outcome is not None and dialog.outcome.unsent == 41  # every create, read from the damaged file
    assert "41" in shown[0] and str(dialog.outcome.damaged_copy.parent) in shown[0]
    db = Database(damaged.path)
    with db.read() as session:
        assert pending_count(session) == 41
    db.close()


def test_a_damaged_file_at_start_up_is_recovered_and_the_app_opens_with_the_typed_work(qtbot, damaged, monkeypatch):
    from PySide6.QtCore import QTimer
    from PySide6.QtWidgets import QApplication

    from desktop.ui.app import open_context

    monkeypatch.setattr(QMessageBox, "information", lambda *_args: None)
    offered = []

    def answer() -> None:
        dialog = QApplication.activeModalWidget()
        offered.append(dialog)
        dialog.rebuild.click()

    QTimer.singleShot(0, answer)
    ctx = open_context(damaged.path.parent, start_sync=False)
    assert ctx is not None and isinstance(offered[0], RecoveryDialog)
    try:
        with ctx.db.read() as session:
            assert pending_count(session) == 41
    finally:
        ctx.tasks.shutdown()
        ctx.db.close()


def test_quitting_the_recovery_leaves_the_damaged_file_as_it_was(qtbot, damaged):
    from PySide6.QtCore import QTimer
    from PySide6.QtWidgets import QApplication

    from desktop.ui.app import open_context

    before = damaged.path.read_bytes()
    QTimer.singleShot(0, lambda: QApplication.activeModalWidget().reject())
    assert open_context(damaged.path.parent, start_sync=False) is None
    assert damaged.path.read_bytes() == before
