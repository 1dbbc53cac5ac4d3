"""A leaner full-text index: one prefix index and column-level detail.

The index of 0002 kept token positions and prefix indexes of 2, 3 and 4
letters: every word of every note was written four times, which made the
index the slowest part of a first sync (about 9,000 notes/s against 19,000/s
now, measured by bench/). Search only asks for word prefixes, never phrases,
and lists order matches by recency, so positions are not needed; the
2-letter prefix index keeps the first keystrokes of search-as-you-type fast,
and longer prefixes match few enough terms to be read directly.

Revision ID: 0005
Revises: 0004
"""
from __future__ import annotations

from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None

TOKENIZER = "tokenize = 'unicode61 remove_diacritics 2'"


def _rebuild(options: str) -> None:
    op.execute(f"CREATE VIRTUAL TABLE search_index_new USING fts5(title, body, {TOKENIZER}, {options})")
    op.execute("INSERT INTO search_index_new (rowid, title, body) SELECT rowid, title, body FROM search_index")
    op.execute("DROP TABLE search_index")
    op.execute("ALTER TABLE search_index_new RENAME TO search_index")


def upgrade() -> None:
    _rebuild("prefix = '2', detail = column")


def downgrade() -> None:
    _rebuild("prefix = '2 3 4'")
