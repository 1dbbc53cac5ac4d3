"""The main window shows sync status from the account snapshot: no SQLite and no keychain on the GUI thread."""

from __future__ import annotations

import threading
from datetime import UTC, datetime

import keyring
import pytest

from desktop.models.db import Database
from desktop.sync import state
from desktop.sync.runner import SyncStatus
from tests.ui.guards import ThreadGuard


@pytest.fixture
def storage_guard(monkeypatch):
    """Database sessions and keychain reads are allowed only off the GUI thread."""
    guard = ThreadGuard(monkeypatch)
    for name in ("read", "write"):
        guard.wrap(Database, name, on_gui=False)
    for name in ("get_password", "set_password", "delete_password"):
        guard.wrap(keyring, name, on_gui=False)
    return guard


@pytest.fixture
def signed_in_ctx(ctx, qtbot):
    """A context whose account is a supervisor with a token in the keychain (set up before the guard)."""
    with ctx.db.write() as session:
        state.save_account(session, state.Account("http://127.0.0.1:9", {"id": "u1", "full_name": "Sara Leder",
                                                                          "role": "supervisor"},
                                                  [{"id": "t1", "name": "Team Nord"}]))
    ctx.service.credentials.set_token("a-token")
    ctx.refresh_account()
    qtbot.waitUntil(lambda: ctx.account.signed_in, timeout=5000)
    return ctx


def test_a_sync_status_update_reads_no_database_or_keychain_on_the_gui_thread(signed_in_ctx, qtbot,
                                                                                storage_guard):
    from desktop.ui.main_window import MainWindow

    ctx = signed_in_ctx
    window = MainWindow(ctx)
    qtbot.addWidget(window)
    window.show()
    now = datetime.now(UTC)
    for status in (SyncStatus(syncing=True, pending=2), SyncStatus(syncing=True, pending=2, progress=(1, 5, "")),
                   SyncStatus(online=True, pending=0, last_success=now),
                   SyncStatus(syncing=True), SyncStatus(online=False, last_error="down", last_error_kind="network")):
        ctx.events.sync_status.emit(status)  # as the runner's status arrives: on the GUI thread
    assert window.sync_widget.state.text() == "Offline"  # signed in (the snapshot), but the server is down
    # A supervisor: the review screen shows once the account snapshot is read (on the worker: waited for).
    qtbot.waitUntil(lambda: not window.sidebar.item(len(window.screens) - 1).isHidden(), timeout=10000)
    # The failed sync re-reads the account (a refused token signs out), keychain included: on the worker.
    # Waited for, not slept on: on a loaded machine the read is queued behind other work.
    qtbot.waitUntil(lambda: any(name == "keyring.get_password" and not gui for name, gui in storage_guard.calls),
                    timeout=10000)
    ctx.tasks.wait_idle()
    assert storage_guard.violations == []


def test_signing_out_elsewhere_reaches_the_status_bar_through_the_snapshot(signed_in_ctx, qtbot, storage_guard):
    """A refused token is deleted on the sync thread; after the failed sync the window shows "not signed in"."""
    from desktop.ui.main_window import MainWindow

    ctx = signed_in_ctx
    window = MainWindow(ctx)
    qtbot.addWidget(window)
    ctx.events.sync_status.emit(SyncStatus(syncing=True))
    ctx.tasks.run(ctx.service.credentials.delete_token)  # as the service does on an AUTH error, off the GUI
    ctx.tasks.wait_idle()
    ctx.events.sync_status.emit(SyncStatus(last_error="refused", last_error_kind="auth"))
    qtbot.waitUntil(lambda: window.sync_widget.state.text() == "Offline (ikke logget ind)", timeout=5000)
    assert storage_guard.violations == []


def test_the_guard_catches_a_database_read_on_the_gui_thread(ctx, storage_guard):
    """The guard can fail: the old status bar asked the service whether we are signed in, here."""
    ctx.service.signed_in()
    assert "Database.read on thread MainThread" in storage_guard.violations


