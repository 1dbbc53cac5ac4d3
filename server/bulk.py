"""``executemany`` without SQLAlchemy's per-row parameter work, for the push's bulk writes.

A push of 1,000 changes writes 1,000 records and 1,000 audit rows while the
sequence lock is held; SQLAlchemy's executemany builds a parameter set per
row (about a third of the time of those writes). Here the statement is
compiled once per dialect and set of keys, the column types' own bind
processors are applied (so rows are stored exactly as SQLAlchemy stores
them), and the rows go to the driver as they are.
"""

from __future__ import annotations

import operator
from collections.abc import Callable
from typing import Any

import orjson
from sqlalchemy import Connection, FromClause, Table
from sqlalchemy.exc import DBAPIError
from sqlalchemy.sql.expression import Executable

Processor = Callable[[Any], Any] | None
_compiled: dict[tuple[int, str, tuple[str, ...]], tuple[str, tuple[str, ...], list[Processor], bool]] = {}


def _plan(conn: Connection, stmt: Any, keys: tuple[str, ...]) -> tuple[str, tuple[str, ...], list[Processor], bool]:
    cache_key = (id(stmt), conn.dialect.name, keys)
    plan = _compiled.get(cache_key)
    if plan is None:
        compiled = stmt.compile(dialect=conn.dialect, column_keys=list(keys))
        positional = bool(compiled.positional)
        names = tuple(compiled.positiontup or ()) if positional else tuple(compiled.binds)
        processors = [compiled.binds[name].type.bind_processor(conn.dialect) for name in names]
        plan = (compiled.string, names, processors, positional)
        _compiled[cache_key] = plan
    return plan


def execute_many(conn: Connection, stmt: Executable, rows: list[dict[str, Any]]) -> None:
    """Run ``stmt`` (an INSERT or UPDATE of bind parameters named as the rows' keys) once per row.

    ``stmt`` must be a module-level constant (plans are cached by its id). Rows with differing keys
    go through SQLAlchemy's own executemany.
    """
    if not rows:
        return
    first = rows[0].keys()
    if any(row.keys() != first for row in rows):
        conn.execute(stmt, rows)
        return
    sql, names, processors, positional = _plan(conn, stmt, tuple(rows[0]))
    values = _values(rows, names, processors)
    params: list[Any] = values if positional else [dict(zip(names, row, strict=True)) for row in values]
    conn.exec_driver_sql(sql, params)


def _values(rows: list[dict[str, Any]], names: tuple[str, ...], processors: list[Processor]) -> list[Any]:
    """Each row's values in the order of ``names``, with the columns' bind processors applied (not to None).

    Most columns have no processor (text, numbers); the rows are read with one ``itemgetter`` each and
    only the few columns that have one (a yes/no on some drivers) are converted.
    """
    getter = operator.itemgetter(*names)
    single = len(names) == 1
    active = [(index, fn) for index, fn in enumerate(processors) if fn is not None]
    if not active:
        return [(getter(row),) for row in rows] if single else list(map(getter, rows))
    out: list[Any] = []
    for row in rows:
        values = [getter(row)] if single else list(getter(row))
        for index, fn in active:
            value = values[index]
            if value is not None:
                values[index] = fn(value)
        out.append(tuple(values))
    return out


COPY_MIN_ROWS = 20  # a COPY costs two round trips: fewer rows go in one INSERT (executemany)


def copies(conn: Connection, count: int) -> bool:
    """Whether :func:`copy_rows` would COPY this many rows here (outside a pipeline)."""
    return conn.dialect.name == "postgresql" and count >= COPY_MIN_ROWS


def copy_rows(conn: Connection, table: FromClause, rows: list[dict[str, Any]]) -> bool:
    """On PostgreSQL, insert ``rows`` (dicts with the same keys, named as the table's columns) with one
    ``COPY ... FROM STDIN``; returns False (nothing done) on another database, inside a pipeline, for fewer than
    :data:`COPY_MIN_ROWS` rows or for rows whose keys differ.

    COPY costs the database a few microseconds per row where an INSERT per row (even pipelined) costs
    tens: a push of 1,000 new records and its 1,000 audit rows are written in a fraction of the time the
    sequence lock would otherwise be held. The columns' bind processors are applied as in
    :func:`execute_many`, so the stored values are the same. Must not run inside a psycopg pipeline.
    A database error is raised as SQLAlchemy wraps it (IntegrityError, DataError, ...).
    """
    if not copies(conn, len(rows)) or not isinstance(table, Table):
        return False
    import psycopg  # only on PostgreSQL

    raw: Any = conn.connection.driver_connection  # a psycopg Connection on PostgreSQL
    if raw.pgconn.pipeline_status != psycopg.pq.PipelineStatus.OFF:
        return False
    keys = tuple(rows[0])
    if any(tuple(row) != keys for row in rows):
        return False
    processors = [table.c[key].type.bind_processor(conn.dialect) for key in keys]
    sql = f"COPY {table.name} ({', '.join(keys)}) FROM STDIN"
    values = _values(rows, keys, processors)
    try:
        with raw.cursor() as cursor, cursor.copy(sql) as copy:
            write = copy.write_row
            for row in values:
                write(row)
    except psycopg.Error as exc:  # psycopg's own error: wrapped as every other statement's would be
        raise DBAPIError.instance(sql, None, exc, psycopg.Error) from exc
    return True


_updates: dict[tuple[str, str, str, tuple[str, ...]], str] = {}


def update_in_one(conn: Connection, table: FromClause, rows: list[dict[str, Any]], key: str = "b_id",
                  column: str = "id") -> bool:
    """On PostgreSQL, one ``UPDATE`` for all ``rows``: each sets its other keys (named as ``table``'s columns)
    where ``column`` equals its ``key``. Returns False (nothing done) on another database, for no rows or for
    rows whose keys differ.

    A pipelined UPDATE per row (:func:`execute_many`) cost PostgreSQL a statement's start and end per
    record, and psycopg a parameter set per row (an eighth of a push of 1,000 edits on the server, in a
    profile; docs/performance.md, sixth session). Here the rows go as one JSON text (orjson, in C) that
    ``json_to_recordset`` turns back into rows of the columns' own types, joined to the table by ``column``.
    Each row's ``key`` must be unique among the rows. Times without a zone are taken as UTC, as the
    columns store them.
    """
    if conn.dialect.name != "postgresql" or not rows or not isinstance(table, Table):
        return False
    first = rows[0].keys()
    if key not in first or any(row.keys() != first for row in rows):  # as execute_many: the keys, in any order
        return False
    keys = tuple(first)
    plan = (table.name, key, column, keys)
    sql = _updates.get(plan)
    if sql is None:
        names = [name for name in keys if name != key]
        # The record set's columns take the table's own types (the key that of ``column``).
        types = ", ".join(f"{name} {table.c[of].type.compile(dialect=conn.dialect)}"
                          for name, of in ((key, column), *((n, n) for n in names)))
        assignments = ", ".join(f"{name} = v.{name}" for name in names)
        sql = _updates[plan] = (f"UPDATE {table.name} AS t SET {assignments} "
                                f"FROM json_to_recordset(%s::json) AS v({types}) WHERE t.{column} = v.{key}")
    conn.exec_driver_sql(sql, (orjson.dumps(rows, option=orjson.OPT_NAIVE_UTC).decode(),))
    return True
