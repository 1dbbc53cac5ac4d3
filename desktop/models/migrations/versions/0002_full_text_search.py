"""Full-text search index (FTS5) over companies, visits, openings and mentors.

Revision ID: 0002
Revises: 0001
"""
from __future__ import annotations

from alembic import op

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
    # What an older database already holds is indexed by 0007, which builds the
    # index again from the tables (with the columns the code of today writes).


def downgrade() -> None:
    op.execute("DROP TABLE search_index")
    op.execute("DROP TABLE search_doc")
