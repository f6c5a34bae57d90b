"""a change notice records the day the client acknowledged it

Revision ID: 0014
Revises: 0013
Create Date: 2026-12-07 14:20:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = '0014'
down_revision: str | Sequence[str] | None = '0013'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table('change_notice', schema=None) as batch_op:
        batch_op.add_column(sa.Column('acknowledged_on', sa.Date(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table('change_notice', schema=None) as batch_op:
        batch_op.drop_column('acknowledged_on')
