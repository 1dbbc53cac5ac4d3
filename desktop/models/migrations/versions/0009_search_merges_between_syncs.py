"""The search index merges its segments between syncs (desktop.models.upkeep), not in every commit.

FTS5 keeps ``automerge`` in the index's own config table, so this is set
once per database; ``Database.tidy`` does the merging.

Revision ID: 0009
Revises: 0008
"""
from __future__ import annotations

from alembic import op

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.execute("INSERT INTO search_index(search_index, rank) VALUES('automerge', 0)")


def downgrade() -> None:
    op.execute("INSERT INTO search_index(search_index, rank) VALUES('automerge', 4)")  # FTS5's default
