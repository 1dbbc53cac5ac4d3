"""The load benchmark (bench/load.py) in a tiny configuration, so the script cannot rot.

It starts the real server as a subprocess on SQLite, drives six devices for
two rounds, and must verify that every device holds exactly the server's
data with no errors. The verification itself must notice a device that lost
a record or a mutation the server never processed. No timing assertions.
"""

from __future__ import annotations

import random

from bench.load import LoadConfig, run_load
from bench.load_verify import verify
from server.db import make_engine


def test_tiny_load_run_verifies_every_device(tmp_path):
    lines: list[dict] = []
    config = LoadConfig(devices=6, rounds=2, workers=1, seconds=60, db="sqlite", think=0.1, base=20,
                        replay_share=0.5)
    report = run_load(config, tmp_path, out=lines.append)

    assert report.errors == 0, [f for f in lines if f["figure"] == "errors"]
    assert report.verification["passed"], report.verification["problems"]
    figures = {(f["figure"], f.get("phase"), f.get("endpoint")) for f in lines}
    for endpoint in ("push", "pull", "summary", "all"):
        assert ("latency_ms", "load", endpoint) in figures
    mutations = next(f for f in lines if f["figure"] == "mutations")
    assert mutations["sent"] > 0 and mutations["replayed"] > 0  # replays happened and changed nothing
    assert mutations["summaries_compared"] >= len(report.devices)  # every final summary was compared
    assert report.verification["records_created"] > 0

    # The checks have teeth: a device that lost a record, and one that claims a mutation the server never saw.
    engine = make_engine(report.database_url)
    try:
        device = random.Random(1).choice(report.devices)
        device.model.records.pop(next(iter(device.model.records)))
        other = next(d for d in report.devices if d is not device)
        other.last_mutation_id += 1
        problems = verify(engine, report.devices)["problems"]
    finally:
        engine.dispose()
    assert any(device.device_id in p and "missing on the device" in p for p in problems), problems
    assert any(other.device_id in p and "processed" in p for p in problems), problems
