"""Rows a pull writes through the fast raw path are stored exactly as the ORM stores them.

The first-sync apply path bypasses the ORM (``executemany`` on the DB-API
cursor). Device A makes records through the normal operations (the ORM) and
only pushes; device B pulls them through the fast path. Every column of
every table must then hold the same value with the same SQLite storage class
on both, and timestamps the ORM's text format, or later reads, sorts and
date comparisons would go wrong in ways no screen shows at once.
"""

from __future__ import annotations

import re
from datetime import date

from desktop.cancel import CancelToken
from desktop.models.entities import MODELS
from desktop.sync import state
from desktop.sync.engine import SyncResult

# The server stamps created_at/updated_at and the version when it accepts a record; A learns them when it pulls.
SERVER_STAMPED = {"created_at", "updated_at"}
SERVER_VERSIONED = {"version"}
ORM_DATETIME = re.compile(r"^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d\.\d{6}$")


def _raw_rows(device, table: str) -> dict[str, dict[str, tuple]]:
    with device.db.read() as session:
        cursor = session.connection().connection.dbapi_connection.cursor()
        columns = [c[1] for c in cursor.execute(f"PRAGMA table_info({table})")]
        select = ", ".join(f"{c}, typeof({c})" for c in columns)
        out = {}
        for row in cursor.execute(f"SELECT {select} FROM {table}"):
            values = {c: (row[2 * n], row[2 * n + 1]) for n, c in enumerate(columns)}
            out[values["id"][0]] = values
        return out


def _push_only(device) -> None:
    with device.db.write() as session:
        device_id = state.device_id(session)
    outcome = SyncResult()
    device.service.engine().push(device_id, outcome, lambda *_: None, CancelToken())
    assert outcome.pushed > 0 and outcome.rejected == 0


def test_pulled_rows_are_stored_like_rows_made_by_the_orm(make_device):
    a = make_device("a")
    centre = a.ops.create_company(name="Vesthimmerland Virksomhedscenter", cvr="12345674", is_centre=True,
                                  centre_places=6, centre_visit_interval_days=30,
                                  centre_agreement_start=date(2026, 1, 5), centre_work_areas="køkken, lager").id
    a.ops.add_contact(centre, name="Åse Østergaard", phone="+45 20 30 40 50", email="aase@example.dk")
    a.ops.create("mentor", {"company_id": centre, "name": "Bjørn Kjær", "trained_on": date(2025, 3, 1)})
    a.ops.create_visit(centre, visited_at=date(2026, 11, 20), body="Aftale om praktik i køkkenet.",
                       follow_up_on=date(2026, 12, 4))
    a.ops.create_opening(centre, title="Køkkenmedhjælper", kind="virksomhedspraktik", hours_per_week=8,
                         starts_on=date(2026, 12, 1), duration_weeks=13)
    _push_only(a)

    b = make_device("b")
    assert b.sync().verified
    compared = 0
    for table in MODELS:
        mine, pulled = _raw_rows(a, table), _raw_rows(b, table)
        assert set(mine) == set(pulled), table
        for record_id, row in mine.items():
            for column, (value, storage) in row.items():
                other_value, other_storage = pulled[record_id][column]
                assert other_storage == storage, (table, column, value, other_value)
                if column in SERVER_STAMPED:
                    assert ORM_DATETIME.match(other_value) and ORM_DATETIME.match(value), (table, column)
                elif column in SERVER_VERSIONED:
                    assert value == 0 and other_value > 0
                else:
                    assert other_value == value, (table, column)
                compared += 1
    assert compared > 60


def test_a_big_first_sync_leaves_statistics_for_the_query_planner(make_device, bulk_load):
    bulk_load(6_000)
    b = make_device("b")
    assert b.sync().pulled >= 6_000
    with b.db.read() as session:
        tables = {row[0] for row in session.connection().exec_driver_sql("SELECT tbl FROM sqlite_stat1")}
    assert {"visit", "company"} <= tables


def test_the_fast_timestamp_path_stores_what_the_general_path_stores():
    from sqlalchemy.dialects.sqlite import pysqlite

    from desktop.models.replica.page import _compose, _fast_timestamp, _parse_datetime

    dialect = pysqlite.dialect()
    general = _compose(_parse_datetime, MODELS["visit"].__table__.c.created_at.type.dialect_impl(dialect)
                       .bind_processor(dialect))
    fast = _fast_timestamp(general)
    for wire in ("2026-11-29T08:15:00.123456Z", "2026-01-01T00:00:00Z", "2026-06-30T23:59:59.000001Z",
                 "2026-11-29T08:15:00.123456+00:00"):
        assert fast(wire) == general(wire)
