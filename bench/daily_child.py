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


def main() -> None:
    from desktop.credentials import Credentials
    from desktop.models import Database
    from desktop.sync.service import SyncService

    url, username, password, folder = sys.argv[1:5]
    service = SyncService(Database.in_folder(Path(folder)), Credentials(account=f"bench-{uuid.uuid4().hex}"))
    service.login(url, username, password, "bench-daily")
    started = time.perf_counter()
    first = service.sync()
    print(json.dumps({"ready": True, "pulled": first.pulled, "seconds": round(time.perf_counter() - started, 2)}),
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
        started = time.perf_counter()
        result = service.sync()
        ms = (time.perf_counter() - started) * 1000
        if profiler is not None:
            profiler.stop()
            Path(command[1]).write_text(profiler.output_text(unicode=True, show_all=False))
        print(json.dumps({"ms": round(ms, 1), "pulled": result.pulled, "verified": result.verified}), flush=True)
    service.db.close()


if __name__ == "__main__":
    main()
