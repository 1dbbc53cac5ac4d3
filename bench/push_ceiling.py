"""The sequence lock's ceiling: how many pushes a second one database takes, whatever the server count.

Usage: python -m bench.push_ceiling [--servers 2] [--workers 2] [--devices 60] [--seconds 20]
                                    [--changes 3] [--db postgres|sqlite]

Every push takes the server-wide sequence row for the length of its write
(server/store.py ``Sequence``), so pushes are serialised across every
worker and every server process on one database. Here ``--devices`` devices
(teams of about ten, each with its own token) push small batches of
``--changes`` new companies back to back, with no pause, to ``--servers``
server processes on different ports; pulls are left out so that only the
push path is measured. Afterwards the database must hold exactly the
companies that were acknowledged, and each device's last mutation id must be
the server's. Prints one JSON line.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import tempfile
import time
import uuid
from pathlib import Path

import httpx
import orjson
from sqlalchemy import func, select

from bench.load_driver import percentiles
from bench.server_process import serve
from desktop.domain.protocol import SCHEMA_VERSION
from server.db import make_engine, migrate
from server.seeding import make_database_url, mint_token, seed_team, seed_user
from server.tables import Device as DeviceRow
from server.tables import Record


async def device_loop(client: httpx.AsyncClient, token: str, device_id: str, team: str, changes: int,
                      deadline: float, latencies: list[float]) -> int:
    """Push batches of new companies until the deadline; returns the last acknowledged mutation id."""
    headers = {"Authorization": f"Bearer {token}", "Content-Type": "application/json"}
    last = 0
    while time.monotonic() < deadline:
        batch = [{"mutation_id": last + k + 1, "entity": "company", "id": str(uuid.uuid4()), "op": "upsert",
                  "base_version": 0, "fields": {"team_id": team, "name": f"Firma {device_id} {last + k}",
                                                "city": "Aars"}} for k in range(changes)]
        body = orjson.dumps({"device_id": device_id, "schema_version": SCHEMA_VERSION, "mutations": batch})
        started = time.perf_counter()
        reply = await client.post("/api/v1/sync/push", content=body, headers=headers)
        latencies.append((time.perf_counter() - started) * 1000)
        reply.raise_for_status()
        results = reply.json()["results"]
        assert all(r["status"] == "applied" for r in results), results[:2]
        last += changes
    return last


async def drive(urls: list[str], tokens: list[tuple[str, str, str]], changes: int, seconds: float,
                latencies: list[float]) -> list[int]:
    """Every device at once; device n talks to server n mod N (a sticky load balancer)."""
    clients = [httpx.AsyncClient(base_url=url, timeout=httpx.Timeout(120.0),
                                 limits=httpx.Limits(max_connections=len(tokens))) for url in urls]
    deadline = time.monotonic() + seconds
    try:
        return list(await asyncio.gather(*(
            device_loop(clients[n % len(clients)], token, device_id, team, changes, deadline, latencies)
            for n, (token, device_id, team) in enumerate(tokens))))
    finally:
        for client in clients:
            await client.aclose()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.push_ceiling", description=__doc__.split("\n")[0])
    parser.add_argument("--servers", type=int, default=2)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--devices", type=int, default=60)
    parser.add_argument("--seconds", type=float, default=20.0)
    parser.add_argument("--changes", type=int, default=3, help="changes per push (a laptop's 2 minutes)")
    parser.add_argument("--db", choices=["postgres", "sqlite"], default="postgres")
    args = parser.parse_args(argv)
    tmp = Path(tempfile.mkdtemp(prefix="feltbog-ceiling-"))
    with make_database_url(args.db, tmp) as url:
        engine = make_engine(url)
        try:
            migrate(engine)
            teams = [seed_team(engine, f"Jobcenter {n}") for n in range(max(1, args.devices // 10))]
            tokens = []
            for n in range(args.devices):
                user = seed_user(engine, f"konsulent-{n:03d}", "consultant", [teams[n % len(teams)]])
                tokens.append((mint_token(engine, user, device_name=f"laptop {n}"), f"laptop-{n:04d}",
                               teams[n % len(teams)]))
            latencies: list[float] = []
            with contextlib.ExitStack() as stack:
                urls = [stack.enter_context(serve(url, args.workers, tmp / "server.log"))
                        for _ in range(args.servers)]
                started = time.perf_counter()
                lasts = asyncio.run(drive(urls, tokens, args.changes, args.seconds, latencies))
                seconds = time.perf_counter() - started
            with engine.connect() as conn:
                stored = conn.execute(select(func.count()).select_from(Record)
                                      .where(Record.entity == "company")).scalar_one()
                server_lasts = dict(conn.execute(select(DeviceRow.device_id, DeviceRow.last_mutation_id)).all())
        finally:
            engine.dispose()
    verified = stored == sum(lasts) and all(server_lasts.get(device_id) == last
                                            for (_, device_id, _), last in zip(tokens, lasts, strict=True))
    figure = {"benchmark": "push_ceiling", "db": args.db, "servers": args.servers, "workers": args.workers,
              "devices": args.devices, "changes_per_push": args.changes, "pushes": len(latencies),
              "seconds": round(seconds, 1), "pushes_per_second": round(len(latencies) / seconds, 1),
              "mutations_per_second": round(sum(lasts) / seconds), **{f"{k}_ms": v for k, v in
                                                                     percentiles(latencies).items()},
              "verified": verified}
    print(json.dumps(figure), flush=True)
    return 0 if verified else 1


if __name__ == "__main__":
    raise SystemExit(main())
