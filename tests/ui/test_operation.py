"""The operation helper: one finish that announces changes, pokes sync off the GUI thread, and routes errors."""

from __future__ import annotations

import threading

import shiboken6
from PySide6.QtWidgets import QWidget

from desktop.domain.errors import ValidationError
from desktop.errors import Cancelled
from desktop.models.changes import Changes
from desktop.sync.engine import SyncResult
from desktop.ui.operation import Op
from tests.ui.guards import on_gui_thread


def record_pokes(ctx, monkeypatch) -> list[bool]:
    """Where the sync runner's local_change() is called from (True: the GUI thread)."""
    pokes: list[bool] = []
    monkeypatch.setattr(ctx.runner, "local_change", lambda: pokes.append(on_gui_thread()))
    return pokes


def announced(ctx) -> list[Changes]:
    seen: list[Changes] = []
    ctx.events.changes_applied.connect(seen.append)
    return seen


def test_a_write_is_announced_once_and_pokes_the_sync_on_the_worker(ctx, qtbot, monkeypatch):
    pokes = record_pokes(ctx, monkeypatch)
    seen, results = announced(ctx), []
    Op.write(ctx, lambda ops: ops.create_company(name="Aars Tømrer")).success(results.append).run()
    qtbot.waitUntil(lambda: bool(results and seen), timeout=5000)
    ctx.tasks.wait_idle()
    assert seen == [results[0].changes] and seen[0].touches("company")
    assert pokes == [False]


def test_invalid_input_goes_to_its_handler_and_nothing_is_announced(ctx, qtbot, monkeypatch):
    pokes = record_pokes(ctx, monkeypatch)
    seen, errors = announced(ctx), []
    Op.write(ctx, lambda ops: ops.create_company(name="")).invalid(errors.append).run()
    qtbot.waitUntil(lambda: bool(errors), timeout=5000)
    assert isinstance(errors[0], ValidationError) and seen == [] and pokes == []


def test_a_closed_screen_gets_no_callback_but_its_changes_are_announced(ctx, qtbot):
    seen, called = announced(ctx), []
    screen = QWidget()
    gate = threading.Event()

    def slow(ops):
        gate.wait(5)
        return ops.create_company(name="Aabybro Bageri")

    Op.write(ctx, slow, screen).success(called.append).run()
    screen.deleteLater()
    qtbot.waitUntil(lambda: not shiboken6.isValid(screen), timeout=5000)
    gate.set()
    qtbot.waitUntil(lambda: bool(seen), timeout=5000)
    assert called == []


def test_cancel_stops_long_work_without_a_message(ctx, qtbot, monkeypatch):
    from desktop.ui import errors

    shown, started = [], threading.Event()
    monkeypatch.setattr(errors, "show_error", lambda parent, error: shown.append(error))

    def work(progress, cancel):
        started.set()
        for step in range(500):
            progress(step, 500, "")
            cancel.check()
            threading.Event().wait(0.01)
        return "done"

    results = []
    op = Op.long(ctx, work, "Arbejder…").success(results.append)
    token = op.run()
    assert started.wait(5)
    token.cancel()
    qtbot.waitUntil(lambda: bool(shown), timeout=5000)
    assert isinstance(shown[0], Cancelled) and results == []


def test_what_a_sync_pulled_is_announced_through_the_helper_and_does_not_start_another_sync(ctx, qtbot,
                                                                                           monkeypatch):
    pokes = record_pokes(ctx, monkeypatch)
    seen, accounts = announced(ctx), []
    ctx.events.account_changed.connect(accounts.append)
    relay = next(c for c in ctx.companions if type(c).__name__ == "SyncRelay")
    result = SyncResult()
    result.changes = Changes(frozenset({"visit"}), frozenset({"v1"}))
    sync_thread = threading.Thread(target=relay.deliver, args=(result,))  # the runner calls it on its thread
    sync_thread.start()
    sync_thread.join()
    qtbot.waitUntil(lambda: bool(seen), timeout=5000)
    ctx.tasks.wait_idle()
    qtbot.wait(20)
    assert len(seen) == 1 and seen[0].touches("visit") and seen[0].from_sync
    assert accounts  # the account was re-read with it
    assert pokes == []
