"""login limits in the database, known devices, the install's secret, team departures

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-30 17:45:00
"""
from __future__ import annotations

import secrets

import sqlalchemy as sa
from alembic import op

revision = '0002'
down_revision = '0001'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('login_limits',
    sa.Column('key', sa.String(length=64), nullable=False),
    sa.Column('failures', sa.Integer(), nullable=False),
    sa.Column('window_start', sa.Float(), nullable=False),
    sa.Column('lockouts', sa.Integer(), nullable=False),
    sa.Column('locked_until', sa.Float(), nullable=False),
    sa.Column('expires_at', sa.Float(), nullable=False),
    sa.PrimaryKeyConstraint('key', name=op.f('pk_login_limits'))
    )
    with op.batch_alter_table('login_limits', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_login_limits_expires_at'), ['expires_at'], unique=False)

    op.create_table('login_devices',
    sa.Column('user_id', sa.String(length=36), nullable=False),
    sa.Column('device_key', sa.String(length=64), nullable=False),
    sa.Column('first_seen', sa.Float(), nullable=False),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_login_devices_user_id_users'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('user_id', 'device_key', name=op.f('pk_login_devices'))
    )
    secrets_table = op.create_table('server_secrets',
    sa.Column('name', sa.String(length=40), nullable=False),
    sa.Column('value', sa.String(length=200), nullable=False),
    sa.PrimaryKeyConstraint('name', name=op.f('pk_server_secrets'))
    )
    op.bulk_insert(secrets_table, [{'name': 'limiter', 'value': secrets.token_hex(32)}])
    # Only removals from now on count: an old remove_member audit row may name a user who was never a member.
    op.create_table('team_departures',
    sa.Column('user_id', sa.String(length=36), nullable=False),
    sa.Column('team_id', sa.String(length=36), nullable=False),
    sa.Column('left_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('user_id', 'team_id', name=op.f('pk_team_departures'))
    )


def downgrade() -> None:
    op.drop_table('team_departures')
    op.drop_table('server_secrets')
    op.drop_table('login_devices')
    with op.batch_alter_table('login_limits', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_login_limits_expires_at'))
    op.drop_table('login_limits')
