"""Where the wall time of a push of 10,000 offline changes goes, request by request.

Usage: python -m bench.push_timeline [--db sqlite|postgres] [--rounds 3] [--changes 10000]

A fresh server (``python -m server``, its JSON log kept) holding only what the rounds push, and one app data
folder that signs in; then, per round, ``--changes`` new companies made offline and one push of them through
the app's engine, as ``bench.sync_bench`` pushes them (there, to a server already holding the job centre: so
these server times are a best case). The app's steps are timed from outside, wrapping the functions the push
calls: the claim of work made before the first sign-in, each request's round trip (``SyncClient.push``), the
settling of each answer. The server's own time for each request is the ``push_ms`` its log gives
(``apply_push`` with its commit). Prints one JSON line per round, in ms:

* ``total``: the whole push; ``claim``: the claim alone; ``before_first_request``: the claim and the first
  batch's read;
* ``request_median``: a request's round trip as the app sees it (on the push's sender thread);
  ``server_apply_median``: the server's ``apply_push`` for it; ``outside_apply_median``: the difference:
  HTTP on both sides, the body's JSON and validation, the answer, and the app's own work of the same
  moment (reading the next batch, settling the last answer), which competes for the app's GIL;
* ``between_requests_median``: from one answer to the next request (the app's part that nothing
  overlaps); ``after_last_request``: the last settle.
"""

from __future__ import annotations

import argparse
import json
import shutil
import statistics
import tempfile
import time
import uuid
from collections.abc import Callable
from pathlib import Path
from typing import Any

from bench.server_process import ServerProcess
from bench.sync_bench import emit
from server.seeding import make_database_url


def _timed(marks: list[tuple[str, float, float]], name: str, function: Callable[..., Any]) -> Callable[..., Any]:
    """``function``, recording (name, start, end) of each call in ``marks``."""
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        started = time.perf_counter()
        try:
            return function(*args, **kwargs)
        finally:
            marks.append((name, started, time.perf_counter()))
    return wrapper


def _ms(seconds: float) -> float:
    return round(seconds * 1000, 1)


def run(backend: str, rounds: int, changes: int) -> list[dict[str, Any]]:
    """Push ``changes`` offline companies ``rounds`` times; one figure per round."""
    import desktop.sync.push as push_module
    from desktop.models import outbox
    from desktop.sync.client import SyncClient

    marks: list[tuple[str, float, float]] = []
    # Wrapped where the push looks them up: the client's method, the module attributes it calls.
    SyncClient.push = _timed(marks, "request", SyncClient.push)  # type: ignore[method-assign]
    outbox.claim_for = _timed(marks, "claim", outbox.claim_for)
    push_module.record_push = _timed(marks, "settle", push_module.record_push)
    figures: list[dict[str, Any]] = []
    tmp = Path(tempfile.mkdtemp(prefix="feltbog-push-timeline-"))
    try:
        _rounds(backend, rounds, changes, tmp, marks, figures)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    return figures


def _rounds(backend: str, rounds: int, changes: int, tmp: Path, marks: list[tuple[str, float, float]],
            figures: list[dict[str, Any]]) -> None:
    """The server, the app and the rounds of :func:`run`, in the folder ``tmp``."""
    from desktop.cancel import CancelToken
    from desktop.credentials import Credentials
    from desktop.models import Database, Operations
    from desktop.sync import state
    from desktop.sync.engine import SyncResult
    from desktop.sync.service import SyncService

    log = tmp / "server.log"
    with make_database_url(backend, tmp) as url, ServerProcess(url, log=log) as server:
        username, password = server.user("consultant")
        service = SyncService(Database.in_folder(tmp / "app"), Credentials(account=f"bench-{uuid.uuid4().hex}"))
        service.login(server.url, username, password, "bench-timeline")
        service.sync()
        ops = Operations(service.db, service.actor())
        with service.db.read() as session:
            device = state.device_id(session)
        for round_no in range(rounds):
            for k in range(changes):
                ops.create("company", {"name": f"Offline virksomhed {round_no}-{k}", "city": "Aars"})
            marks.clear()
            logged = _server_push_ms(log)
            started = time.perf_counter()
            outcome = SyncResult()
            service.engine().push(device, outcome, lambda *_: None, CancelToken())
            total = time.perf_counter() - started
            assert outcome.pushed == changes and outcome.rejected == 0, outcome
            requests = [(a, b) for name, a, b in marks if name == "request"]
            settles = [(a, b) for name, a, b in marks if name == "settle"]
            claims = [b - a for name, a, b in marks if name == "claim"]
            applied = _server_push_ms(log)[len(logged):]
            spans = [b - a for a, b in requests]
            figures.append(emit(
                benchmark="push_timeline", backend=backend, round=round_no + 1, changes=changes,
                requests=len(requests), total=_ms(total), claim=_ms(sum(claims)),
                before_first_request=_ms(requests[0][0] - started),
                request_median=_ms(statistics.median(spans)),
                server_apply_median=round(statistics.median(applied), 1),
                outside_apply_median=round(statistics.median(s * 1000 - a for s, a in zip(spans, applied,
                                                                                         strict=True)), 1),
                between_requests_median=_ms(statistics.median(
                    [requests[i + 1][0] - requests[i][1] for i in range(len(requests) - 1)] or [0.0])),
                after_last_request=_ms(started + total - requests[-1][1]),
                last_settle=_ms(settles[-1][1] - settles[-1][0])))
        service.db.close()


def _server_push_ms(log: Path) -> list[float]:
    """The ``push_ms`` of every push the server has logged so far, in order."""
    out = []
    for line in log.read_text(encoding="utf-8", errors="replace").splitlines():
        if line.startswith("{") and '"push_ms"' in line:
            out.append(float(json.loads(line)["push_ms"]))
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--db", choices=["sqlite", "postgres"], default="sqlite")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--changes", type=int, default=10_000)
    args = parser.parse_args()
    if args.changes < 1 or args.rounds < 1:
        parser.error("--changes and --rounds must be at least 1")
    run(args.db, args.rounds, args.changes)


if __name__ == "__main__":
    main()
