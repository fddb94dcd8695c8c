"""department evaluations: each department's monthly score, zone and rank, one row per version

Revision ID: 8d4f2a6c1e57
Revises: 5b7e3c1d9a20
Create Date: 2026-11-27 10:00:00.000000
"""
from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

import hotline.db

revision: str = '8d4f2a6c1e57'
down_revision: str | None = '5b7e3c1d9a20'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table('department_evaluations',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('month', sqlmodel.sql.sqltypes.AutoString(length=7), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('department_code', sqlmodel.sql.sqltypes.AutoString(length=80), nullable=False),
    sa.Column('score', sa.Float(), nullable=True),
    sa.Column('zone', sqlmodel.sql.sqltypes.AutoString(length=8), nullable=True),
    sa.Column('rank', sa.Integer(), nullable=True),
    sa.Column('components', sa.JSON(), nullable=False),
    sa.Column('reasons', sa.JSON(), nullable=False),
    sa.Column('flags', sa.JSON(), nullable=False),
    sa.Column('computed_at', hotline.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('run_key', sqlmodel.sql.sqltypes.AutoString(length=200), nullable=True),
    sa.ForeignKeyConstraint(['department_code'], ['departments.code'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('month', 'version', 'department_code', name='uq_department_evaluations_version')
    )
    with op.batch_alter_table('department_evaluations', schema=None) as batch_op:
        batch_op.create_index('ix_department_evaluations_department_month', ['department_code', 'month'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('department_evaluations', schema=None) as batch_op:
        batch_op.drop_index('ix_department_evaluations_department_month')

    op.drop_table('department_evaluations')
