"""case links: proactive governance cases and their member cases

Revision ID: 5b7e3c1d9a20
Revises: 5e7a1c2b9d40
Create Date: 2026-11-27 09:00:00.000000
"""
from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

import hotline.db

revision: str = '5b7e3c1d9a20'
down_revision: str | None = '5e7a1c2b9d40'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table('case_links',
    sa.Column('case_number', sqlmodel.sql.sqltypes.AutoString(length=32), nullable=False),
    sa.Column('member_case_number', sqlmodel.sql.sqltypes.AutoString(length=32), nullable=False),
    sa.Column('kind', sqlmodel.sql.sqltypes.AutoString(length=24), nullable=False),
    sa.Column('created_by', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
    sa.Column('created_at', hotline.db.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['member_case_number'], ['cases.case_number'], ),
    sa.PrimaryKeyConstraint('case_number', 'member_case_number')
    )
    with op.batch_alter_table('case_links', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_case_links_member_case_number'), ['member_case_number'], unique=False)
        batch_op.create_index(batch_op.f('ix_case_links_created_at'), ['created_at'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('case_links', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_case_links_created_at'))
        batch_op.drop_index(batch_op.f('ix_case_links_member_case_number'))

    op.drop_table('case_links')
