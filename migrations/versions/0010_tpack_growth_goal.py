"""tpack: a private growth goal on each scan

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-02 07:00:00.000000
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = '0010'
down_revision = '0009'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('tpack_scans', schema=None) as batch_op:
        batch_op.add_column(sa.Column('growth_goal', sa.String(length=300), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table('tpack_scans', schema=None) as batch_op:
        batch_op.drop_column('growth_goal')
