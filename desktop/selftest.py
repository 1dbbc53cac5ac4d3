"""``python -m desktop --self-test``: prove this installation works end to end.

Opens (and migrates) a database in a temporary folder, writes a record
through the normal operations, reads it back and finds it by search. Later
checks (resources, keyring, PDF) are added as those parts are built.
"""

from __future__ import annotations

import tempfile
from collections.abc import Callable
from pathlib import Path


def _check_database(folder: Path) -> str:
    from desktop.models import Database, Operations
    from desktop.models.queries import get_record, pending_count
    from desktop.models.search import search

    db = Database.in_folder(folder)
    try:
        result = Operations(db).create_company(name="Selvtest Tømrer ApS", cvr="")
        with db.read() as session:
            record = get_record(session, "company", result.id)
            assert record is not None and record.fields["name"] == "Selvtest Tømrer ApS"
            assert [h.id for h in search(session, "toemr")] == [result.id]
            assert pending_count(session) == 1
    finally:
        db.close()
    return "database: migrated, wrote, read and searched a record"


CHECKS: list[Callable[[Path], str]] = [_check_database]


def run_self_test(print_line: Callable[[str], None] = print) -> int:
    """Run every check in a temporary folder; return a process exit code."""
    failures = 0
    with tempfile.TemporaryDirectory(prefix="feltbog-selftest-") as tmp:
        for check in CHECKS:
            try:
                print_line(f"ok   {check(Path(tmp))}")
            except Exception as exc:  # noqa: BLE001 - report every failing check
                failures += 1
                print_line(f"FAIL {check.__name__}: {exc!r}")
    print_line("self-test passed" if not failures else f"self-test failed ({failures})")
    return 1 if failures else 0
