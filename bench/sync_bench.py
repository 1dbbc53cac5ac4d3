"""Sync figures against the real server on loopback: first sync, idle sync, push, replay.

Usage: python -m bench.sync_bench [--records 100000] [--db sqlite|postgres]
       python -m bench.sync_bench --daily-only [--rounds 5] [--compare OTHER_TREE] [--profile DIR]

The server runs as ``python -m server`` in its own process (as in production)
on a fresh database, filled with a generated job centre through its push
API. The app core (no UI) then does a first sync into an empty local
database in a child process of its own, so its peak memory is measured
alone. In the same run, the physical limit: the same rows inserted into the
same local schema with one raw ``executemany`` transaction.

Correctness is checked as it goes: after the first sync the app's summary
must equal the server's (count and checksum per entity), after the push the
server must hold every offline change exactly once, and the replay must
change nothing. Prints one JSON line per figure.
"""

from __future__ import annotations

import argparse
import json
import resource
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path
from typing import Any

import requests
from sqlalchemy import text

from bench.daily_child import timed_sync
from bench.datagen import Sizes, push_records, records
from bench.server_process import ServerProcess
from server.seeding import make_database_url

Item = tuple[str, str, dict[str, Any]]
PUSH_1000_ROUNDS = 5  # pushes of 1,000 edits timed; the median is the figure


def emit(**figure: Any) -> dict[str, Any]:
    """Print one figure as a JSON line and return it."""
    print(json.dumps(figure, ensure_ascii=False), flush=True)
    return figure


def job_centre(n: int, team: str, consultants: list[str], ordered_ids: bool = False) -> list[Item]:
    """About ``n`` records of a realistic job centre: companies, mentors, visits, openings, follow-ups.

    ``ordered_ids``: the records' ids are time-ordered, as the app makes them now (default: random, as
    the records of a team that used the app before then have)."""
    sizes = Sizes(companies=int(n * 0.25), visits=int(n * 0.5), centre_share=0.02, mentors_per_centre=8,
                  contacts_per_company=0.5, openings=int(n * 0.06), follow_ups=int(n * 0.04))
    return list(records(11, sizes, team, consultants, ordered_ids=ordered_ids))


def load_server(server: ServerProcess, items: list[Item]) -> Any:
    """Put the records on the server through its push API, as one loader device; returns its client."""
    from desktop.sync.client import SyncClient

    username, _ = server.user("consultant", username=f"loader-{uuid.uuid4().hex[:6]}")
    token = server.token(username)
    client = SyncClient(server.url, lambda: token)
    push_records(client, "loader", items)
    return client


def other_laptop_changes(loader: Any, items: list[Item], share: float = 0.01, round_no: int = 0) -> int:
    """Another laptop (the loader's device) changes ``share`` of the records: the daily case.

    Companies get a new city and a longer note (the peer appends to each changed document's body).
    Round ``round_no`` of ``--daily-only`` changes the next companies, with mutation ids after the last.
    """
    companies = [(record_id, fields) for entity, record_id, fields in items if entity == "company"]
    count = max(1, int(len(items) * share))
    chosen = [companies[(round_no * count + k) % len(companies)] for k in range(count)]
    first_id = len(items) + max(round_no - 1, 0) * count  # the loader's ids run on without a gap
    mutations = [{"mutation_id": first_id + k + 1, "entity": "company", "id": record_id, "op": "upsert",
                  "base_version": 0,
                  "fields": {"city": f"Fjerritslev {round_no}" if round_no else "Fjerritslev",
                             "notes": f"{fields.get('notes') or ''} ændret"}}
                 for k, (record_id, fields) in enumerate(chosen)]
    refused = [r for r in loader.push("loader", mutations)["results"] if r["status"] != "applied"]
    assert not refused, refused[:3]
    return count


