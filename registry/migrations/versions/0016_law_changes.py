"""law changes: the verdicts an installed reference update changed, as dashboard items per organisation

Revision ID: 0016
Revises: 0015
Create Date: 2026-12-07 14:20:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = '0016'
down_revision: str | Sequence[str] | None = '0015'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table('law_change',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('organisation_id', sa.Integer(), nullable=False),
    sa.Column('law_version', sa.Integer(), nullable=False),
    sa.Column('law_published', sa.Date(), nullable=False),
    sa.Column('installed_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('kind', sa.String(length=20), nullable=False),
    sa.Column('record_id', sa.Integer(), nullable=True),
    sa.Column('label', sa.String(length=300), nullable=False),
    sa.Column('detail', sa.JSON(), nullable=False),
    sa.Column('seen_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('seen_by', sa.String(length=200), nullable=True),
    sa.CheckConstraint("kind IN ('transfer', 'breach', 'record_exemption')", name='ck_law_change_kind'),
    sa.ForeignKeyConstraint(['organisation_id'], ['organisation.id'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('law_change', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_law_change_organisation_id'), ['organisation_id'], unique=False)
        batch_op.create_index('ix_law_change_org_seen', ['organisation_id', 'seen_at'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('law_change', schema=None) as batch_op:
        batch_op.drop_index('ix_law_change_org_seen')
        batch_op.drop_index(batch_op.f('ix_law_change_organisation_id'))
    op.drop_table('law_change')
