"""The sync runtime: single flight, debounce, periodic, backoff that re-arms itself."""

from __future__ import annotations

import threading
import time

import pytest

from desktop.errors import Cancelled
from desktop.sync.engine import SyncResult
from desktop.sync.errors import SyncError, SyncErrorKind
from desktop.sync.runner import SyncRunner


class FakeSync:
    """Stands in for SyncService.sync; the runner's scheduling is under test here."""

    def __init__(self, failures: list[BaseException] | None = None, delay: float = 0.0) -> None:
        self.calls = 0
        self.failures = list(failures or [])
        self.delay = delay
        self.started = threading.Event()
        self.release = threading.Event()
        self.release.set()

    def __call__(self, progress, cancel) -> SyncResult:
        self.calls += 1
        self.started.set()
        progress(1, 2, "pull")
        self.release.wait(5)
        if self.delay:
            time.sleep(self.delay)
        cancel.check()
        if self.failures:
            raise self.failures.pop(0)
        return SyncResult(pulled=1)


def wait_until(predicate, timeout: float = 5.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return
        time.sleep(0.01)
    raise AssertionError("condition not met in time")


@pytest.fixture
def make_runner():
    runners: list[SyncRunner] = []

    def make(sync, **kwargs) -> SyncRunner:
        kwargs.setdefault("interval", 60)
        runner = SyncRunner(sync, lambda: 0, **kwargs)
        runner.start()
        runners.append(runner)
        return runner

    yield make
    for runner in runners:
        runner.stop()


def test_request_runs_a_sync_and_reports_success(make_runner):
    sync = FakeSync()
    runner = make_runner(sync)
    result = runner.request().result(timeout=5)
    assert result.pulled == 1
    status = runner.status()
    assert status.online is True and status.last_success is not None and not status.syncing


def test_second_request_joins_the_running_sync(make_runner):
    sync = FakeSync()
    sync.release.clear()
    runner = make_runner(sync)
    first = runner.request()
    assert sync.started.wait(5)
    second = runner.request()
    assert second is first
    sync.release.set()
    first.result(timeout=5)
    assert sync.calls == 1


def test_local_changes_are_debounced_into_one_sync(make_runner):
    sync = FakeSync()
    runner = make_runner(sync, debounce=0.2)
    for _ in range(5):
        runner.local_change()
        time.sleep(0.02)
    wait_until(lambda: sync.calls == 1)
    time.sleep(0.4)
    assert sync.calls == 1


def test_periodic_sync_runs_without_any_trigger(make_runner):
    sync = FakeSync()
    make_runner(sync, interval=0.1)
    wait_until(lambda: sync.calls >= 2)


def test_network_failure_backs_off_and_retries_without_a_new_local_change(make_runner):
    network = SyncError(SyncErrorKind.NETWORK, "down")
    sync = FakeSync(failures=[network, network])
    runner = make_runner(sync, backoff_base=0.05, backoff_max=1)
    with pytest.raises(SyncError):
        runner.request().result(timeout=5)
    status = runner.status()
    assert status.online is False and status.failures == 1 and status.next_attempt_in is not None
    assert "ikke nås" in status.last_error
    # No new request or local change: the backoff re-arms by itself until it succeeds.
    wait_until(lambda: sync.calls == 3)
    wait_until(lambda: runner.status().online is True)
    assert runner.status().failures == 0


def test_backoff_grows_exponentially_and_is_capped(make_runner):
    errors = [SyncError(SyncErrorKind.SERVER, "500") for _ in range(6)]
    sync = FakeSync(failures=errors)
    runner = make_runner(sync, backoff_base=0.01, backoff_max=0.04)
    with pytest.raises(SyncError):
        runner.request().result(timeout=5)
    wait_until(lambda: sync.calls >= 5, timeout=10)
    assert runner.status().next_attempt_in is None or runner.status().next_attempt_in <= 0.04 * 1.2


def test_auth_error_pauses_until_the_user_acts(make_runner):
    sync = FakeSync(failures=[SyncError(SyncErrorKind.AUTH, "expired")])
    runner = make_runner(sync, backoff_base=0.01, interval=0.05)
    with pytest.raises(SyncError):
        runner.request().result(timeout=5)
    time.sleep(0.3)
    assert sync.calls == 1, "an auth failure must not be retried in a loop"
    assert runner.status().last_error_kind == "auth"
    runner.request().result(timeout=5)  # the user signed in again and pressed Sync
    assert sync.calls == 2


def test_cancel_stops_the_running_sync_quietly(make_runner):
    sync = FakeSync()
    sync.release.clear()
    runner = make_runner(sync)
    future = runner.request()
    assert sync.started.wait(5)
    runner.cancel()
    sync.release.set()
    with pytest.raises(Cancelled):
        future.result(timeout=5)
    assert runner.status().last_error is None


def test_progress_is_exposed_in_the_status(make_runner):
    seen = []
    sync = FakeSync()
    runner = make_runner(sync, on_status=seen.append)
    runner.request().result(timeout=5)
    assert any(s.progress == (1, 2, "pull") for s in seen)
    assert runner.status().progress is None


def test_upkeep_runs_after_every_attempt_once_the_result_is_delivered(make_runner):
    """The database's upkeep (search merges, WAL checkpoint) follows each sync, failed ones too."""
    events: list[str] = []
    sync = FakeSync(failures=[SyncError(SyncErrorKind.NETWORK, "offline")])
    runner = make_runner(sync, backoff_base=0.05, on_result=lambda _r: events.append("result"),
                         upkeep=lambda: events.append("upkeep"))
    first = runner.request()
    with pytest.raises(SyncError):
        first.result(timeout=5)
    assert events == ["upkeep"]  # after the failed attempt: edits made offline leave work behind too
    wait_until(lambda: sync.calls == 2 and len(events) == 3)
    assert events == ["upkeep", "result", "upkeep"]  # the screens get the result before the upkeep


def test_a_failing_upkeep_is_logged_and_syncing_goes_on(make_runner, caplog):
    def broken() -> None:
        raise RuntimeError("disk full")

    runner = make_runner(FakeSync(), upkeep=broken)
    assert runner.request().result(timeout=5).pulled == 1
    assert runner.request().result(timeout=5).pulled == 1
    assert "Upkeep after the sync failed" in caplog.text
    assert runner.status().last_error is None


def test_a_sync_with_nothing_to_do_leaves_no_upkeep(make_runner):
    class Idle(FakeSync):
        def __call__(self, progress, cancel) -> SyncResult:
            super().__call__(progress, cancel)
            return SyncResult()

    tidied: list[int] = []
    runner = make_runner(Idle(), upkeep=lambda: tidied.append(1))
    runner.request().result(timeout=5)
    assert tidied == []
