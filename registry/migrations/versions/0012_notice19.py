"""a change notice records the day the client acknowledged it

Revision ID: 0012
Revises: 0011
Create Date: 2026-12-07 14:20:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = '0012'
down_revision: str | Sequence[str] | None = '0011'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table('change_notice', schema=None) as batch_op:
        batch_op.add_column(sa.Column('acknowledged_on', sa.Date(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table('change_notice', schema=None) as batch_op:
        batch_op.drop_column('acknowledged_on')
