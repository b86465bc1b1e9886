"""visitor city and registered-at indexes: the Visitors page sorts by them

Without them, sorting 200,000 visitors by city or registration time sorted the whole table.

Revision ID: 0135
Revises: 0120
Create Date: 2026-12-02 18:25:00.000000
"""

from __future__ import annotations

from alembic import op

revision = "0135"
down_revision = "0120"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_index(op.f("ix_visitor_city"), "visitor", ["city"], unique=False)
    op.create_index("ix_visitor_created_at", "visitor", ["created_at"], unique=False)


def downgrade() -> None:
    op.drop_index("ix_visitor_created_at", table_name="visitor")
    op.drop_index(op.f("ix_visitor_city"), table_name="visitor")
