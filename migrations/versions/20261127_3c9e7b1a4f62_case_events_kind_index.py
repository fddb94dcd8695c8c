"""case_events (kind, occurred_at) index: the metrics' deferred (挂账) stock reads deferral events by kind

Revision ID: 3c9e7b1a4f62
Revises: 8d4f2a6c1e57
Create Date: 2026-11-27 11:30:00
"""
from collections.abc import Sequence

from alembic import op

revision: str = '3c9e7b1a4f62'
down_revision: str | None = '8d4f2a6c1e57'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    # EXPLAIN on a million cases (bench/readmodel_scale.py): without it, a sequential scan of every event.
    op.create_index('ix_case_events_kind_occurred_at', 'case_events', ['kind', 'occurred_at'], unique=False)


def downgrade() -> None:
    op.drop_index('ix_case_events_kind_occurred_at', table_name='case_events')
