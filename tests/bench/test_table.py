"""The table of ``python -m bench all``: the anchor is the in-memory peer; the peer on disk is a check."""

from __future__ import annotations

from typing import Any

from bench.__main__ import table

MEMORY = {"peer": "pouchdb", "pull_docs_per_s": 7_000, "push_docs_per_s": 7_000, "incr_s": 0.2}
ON_DISK = {"peer": "pouchdb", "adapter": "leveldb", "pull_docs_per_s": 5_000, "push_docs_per_s": 6_000,
           "incr_s": 0.3}
FIRST = {"benchmark": "first_sync", "backend": "sqlite", "records_per_second": 15_000, "peak_rss_mb": 150}
PUSH = {"benchmark": "push_offline_changes", "backend": "sqlite", "mutations_per_second": 14_000}
DAILY = {"benchmark": "daily_pull_1pct", "backend": "sqlite", "ms": 60.0}


def test_the_ratios_against_the_target_use_the_peer_in_memory_whatever_the_order() -> None:
    for figures in ([MEMORY, ON_DISK, FIRST, PUSH, DAILY], [ON_DISK, MEMORY, FIRST, PUSH, DAILY]):
        rows = table(figures)
        push_ratio = next(r for r in rows if r[0] == "  / PouchDB peer's push")
        assert push_ratio[1].startswith("2.0") and push_ratio[2] == ">= 3x" and push_ratio[3] == "NO"
        daily_ratio = next(r for r in rows if r[0] == "  / PouchDB peer's pull of 1 % changed")
        assert daily_ratio[1].startswith("0.3") and daily_ratio[3] == "NO"


def test_the_peer_on_disk_is_shown_as_a_check_with_its_own_ratios() -> None:
    rows = table([MEMORY, ON_DISK, FIRST, PUSH, DAILY])
    names = [r[0] for r in rows]
    assert "PouchDB peer on disk (LevelDB): push" in names
    checks = [r for r in rows if r[0] == "  / the peer on disk (a check)"]
    assert [r[1][:4] for r in checks] == ["2.33", "0.20"]
    assert all(r[2] == "(a check)" for r in checks)


def test_without_the_peer_on_disk_no_check_rows() -> None:
    names = [r[0] for r in table([MEMORY, FIRST, PUSH, DAILY])]
    assert not any("on disk" in name for name in names)


def test_a_skipped_peer_on_disk_says_so_in_the_table() -> None:
    skipped: dict[str, Any] = {"benchmark": "peer_on_disk", "skipped": "bench/peer_leveldb.sh failed"}
    rows = table([MEMORY, skipped, FIRST, PUSH, DAILY])
    assert ("PouchDB peer on disk (LevelDB)", "skipped", "(a check)", "-") in rows
    assert not any(r[0] == "  / the peer on disk (a check)" for r in rows)
