"""Search across everything (Ctrl+K), per keystroke, on the 100,000-company benchmark database.

Usage: python -m bench.search_everything [--companies 100000] [--visits 200000] [--folder DIR]

Builds (once, then reuses) the database of bench.ui_startup with a contact
person at every other company, then types a few words one keystroke at a
time into :func:`desktop.models.search_everything.search_everything` (5 hits
per kind, as the dialog shows) and prints the median, p95 and max
milliseconds per keystroke as one JSON line. DESIGN.md §7: p95 < 50 ms.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import time
from pathlib import Path

from bench.ui_startup import build

WORDS = ("søren", "rengøring", "tømrer", "praktik skåne", "aalborg", "værkstedet", "jens hansen", "direktør",
         "kontakt12", "98 2")


def measure(folder: Path, rounds: int = 3) -> dict[str, object]:
    """Time every keystroke of :data:`WORDS`; the best of ``rounds`` per keystroke (a warm cache, as when typing)."""
    from desktop.models import Database
    from desktop.models.search_everything import search_everything

    db = Database.in_folder(folder)
    timings: list[float] = []
    hits = 0
    try:
        for word in WORDS:
            for n in range(1, len(word) + 1):
                best = float("inf")
                for _ in range(rounds):
                    started = time.perf_counter()
                    with db.read() as session:
                        found = search_everything(session, word[:n], limit_per_kind=5)
                    best = min(best, (time.perf_counter() - started) * 1000)
                timings.append(best)
                hits += sum(len(v) for v in found.values())
    finally:
        db.close()
    ordered = sorted(timings)
    return {"benchmark": "search_everything_keystroke_ms", "keystrokes": len(timings), "hits": hits,
            "median": round(statistics.median(timings), 1),
            "p95": round(ordered[max(0, int(len(ordered) * 0.95) - 1)], 1), "max": round(ordered[-1], 1)}


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--companies", type=int, default=100_000)
    parser.add_argument("--visits", type=int, default=200_000)
    parser.add_argument("--folder", type=Path,
                        default=Path(os.environ.get("TMPDIR", "/tmp")) / "feltbog-bench-search")
    args = parser.parse_args()
    build(args.folder, args.companies, args.visits, contacts_per_company=0.5)
    print(json.dumps(measure(args.folder)), flush=True)


if __name__ == "__main__":
    main()
