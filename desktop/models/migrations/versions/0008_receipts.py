"""Proof of receipt: one row per record the server has accepted a change of from this device.

Revision ID: 0008
Revises: 0007
"""
from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "receipt",
        sa.Column("entity_id", sa.String(length=36), nullable=False),
        sa.Column("entity", sa.String(length=40), nullable=False),
        sa.Column("mutation_id", sa.Integer(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=True),
        sa.Column("server_time", sa.String(length=40), nullable=False),
        sa.PrimaryKeyConstraint("entity_id", name=op.f("pk_receipt")),
    )


def downgrade() -> None:
    op.drop_table("receipt")
