"""booth near-entrance set by hand

Revision ID: 0107
Revises: 0105
Create Date: 2026-11-25 08:41:49.918942
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0107"
down_revision = "0105"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # Booths already planned keep their derived flag: the server default fills them in.
    with op.batch_alter_table("booth", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column(
                "near_entrance_manual", sa.Boolean(), nullable=False, server_default=sa.false()
            )
        )


def downgrade() -> None:
    with op.batch_alter_table("booth", schema=None) as batch_op:
        batch_op.drop_column("near_entrance_manual")
