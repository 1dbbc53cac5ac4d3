"""What the start-up health check of the laptop database costs (issue 18: "fast enough not to be felt").

Usage: python -m bench.startup_check [--companies 100000] [--visits 200000] [--folder DIR]

Builds (once) the same local database as bench.ui_startup, then times, each
on a cold connection and repeated: the file check (size and header), SQLite's
``PRAGMA quick_check`` (what the app runs at every start), the full
``PRAGMA integrity_check`` for comparison, and a whole ``Database`` open.
Prints one JSON line per figure (median of the runs, in milliseconds).
"""

from __future__ import annotations

import argparse
import json
import sqlite3
import statistics
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from bench.ui_startup import build
from desktop.models.collation import register_collations


def _median_ms(run: Callable[[], object], times: int) -> float:
    samples = []
    for _ in range(times):
        started = time.perf_counter()
        run()
        samples.append((time.perf_counter() - started) * 1000)
    return round(statistics.median(samples), 1)


def _pragma(path: Path, pragma: str) -> Callable[[], object]:
    def run() -> object:
        conn = sqlite3.connect(path)
        register_collations(conn)  # integrity_check walks the list indexes, which use COLLATE danish
        try:
            return conn.execute(pragma).fetchall()
        finally:
            conn.close()

    return run


def main() -> None:
    """Build the database if needed and print the figures."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--companies", type=int, default=100_000)
    parser.add_argument("--visits", type=int, default=200_000)
    parser.add_argument("--folder", type=Path, default=Path(tempfile.gettempdir()) / "feltbog-bench-ui")
    parser.add_argument("--times", type=int, default=5)
    args = parser.parse_args()
    build(args.folder, args.companies, args.visits)
    from desktop.models import Database
    from desktop.models.db import DB_FILENAME
    from desktop.models.health import check_file

    path = args.folder / DB_FILENAME
    figures = {
        "file_check_ms": _median_ms(lambda: check_file(path), args.times),
        "quick_check_ms": _median_ms(_pragma(path, "PRAGMA quick_check(5)"), args.times),
        "integrity_check_ms": _median_ms(_pragma(path, "PRAGMA integrity_check(5)"), max(1, args.times // 2)),
        "database_open_ms": _median_ms(lambda: Database(path).close(), args.times),
    }
    print(json.dumps({"benchmark": "startup_check", "companies": args.companies, "visits": args.visits,
                      "megabytes": round(path.stat().st_size / 1e6, 1), **figures}), flush=True)


if __name__ == "__main__":
    main()
