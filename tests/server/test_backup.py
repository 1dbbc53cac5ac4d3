"""``python -m server admin backup``: a checked, private copy of the running SQLite server that restores."""

from __future__ import annotations

import json
import os
import shutil
import stat
import threading

from server.cli import main
from tests.support.live_server import LiveServer


def run(capsys, *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def test_backup_of_the_running_server_restores_and_keeps_the_newest(web, tmp_path, capsys):
    if web.kind == "postgres":  # pg_dump's job: said plainly
        code, _, err = run(capsys, "admin", "backup", str(tmp_path / "b.sqlite"), "--db", web.url)
        assert code == 2 and "pg_dump" in err
        return
    visit = web.visit(body="Referat fra besøget")
    folder = tmp_path / "backups"
    # Pushes go on while the copies are taken: the server keeps serving.
    stop = threading.Event()
    errors: list[str] = []

    def keep_pushing() -> None:
        while not stop.is_set():
            try:
                web.company(name="Imens A/S")
            except AssertionError as exc:  # pragma: no cover - reported below
                errors.append(str(exc))

    pusher = threading.Thread(target=keep_pushing)
    pusher.start()
    try:
        results = []
        for _ in range(3):
            code, out, err = run(capsys, "admin", "backup", f"{folder}/", "--keep", "2", "--db", web.url)
            assert code == 0, err
            results.append(json.loads(out))
    finally:
        stop.set()
        pusher.join(30)
    assert not errors
    kept = sorted(folder.glob("feltbog-server-*.sqlite"))
    assert [str(p) for p in kept] == [r["path"] for r in results[-2:]]  # the oldest went
    assert results[-1]["removed"] == [results[0]["path"]]
    newest = results[-1]
    assert newest["integrity"] == "ok" and newest["records"] >= 2
    if os.name == "posix":
        assert stat.S_IMODE(os.stat(newest["path"]).st_mode) == 0o600
        assert stat.S_IMODE(os.stat(folder).st_mode) == 0o700
    assert not list(folder.glob("*.partial")) and not list(folder.glob("*-wal"))
    # The restore test: a server started on the copy has the visit.
    restored = tmp_path / "restored.sqlite"
    shutil.copy(newest["path"], restored)
    with LiveServer(f"sqlite:///{restored}") as live:
        import httpx

        token = live.token(live.user("consultant")[0])
        reply = httpx.get(f"{live.url}/api/v1/sync/pull", params={"since": 0, "limit": 1000},
                          headers={"Authorization": f"Bearer {token}"}, timeout=30)
        assert visit in {change["id"] for change in reply.json()["changes"]}


def test_backup_refuses_what_it_cannot_do(tmp_path, capsys):
    missing = f"sqlite:///{tmp_path / 'none.sqlite'}"
    code, _, err = run(capsys, "admin", "backup", str(tmp_path / "x.sqlite"), "--db", missing)
    assert code == 2 and "no database file" in err
    assert not (tmp_path / "none.sqlite").exists()  # a typo in the URL does not create a database
