"""Upkeep between syncs: the search index's merges and the WAL checkpoint leave the commits (desktop.models.upkeep)."""

from __future__ import annotations

from sqlalchemy import text

from desktop.models import Database, Operations, upkeep
from desktop.models.changes import Actor
from desktop.models.search import matching_ids

ACTOR = Actor()  # not signed in yet: edits work offline before the first sign-in


def segments(db: Database) -> int:
    """How many FTS5 segments the search index has, from its structure record (SQLite 3.40's format).

    The record starts with a 4-byte cookie, then varints: the number of levels, then of segments.
    """
    with db.read() as session:
        block = session.execute(text("SELECT block FROM search_index_data WHERE id = 10")).scalar_one()
    at = 4
    values = []
    for _ in range(2):
        value = 0
        while True:
            byte = block[at]
            at += 1
            value = (value << 7) | (byte & 0x7F)
            if byte < 0x80:
                break
        values.append(value)
    return values[1]


def test_the_search_index_does_not_merge_in_the_writes(tmp_path):
    db = Database.in_folder(tmp_path)
    with db.read() as session:
        assert session.execute(text("SELECT v FROM search_index_config WHERE k = 'automerge'")).scalar_one() == 0
        connection = session.connection().connection.dbapi_connection
        assert connection.execute("PRAGMA wal_autocheckpoint").fetchone()[0] == upkeep.WAL_AUTOCHECKPOINT_PAGES
    db.close()


def test_tidy_merges_the_segments_that_edits_left_and_search_finds_the_same(tmp_path):
    db = Database.in_folder(tmp_path)
    ops = Operations(db, ACTOR)
    ids = [ops.create("company", {"name": f"Tømrer Hansen {n}", "city": "Aars"}).id for n in range(30)]
    before = segments(db)
    assert before >= 10  # one small segment per commit: nothing merged them
    with db.read() as session:
        found = sorted(matching_ids(session, "tomrer", "company") or [])
    db.tidy()
    assert segments(db) < 5  # FTS5's own rule: a level with 4 segments or more is merged
    with db.read() as session:
        assert sorted(matching_ids(session, "tomrer", "company") or []) == found == sorted(ids)
        session.execute(text("INSERT INTO search_index(search_index, rank) VALUES('integrity-check', 0)"))
    with db.write() as session:
        assert not upkeep.merge_step(session)  # nothing left: a tidy after it costs one look
    db.close()


def test_tidy_checkpoints_the_wal(tmp_path):
    db = Database.in_folder(tmp_path)
    ops = Operations(db, ACTOR)
    for n in range(20):
        ops.create("company", {"name": f"Virksomhed {n}"})
    db.tidy()
    busy, frames, copied = upkeep.checkpoint(db.engine)
    assert busy == 0 and frames > 0 and copied == frames  # everything in the WAL is in the file
    db.close()
