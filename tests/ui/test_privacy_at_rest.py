"""What a lost laptop's disk holds: no token, no password, no note text in the log; encryption
turned on in Indstillinger keeps syncing; the log rotates by size and count. Against the real server."""

from __future__ import annotations

import logging
import re
import sys
import traceback
from pathlib import Path
from typing import NoReturn

import pytest
from PySide6.QtCore import QSettings, Qt
from PySide6.QtWidgets import QMessageBox
from sqlalchemy import text

from desktop.config import log_dir
from desktop.logs import LOG_FILENAME, setup_logging, stop_logging
from desktop.models.encryption import SQLITE_HEADER
from desktop.sync.errors import SyncError, SyncErrorKind
from desktop.sync.runner import SyncRunner
from tests.support.live_server import LiveServer, make_database_url
from tests.sync.harness import Device

BODY = "Borgeren Quintavius Ravnsbjerg har ondt i ryggen"  # a note body found nowhere else
NEEDLE = b"Quintavius"


def files_containing(folders, needle: bytes) -> list[str]:
    """Every file under ``folders`` whose raw bytes contain ``needle``."""
    return [str(p) for folder in folders for p in folder.rglob("*") if p.is_file() and needle in p.read_bytes()]


@pytest.fixture
def app_log(tmp_path):
    """The app's rotating log in the data folder, as ``run_app`` sets it up."""
    path = setup_logging(log_dir(tmp_path / "data"))
    yield path
    stop_logging()


@pytest.fixture
def server(tmp_path):
    (tmp_path / "server").mkdir()  # beside the data folder, never inside it
    with make_database_url("sqlite", tmp_path / "server") as url, LiveServer(url) as live:
        yield live


def settings_folder() -> Path:
    """Where QSettings keeps the app's settings (an isolated folder in the UI tests)."""
    return Path(QSettings().fileName()).parent


def test_token_and_password_never_reach_the_data_folder_and_sync_works_encrypted(
        make_ctx, qtbot, tmp_path, server, app_log):
    from desktop.ui.dialogs.settings import SettingsDialog

    username, password = server.user("consultant")
    ctx = make_ctx(start_sync=True, interval=3600, debounce=3600)
    with pytest.raises(SyncError):
        ctx.service.login(server.url, username, "forkert-" + password)
    ctx.service.login(server.url, username, password)
    token = ctx.service.credentials.get_token()
    assert token and len(token) >= 20
    company = ctx.ops().create_company(name="Ravnsbjerg Tømrer").id
    ctx.ops().create_visit(company, body=BODY)
    assert ctx.runner.request().result(timeout=30).pushed == 2

    # Indstillinger: turn encryption on while the sync runner is running.
    dialog = SettingsDialog(ctx)
    qtbot.addWidget(dialog)
    dialog.encrypt.setChecked(True)
    qtbot.mouseClick(dialog.buttons.button(dialog.buttons.StandardButton.Ok), Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: dialog.result() == dialog.DialogCode.Accepted, timeout=20000)
    assert ctx.db.encrypted and ctx.runner.started
    assert ctx.db.path.read_bytes()[:16] != SQLITE_HEADER

    # The sync goes on both ways on the encrypted file.
    other = Device(tmp_path / "laptop2", server.url, username, password)
    try:
        other.sync()
        assert [v["body"] for v in other.records("visit").values()] == [BODY]
        other.ops.create_visit(company, body="Fra den anden bærbare")
        other.sync()
        ctx.ops().create_visit(company, body=BODY + " (opfølgning)")
        assert ctx.runner.request().result(timeout=30).pushed == 1
        with ctx.db.read() as session:
            bodies = set(session.execute(text("SELECT body FROM visit")).scalars())
        assert "Fra den anden bærbare" in bodies
    finally:
        other.close()
    ctx.db.backup("after-sync")  # the backups folder is searched too
    ctx.runner.stop()

    folders = [tmp_path / "data", settings_folder()]
    assert app_log.exists() and (tmp_path / "data" / "backups").is_dir()
    assert files_containing(folders, token.encode()) == []
    assert files_containing(folders, password.encode()) == []
    assert files_containing(folders, NEEDLE) == []  # encrypted: database, WAL and backups


