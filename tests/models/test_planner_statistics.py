"""After a big sync the query planner has statistics, and a search looks up its matches by id.

Without statistics SQLite guessed that ``deleted = 0`` was the selective
condition, so a search over 200,000 notes walked every visit row (about a
second per keystroke, measured by bench/ui_startup.py). With the sampled
statistics of ``Database.refresh_statistics`` it looks up only the matching
ids through the primary key.
"""

from __future__ import annotations

import uuid

from sqlalchemy import func, select
from sqlalchemy.dialects import sqlite

from bench.datagen import Sizes, load_local, records
from desktop.models.entities import MODELS
from desktop.models.queries import _with_search, list_visits

Visit = MODELS["visit"]


def _plan(db, statement) -> str:
    sql = str(statement.compile(dialect=sqlite.dialect(), compile_kwargs={"literal_binds": True}))
    with db.read() as session:
        return " | ".join(row[3] for row in session.connection().exec_driver_sql("EXPLAIN QUERY PLAN " + sql))


def test_a_searched_count_uses_the_primary_key_once_statistics_exist(db):
    team, consultant = str(uuid.uuid4()), str(uuid.uuid4())
    load_local(db, records(3, Sizes(companies=300, visits=3_000, openings=0, follow_ups=0), team, [consultant]))
    with db.read() as session:
        stats = session.connection().exec_driver_sql("SELECT count(*) FROM sqlite_stat1 WHERE tbl = 'visit'")
        assert stats.scalar() > 0
    searched = _with_search(select(Visit.id).where(Visit.deleted.is_(False)), Visit, "rengøring")
    count = select(func.count()).select_from(Visit.__table__).where(searched.whereclause)
    plan = _plan(db, count)
    assert "sqlite_autoindex_visit_1 (id=?)" in plan, plan
    with db.read() as session:
        assert list_visits(session, search="rengøring", limit=10).total > 0
