"""The server's push steps in one thread, in CPU time per 1,000 new companies.

Usage: python -m bench.push_steps [--db sqlite|postgres] [--rounds 14] [--stored 0] [--ids app|random]
                                  [--without-audit] [--compare OTHER_TREE]

A fresh server database (migrated, one team, five consultants), then rounds of 1,000 new companies as the
app sends them (its defaults, a responsible consultant, the team), each timed with ``time.process_time``:
``json.loads`` of the body, ``PushRequest.model_validate`` (what FastAPI does), ``apply_push`` with its
commit, and inside it the rules (``apply_push`` less ``write_changes``) and the writes. CPU time, not wall
time: the machine is shared, and a process's CPU time moves much less with the load than its wall time;
``apply_push_wall`` is the one wall time, which has the database's own work and the waits in it.
The first two rounds warm up; the medians of the rest are printed as one JSON line. ``--stored N``: the
server already holds N companies first (pushed untimed, with random ids, as records made before the app's
time-ordered ids); ``--ids``: the timed companies' ids are the app's own (``app``, time-ordered) or random
version 4 ones (``random``, what the app made before). PostgreSQL's own CPU
(the database server's process) is in none of the CPU times. ``--without-audit``: the audit rows are built but not
inserted (here, in this process only; the server has no such switch): the cost of inserting an audit row
per mutation, most of what another form of the audit log could save. With ``--compare`` the same is run
with the code under another tree (e.g. a ``git worktree`` of main), alternating, so both are measured in the
same minutes.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path
from typing import Any


def measure(backend: str, rounds: int, stored: int = 0, ids: str = "app", edits: bool = False,
            without_audit: bool = False) -> dict[str, Any]:
    """Time the steps for ``rounds`` pushes of 1,000 new companies; medians in ms per 1,000.

    ``stored``: companies on the server before the timed rounds; ``ids``: ``app`` or ``random`` (see above);
    ``edits``: each timed push edits 1,000 of the stored companies instead (a random sample, a new phone)."""
    if edits and stored < 1:  # before a database is made for nothing (each filling round stores 1,000)
        raise SystemExit("--edits needs --stored (the companies to edit)")
    import server.push as push_module
    from desktop.domain.ids import new_id
    from server.app import tune_gc
    from server.db import make_engine, migrate
    from server.schemas import PushRequest
    from server.seeding import make_database_url, seed_team, seed_user

    writes, writes_wall = [0.0], [0.0]
    write_changes = push_module.write_changes

    def timed_writes(ctx: Any) -> None:
        started, wall = time.process_time(), time.perf_counter()
        write_changes(ctx)
        writes[0] += time.process_time() - started
        writes_wall[0] += time.perf_counter() - wall

    push_module.write_changes = timed_writes  # type: ignore[assignment]
    if without_audit:
        import server.writes as writes_module

        writes_module.audit_rows = lambda conn, rows: None  # type: ignore[attr-defined]
    steps: dict[str, list[float]] = {"json": [], "pydantic": [], "apply_push": [], "rules": [], "writes": [],
                                     "apply_push_wall": [], "writes_wall": []}
    with make_database_url(backend, Path(tempfile.mkdtemp(prefix="feltbog-push-steps-"))) as url:
        engine = make_engine(url)
        migrate(engine)
        team = seed_team(engine, "Jobcenter")
        user = seed_user(engine, "pusher", "consultant", [team])
        others = [seed_user(engine, f"consultant-{k}", "consultant", [team]) for k in range(4)]
        tune_gc()  # as the production server does after start-up
        next_id = 1
        untimed = -(-stored // 1_000)  # rounds that only fill the database
        stored_ids: list[str] = []
        sample = random.Random(22).sample
        for round_no in range(-untimed, rounds):
            make_id = new_id if ids == "app" and round_no >= 0 else lambda: str(uuid.uuid4())
            mutations = []
            if edits and round_no >= 0:
                for k, company_id in enumerate(sample(stored_ids, 1_000)):
                    mutations.append({"mutation_id": next_id, "entity": "company", "id": company_id,
                                      "op": "upsert", "base_version": 0,
                                      "fields": {"phone": f"98 {k // 100:02d} {k % 100:02d} {round_no % 100:02d}"}})
                    next_id += 1
            for k in range(0 if edits and round_no >= 0 else 1_000):
                stored_ids.append(make_id())
                mutations.append({"mutation_id": next_id, "entity": "company", "id": stored_ids[-1],
                                  "op": "upsert", "base_version": 0,
                                  "fields": {"is_centre": False, "centre_visit_interval_days": 21,
                                             "responsible_user_id": others[k % 4], "team_id": team,
                                             "name": f"Offline virksomhed {next_id}", "city": "Aars"}})
                next_id += 1
            body = json.dumps({"device_id": "bench", "schema_version": 1, "mutations": mutations}).encode()
            writes[0] = writes_wall[0] = 0.0
            t0 = time.process_time()
            data = json.loads(body)
            t1 = time.process_time()
            request = PushRequest.model_validate(data)
            batch = [m.__dict__ for m in request.mutations]
            t2 = time.process_time()
            wall = time.perf_counter()
            with engine.execution_options(write=True).begin() as conn:
                results, _last = push_module.apply_push(conn, user, request.device_id, {team}, batch)
            t3 = time.process_time()
            wall = time.perf_counter() - wall
            assert all(r["status"] == "applied" for r in results), results[:3]
            if round_no >= 2:
                steps["json"].append(t1 - t0)
                steps["pydantic"].append(t2 - t1)
                steps["apply_push"].append(t3 - t2)
                steps["writes"].append(writes[0])
                steps["rules"].append(t3 - t2 - writes[0])
                steps["apply_push_wall"].append(wall)  # with PostgreSQL's own work and the waits
                steps["writes_wall"].append(writes_wall[0])
        engine.dispose()
    medians = {name: round(statistics.median(values) * 1000, 1) for name, values in steps.items()}
    unit = "ms per 1,000 edits of stored companies" if edits else "ms per 1,000 new companies"
    return {"benchmark": "push_steps", "backend": backend, "unit": f"{unit} (CPU; the *_wall ones wall)",
            "stored": untimed * 1_000, "ids": ids, "edits": edits, "without_audit": without_audit, **medians}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--db", choices=["sqlite", "postgres"], default="sqlite")
    parser.add_argument("--rounds", type=int, default=14)
    parser.add_argument("--stored", type=int, default=0, help="companies on the server before the timed rounds")
    parser.add_argument("--ids", choices=["app", "random"], default="app", help="the timed companies' ids")
    parser.add_argument("--edits", action="store_true",
                        help="time pushes of 1,000 edits of stored companies (needs --stored)")
    parser.add_argument("--without-audit", action="store_true",
                        help="insert no audit rows (this process only): what inserting them costs")
    parser.add_argument("--compare", metavar="TREE", help="also run the code under TREE, alternating")
    parser.add_argument("--alternations", type=int, default=3, help="runs of each tree with --compare")
    args = parser.parse_args()
    if not args.compare:
        print(json.dumps({"tree": str(Path.cwd()),
                          **measure(args.db, args.rounds, args.stored, args.ids, args.edits,
                                    args.without_audit)}), flush=True)
        return
    here = str(Path(__file__).resolve().parent.parent)
    for _ in range(args.alternations):
        for tree in (args.compare, here):
            # This file run with the other tree first on the path: its server code, this measurement.
            subprocess.run([sys.executable, __file__, "--db", args.db, "--rounds", str(args.rounds),
                            "--stored", str(args.stored), "--ids", args.ids,
                            *(["--edits"] if args.edits else []),
                            *(["--without-audit"] if args.without_audit else [])],
                           cwd=tree, env={**os.environ, "PYTHONPATH": tree}, check=True)


if __name__ == "__main__":
    main()
