"""A million-field push while another team's device pushes normally (issue 17, finding 1).

The server runs in its own process (``python -m server``, bench/server_process.py)
on a loopback port. One device of team B pushes a small batch (a new company
and an edit) again and again, timing each push; meanwhile a consultant of team
A sends one push with a single mutation of 1,000,000 unknown field names
(about 17 MB). The attacker must get a 4xx in under a second, and the other
device's p95 must stay under 500 ms.

    python -m bench.hostile_push [--backend sqlite|postgres|both] [--seconds 8]

Bounded: the normal device stops after ``--seconds``; only 127.0.0.1 is used.
"""

from __future__ import annotations

import argparse
import json
import statistics
import tempfile
import threading
import time
import uuid
from pathlib import Path

import requests

from bench.server_process import ServerProcess
from server.seeding import make_database_url, postgres_available, seed_team

TARGET_P95_MS = 500
TARGET_ATTACK_S = 1.0


def million_field_body(fields: int = 1_000_000) -> bytes:
    """The tester's push: one mutation whose ``fields`` has ``fields`` unknown names."""
    names = {f"f{i:07d}": 1 for i in range(fields)}
    return json.dumps({"device_id": "attacker", "schema_version": 1, "mutations": [
        {"mutation_id": 1, "entity": "company", "id": str(uuid.uuid4()), "op": "upsert", "base_version": 0,
         "fields": names}]}).encode()


def normal_device(url: str, token: str, team_id: str, stop: threading.Event, latencies: list[float],
                  errors: list[str]) -> None:
    """Push a new company and an edit of it per request until told to stop."""
    session = requests.Session()
    session.headers["Authorization"] = f"Bearer {token}"
    mutation_id = 0
    while not stop.is_set():
        record_id = str(uuid.uuid4())
        batch = [
            {"mutation_id": mutation_id + 1, "entity": "company", "id": record_id, "op": "upsert",
             "base_version": 0, "fields": {"team_id": team_id, "name": f"Firma {mutation_id}"}},
            {"mutation_id": mutation_id + 2, "entity": "company", "id": record_id, "op": "upsert",
             "base_version": 0, "fields": {"notes": "Ny aftale."}},
        ]
        started = time.perf_counter()
        try:
            reply = session.post(f"{url}/api/v1/sync/push", timeout=60,
                                 json={"device_id": "normal-laptop", "schema_version": 1, "mutations": batch})
        except requests.RequestException as exc:
            errors.append(type(exc).__name__)
            continue
        latencies.append(time.perf_counter() - started)
        if reply.status_code != 200 or any(r["status"] != "applied" for r in reply.json()["results"]):
            errors.append(f"HTTP {reply.status_code}")
        else:
            mutation_id += 2
        time.sleep(0.02)


def run(database_url: str, seconds: float) -> dict:
    """One run against a server on ``database_url``; returns the figures."""
    with ServerProcess(database_url) as server:
        other_team = seed_team(database_url, "Jobcenter Vesthimmerland")
        attacker, _ = server.user("consultant")
        victim, _ = server.user("consultant", team_id=other_team)
        attacker_token, victim_token = server.token(attacker), server.token(victim)
        bodies = {"1,000,000 fields": million_field_body(), "240,000 fields (under the body limit)":
                  million_field_body(240_000)}
        stop, latencies, errors = threading.Event(), [], []
        device = threading.Thread(target=normal_device, args=(server.url, victim_token, other_team, stop,
                                                              latencies, errors), daemon=True)
        device.start()
        began = time.perf_counter()
        attacks = []
        for name, body in bodies.items():
            time.sleep(min(2.0, seconds / 4))  # the normal device's pushes before (and between) the attacks
            before = len(latencies)
            started = time.perf_counter()
            reply = requests.post(f"{server.url}/api/v1/sync/push", data=body, timeout=120,
                                  headers={"Authorization": f"Bearer {attacker_token}",
                                           "Content-Type": "application/json"})
            attacks.append({"name": name, "status": reply.status_code, "s": time.perf_counter() - started,
                            "answer_bytes": len(reply.content), "request_mb": len(body) / 1e6,
                            "pushes_during": len(latencies) - before})
        time.sleep(max(0.0, seconds - (time.perf_counter() - began)))
        stop.set()
        device.join(70)
    ordered = sorted(latencies)
    p95 = ordered[max(0, int(round(0.95 * len(ordered))) - 1)] if ordered else float("nan")
    return {"attacks": attacks, "pushes": len(latencies), "errors": errors,
            "p50_ms": statistics.median(ordered) * 1000 if ordered else float("nan"),
            "p95_ms": p95 * 1000, "max_ms": ordered[-1] * 1000 if ordered else float("nan")}


def report(backend: str, figures: dict) -> bool:
    ok = (all(400 <= a["status"] < 500 and a["s"] < TARGET_ATTACK_S for a in figures["attacks"])
          and figures["p95_ms"] < TARGET_P95_MS and not figures["errors"])
    label = backend
    for a in figures["attacks"]:
        print(f"{label:<10} attacker, {a['name']}: HTTP {a['status']} in {a['s'] * 1000:,.0f} ms "
              f"({a['request_mb']:.1f} MB sent, {a['answer_bytes']:,} bytes answered, "
              f"{a['pushes_during']} other pushes meanwhile)")
        label = ""
    print(f"{'':<10} other device: {figures['pushes']:,} pushes, p50 {figures['p50_ms']:,.1f} ms, "
          f"p95 {figures['p95_ms']:,.1f} ms, max {figures['max_ms']:,.1f} ms, errors {len(figures['errors'])}")
    print(f"{'':<10} target: attacker 4xx < {TARGET_ATTACK_S:.0f} s, other p95 < {TARGET_P95_MS} ms: "
          f"{'met' if ok else 'NOT met'}")
    return ok


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.hostile_push", description=__doc__.split("\n")[0])
    parser.add_argument("--backend", choices=["sqlite", "postgres", "both"], default="both")
    parser.add_argument("--seconds", type=float, default=8.0, help="how long the normal device pushes")
    args = parser.parse_args(argv)
    backends = ["sqlite", "postgres"] if args.backend == "both" else [args.backend]
    all_ok = True
    for backend in backends:
        if backend == "postgres" and not postgres_available():
            print("postgres   skipped: PostgreSQL is not running on 127.0.0.1:5432")
            continue
        with tempfile.TemporaryDirectory() as folder, make_database_url(backend, Path(folder)) as url:
            all_ok &= report(backend, run(url, args.seconds))
    return 0 if all_ok else 1


if __name__ == "__main__":
    raise SystemExit(main())
