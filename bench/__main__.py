"""Every benchmark in one run, with the targets and the ratios: ``python -m bench all``.

Usage:
    python -m bench all [--records 100000] [--peer-docs 100000] [--skip-postgres] [--skip-peer]
                        [--with-load] [--out FIGURES.jsonl]

Runs, each in a process of its own so none pays for another's memory:
* bench.sync_bench on the server with SQLite, then with PostgreSQL: first sync
  of ``--records`` records into an empty app (plus the raw SQLite insert of
  the same rows, the physical limit), a sync with nothing to do, the daily
  case (1 % of the records changed by another laptop, then a sync; a push of
  1,000 edits), a push of 10,000 offline changes and its replay;
* the peer: PouchDB replicating ``--peer-docs`` documents against a
  CouchDB-compatible server on loopback (bench/peer_pouchdb, Node.js); then
  the same peer with its documents on disk (LevelDB, bench/peer_leveldb.sh), a
  check of how much of the anchor's speed comes from keeping them in memory;
* bench.ui_startup: start-up to a usable window with 100,000 companies and
  200,000 visits, and search-as-you-type over those notes;
* bench.search_everything: search across everything (Ctrl+K) per keystroke on
  the same sizes with a contact person at every other company;
* bench.pdf_catalogue: the PDF catalogue of 500 company centres;
* bench.hostile_push: a million-field push while another team's device pushes;
* bench.startup_check: what the start-up health check of the laptop database costs;
* with ``--with-load``, bench.load: 200 devices at once on PostgreSQL.

Every figure is printed as a JSON line as it comes, then a table of figures
against their targets (DESIGN.md §7 and issue 9).
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
SHARED_PEER = HERE.parent.parent / "shared" / "bench" / "peer_pouchdb"


def peer_script() -> Path:
    """The peer harness: the team's shared copy if there is one, else the one kept in bench/."""
    shared = SHARED_PEER / "run.sh"
    return shared if shared.exists() else HERE / "peer_pouchdb" / "run.sh"


def run_json(command: list[str], timeout: float) -> list[dict[str, Any]]:
    """Run a benchmark command, pass its output through, and return the JSON lines it printed."""
    print(f"$ {' '.join(command)}", file=sys.stderr, flush=True)
    process = subprocess.Popen(command, stdout=subprocess.PIPE, text=True, cwd=HERE.parent,
                               env={**os.environ, "QT_QPA_PLATFORM": "offscreen"})
    figures = []
    deadline = time.monotonic() + timeout
    assert process.stdout is not None
    for line in process.stdout:
        print(line, end="", flush=True)
        if line.startswith("{"):
            figures.append(json.loads(line))
        if time.monotonic() > deadline:
            process.kill()
            break
    if process.wait() != 0:
        # Keep the other benchmarks' figures: say loudly which one failed, and fail the whole run at the end.
        name = command[2] if len(command) > 2 else " ".join(command)
        failure = {"benchmark": "failed", "command": name, "exit_code": process.returncode}
        print(json.dumps(failure), flush=True)
        figures.append(failure)
    return figures


def find(figures: list[dict[str, Any]], benchmark: str, backend: str | None = None) -> dict[str, Any] | None:
    """The first figure of a benchmark (and backend), if it ran."""
    for figure in figures:
        if figure.get("benchmark") == benchmark and (backend is None or figure.get("backend") == backend):
            return figure
    return None


