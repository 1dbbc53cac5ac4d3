"""server/bulk.py: the set-based UPDATE stores exactly what the per-row UPDATE stores."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from sqlalchemy import select

from desktop.domain.ids import new_id
from server.bulk import execute_many, update_in_one
from server.db import make_engine, migrate
from server.tables import Record
from server.writes import _UPDATE, _UPDATE_CONTENT
from tests.support.live_server import make_database_url, postgres_available

# Values that travel differently as JSON than as bound parameters: quotes, backslashes, control
# characters, text outside the BMP, a JSON text inside a text column, booleans, times with and without
# a zone (the columns store UTC), NULLs, a large version.
_TEXT = 'Smed "Ølgård" \\ tab\there\nlinje 2 ✓ 𝄞 {"a": [1, 2]}'
_CHANGES = [
    {"team_id": "team-b", "version": 2**53 + 7, "deleted": True,
     "deleted_at": datetime(2026, 12, 1, 9, 30, 1, 123456, UTC),
     "fields": _TEXT, "meta": '{"name": [5, "u", "d"]}', "review_state": None},
    {"team_id": "team-a", "version": 41, "deleted": False, "deleted_at": None,
     "fields": "{}", "meta": "{}", "review_state": "approved"},
    {"team_id": "team-a", "version": 42, "deleted": True, "deleted_at": datetime(2026, 12, 1, 23, 59, 59),  # naive: UTC
     "fields": "", "meta": "{}", "review_state": "ready"},
]


@pytest.fixture
def engine(tmp_path):
    if not postgres_available():
        pytest.skip("PostgreSQL is not running on 127.0.0.1:5432 (or FELTBOG_NO_POSTGRES=1)")
    with make_database_url("postgres", tmp_path) as url:
        engine = make_engine(url)
        migrate(engine)
        yield engine
        engine.dispose()


def _records(conn, count: int, first_version: int) -> list[str]:
    ids = [new_id() for _ in range(count)]
    conn.execute(Record.__table__.insert(), [
        {"id": rid, "entity": "company", "team_id": "team-a", "version": first_version + n, "deleted": False,
         "deleted_at": None, "fields": '{"name": "før"}', "meta": "{}", "review_state": None}
        for n, rid in enumerate(ids)])
    return ids


def _stored(conn, ids: list[str]) -> list[tuple]:
    rows = {row.id: row for row in conn.execute(select(Record).where(Record.id.in_(ids)))}
    return [tuple(getattr(rows[rid], c.name) for c in Record.__table__.c if c.name != "id") for rid in ids]


@pytest.mark.postgres
def test_update_in_one_stores_what_the_per_row_update_stores(engine):
    with engine.begin() as conn:
        by_rows, in_one = _records(conn, 3, 1_000), _records(conn, 3, 2_000)
        untouched = _records(conn, 1, 3_000)
        # Versions are unique: the per-row side gets its own.
        execute_many(conn, _UPDATE, [{"b_id": rid, **change, "version": change["version"] + 1_000}
                                     for rid, change in zip(by_rows, _CHANGES, strict=True)])
        assert update_in_one(conn, Record.__table__, [{"b_id": rid, **change}
                                                      for rid, change in zip(in_one, _CHANGES, strict=True)])
        expected = [(*row[:2], row[2] - 1_000, *row[3:]) for row in _stored(conn, by_rows)]
        assert _stored(conn, in_one) == expected
        assert _stored(conn, in_one)[0][5] == _TEXT
        assert _stored(conn, untouched) == [("company", "team-a", 3_000, False, None, '{"name": "før"}', "{}", None)]


@pytest.mark.postgres
def test_update_in_one_with_some_columns(engine):
    with engine.begin() as conn:
        ids = _records(conn, 2, 1)
        edits = [{"b_id": rid, "version": 10 + n, "fields": f'{{"name": "efter {n}"}}', "meta": '{"name": [1]}'}
                 for n, rid in enumerate(ids)]
        assert update_in_one(conn, Record.__table__, edits)
        assert _stored(conn, ids) == [("company", "team-a", 10 + n, False, None, f'{{"name": "efter {n}"}}',
                                       '{"name": [1]}', None) for n in range(2)]
        execute_many(conn, _UPDATE_CONTENT, [{**edits[0], "version": 12}])  # the per-row statement still fits
        assert _stored(conn, ids[:1])[0][2] == 12


def test_update_in_one_leaves_other_cases_to_the_caller(tmp_path):
    with make_database_url("sqlite", tmp_path) as url:
        engine = make_engine(url)
        migrate(engine)
        with engine.begin() as conn:
            assert not update_in_one(conn, Record.__table__, [{"b_id": "x", "version": 1}])  # SQLite: executemany
        engine.dispose()


@pytest.mark.postgres
def test_update_in_one_refuses_what_it_cannot_send_as_one(engine):
    with engine.begin() as conn:
        assert not update_in_one(conn, Record.__table__, [])
        assert not update_in_one(conn, Record.__table__, [{"version": 1}])  # no key
        assert not update_in_one(conn, Record.__table__, [{"b_id": "x", "version": 1}, {"b_id": "y", "meta": "{}"}])
