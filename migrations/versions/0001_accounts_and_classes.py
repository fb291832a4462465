"""accounts and classes

Revision ID: 0001
Revises: 
Create Date: 2026-11-28 17:10:26.531021
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import course.models.base

revision = '0001'
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('school_classes',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=80), nullable=False),
    sa.Column('school_year', sa.String(length=9), nullable=False),
    sa.Column('join_code', sa.String(length=16), nullable=False),
    sa.Column('created_at', course.models.base.UTCDateTime(timezone=True), nullable=False),
    sa.Column('archived_at', course.models.base.UTCDateTime(timezone=True), nullable=True),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_school_classes')),
    sa.UniqueConstraint('join_code', name=op.f('uq_school_classes_join_code'))
    )
    op.create_table('users',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('username', sa.String(length=40), nullable=False),
    sa.Column('display_name', sa.String(length=80), nullable=False),
    sa.Column('password_hash', sa.String(length=200), nullable=False),
    sa.Column('is_student', sa.Boolean(), nullable=False),
    sa.Column('is_teacher', sa.Boolean(), nullable=False),
    sa.Column('is_trainer', sa.Boolean(), nullable=False),
    sa.Column('is_admin', sa.Boolean(), nullable=False),
    sa.Column('session_version', sa.Integer(), nullable=False),
    sa.Column('created_at', course.models.base.UTCDateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_users')),
    sa.UniqueConstraint('username', name=op.f('uq_users_username'))
    )
    op.create_table('class_teachers',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('class_id', sa.Integer(), nullable=False),
    sa.Column('teacher_id', sa.Integer(), nullable=False),
    sa.Column('is_owner', sa.Boolean(), nullable=False),
    sa.ForeignKeyConstraint(['class_id'], ['school_classes.id'], name=op.f('fk_class_teachers_class_id_school_classes'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['teacher_id'], ['users.id'], name=op.f('fk_class_teachers_teacher_id_users'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_class_teachers')),
    sa.UniqueConstraint('class_id', 'teacher_id', name=op.f('uq_class_teachers_class_id'))
    )
    with op.batch_alter_table('class_teachers', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_class_teachers_class_id'), ['class_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_class_teachers_teacher_id'), ['teacher_id'], unique=False)

    op.create_table('enrolments',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('class_id', sa.Integer(), nullable=False),
    sa.Column('student_id', sa.Integer(), nullable=False),
    sa.Column('joined_at', course.models.base.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['class_id'], ['school_classes.id'], name=op.f('fk_enrolments_class_id_school_classes'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['student_id'], ['users.id'], name=op.f('fk_enrolments_student_id_users'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_enrolments')),
    sa.UniqueConstraint('class_id', 'student_id', name=op.f('uq_enrolments_class_id'))
    )
    with op.batch_alter_table('enrolments', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_enrolments_class_id'), ['class_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_enrolments_student_id'), ['student_id'], unique=False)



def downgrade() -> None:
    with op.batch_alter_table('enrolments', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_enrolments_student_id'))
        batch_op.drop_index(batch_op.f('ix_enrolments_class_id'))

    op.drop_table('enrolments')
    with op.batch_alter_table('class_teachers', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_class_teachers_teacher_id'))
        batch_op.drop_index(batch_op.f('ix_class_teachers_class_id'))

    op.drop_table('class_teachers')
    op.drop_table('users')
    op.drop_table('school_classes')