def table(figures: list[dict[str, Any]]) -> list[tuple[str, str, str, str]]:
    """(what, measured, target, met) rows for everything that ran."""
    rows: list[tuple[str, str, str, str]] = []
    peer = next((f for f in figures if f.get("peer") == "pouchdb" and "adapter" not in f), None)
    on_disk = next((f for f in figures if f.get("peer") == "pouchdb" and f.get("adapter") == "leveldb"), None)

    def add(what: str, value: float | None, unit: str, target: str, met: bool | None) -> None:
        if value is None:
            return
        shown = f"{value:,.0f} {unit}" if value >= 100 else f"{value:,.2f} {unit}"
        rows.append((what, shown, target, "-" if met is None else ("yes" if met else "NO")))

    if peer:
        add("PouchDB peer: initial pull", peer["pull_docs_per_s"], "docs/s", "(anchor)", None)
        add("PouchDB peer: push", peer["push_docs_per_s"], "docs/s", "(anchor)", None)
        add("PouchDB peer: 1 % changed", peer["incr_s"] * 1000, "ms", "(anchor)", None)
    if any(f.get("benchmark") == "peer_on_disk" and "skipped" in f for f in figures):
        rows.append(("PouchDB peer on disk (LevelDB)", "skipped", "(a check)", "-"))
    if on_disk:
        add("PouchDB peer on disk (LevelDB): push", on_disk["push_docs_per_s"], "docs/s", "(a check)", None)
        add("PouchDB peer on disk (LevelDB): 1 % changed", on_disk["incr_s"] * 1000, "ms", "(a check)", None)
    for backend in ("sqlite", "postgres"):
        first = find(figures, "first_sync", backend)
        if not first:
            continue
        rate = first["records_per_second"]
        add(f"first sync, page by page [{backend}]", rate, "records/s", ">= 20,000/s", rate >= 20_000)
        raw = find(figures, "raw_sqlite_insert", backend)
        if raw:
            ratio = rate / raw["records_per_second"]
            add(f"  / raw SQLite executemany of the same rows ({raw['records_per_second']:,}/s)", ratio, "x",
                ">= 0.3x", ratio >= 0.3)
        if peer:
            ratio = rate / peer["pull_docs_per_s"]
            add("  / PouchDB peer's initial pull", ratio, "x", ">= 3x", ratio >= 3)
        if "tidy_after_s" in first:
            add("  then the upkeep on the sync thread (search merges, WAL checkpoint)", first["tidy_after_s"], "s",
                "(after the sync)", None)
        add(f"  peak memory of the app [{backend}]", first["peak_rss_mb"], "MB", "< 300 MB", first["peak_rss_mb"] < 300)
        copied = find(figures, "first_sync_prepared", backend)
        if copied:
            rate = copied["records_per_second"]
            add(f"first sync from the team's prepared copy [{backend}]", rate, "records/s", ">= 20,000/s",
                rate >= 20_000)
            if raw:
                ratio = rate / raw["records_per_second"]
                add("  / raw SQLite executemany of the same rows", ratio, "x", ">= 0.5x", ratio >= 0.5)
            if peer:
                ratio = rate / peer["pull_docs_per_s"]
                add("  / PouchDB peer's initial pull", ratio, "x", ">= 3x", ratio >= 3)
            add(f"  the copy: built once by the server ({copied['copy_mb']:,.1f} MB sent)", copied["build_s"], "s",
                "(once per team)", None)
            add(f"  peak memory of the app [{backend}]", copied["peak_rss_mb"], "MB", "< 300 MB",
                copied["peak_rss_mb"] < 300)
        push = find(figures, "push_offline_changes", backend)
        if push:
            add(f"push 10,000 offline changes [{backend}]", push["mutations_per_second"], "mutations/s",
                ">= 3,000/s", push["mutations_per_second"] >= 3_000)
            if peer:
                ratio = push["mutations_per_second"] / peer["push_docs_per_s"]
                add("  / PouchDB peer's push", ratio, "x", ">= 3x", ratio >= 3)
            if on_disk:
                add("  / the peer on disk (a check)", push["mutations_per_second"] / on_disk["push_docs_per_s"], "x",
                    "(a check)", None)
        daily = find(figures, "daily_pull_1pct", backend)
        if daily:
            add(f"daily sync: 1 % of the records changed elsewhere [{backend}]", daily["ms"], "ms", "(see ratio)", None)
            if "tidy_ms" in daily:
                add("  then the upkeep on the sync thread (search merges, WAL checkpoint)", daily["tidy_ms"], "ms",
                    "(after the sync)", None)
            if peer:
                ratio = daily["ms"] / (peer["incr_s"] * 1000)
                add("  / PouchDB peer's pull of 1 % changed", ratio, "x", "<= 0.2x", ratio <= 0.2)
            if on_disk:
                add("  / the peer on disk (a check)", daily["ms"] / (on_disk["incr_s"] * 1000), "x", "(a check)",
                    None)
        small = find(figures, "push_1000_changes", backend)
        if small:
            add(f"push of 1,000 changes [{backend}]", small["ms"], "ms", "(see ratio)", None)
            if peer:
                peer_ms = 1_000 / peer["push_docs_per_s"] * 1000
                ratio = small["ms"] / peer_ms
                add(f"  / the peer's push rate for 1,000 docs ({peer_ms:,.0f} ms)", ratio, "x", "<= 0.33x",
                    ratio <= 1 / 3)
        replay = find(figures, "push_replay", backend)
        if replay:
            add(f"replay of the batch [{backend}]", replay["mutations_per_second"], "mutations/s",
                ">= 20,000/s", replay["mutations_per_second"] >= 20_000)
        idle = find(figures, "idle_sync_ms", backend)
        if idle:
            add(f"sync with nothing to do, median [{backend}]", idle["median"], "ms", "< 20 ms", idle["median"] < 20)
            if peer:
                add("  / PouchDB peer's 1 % pull", idle["median"] / (peer["incr_s"] * 1000), "x", "(lower is better)",
                    None)
    startup = [f for f in figures if f.get("benchmark") == "startup_to_usable_window"]
    if startup:
        warm = startup[-1]["seconds"]
        add("start to usable window, 100,000 companies (warm)", warm, "s", "< 1.0 s", warm < 1.0)
        add("  the same, cold (first start)", startup[0]["seconds"], "s", "< 1.5 s", startup[0]["seconds"] < 1.5)
    search = find(figures, "search_keystroke_ms")
    if search:
        add("search-as-you-type, median per keystroke", search["median"], "ms", "< 50 ms", search["median"] < 50)
        add("  p95 per keystroke", search["p95"], "ms", "< 50 ms", search["p95"] < 50)
    everything = find(figures, "search_everything_keystroke_ms")
    if everything:
        add("search across everything (Ctrl+K), median", everything["median"], "ms", "< 50 ms",
            everything["median"] < 50)
        add("  p95 per keystroke", everything["p95"], "ms", "< 50 ms", everything["p95"] < 50)
    pdf = find(figures, "pdf_centre_catalogue")
    if pdf:
        add(f"PDF catalogue of {pdf['centres']} centres", pdf["seconds"], "s", "< 3 s", pdf["seconds"] < 3)
    load = find(figures, "load_overall") or find(figures, "load")
    if load and "p95_ms" in load:
        add("200 devices on PostgreSQL, p95", load["p95_ms"], "ms", "< 500 ms", load["p95_ms"] < 500)
    return rows


