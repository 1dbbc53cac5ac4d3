"""Alembic environment for the server database (run from server.db.migrate)."""

from __future__ import annotations

from alembic import context
from sqlalchemy import create_engine

from server.tables import Base


def run() -> None:
    engine = context.config.attributes.get("engine") or create_engine(
        context.config.get_main_option("sqlalchemy.url") or "sqlite://"
    )
    with engine.connect() as connection:
        context.configure(connection=connection, target_metadata=Base.metadata, render_as_batch=True)
        with context.begin_transaction():
            context.run_migrations()
        connection.commit()


run()