def raw_sqlite_rate(items: list[Item]) -> float:
    """The physical limit: plain executemany of the same rows into the app's schema, one transaction."""
    from desktop.models import Database
    from desktop.models.collation import register_collations

    folder = Path(tempfile.mkdtemp(prefix="feltbog-raw-"))
    Database.in_folder(folder).close()  # the same tables and indexes as the app
    conn = sqlite3.connect(folder / "feltbog.sqlite", isolation_level=None)
    register_collations(conn)  # the list indexes use COLLATE danish, as in the app
    conn.execute("PRAGMA journal_mode=WAL")
    conn.execute("PRAGMA synchronous=NORMAL")
    by_entity: dict[str, list[dict]] = {}
    for entity, record_id, fields in items:
        by_entity.setdefault(entity, []).append({"id": record_id, **fields})
    prepared = []
    for entity, rows in by_entity.items():
        table_columns = {r[1] for r in conn.execute(f"PRAGMA table_info({entity})")}
        columns = sorted({k for r in rows for k in r} & table_columns)
        extra = {"version": 1, "created_at": "2026-01-01 00:00:00.000000",
                 "updated_at": "2026-01-01 00:00:00.000000", "deleted": 0}
        if entity == "company":
            extra["is_centre"] = 0
        extra = {k: v for k, v in extra.items() if k not in columns}
        names = columns + list(extra)
        sql = f"INSERT INTO {entity} ({', '.join(names)}) VALUES ({', '.join('?' * len(names))})"
        prepared.append((sql, [tuple(r.get(c) for c in columns) + tuple(extra.values()) for r in rows]))
    started = time.perf_counter()
    conn.execute("BEGIN")
    for sql, rows in prepared:
        conn.executemany(sql, rows)
    conn.execute("COMMIT")
    seconds = time.perf_counter() - started
    conn.close()
    return len(items) / seconds


def peak_memory_mb() -> float:
    """This process's peak resident memory in MB.

    VmHWM belongs to the process image, so it starts afresh at exec; the
    rusage figure would also count the parent's memory at the fork (here, the
    benchmark holding 100,000 generated records).
    """
    status = Path("/proc/self/status")
    if status.exists():
        for line in status.read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / (1024 * 1024 if sys.platform == "darwin" else 1024)


def first_sync_client(url: str, username: str, password: str, folder: Path, pages: bool = False) -> None:
    """Run in a child process: log in, do the first sync, print its figures (and peak memory).

    ``pages``: page by page even if the server has a prepared copy."""
    from desktop.credentials import Credentials
    from desktop.models import Database
    from desktop.sync import pull
    from desktop.sync.service import SyncService

    if pages:
        pull.take_prepared = lambda *_args: False  # type: ignore[assignment]

    service = SyncService(Database.in_folder(folder), Credentials(account=f"bench-{uuid.uuid4().hex}"))
    service.login(url, username, password, "bench")
    result, sync_ms, _cpu_ms, tidy_ms = timed_sync(service)
    seconds = sync_ms / 1000
    peak_mb = peak_memory_mb()
    print(json.dumps({"pulled": result.pulled, "pages": result.pages, "seconds": seconds, "tidy_ms": tidy_ms,
                      "prepared": result.prepared,
                      "verified": result.verified, "megabytes": service.bytes_received / 1e6,
                      "peak_rss_mb": peak_mb}), flush=True)
    service.db.close()


def first_sync(server: ServerProcess, folder: Path, pages: bool = False) -> dict[str, Any]:
    """A first sync into an empty app in a fresh process; returns what the child printed.

    ``pages``: page by page, not from the server's prepared copy."""
    username, password = server.user("consultant")
    out = subprocess.run(
        [sys.executable, "-m", "bench.sync_bench", "--child", server.url, username, password, str(folder),
         *(["--pages"] if pages else [])],
        check=True, capture_output=True, text=True, timeout=1800,
    )
    return json.loads(out.stdout.strip().splitlines()[-1])


def prepare_copy(server: ServerProcess, folder: Path) -> dict[str, Any]:
    """Ask the server for a prepared first sync (it starts building one) and wait until it is ready.

    Returns the copy's description and the build's wall time, from the request to the file in place.
    """
    from desktop.models.db import head_revision

    username, _password = server.user("consultant")
    started = time.perf_counter()
    answer = requests.get(f"{server.url}/api/v1/sync/prepared", params={"schema": head_revision()},
                          headers={"Authorization": f"Bearer {server.token(username)}"}, timeout=60)
    assert answer.status_code == 202, (answer.status_code, answer.text[:200])
    deadline = time.monotonic() + 1800
    while not list(folder.glob("*.json")):  # bounded: 30 minutes
        if time.monotonic() > deadline:
            raise RuntimeError("the prepared copy was not ready within 30 minutes")
        time.sleep(0.1)
    (description,) = folder.glob("*.json")
    return {**json.loads(description.read_text()), "build_s": time.perf_counter() - started}


