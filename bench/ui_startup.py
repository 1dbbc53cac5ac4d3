"""Start-up to a usable window, and search-as-you-type, on a big local database.

Usage: python -m bench.ui_startup [--companies 100000] [--visits 200000] [--folder DIR]

Builds (once, then reuses) a local database with the given numbers of
companies and visits from bench.datagen, then measures in a fresh process:
* ``startup_to_usable_window``: from process start to the main window shown
  with the company list's first page loaded (offscreen);
* ``search_keystroke``: for each keystroke of a few words typed into the
  visit list's search box, the time to get the page and the total count.
Prints one JSON line per figure.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import time
import uuid
from pathlib import Path

STARTED = time.perf_counter()


def build(folder: Path, companies: int, visits: int, contacts_per_company: float = 0.0) -> None:
    """Make the database once (it takes a minute); later runs reuse it."""
    from bench.datagen import Sizes, load_local, records
    from desktop.models import Database

    marker = folder / f"built-{companies}-{visits}" if not contacts_per_company else \
        folder / f"built-{companies}-{visits}-contacts-{contacts_per_company}"
    if marker.exists():
        return
    db = Database.in_folder(folder)
    team, consultants = str(uuid.uuid4()), [str(uuid.uuid4()) for _ in range(8)]
    started = time.perf_counter()
    count = load_local(db, records(42, Sizes(companies=companies, visits=visits, centre_share=0.01,
                                             openings=5_000, follow_ups=5_000,
                                             contacts_per_company=contacts_per_company), team, consultants))
    db.close()
    marker.touch()
    print(json.dumps({"benchmark": "build_local_database", "records": count,
                      "seconds": round(time.perf_counter() - started, 1)}), flush=True)


def measure_startup(folder: Path) -> None:
    """Run in a child process: time from interpreter start to a usable window."""
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from desktop.boot import pause_garbage_collection

    pause_garbage_collection()  # as ``python -m desktop`` does before its imports
    from desktop.ui.app import build_context, make_application
    from desktop.ui.main_window import MainWindow

    app = make_application([])
    ctx = build_context(folder, start_sync=False)
    window = MainWindow(ctx)
    window.show()
    window.sidebar.setCurrentRow(1)  # the company list: the heaviest first screen
    model = window.companies.list.model
    deadline = time.perf_counter() + 60
    while not model.rows and time.perf_counter() < deadline:
        app.processEvents()
        time.sleep(0.001)
    usable = time.perf_counter() - STARTED
    print(json.dumps({"benchmark": "startup_to_usable_window", "seconds": round(usable, 3),
                      "rows_shown": len(model.rows), "total_companies": model.total}), flush=True)
    ctx.tasks.shutdown()


def measure_search(folder: Path) -> None:
    """Time each keystroke of search-as-you-type over the visit notes."""
    from desktop.models import Database
    from desktop.models.queries import list_visits

    db = Database.in_folder(folder)
    timings = []
    for word in ("rengøring", "tømrer", "praktik skåne", "værkstedet"):
        for n in range(1, len(word) + 1):
            typed = word[:n]
            started = time.perf_counter()
            with db.read() as session:
                page = list_visits(session, search=typed, limit=100)
            timings.append((time.perf_counter() - started) * 1000)
            del page
    db.close()
    print(json.dumps({"benchmark": "search_keystroke_ms", "keystrokes": len(timings),
                      "median": round(statistics.median(timings), 1),
                      "p95": round(sorted(timings)[int(len(timings) * 0.95) - 1], 1),
                      "max": round(max(timings), 1)}), flush=True)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--companies", type=int, default=100_000)
    parser.add_argument("--visits", type=int, default=200_000)
    parser.add_argument("--folder", type=Path, default=Path(os.environ.get("TMPDIR", "/tmp")) / "feltbog-bench-ui")
    parser.add_argument("--child", choices=["startup"], help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child == "startup":
        measure_startup(args.folder)
        return
    build(args.folder, args.companies, args.visits)
    for _ in range(2):  # the second run is the warm one a consultant sees every morning
        subprocess.run([sys.executable, "-m", "bench.ui_startup", "--child", "startup", "--folder", str(args.folder)],
                       check=True, env={**os.environ, "QT_QPA_PLATFORM": "offscreen"})
    measure_search(args.folder)


if __name__ == "__main__":
    main()
