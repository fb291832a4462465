"""work belongs to its class; class moves, co-teacher invitations, forced password change

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-02 00:30:00

Existing work gets the class its student was in when it was made: the enrolment that began last
before the work, or else the student's first enrolment.
"""

from __future__ import annotations

from collections import defaultdict

import sqlalchemy as sa
from alembic import op

import course.models.base

revision = '0004'
down_revision = '0003'
branch_labels = None
depends_on = None

WORK = (("quiz_attempts", "user_id", "started_at"), ("submissions", "student_id", "submitted_at"),
        ("assignment_drafts", "student_id", "updated_at"))


def upgrade() -> None:
    for table, _, _ in WORK:
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.add_column(sa.Column('class_id', sa.Integer(), nullable=True))
            batch_op.create_index(batch_op.f(f'ix_{table}_class_id'), ['class_id'], unique=False)
            batch_op.create_foreign_key(batch_op.f(f'fk_{table}_class_id_school_classes'), 'school_classes',
                                        ['class_id'], ['id'], ondelete='SET NULL')
    _fill_class_ids()

    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.add_column(sa.Column('must_change_password', sa.Boolean(), server_default=sa.false(),
                                      nullable=False))

    op.create_table('class_moves',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('student_id', sa.Integer(), nullable=False),
    sa.Column('from_class_id', sa.Integer(), nullable=False),
    sa.Column('to_class_id', sa.Integer(), nullable=False),
    sa.Column('requested_at', course.models.base.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['from_class_id'], ['school_classes.id'],
                            name=op.f('fk_class_moves_from_class_id_school_classes'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['student_id'], ['users.id'], name=op.f('fk_class_moves_student_id_users'),
                            ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['to_class_id'], ['school_classes.id'],
                            name=op.f('fk_class_moves_to_class_id_school_classes'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_class_moves')),
    sa.UniqueConstraint('student_id', name=op.f('uq_class_moves_student_id'))
    )
    with op.batch_alter_table('class_moves', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_class_moves_from_class_id'), ['from_class_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_class_moves_to_class_id'), ['to_class_id'], unique=False)

    op.create_table('co_teacher_invitations',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('class_id', sa.Integer(), nullable=False),
    sa.Column('username', sa.String(length=40), nullable=False),
    sa.Column('invited_by', sa.Integer(), nullable=True),
    sa.Column('invited_at', course.models.base.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['class_id'], ['school_classes.id'],
                            name=op.f('fk_co_teacher_invitations_class_id_school_classes'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['invited_by'], ['users.id'], name=op.f('fk_co_teacher_invitations_invited_by_users'),
                            ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_co_teacher_invitations')),
    sa.UniqueConstraint('class_id', 'username', name=op.f('uq_co_teacher_invitations_class_id'))
    )
    with op.batch_alter_table('co_teacher_invitations', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_co_teacher_invitations_class_id'), ['class_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_co_teacher_invitations_username'), ['username'], unique=False)


def _fill_class_ids() -> None:
    """Each piece of work gets the class whose enrolment began last before it was made."""
    conn = op.get_bind()
    enrolments: dict[int, list[tuple[object, int]]] = defaultdict(list)
    for student_id, class_id, joined_at in conn.execute(
        sa.text("SELECT student_id, class_id, joined_at FROM enrolments ORDER BY joined_at, id")
    ):
        enrolments[student_id].append((joined_at, class_id))
    for table, student, moment in WORK:
        updates = []
        for row_id, student_id, made_at in conn.execute(sa.text(f"SELECT id, {student}, {moment} FROM {table}")):
            joined = enrolments.get(student_id)
            if not joined:
                continue
            before = [class_id for joined_at, class_id in joined if joined_at <= made_at]
            updates.append({"id": row_id, "class_id": before[-1] if before else joined[0][1]})
        if updates:
            conn.execute(sa.text(f"UPDATE {table} SET class_id = :class_id WHERE id = :id"), updates)


def downgrade() -> None:
    op.drop_table('co_teacher_invitations')
    op.drop_table('class_moves')
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.drop_column('must_change_password')
    for table, _, _ in reversed(WORK):
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.drop_constraint(batch_op.f(f'fk_{table}_class_id_school_classes'), type_='foreignkey')
            batch_op.drop_index(batch_op.f(f'ix_{table}_class_id'))
            batch_op.drop_column('class_id')
