"""A laptop for ``bench.sync_bench --daily-only``, run as a script in a process of its own.

Usage: python bench/daily_child.py URL USERNAME PASSWORD FOLDER

It imports the app from its PYTHONPATH, so the same run can time two trees of
the code (``--compare``) against one server. It logs in, does the first sync,
prints ``{"ready": ...}``, then answers each line on stdin: ``sync`` (one timed
sync) or ``profile PATH`` (the same under pyinstrument, its text report
written to PATH). One JSON line per answer; an empty line or EOF ends it.
"""

from __future__ import annotations

import json
import sys
import time
import uuid
from pathlib import Path
from typing import Any, NamedTuple


class Timed(NamedTuple):
    """One sync's figures: its result, its wall and CPU time, and the upkeep after it."""

    result: Any
    ms: float
    cpu_ms: float  # this process's CPU during the sync: the app's own work, whatever else the machine does
    tidy_ms: float


def timed_sync(service: Any) -> Timed:
    """One sync as the app's sync thread runs it: the sync, then the upkeep it leaves for after
    (``Database.tidy``: the search index's merges, the WAL checkpoint, after a sync that wrote records),
    each timed apart.

    A tree without ``tidy`` (an older commit under ``--compare``) did that upkeep inside the sync."""
    started, cpu = time.perf_counter(), time.process_time()
    result = service.sync()
    synced, cpu_ms = time.perf_counter(), (time.process_time() - cpu) * 1000
    tidy = getattr(service.db, "tidy", None)
    if tidy is not None:
        from desktop.sync.runner import leaves_upkeep  # a tree with tidy has it

        if leaves_upkeep(result):
            tidy()
    return Timed(result, (synced - started) * 1000, cpu_ms, (time.perf_counter() - synced) * 1000)


def main() -> None:
    from desktop.credentials import Credentials
    from desktop.models import Database
    from desktop.sync.service import SyncService

    url, username, password, folder = sys.argv[1:5]
    service = SyncService(Database.in_folder(Path(folder)), Credentials(account=f"bench-{uuid.uuid4().hex}"))
    service.login(url, username, password, "bench-daily")
    first, ms, _cpu_ms, _tidy_ms = timed_sync(service)
    print(json.dumps({"ready": True, "pulled": first.pulled, "seconds": round(ms / 1000, 2)}),
          flush=True)
    for line in sys.stdin:
        command = line.split()
        if not command:
            break
        profiler = None
        if command[0] == "profile":
            from pyinstrument import Profiler

            profiler = Profiler(interval=0.0005)
            profiler.start()
        result, ms, cpu_ms, tidy_ms = timed_sync(service)
        if profiler is not None:
            profiler.stop()
            Path(command[1]).write_text(profiler.output_text(unicode=True, show_all=False))
        print(json.dumps({"ms": round(ms, 1), "cpu_ms": round(cpu_ms, 1), "tidy_ms": round(tidy_ms, 1),
                          "pulled": result.pulled, "verified": result.verified}), flush=True)
    service.db.close()


if __name__ == "__main__":
    main()
