"""Sync figures against the real server on loopback: first sync, idle sync, push, replay.

Usage: python -m bench.sync_bench [--records 20000] [--db sqlite|postgres]
Prints one JSON line per figure. Correctness is checked as it goes: after the
first sync the app's summary must equal the server's.
"""

from __future__ import annotations

import argparse
import json
import sqlite3
import statistics
import tempfile
import time
import uuid
from pathlib import Path

from bench.datagen import Sizes, records
from desktop.credentials import Credentials
from desktop.models import Database, Operations
from desktop.sync.client import SyncClient
from desktop.sync.service import SyncService
from tests.support.live_server import LiveServer, make_database_url


def emit(**figure) -> None:
    print(json.dumps(figure, ensure_ascii=False), flush=True)


def generated(n: int, team: str, user: str) -> list[tuple[str, str, dict]]:
    companies = max(n // 3, 1)
    sizes = Sizes(companies=companies, visits=n, centre_share=0.0, openings=0, follow_ups=0)
    return list(records(11, sizes, team, [user]))[:n]


def load_server(server: LiveServer, items: list[tuple[str, str, dict]]) -> None:
    username, password = server.user("consultant", username=f"loader-{uuid.uuid4().hex[:6]}")
    token = SyncClient(server.url).login(username, password, "loader")["token"]
    client = SyncClient(server.url, lambda: token)
    for start in range(0, len(items), 5_000):
        batch = [{"mutation_id": start + k + 1, "entity": e, "id": i, "op": "upsert", "base_version": 0, "fields": f}
                 for k, (e, i, f) in enumerate(items[start : start + 5_000])]
        results = client.push("loader", batch)["results"]
        assert all(r["status"] == "applied" for r in results)


def raw_sqlite_rate(items: list[tuple[str, str, dict]]) -> float:
    """The physical limit: plain executemany of the same rows in one transaction."""
    folder = Path(tempfile.mkdtemp())
    db = Database.in_folder(folder)  # same schema as the app
    db.close()
    conn = sqlite3.connect(folder / "feltbog.sqlite")
    conn.execute("PRAGMA journal_mode=WAL")
    by_entity: dict[str, list[dict]] = {}
    for entity, record_id, fields in items:
        by_entity.setdefault(entity, []).append({"id": record_id, **fields})
    started = time.perf_counter()
    with conn:
        for entity, rows in by_entity.items():
            columns = sorted({k for r in rows for k in r})
            sql = (f"INSERT INTO {entity} ({', '.join(columns)}, version, created_at, updated_at, deleted"
                   + (", is_centre" if entity == "company" and "is_centre" not in columns else "")
                   + f") VALUES ({', '.join('?' for _ in columns)}, 1, '2026-01-01', '2026-01-01', 0"
                   + (", 0" if entity == "company" and "is_centre" not in columns else "") + ")")
            conn.executemany(sql, [tuple(r.get(c) for c in columns) for r in rows])
    seconds = time.perf_counter() - started
    conn.close()
    return len(items) / seconds


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--records", type=int, default=20_000)
    parser.add_argument("--db", choices=["sqlite", "postgres"], default="sqlite")
    args = parser.parse_args()
    tmp = Path(tempfile.mkdtemp())
    with make_database_url(args.db, tmp) as url, LiveServer(url) as server:
        username, password = server.user("consultant")
        user_id = server.users[username]
        items = generated(args.records, server.team_id, user_id)
        load_server(server, items)

        service = SyncService(Database.in_folder(tmp / "app"), Credentials(account=f"bench-{uuid.uuid4().hex}"))
        service.login(server.url, username, password, "bench")
        started = time.perf_counter()
        result = service.sync()
        seconds = time.perf_counter() - started
        assert result.verified and result.pulled >= args.records
        emit(benchmark="first_sync", backend=args.db, records=result.pulled, seconds=round(seconds, 2),
             records_per_second=round(result.pulled / seconds), verified=result.verified,
             megabytes=round(service.bytes_received / 1e6, 1))
        emit(benchmark="raw_sqlite_insert", records=len(items), records_per_second=round(raw_sqlite_rate(items)))

        idle = []
        for _ in range(25):
            started = time.perf_counter()
            service.sync()
            idle.append((time.perf_counter() - started) * 1000)
        emit(benchmark="idle_sync_ms", backend=args.db, median=round(statistics.median(idle), 1),
             p95=round(sorted(idle)[23], 1))

        ops = Operations(service.db, service.actor())
        for i in range(10_000):
            ops.create("company", {"name": f"Offline virksomhed {i}", "city": "Aars"})
        engine = service.engine()
        from desktop.sync import state

        with service.db.write() as session:
            device = state.device_id(session)
        from desktop.cancel import CancelToken
        from desktop.sync.engine import SyncResult

        outcome = SyncResult()
        started = time.perf_counter()
        engine._push(device, outcome, lambda *_: None, CancelToken())
        seconds = time.perf_counter() - started
        emit(benchmark="push_offline_changes", backend=args.db, mutations=outcome.pushed,
             mutations_per_second=round(outcome.pushed / seconds))
        # Replay: the same ids again, as after a lost response. The server must skip them all.
        batch = [{"mutation_id": i + 1, "entity": "company", "id": str(uuid.uuid4()), "op": "upsert",
                  "base_version": 0, "fields": {"team_id": server.team_id, "name": "x"}} for i in range(10_000)]
        replayer = SyncClient(server.url, service.credentials.get_token)
        for start in range(0, 10_000, 5_000):
            replayer.push("replay-device", batch[start : start + 5_000])
        started = time.perf_counter()
        for start in range(0, 10_000, 5_000):
            replayer.push("replay-device", batch[start : start + 5_000])
        seconds = time.perf_counter() - started
        emit(benchmark="push_replay", backend=args.db, mutations=10_000, mutations_per_second=round(10_000 / seconds))
        service.db.close()


if __name__ == "__main__":
    main()