def idle_and_daily(service: Any, backend: str, loader: Any, items: list[Item],
                   figures: list[dict[str, Any]]) -> None:
    """Syncs with nothing to do, then the daily case: another laptop changed 1 % of the records."""
    idle = [timed_sync(service).ms for _ in range(25)]
    figures.append(emit(benchmark="idle_sync_ms", backend=backend, median=round(statistics.median(idle), 1),
                        p95=round(sorted(idle)[23], 1)))

    # The daily case: another laptop changed 1 % of the records; this one syncs (push, pull, verify).
    changed = other_laptop_changes(loader, items)
    daily, ms, cpu_ms, tidy_ms = timed_sync(service)
    assert daily.pulled >= changed and daily.verified, daily
    figures.append(emit(benchmark="daily_pull_1pct", backend=backend, changed=changed, pulled=daily.pulled,
                        ms=round(ms, 1), cpu_ms=round(cpu_ms, 1), tidy_ms=round(tidy_ms, 1),
                        verified=daily.verified))


def idle_and_push(server: ServerProcess, folder: Path, backend: str, loader: Any,
                  items: list[Item], push_only: bool = False) -> list[dict[str, Any]]:
    """Idle syncs, the daily case (1 % changed elsewhere, then a sync; 1,000 local changes pushed),
    then 10,000 offline changes pushed, then the same batch replayed (``push_only``: the pushes alone)."""
    from desktop.cancel import CancelToken
    from desktop.credentials import Credentials
    from desktop.models import Database, Operations, outbox
    from desktop.sync import state
    from desktop.sync.client import SyncClient
    from desktop.sync.engine import SyncResult
    from desktop.sync.service import SyncService

    figures = []
    username, password = server.user("consultant")
    service = SyncService(Database.in_folder(folder), Credentials(account=f"bench-{uuid.uuid4().hex}"))
    service.login(server.url, username, password, "bench-idle")
    timed_sync(service)  # the first sync and the upkeep after it, as the app's sync thread runs them
    if not push_only:
        idle_and_daily(service, backend, loader, items, figures)
    ops = Operations(service.db, service.actor())
    # ... and a day's work of this laptop: 1,000 edits of companies, then the sync that sends them; several
    # rounds (other companies each time), as one push on a shared machine varies by a quarter.
    with service.db.read() as session:
        company_ids = [cid for (cid,) in session.execute(text("SELECT id FROM company LIMIT :n"),
                                                         {"n": 1_000 * PUSH_1000_ROUNDS})]
        device = state.device_id(session)
    assert len(company_ids) == 1_000 * PUSH_1000_ROUNDS, len(company_ids)
    times, pushed = [], []
    for round_no in range(PUSH_1000_ROUNDS):
        for k, company_id in enumerate(company_ids[round_no * 1_000 : (round_no + 1) * 1_000]):
            ops.update("company", company_id, {"phone": f"98 {k // 100:02d} {k % 100:02d} {round_no + 1}1"})
        outcome = SyncResult()
        started = time.perf_counter()
        service.engine().push(device, outcome, lambda *_: None, CancelToken())
        times.append(time.perf_counter() - started)
        assert outcome.pushed >= 1_000 and outcome.rejected == 0, outcome
        pushed.append(outcome.pushed)
        service.sync()  # take home the versions the server gave them
    seconds = statistics.median(times)
    figures.append(emit(benchmark="push_1000_changes", backend=backend, edits=1_000,
                        mutations=round(statistics.median(pushed)), ms=round(seconds * 1000, 1),
                        rounds_ms=[round(t * 1000, 1) for t in times],
                        mutations_per_second=round(statistics.median(pushed) / seconds)))

    ids = [ops.create("company", {"name": f"Offline virksomhed {i}", "city": "Aars"}) for i in range(10_000)]
    with service.db.write() as session:
        device = state.device_id(session)
        offset = state.get_int(session, state.MUTATION_OFFSET)
        batch = [{"mutation_id": m.mutation_id - offset, "entity": m.entity, "id": m.entity_id, "op": m.op,
                  "base_version": m.base_version, "fields": m.fields} for m in outbox.pending_batch(session, 20_000)]
    outcome = SyncResult()
    started = time.perf_counter()
    service.engine().push(device, outcome, lambda *_: None, CancelToken())
    seconds = time.perf_counter() - started
    assert outcome.pushed == 10_000 and outcome.rejected == 0, outcome
    figures.append(emit(benchmark="push_offline_changes", backend=backend, mutations=outcome.pushed,
                        seconds=round(seconds, 2), mutations_per_second=round(outcome.pushed / seconds)))

    # Replay: the same batch again, as after a lost response. The server must skip every mutation.
    before = service.client().summary()
    replayer = SyncClient(server.url, service.credentials.get_token)
    started = time.perf_counter()
    for start in range(0, len(batch), 5_000):
        replayer.push(device, batch[start : start + 5_000])
    seconds = time.perf_counter() - started
    assert service.client().summary()["checksum"] == before["checksum"], "the replay changed the server"
    assert len(ids) == len(batch) == 10_000
    figures.append(emit(benchmark="push_replay", backend=backend, mutations=len(batch),
                        mutations_per_second=round(len(batch) / seconds), server_unchanged=True))
    service.db.close()
    return figures


