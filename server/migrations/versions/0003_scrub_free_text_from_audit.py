"""scrub the free text older audit rows kept

Until now some audit rows carried text a person typed: the username of a
failed login (sometimes a password typed into the wrong field), device names,
review comments, refusal messages quoting field names, team names and
usernames of new accounts. The audit log keeps who, what, when and ids; this
clears those details (the rows themselves, and JSON details, stay).

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-30 18:05:00
"""
from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = '0003'
down_revision = '0002'
branch_labels = None
depends_on = None

audit_log = sa.table('audit_log', sa.column('action', sa.String), sa.column('detail', sa.Text))


def upgrade() -> None:
    free_text = sa.or_(
        audit_log.c.action.in_(('login_failed', 'login', 'token_refresh', 'admin:create_team', 'admin:create_user')),
        audit_log.c.action.like('review:%'),
        sa.and_(audit_log.c.action.like('refused:%'), sa.not_(audit_log.c.detail.like('{%'))),
    )
    op.execute(audit_log.update().where(free_text, audit_log.c.detail.is_not(None)).values(detail=None))


def downgrade() -> None:
    pass  # what was cleared is gone