def print_table(rows: list[tuple[str, str, str, str]]) -> None:
    """The table, aligned, on standard output."""
    widths = [max(len(r[i]) for r in rows + [("what", "measured", "target", "met")]) for i in range(4)]
    print()
    for row in [("what", "measured", "target", "met"), tuple("-" * w for w in widths), *rows]:
        print("  ".join(cell.ljust(width) for cell, width in zip(row, widths, strict=True)))


def run_all(args: argparse.Namespace) -> list[dict[str, Any]]:
    """Run every benchmark; returns every figure."""
    python = sys.executable
    started = time.perf_counter()
    figures: list[dict[str, Any]] = [{
        "benchmark": "machine", "date": datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC"),
        "cpus": os.cpu_count(), "python": platform.python_version(), "platform": platform.platform(),
    }]
    print(json.dumps(figures[0]), flush=True)
    if not args.skip_peer:
        if shutil.which("node") and shutil.which("npm"):
            figures += run_json(["bash", str(peer_script()), str(args.peer_docs)], timeout=900)
            on_disk = run_json(["bash", str(HERE / "peer_leveldb.sh"), str(args.peer_docs)], timeout=900)
            if any(f.get("benchmark") == "failed" for f in on_disk):  # a check only: LevelDB's native build may
                on_disk = [{"benchmark": "peer_on_disk", "skipped": "bench/peer_leveldb.sh failed"}]  # be missing
                print(json.dumps(on_disk[0]), flush=True)
            figures += [{**f, "adapter": "leveldb"} if f.get("peer") == "pouchdb" else f for f in on_disk]
        else:
            print(json.dumps({"benchmark": "peer", "skipped": "Node.js and npm are not installed"}), flush=True)
    figures += run_json([python, "-m", "bench.sync_bench", "--records", str(args.records), "--db", "sqlite"], 1800)
    if not args.skip_postgres:
        figures += run_json([python, "-m", "bench.sync_bench", "--records", str(args.records), "--db", "postgres"],
                            1800)
    folder = Path(tempfile.mkdtemp(prefix="feltbog-bench-ui-"))
    try:
        figures += run_json([python, "-m", "bench.ui_startup", "--folder", str(folder)], 1800)
        figures += run_json([python, "-m", "bench.startup_check", "--folder", str(folder)], 1800)  # same database
        figures += run_json([python, "-m", "bench.search_everything", "--folder", str(folder / "search")], 1800)
    finally:
        shutil.rmtree(folder, ignore_errors=True)
    figures += run_json([python, "-m", "bench.pdf_catalogue"], 600)
    figures += run_json([python, "-m", "bench.hostile_push", "--backend", "sqlite" if args.skip_postgres else "both"],
                        600)
    if args.with_load:
        figures += run_json([python, "-m", "bench.load"], 1200)
    figures.append({"benchmark": "bench_all", "minutes": round((time.perf_counter() - started) / 60, 1)})
    print(json.dumps(figures[-1]), flush=True)
    return figures


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__.split("\n\n")[0])
    sub = parser.add_subparsers(dest="command", required=True)
    everything = sub.add_parser("all", help="run every benchmark and print the table")
    everything.add_argument("--records", type=int, default=100_000)
    everything.add_argument("--peer-docs", type=int, default=100_000)
    everything.add_argument("--skip-postgres", action="store_true")
    everything.add_argument("--skip-peer", action="store_true")
    everything.add_argument("--with-load", action="store_true")
    everything.add_argument("--out", type=Path, help="also write every figure to this JSON-lines file")
    table_only = sub.add_parser("table", help="print the table of a file written by --out")
    table_only.add_argument("file", type=Path)
    args = parser.parse_args(argv)
    if args.command == "table":
        figures = [json.loads(line) for line in args.file.read_text().splitlines() if line.startswith("{")]
    else:
        figures = run_all(args)
        if args.out:
            args.out.write_text("".join(json.dumps(f, ensure_ascii=False) + "\n" for f in figures))
    print_table(table(figures))
    failed = [f["command"] for f in figures if f.get("benchmark") == "failed"]
    if failed:
        print(f"\nFAILED: {', '.join(failed)} (a correctness check or a target the script itself enforces)")
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