def run(n: int, backend: str, push_only: bool = False, first_only: bool = False,
        ordered_ids: bool = False) -> list[dict[str, Any]]:
    """Every sync figure for one server backend; returns them (they are also printed).

    ``push_only``: only the push figures (1,000 edits, 10,000 offline changes, the replay), e.g. with a
    small ``n`` (at least 25,000 records, so there are 5,000 companies to edit).
    ``first_only``: just the first sync and the raw insert (the idle, daily and push parts are skipped).
    ``ordered_ids``: the job centre's records have time-ordered ids (see :func:`job_centre`).
    """
    tmp = Path(tempfile.mkdtemp(prefix="feltbog-sync-bench-"))
    figures = []
    prepared = tmp / "prepared"
    # With push_only no laptop takes a copy: a build the first sync asked for would run during the pushes.
    env = {"FELTBOG_PREPARED_MIN_RECORDS": "0"} if push_only else {"FELTBOG_PREPARED_FOLDER": str(prepared)}
    with make_database_url(backend, tmp) as url, ServerProcess(url, log=tmp / "server.log", env=env) as server:
        # Real consultants of the team: the server refuses a responsible consultant it does not know.
        consultants = [server.users[server.user("consultant")[0]] for _ in range(8)]
        items = job_centre(n, server.team_id, consultants, ordered_ids)
        started = time.perf_counter()
        loader = load_server(server, items)
        figures.append(emit(benchmark="server_load_push", backend=backend, records=len(items),
                            records_per_second=round(len(items) / (time.perf_counter() - started))))
        if push_only:
            figures.extend(idle_and_push(server, tmp / "app-idle", backend, loader, items, push_only=True))
            return figures
        child = first_sync(server, tmp / "app", pages=True)
        assert child["verified"] and child["pulled"] >= len(items) and not child["prepared"], child
        figures.append(emit(benchmark="first_sync", backend=backend, records=child["pulled"],
                            seconds=round(child["seconds"], 2),
                            records_per_second=round(child["pulled"] / child["seconds"]),
                            pages=child["pages"], megabytes=round(child["megabytes"], 1),
                            peak_rss_mb=round(child["peak_rss_mb"]), verified=child["verified"],
                            tidy_after_s=round(child["tidy_ms"] / 1000, 2)))
        # The team's prepared copy, built once by the server; then a new laptop's first sync starts from it.
        copy = prepare_copy(server, prepared)
        child = first_sync(server, tmp / "app-prepared")
        assert child["verified"] and child["prepared"] and child["pulled"] >= len(items), child
        figures.append(emit(benchmark="first_sync_prepared", backend=backend, records=child["pulled"],
                            seconds=round(child["seconds"], 2),
                            records_per_second=round(child["pulled"] / child["seconds"]),
                            megabytes=round(child["megabytes"], 1), peak_rss_mb=round(child["peak_rss_mb"]),
                            verified=child["verified"], tidy_after_s=round(child["tidy_ms"] / 1000, 2),
                            build_s=round(copy["build_s"], 2), copy_mb=round(copy["size"] / 1e6, 1)))
        figures.append(emit(benchmark="raw_sqlite_insert", backend=backend, records=len(items),
                            records_per_second=round(raw_sqlite_rate(items))))
        if first_only:
            return figures
        figures.extend(idle_and_push(server, tmp / "app-idle", backend, loader, items))
    return figures


