"""sign-in with the municipality's identity provider (OpenID Connect, issue 19)

* ``users.oidc_issuer`` / ``users.oidc_subject``: the provider's name for the account (unique together).
* ``oidc_sessions``: one sign-in through the provider, with the provider's refresh token, which reads the
  user's groups again at every Feltbog token refresh.
* ``tokens.oidc_session``: the sign-in a token belongs to (refreshed tokens carry it on).

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-30 20:30:00
"""
from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = '0005'
down_revision = '0004'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.add_column(sa.Column('oidc_issuer', sa.String(length=300), nullable=True))
        batch_op.add_column(sa.Column('oidc_subject', sa.String(length=255), nullable=True))
        batch_op.create_index('ix_users_oidc', ['oidc_issuer', 'oidc_subject'], unique=True)
    op.create_table('oidc_sessions',
    sa.Column('id', sa.String(length=36), nullable=False),
    sa.Column('user_id', sa.String(length=36), nullable=False),
    sa.Column('refresh_token', sa.Text(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('checked_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_oidc_sessions_user_id_users'),
                            ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_oidc_sessions'))
    )
    with op.batch_alter_table('oidc_sessions', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_oidc_sessions_user_id'), ['user_id'], unique=False)
    with op.batch_alter_table('tokens', schema=None) as batch_op:
        batch_op.add_column(sa.Column('oidc_session', sa.String(length=36), nullable=True))
        batch_op.create_index(batch_op.f('ix_tokens_oidc_session'), ['oidc_session'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('tokens', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_tokens_oidc_session'))
        batch_op.drop_column('oidc_session')
    with op.batch_alter_table('oidc_sessions', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_oidc_sessions_user_id'))
    op.drop_table('oidc_sessions')
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.drop_index('ix_users_oidc')
        batch_op.drop_column('oidc_subject')
        batch_op.drop_column('oidc_issuer')
