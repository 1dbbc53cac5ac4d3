"""one company per CVR in a team (merges, an index on the CVR), and token refreshes that survive a lost reply

* ``company_merges``: a company merged into another (duplicate -> survivor), consulted when a pushed record
  names the duplicate, so a laptop that has not heard of the merge still lands its work on the survivor.
* ``ix_records_company_cvr``: live companies by (team, CVR), so a push finds a CVR already used in the team.
* ``tokens.replaces``: a token made by a refresh names the one it replaces; that one keeps working until
  the new one is first used (or a short grace runs out).

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-30 18:30:00
"""
from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = '0004'
down_revision = '0003'
branch_labels = None
depends_on = None

SQLITE_CVR_INDEX = ("CREATE INDEX ix_records_company_cvr ON records (team_id, json_extract(fields, '$.cvr')) "
                    "WHERE entity = 'company' AND deleted = 0")
POSTGRES_CVR_INDEX = ("CREATE INDEX ix_records_company_cvr ON records (team_id, ((fields::jsonb) ->> 'cvr')) "
                      "WHERE entity = 'company' AND NOT deleted")


def upgrade() -> None:
    op.create_table('company_merges',
    sa.Column('duplicate_id', sa.String(length=36), nullable=False),
    sa.Column('surviving_id', sa.String(length=36), nullable=False),
    sa.Column('team_id', sa.String(length=36), nullable=False),
    sa.Column('kind', sa.String(length=10), nullable=False),
    sa.Column('version', sa.BigInteger(), nullable=False),
    sa.Column('merged_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('merged_by', sa.String(length=36), nullable=True),
    sa.PrimaryKeyConstraint('duplicate_id', name=op.f('pk_company_merges'))
    )
    with op.batch_alter_table('company_merges', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_company_merges_surviving_id'), ['surviving_id'], unique=False)
    with op.batch_alter_table('tokens', schema=None) as batch_op:
        batch_op.add_column(sa.Column('replaces', sa.String(length=64), nullable=True))
        batch_op.create_index(batch_op.f('ix_tokens_replaces'), ['replaces'], unique=False)
    op.execute(POSTGRES_CVR_INDEX if op.get_bind().dialect.name == 'postgresql' else SQLITE_CVR_INDEX)


def downgrade() -> None:
    op.execute('DROP INDEX ix_records_company_cvr')
    with op.batch_alter_table('tokens', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_tokens_replaces'))
        batch_op.drop_column('replaces')
    with op.batch_alter_table('company_merges', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_company_merges_surviving_id'))
    op.drop_table('company_merges')
