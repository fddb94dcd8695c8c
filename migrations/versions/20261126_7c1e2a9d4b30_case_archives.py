"""case archives

Revision ID: 7c1e2a9d4b30
Revises: e94b865f82ae
Create Date: 2026-11-26 12:00:00.000000
"""
from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

import hotline.db

revision: str = '7c1e2a9d4b30'
down_revision: str | None = 'e94b865f82ae'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table('case_archives',
    sa.Column('case_number', sqlmodel.sql.sqltypes.AutoString(length=32), nullable=False),
    sa.Column('histories', sa.LargeBinary(), nullable=False),
    sa.Column('content_sha256', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
    sa.Column('event_count', sa.Integer(), nullable=False),
    sa.Column('run_ids', sa.JSON(), nullable=False),
    sa.Column('closed_at', hotline.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('archived_at', hotline.db.UTCDateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('case_number')
    )
    with op.batch_alter_table('case_archives', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_case_archives_closed_at'), ['closed_at'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('case_archives', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_case_archives_closed_at'))

    op.drop_table('case_archives')