def test_the_log_holds_no_note_body_password_or_token_after_errors_that_quote_them(
        make_ctx, qtbot, monkeypatch, server, app_log):
    from desktop.ui import errors

    username, password = server.user("consultant")
    ctx = make_ctx()
    ctx.service.login(server.url, username, password)
    token = ctx.service.credentials.get_token()
    company = ctx.ops().create_company(name="Ravnsbjerg Tømrer").id
    visit = ctx.ops().create_visit(company, body=BODY).id
    ctx.service.sync()

    warnings, details = [], []
    monkeypatch.setattr(QMessageBox, "warning", lambda parent, title, message: warnings.append(message))
    monkeypatch.setattr(QMessageBox, "exec", lambda box: details.append(box.detailedText()))
    # A validation error, shown to the user (next to no field: the one error presenter).
    ctx.write(lambda ops: ops.save_visit_draft(visit, visited_at=BODY))
    # A bug whose SQL error carries the note as a bound value.
    ctx.tasks.run(lambda: _insert_duplicate_visit(ctx, visit))
    qtbot.waitUntil(lambda: len(warnings) == 1 and len(details) == 1, timeout=10000)
    assert NEEDLE not in details[0].encode()  # hide_parameters: not even on screen

    # A sync error quoting what the server echoed (FastAPI's default 422 does), through the crash hook.
    echoed = SyncError(SyncErrorKind.PROTOCOL, f"HTTP 422: {{'password': '{password}', 'body': '{BODY}'}}", 422)
    parse_error = ValueError(f"could not read {BODY!r} with token {token}")
    assert NEEDLE in "".join(traceback.format_exception(echoed)).encode()  # it would have leaked
    shown = []
    monkeypatch.setattr(errors, "show_error", lambda parent, error: shown.append(error))
    reporter = errors.CrashReporter()
    for error in (echoed, parse_error):
        try:
            raise error
        except Exception as exc:
            reporter.hook(*sys.exc_info())
            logging.getLogger("desktop.sync").warning("Sync failed: %s", exc)
    # A bug inside a sync, logged by the real runner.
    runner = SyncRunner(lambda _p, _c: _fail_with(BODY), lambda: 0)
    runner.start()
    with pytest.raises(KeyError):
        runner.request().result(timeout=10)
    runner.stop()
    qtbot.waitUntil(lambda: len(shown) == 1, timeout=5000)  # one place, one signature: shown once, logged twice

    logged = app_log.read_text(encoding="utf-8")
    for expected in ("Sync done in", "Unexpected error", "NOT NULL constraint failed: visit.visited_at",
                     "[SQL: INSERT INTO visit", "Uncaught exception",
                     "kind=protocol status=422", "ValueError: <message hidden", "Sync failed unexpectedly",
                     "KeyError: <message hidden", "_fail_with"):
        assert expected in logged
    for secret in (BODY, "Quintavius", password, token):
        assert secret not in logged


def _insert_duplicate_visit(ctx, visit_id: str) -> None:
    with ctx.db.write() as session:
        session.execute(text("INSERT INTO visit (id, company_id, body, version, created_at, updated_at, deleted) "
                             "SELECT id, company_id, :body, 1, created_at, updated_at, 0 FROM visit WHERE id = :id"),
                        {"body": BODY, "id": visit_id})


def _fail_with(body: str) -> NoReturn:
    raise KeyError(body)


def test_the_log_rotates_by_size_and_keeps_a_bounded_number_of_files(tmp_path):
    folder = tmp_path / "logs"
    path = setup_logging(folder, max_bytes=4_000, backup_count=3)
    try:
        log = logging.getLogger("feltbog.test")
        for n in range(400):
            log.info("Sync done in %d ms: pushed %d", n, n)
    finally:
        stop_logging()
    names = sorted(p.name for p in folder.iterdir())
    assert names == [LOG_FILENAME, f"{LOG_FILENAME}.1", f"{LOG_FILENAME}.2", f"{LOG_FILENAME}.3"]
    assert all(p.stat().st_size <= 4_000 for p in folder.iterdir())
    assert "Sync done in 399 ms" in path.read_text(encoding="utf-8")
    assert "Sync done in 0 ms" not in "".join(p.read_text(encoding="utf-8") for p in folder.iterdir())


def test_the_app_says_so_when_the_keychain_has_no_key_and_leaves_the_file_alone(app, tmp_path, monkeypatch,
                                                                                  memory_keyring):
    from desktop.models import Database
    from desktop.ui.app import run_app

    folder = tmp_path / "data"
    db = Database.in_folder(folder)
    db.set_encrypted(True)
    db.close()
    before = db.path.read_bytes()
    memory_keyring.secrets.clear()  # a new keychain, or another user on the same laptop
    shown = []
    monkeypatch.setattr(QMessageBox, "critical", lambda parent, title, message: shown.append(message))
    monkeypatch.setattr(sys, "excepthook", sys.excepthook)  # run_app installs its crash hook
    try:
        assert run_app(folder) == 1
    finally:
        stop_logging()
    assert len(shown) == 1 and "krypteret" in shown[0] and "nøglen findes ikke" in shown[0]
    assert db.path.read_bytes() == before


def test_only_the_credentials_module_talks_to_the_keychain():
    root = Path(__file__).resolve().parents[2]
    users = sorted(str(p.relative_to(root)) for folder in ("desktop", "server") for p in (root / folder).rglob("*.py")
                   if re.search(r"^\s*(import keyring|from keyring)", p.read_text(encoding="utf-8"), re.M))
    assert users == ["desktop/credentials.py"]
