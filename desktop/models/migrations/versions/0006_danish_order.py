"""Lists in Danish order: the name and title indexes collate as a Danish dictionary does.

The company, mentor and opening lists sort by name (title) with ``COLLATE
danish`` (Æ, Ø, Å after Z, "Aa" as Å, case ignored; desktop.models.collation
registers it on every connection). An index in the same collation lets a page
of 100,000 companies be read in order instead of sorted on every scroll;
the indexes of 0003 in binary order served no list any more and go.

Revision ID: 0006
Revises: 0005
"""
from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None

INDEXES = {  # new name: (table, column, the 0003 index it replaces)
    "ix_company_live_name_da": ("company", "name", "ix_company_live_name"),
    "ix_mentor_live_name_da": ("mentor", "name", "ix_mentor_live_name"),
    "ix_opening_live_title_da": ("opening", "title", "ix_opening_live_title"),
}


def upgrade() -> None:
    for name, (table, column, old) in INDEXES.items():
        op.drop_index(old, table_name=table)
        op.create_index(name, table, ["deleted", sa.text(f"{column} COLLATE danish")])
    # A new index has no planner statistics until the next ANALYZE, and without
    # them SQLite walked 100,000 companies in name order for each keystroke of
    # a search (300 ms) instead of sorting the 2,000 matches (20 ms).
    op.execute("PRAGMA analysis_limit=1000")
    for name in INDEXES:
        op.execute(f"ANALYZE {name}")


def downgrade() -> None:
    for name, (table, column, old) in INDEXES.items():
        op.drop_index(name, table_name=table)
        op.create_index(old, table, ["deleted", column])
