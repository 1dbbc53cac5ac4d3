"""console sessions apart from app tokens, and the audit log's filters indexed

* ``tokens.scope``: ``app`` for a laptop's token (the API), ``console`` for a web console session. A
  console session is refused by the API (and so cannot be refreshed into a 30-day laptop token), and a
  laptop's token is refused by the console. Tokens made before this migration are app tokens.
* ``audit_log.team_id`` and ``audit_log.action``: the console's and ``admin audit``'s filters.

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-01 00:30:00
"""
from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = '0006'
down_revision = '0005'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('tokens', schema=None) as batch_op:
        batch_op.add_column(sa.Column('scope', sa.String(length=10), nullable=False, server_default='app'))
    with op.batch_alter_table('audit_log', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_audit_log_team_id'), ['team_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_audit_log_action'), ['action'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('audit_log', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_audit_log_action'))
        batch_op.drop_index(batch_op.f('ix_audit_log_team_id'))
    with op.batch_alter_table('tokens', schema=None) as batch_op:
        batch_op.drop_column('scope')