class SlowKeychain:
    """The keychain's first read waits until released (a keychain asking the user for access); later reads
    answer at once with ``later``."""

    def __init__(self, backend, later):
        self.read, self.entered, self.release = backend.get_password, threading.Event(), threading.Event()
        self.later, self.calls = later, 0

    def __call__(self, service, username):
        self.calls += 1
        if self.calls > 1:
            return self.later
        self.entered.set()
        assert self.release.wait(10)
        return self.read(service, username)


def test_a_keychain_that_waits_does_not_hold_up_the_lists(signed_in_ctx, qtbot, memory_keyring, monkeypatch):
    """The account's keychain part is read on the network pool: the database worker serves the screens meanwhile."""
    from desktop.ui.operation import Op

    ctx = signed_in_ctx
    ctx.service.credentials.delete_token()  # the snapshot to come says "signed out"
    slow = SlowKeychain(memory_keyring, later=None)
    monkeypatch.setattr(memory_keyring, "get_password", slow)
    ctx.refresh_account()
    qtbot.waitUntil(slow.entered.is_set, timeout=5000)
    rows = []
    Op.call(ctx, lambda: ctx.service.account().server_url).success(rows.append).run()  # a list's query
    try:
        qtbot.waitUntil(lambda: rows == ["http://127.0.0.1:9"], timeout=5000)
        assert ctx.account.signed_in  # the old snapshot, until the keychain answers
    finally:
        slow.release.set()
    qtbot.waitUntil(lambda: not ctx.account.signed_in, timeout=5000)


def test_an_older_account_snapshot_never_replaces_a_newer_one(signed_in_ctx, qtbot, memory_keyring, monkeypatch):
    """Two refreshes whose keychain reads finish in the other order: the newer snapshot stays."""
    ctx = signed_in_ctx
    slow = SlowKeychain(memory_keyring, later=None)  # the first read still finds the token; the second none
    monkeypatch.setattr(memory_keyring, "get_password", slow)
    older = []
    ctx.refresh_account(older.append)
    try:
        qtbot.waitUntil(slow.entered.is_set, timeout=5000)
        ctx.refresh_account()
        qtbot.waitUntil(lambda: not ctx.account.signed_in, timeout=5000)
    finally:
        slow.release.set()
    qtbot.waitUntil(lambda: bool(older), timeout=5000)
    assert older[0].signed_in  # the older read did see the token ...
    qtbot.wait(20)
    assert not ctx.account.signed_in  # ... but the newer snapshot is the one shown


def test_a_sign_in_while_a_refresh_waits_for_the_keychain_keeps_the_new_account(signed_in_ctx, qtbot,
                                                                                  memory_keyring, monkeypatch):
    """The sign-in dialog shows the account it read after signing in; a refresh asked before it lands later."""
    from desktop.ui.account import AccountSnapshot
    from desktop.ui.operation import Op

    ctx = signed_in_ctx
    slow = SlowKeychain(memory_keyring, later="a-token")
    monkeypatch.setattr(memory_keyring, "get_password", slow)
    older, signed_in = [], []
    ctx.refresh_account(older.append)  # e.g. after a failed sync
    try:
        qtbot.waitUntil(slow.entered.is_set, timeout=5000)
        new = AccountSnapshot(server_url="http://127.0.0.1:9", user_id="u2", full_name="Mette Kjær", signed_in=True)
        Op.call(ctx, lambda: new).success(lambda s: (ctx.set_account(s), signed_in.append(s))).run()  # as login.py
        qtbot.waitUntil(lambda: bool(signed_in), timeout=5000)
    finally:
        slow.release.set()
    qtbot.waitUntil(lambda: bool(older), timeout=5000)
    assert older[0].user_id == "u1"
    assert ctx.account.user_id == "u2"
