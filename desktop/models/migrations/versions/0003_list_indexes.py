"""Indexes for the list screens: live rows in display order, and counts that skip big rows.

A visit row carries its note (up to 100,000 characters), so counting live
visits by reading each row's ``deleted`` flag walks every note; an index on
(deleted, visited_at) answers the count and the newest-first page by itself.

Revision ID: 0003
Revises: 0002
"""
from __future__ import annotations

from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None

INDEXES = {
    "ix_visit_live_visited_at": ("visit", ["deleted", "visited_at"]),
    "ix_company_live_name": ("company", ["deleted", "name"]),
    "ix_opening_live_title": ("opening", ["deleted", "title"]),
    "ix_mentor_live_name": ("mentor", ["deleted", "name"]),
    "ix_follow_up_live_due_on": ("follow_up", ["deleted", "done", "due_on"]),
}


def upgrade() -> None:
    for name, (table, columns) in INDEXES.items():
        op.create_index(name, table, columns)


def downgrade() -> None:
    for name, (table, _columns) in INDEXES.items():
        op.drop_index(name, table_name=table)
