"""Full-text search index (FTS5) over companies, visits, openings and mentors.

Revision ID: 0002
Revises: 0001
"""
from __future__ import annotations

from alembic import op
from sqlalchemy import text
from sqlalchemy.orm import Session

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.execute(
        "CREATE TABLE search_doc (doc_id INTEGER PRIMARY KEY, entity TEXT NOT NULL, "
        "entity_id TEXT NOT NULL UNIQUE)"
    )
    # Text is folded by desktop.models.search.fold before it is stored, so the
    # tokenizer only splits words. Prefix indexes make search-as-you-type fast.
    op.execute(
        "CREATE VIRTUAL TABLE search_index USING fts5(title, body, "
        "tokenize = 'unicode61 remove_diacritics 2', prefix = '2 3 4')"
    )
    # Index what an older database already holds.
    from desktop.models.search import SEARCHED_ENTITIES, index_records

    session = Session(bind=op.get_bind())
    for entity in SEARCHED_ENTITIES:
        rows = session.connection().execute(text(f"SELECT * FROM {entity} WHERE deleted = 0")).mappings()
        index_records(session, entity, [dict(r) for r in rows])


def downgrade() -> None:
    op.execute("DROP TABLE search_index")
    op.execute("DROP TABLE search_doc")
