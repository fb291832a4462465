"""moments after which cohort TPACK figures restart: tpack_release_breaks

Revision ID: 0012
Revises: 0011
Create Date: 2026-12-02 10:30:00.000000
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import course.models.base

revision = '0012'
down_revision = '0011'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        'tpack_release_breaks',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('created_at', course.models.base.UTCDateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_tpack_release_breaks')),
    )
    with op.batch_alter_table('tpack_release_breaks', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_tpack_release_breaks_created_at'), ['created_at'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('tpack_release_breaks', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_tpack_release_breaks_created_at'))
    op.drop_table('tpack_release_breaks')
