"""The server's folder of prepared first syncs (server/prepared.py): which copy serves, which go, who builds."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time

from server.prepared import PreparedCopies, key_for


def _copy(folder, key: str, cursor: int, era: int = 1, generation: int = 0) -> None:
    (folder / f"{key}-{cursor}.sqlite.gz").write_bytes(b"data")
    (folder / f"{key}-{cursor}.json").write_text(json.dumps({
        "key": key, "cursor": cursor, "records": 10, "schema": "0009", "sha256": "x", "size": 4, "era": era,
        "generation": generation}))


def test_the_key_depends_on_era_generation_and_the_set_of_teams_not_their_order():
    assert key_for(1, 0, ["b", "a"]) == key_for(1, 0, ["a", "b"])
    assert len({key_for(1, 0, ["a"]), key_for(2, 0, ["a"]), key_for(1, 1, ["a"]), key_for(1, 0, ["a", "b"])}) == 4


def test_the_newest_copy_serves_and_tidying_removes_older_and_stale_ones(tmp_path):
    copies = PreparedCopies(tmp_path, "sqlite://")
    mine, other = key_for(1, 0, ["a"]), key_for(1, 0, ["b"])
    _copy(tmp_path, mine, 10)
    _copy(tmp_path, mine, 20)
    _copy(tmp_path, other, 5)
    _copy(tmp_path, key_for(0, 0, ["a"]), 30, era=0)  # from before a restore
    (tmp_path / "broken.json").write_text("{not json")
    (tmp_path / f"{mine}-99.json").write_text(json.dumps({"key": mine}))  # described, no data file
    newest = copies.newest(mine)
    assert newest is not None and newest.cursor == 20
    copies.tidy(era=1, generation=0, keep=newest)
    assert sorted(p.name for p in tmp_path.glob("*.sqlite.gz")) == sorted([f"{mine}-20.sqlite.gz",
                                                                           f"{other}-5.sqlite.gz"])
    copies.tidy(era=1, generation=1)  # an erasure: every copy of generation 0 goes
    assert not list(tmp_path.glob("*.sqlite.gz"))
    assert copies.newest(mine) is None


def test_a_build_marker_of_a_process_that_ended_does_not_block_a_new_build(tmp_path):
    copies = PreparedCopies(tmp_path, "sqlite://")
    key = key_for(1, 0, ["a"])
    ended = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True, text=True)
    marker = tmp_path / f"{key}.building"
    marker.write_text(ended.stdout.strip())
    assert not copies.building(key)  # the server stopped during that build
    marker.write_text(str(os.getpid()))
    assert copies.building(key)  # a build that runs
    marker.write_text("")
    assert copies.building(key)  # just made, its process not started yet
    old = time.time() - 120
    os.utime(marker, (old, old))
    assert not copies.building(key)


def test_a_build_that_failed_is_not_started_again_at_once(tmp_path):
    from sqlalchemy import create_engine

    # The child cannot read this database: the build fails. Every new laptop's (or a looping client's)
    # request would otherwise start the same failing build again, each seconds of CPU.
    copies = PreparedCopies(tmp_path / "prepared", f"sqlite:///{tmp_path}/missing/server.sqlite")
    engine = create_engine("sqlite://")
    key = key_for(1, 0, ["a"])
    assert copies.start_build(key, ["a"], 1, 0, engine)
    copies.wait(120)
    assert not list((tmp_path / "prepared").glob("*.sqlite.gz"))
    assert not copies.start_build(key, ["a"], 1, 0, engine)
    assert copies.start_build(key_for(1, 0, ["b"]), ["b"], 1, 0, engine)  # another team set is not held back
    copies.wait(120)


def test_a_copy_that_cannot_be_stored_leaves_no_partial_file(tmp_path, monkeypatch):
    import gzip

    copies = PreparedCopies(tmp_path, "sqlite://")
    built = tmp_path / "replica.sqlite"
    built.write_bytes(b"Talte med Bente Orskov om et fleksjob." * 1000)
    real_open = gzip.open

    class Full:
        def __init__(self, path, mode, compresslevel):
            self.file = real_open(path, mode, compresslevel=compresslevel)

        def __enter__(self):
            return self

        def __exit__(self, *exc):
            self.file.close()

        def write(self, chunk):
            self.file.write(chunk)
            self.file.flush()
            raise OSError(28, "No space left on device")

    monkeypatch.setattr(gzip, "open", Full)
    key = key_for(1, 0, ["a"])
    try:
        copies._store(built, key, {"cursor": 7, "records": 1, "schema": "0009"}, 1, 0)
    except OSError:
        pass
    else:
        raise AssertionError("the full disk went unnoticed")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["replica.sqlite"]  # no half copy stays (nor fills it)


def test_tidying_removes_the_work_of_a_build_a_stopped_server_left_behind(tmp_path):
    copies = PreparedCopies(tmp_path, "sqlite://")
    stopped, running = key_for(1, 0, ["a"]), key_for(1, 0, ["b"])
    for key in (stopped, running):
        (tmp_path / f"{key}.work").mkdir()
        (tmp_path / f"{key}.work" / "replica.sqlite").write_bytes(b"the team's text, unencrypted")
    (tmp_path / f"{running}.building").write_text(str(os.getpid()))
    copies.tidy(era=1, generation=1)  # e.g. after an erasure: the stopped build's key is never built again
    assert not (tmp_path / f"{stopped}.work").exists()
    assert (tmp_path / f"{running}.work" / "replica.sqlite").exists()  # a build that runs keeps its work


def test_a_build_never_touches_the_work_of_another_builder_of_the_same_key(tmp_path):
    from sqlalchemy import create_engine

    # Two server processes can both take a stale marker over (each sees it stale, removes it, makes its
    # own): the builds then ran in one work folder, one deleting or compressing the other's half-built file.
    copies = PreparedCopies(tmp_path, f"sqlite:///{tmp_path}/missing/server.sqlite")
    key = key_for(1, 0, ["a"])
    other = tmp_path / f"{key}.work"
    other.mkdir()
    (other / "replica.sqlite").write_bytes(b"another process's build, half done")
    assert copies.start_build(key, ["a"], 1, 0, create_engine("sqlite://"))
    copies.wait(120)
    assert (other / "replica.sqlite").read_bytes() == b"another process's build, half done"


def test_one_build_at_a_time_per_process_the_next_team_set_waits_its_turn(tmp_path, monkeypatch):
    copies = PreparedCopies(tmp_path, "sqlite://")
    started = []
    monkeypatch.setattr(copies, "_build", lambda key, *args: started.append(key))
    first, second = key_for(1, 0, ["a"]), key_for(1, 0, ["b"])
    assert copies.start_build(first, ["a"], 1, 0, db=None)
    assert not copies.start_build(second, ["b"], 1, 0, db=None)  # the first still runs
    with copies._lock:
        copies._building.discard(first)  # what the finished build does
    assert copies.start_build(second, ["b"], 1, 0, db=None)
    time.sleep(0.1)
    assert started == [first, second]
