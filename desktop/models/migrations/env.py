"""Alembic environment for the local database; run from desktop.models.db.migrate."""

from __future__ import annotations

from alembic import context

from desktop.models import entities, local  # noqa: F401 - register the tables
from desktop.models.base import Base

SEARCH_TABLES = ("search_doc", "search_index")


def _include(obj: object, name: str | None, type_: str, reflected: bool, compare_to: object) -> bool:
    # The full-text tables are made by hand-written SQL in a migration.
    return not (type_ == "table" and (name or "").startswith(SEARCH_TABLES))


def run() -> None:
    engine = context.config.attributes.get("engine")
    if engine is None:  # plain `alembic` command line, for autogenerate
        from sqlalchemy import create_engine

        engine = create_engine(context.config.get_main_option("sqlalchemy.url") or "sqlite://")
    with engine.connect() as connection:
        context.configure(
            connection=connection,
            target_metadata=Base.metadata,
            render_as_batch=True,  # SQLite cannot ALTER most things in place
            include_object=_include,
        )
        with context.begin_transaction():
            context.run_migrations()
        connection.commit()


run()
