"""Full-text search index (FTS5) over companies, visits, openings and mentors.

Revision ID: 0002
Revises: 0001
"""
from __future__ import annotations

from alembic import op
from sqlalchemy import text

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
    _index_existing()


def _index_existing() -> None:
    """Index what an older database already holds, in this revision's two columns.

    Written out here rather than through desktop.models.search, whose
    index has a third column since 0007.
    """
    from desktop.domain.folding import fold
    from desktop.models.search import searchable_fields

    connection = op.get_bind()
    doc_id = 0
    for entity in ("company", "visit", "opening", "mentor"):
        names = searchable_fields(entity)
        for row in connection.execute(text(f"SELECT * FROM {entity} WHERE deleted = 0")).mappings().all():
            doc_id += 1
            body = " ".join(str(row.get(n) or "") for n in names[1:])
            connection.execute(text("INSERT INTO search_doc (doc_id, entity, entity_id) VALUES (:d, :e, :i)"),
                               {"d": doc_id, "e": entity, "i": row["id"]})
            connection.execute(text("INSERT INTO search_index (rowid, title, body) VALUES (:d, :t, :b)"),
                               {"d": doc_id, "t": fold(str(row.get(names[0]) or "")), "b": fold(body)})


def downgrade() -> None:
    op.execute("DROP TABLE search_index")
    op.execute("DROP TABLE search_doc")
