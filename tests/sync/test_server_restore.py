"""A server restored from its backup gets back what laptops synced since, and takes nothing away (issue 18, 6).

As docs/deploy.md tells an administrator: a dump (pg_dump, or a copy of the
SQLite file), two consultants' laptops work and sync, the dump is restored.
After their next syncs the server and both laptops hold every record, with
equal checksums, without asking anyone, deleting anything or downloading
everything again.
"""

from __future__ import annotations

import sqlite3
import subprocess
from collections.abc import Callable
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.engine import make_url

from server.tables import AuditEntry


def _snapshot_server(server, folder: Path) -> Callable[[], None]:
    """Take a backup of the server's database now; returns the function that restores it."""
    url = make_url(server.database_url)
    server.engine.dispose()
    if url.get_backend_name() == "sqlite":
        dump = folder / "server-dump.sqlite"
        with sqlite3.connect(url.database) as live, sqlite3.connect(dump) as copy:
            live.backup(copy)

        def restore() -> None:
            server.engine.dispose()
            with sqlite3.connect(dump) as copy, sqlite3.connect(url.database) as live:
                copy.backup(live)

        return restore
    dump = folder / "server.dump"
    args = ["-h", url.host or "127.0.0.1", "-p", str(url.port or 5432), "-U", url.username or "postgres"]
    subprocess.run(["pg_dump", "-Fc", *args, "-f", str(dump), url.database], check=True, timeout=120)

    def restore_pg() -> None:
        server.engine.dispose()
        subprocess.run(["pg_restore", "--clean", "--if-exists", "--no-owner", *args, "-d", url.database, str(dump)],
                       check=True, timeout=120)

    return restore_pg


def _work(device, label: str, n: int) -> set[str]:
    ids = set()
    for i in range(n):
        company = device.ops.create_company(name=f"{label} virksomhed {i}", city="Aars").id
        ids |= {company, device.ops.create_visit(company, body=f"{label}: besøg nr. {i}").id}
    return ids


def test_a_restored_server_is_given_back_what_the_laptops_synced_since_the_dump(make_device, server, tmp_path):
    a, b = make_device("laptop-a"), make_device("laptop-b", same_user=False)
    before = _work(a, "Før", 3)
    a.sync()
    b.sync()
    restore = _snapshot_server(server, tmp_path)

    after = _work(a, "Anna", 10) | _work(b, "Bo", 10)  # 40 records the dump does not have
    a.sync()
    b.sync()
    a.sync()
    assert after <= set(a.records("company")) | set(a.records("visit"))

    restore()
    pulled = []
    for device in (a, b, a, b):
        result = device.sync()
        assert not result.full_resync and result.rejected == 0 and not device.confirmations
        pulled.append(result.pulled)
    assert a.sync().verified and b.sync().verified
    assert a.snapshot() == b.snapshot()
    everything = before | after
    assert everything <= set(a.records("company")) | set(a.records("visit"))
    # A third laptop sees it all on the server, and the laptops downloaded far less than everything.
    c = make_device("laptop-c", same_user=False)
    c.sync()
    assert c.snapshot() == a.snapshot()
    assert max(pulled) < 3 * len(everything)
    with server.engine.connect() as conn:  # the administrator can see that it happened, and when
        noticed = conn.execute(select(AuditEntry.detail).where(AuditEntry.action == "restore_detected")).all()
    assert len(noticed) == 1
