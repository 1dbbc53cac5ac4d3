"""A frozen server (it accepts the connection and never answers) is noticed within seconds at the start of a
sync, not after the minute a large pull page may take on a slow line (issue 15, finding 7)."""

from __future__ import annotations

import socket
import threading
import time

import pytest

from desktop.sync import client as client_module
from desktop.sync.client import SyncClient
from desktop.sync.errors import SyncError, SyncErrorKind


@pytest.fixture
def frozen_server():
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(8)
    held: list[socket.socket] = []
    stop = threading.Event()

    def accept() -> None:
        listener.settimeout(0.2)
        while not stop.is_set():
            try:
                held.append(listener.accept()[0])  # read nothing, answer nothing
            except TimeoutError:
                continue

    thread = threading.Thread(target=accept, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{listener.getsockname()[1]}"
    stop.set()
    thread.join(2)
    for conn in held:
        conn.close()
    listener.close()


def test_the_summary_that_starts_a_sync_gives_up_on_a_frozen_server_quickly(frozen_server, monkeypatch):
    monkeypatch.setattr(client_module, "SMALL_READ_TIMEOUT", 0.5)
    monkeypatch.setattr(client_module, "READ_TIMEOUT", 30.0)  # what a pull page may take: not used for the summary
    client = SyncClient(frozen_server, lambda: "token")
    started = time.monotonic()
    with pytest.raises(SyncError) as caught:
        client.summary()
    assert caught.value.kind is SyncErrorKind.NETWORK
    assert time.monotonic() - started < 10
