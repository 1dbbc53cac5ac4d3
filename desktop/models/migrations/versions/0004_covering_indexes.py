"""Covering indexes for the Today screen and centre planning.

The last visit per company and the list of company centres are read on every
start; without these, SQLite reads each visit row (note and all) or every
company row to answer them.

Revision ID: 0004
Revises: 0003
"""
from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_index("ix_visit_company_live", "visit", ["company_id", "deleted", "visited_at"])
    op.create_index("ix_company_centres", "company", ["name"],
                    sqlite_where=sa.text("is_centre = 1 AND deleted = 0"))


def downgrade() -> None:
    op.drop_index("ix_company_centres", table_name="company")
    op.drop_index("ix_visit_company_live", table_name="visit")