def daily_only(n: int, backend: str, rounds: int, trees: list[str], profile: Path | None) -> list[dict[str, Any]]:
    """Only the daily case, A/B: one laptop per code tree (``trees``, PYTHONPATH roots) against one server.

    Each laptop does its first sync, then every round another laptop changes 1 % of the records and each
    laptop syncs in turn (the order alternates per round). With ``profile``, the last round runs under
    pyinstrument. Ends with 20 idle syncs per laptop, taking turns.
    """
    import os

    tmp = Path(tempfile.mkdtemp(prefix="feltbog-daily-bench-"))
    if profile is not None:  # the child writes its report there; a missing folder made it die mid-round
        profile.mkdir(parents=True, exist_ok=True)
    child_script = Path(__file__).resolve().parent / "daily_child.py"
    figures = []
    # No prepared copy here: its build would run in the background during the rounds.
    with make_database_url(backend, tmp) as url, \
            ServerProcess(url, log=tmp / "server.log", env={"FELTBOG_PREPARED_MIN_RECORDS": "0"}) as server:
        consultants = [server.users[server.user("consultant")[0]] for _ in range(8)]
        items = job_centre(n, server.team_id, consultants)
        loader = load_server(server, items)
        children = []
        for k, tree in enumerate(trees):
            username, password = server.user("consultant")
            path = os.pathsep.join([tree, *(["/tmp/prof"] if profile else [])])
            children.append(subprocess.Popen(
                [sys.executable, str(child_script), server.url, username, password, str(tmp / f"app{k}")],
                stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True, env={**os.environ, "PYTHONPATH": path}))

        def ask(k: int, command: str) -> dict[str, Any]:
            child = children[k]
            assert child.stdin is not None and child.stdout is not None
            if command:
                child.stdin.write(command + "\n")
                child.stdin.flush()
            answer: dict[str, Any] = json.loads(child.stdout.readline())
            return answer

        for k in range(len(trees)):
            ask(k, "")  # the first sync's "ready"
        times: list[list[float]] = [[] for _ in trees]
        tidies: list[list[float]] = [[] for _ in trees]
        cpus: list[list[float]] = [[] for _ in trees]
        for round_no in range(1, rounds + 1):
            changed = other_laptop_changes(loader, items, round_no=round_no)
            order = list(range(len(trees)))[:: 1 if round_no % 2 else -1]
            for k in order:
                last = profile is not None and round_no == rounds
                answer = ask(k, f"profile {profile}/daily-{backend}-{k}.txt" if last else "sync")
                assert answer["pulled"] >= changed and answer["verified"], answer
                times[k].append(answer["ms"])
                tidies[k].append(answer["tidy_ms"])
                cpus[k].append(answer["cpu_ms"])
        idle: list[list[float]] = [[] for _ in trees]
        for round_no in range(20):  # the laptops take turns here too, each going first every other time
            for k in list(range(len(trees)))[:: 1 if round_no % 2 else -1]:
                idle[k].append(ask(k, "sync")["ms"])
        for k, tree in enumerate(trees):
            figures.append(emit(benchmark="daily_pull_1pct_rounds", backend=backend, tree=tree, ms=times[k],
                                median=statistics.median(times[k]), idle_median=statistics.median(idle[k]),
                                cpu_ms=cpus[k], cpu_median=statistics.median(cpus[k]), tidy_ms=tidies[k]))
        for child in children:
            if child.stdin:
                child.stdin.close()
            child.wait(timeout=60)
    return figures


def main() -> None:
    if len(sys.argv) > 1 and sys.argv[1] == "--child":
        first_sync_client(sys.argv[2], sys.argv[3], sys.argv[4], Path(sys.argv[5]), "--pages" in sys.argv[6:])
        return
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--records", type=int, default=100_000)
    parser.add_argument("--db", choices=["sqlite", "postgres"], default="sqlite")
    parser.add_argument("--push-only", action="store_true",
                        help="only the pushes (1,000 edits, 10,000 offline changes, replay)")
    parser.add_argument("--first-only", action="store_true", help="only the first sync and the raw insert")
    parser.add_argument("--daily-only", action="store_true",
                        help="only the daily case (1 %% changed elsewhere, then a sync), several rounds")
    parser.add_argument("--rounds", type=int, default=5, help="rounds of the daily case (--daily-only)")
    parser.add_argument("--compare", action="append", default=[], metavar="TREE",
                        help="also time the code under TREE (a PYTHONPATH root), alternating (--daily-only)")
    parser.add_argument("--profile", type=Path, help="folder for pyinstrument reports of the last round")
    parser.add_argument("--ordered-ids", action="store_true",
                        help="the loaded records have time-ordered ids (a team that started with them)")
    args = parser.parse_args()
    if args.daily_only:
        here = str(Path(__file__).resolve().parent.parent)
        daily_only(args.records, args.db, args.rounds, [here, *args.compare], args.profile)
        return
    run(args.records, args.db, args.push_only, args.first_only, args.ordered_ids)


if __name__ == "__main__":
    main()
