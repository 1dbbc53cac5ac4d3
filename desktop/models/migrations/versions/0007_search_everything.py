"""Search everything: contacts and follow-ups are indexed, and each document carries its kind.

The index gets a third column, ``kind``, holding the record's kind as one
word (``company``, ``contact``, ``followup``, ...; see
desktop.models.search.kind_token): a search within one kind (a list screen's
search box, the grouped results of Ctrl+K) is then a merge of two word lists
inside FTS5 instead of a walk over every match of a common prefix. The
folded text of the companies, visits and openings already indexed is copied
over as it is (FTS5 tokenizes it again: ~15 s for 300,000 records, against
~40 s to fold every note again); contacts (name, title, phone, e-mail) and
follow-up notes are indexed for the first time, and mentors again, now by
phone and e-mail too.

Revision ID: 0007
Revises: 0006
"""
from __future__ import annotations

from alembic import op
from sqlalchemy import text
from sqlalchemy.orm import Session

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None

TOKENIZER = "tokenize = 'unicode61 remove_diacritics 2'"
OPTIONS = "prefix = '2', detail = column"
CHUNK = 5_000  # rows read and indexed at a time


def upgrade() -> None:
    from desktop.models.search import index_records

    op.execute(f"CREATE VIRTUAL TABLE search_index_new USING fts5(title, body, kind, {TOKENIZER}, {OPTIONS})")
    op.execute("INSERT INTO search_index_new (rowid, title, body, kind) "
               "SELECT s.rowid, s.title, s.body, replace(d.entity, '_', '') "
               "FROM search_index s JOIN search_doc d ON d.doc_id = s.rowid WHERE d.entity <> 'mentor'")
    op.execute("DELETE FROM search_doc WHERE entity = 'mentor'")
    op.execute("DROP TABLE search_index")
    op.execute("ALTER TABLE search_index_new RENAME TO search_index")
    session = Session(bind=op.get_bind())
    connection = session.connection()
    for entity in ("mentor", "contact", "follow_up"):
        last = 0
        while True:
            rows = connection.execute(
                text(f"SELECT rowid AS row_number, * FROM {entity} WHERE deleted = 0 AND rowid > :last "
                     "ORDER BY rowid LIMIT :chunk"), {"last": last, "chunk": CHUNK}
            ).mappings().all()
            if not rows:
                break
            index_records(session, entity, [dict(r) for r in rows])
            last = rows[-1]["row_number"]


def downgrade() -> None:
    op.execute(f"CREATE VIRTUAL TABLE search_index_old USING fts5(title, body, {TOKENIZER}, {OPTIONS})")
    op.execute("INSERT INTO search_index_old (rowid, title, body) SELECT rowid, title, body FROM search_index "
               "WHERE kind NOT IN ('contact', 'followup')")
    op.execute("DELETE FROM search_doc WHERE entity IN ('contact', 'follow_up')")
    op.execute("DROP TABLE search_index")
    op.execute("ALTER TABLE search_index_old RENAME TO search_index")
