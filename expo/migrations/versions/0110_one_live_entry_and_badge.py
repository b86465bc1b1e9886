"""one live first entry and one valid badge per visitor

Revision ID: 0110
Revises: 0109
Create Date: 2026-12-02 18:10:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0110"
down_revision = "0109"
branch_labels = None
depends_on = None

LIVE_BADGE = "revoked_at IS NULL"
LIVE_ENTRY = "kind = 'entry' AND undone_at IS NULL"


def upgrade() -> None:
    # Events that desks raced on before this revision may hold twins. The earliest first entry
    # stays the entry (later ones become re-entries); the newest badge stays valid (older
    # twins are revoked, as a reissue would have done). Nothing is deleted.
    op.execute(
        "UPDATE check_in SET kind = 're_entry' "
        f"WHERE {LIVE_ENTRY} AND EXISTS (SELECT 1 FROM check_in AS earlier "
        "WHERE earlier.visitor_id = check_in.visitor_id AND earlier.kind = 'entry' "
        "AND earlier.undone_at IS NULL AND (earlier.at < check_in.at "
        "OR (earlier.at = check_in.at AND earlier.id < check_in.id)))"
    )
    op.execute(
        "UPDATE badge SET revoked_at = issued_at "
        f"WHERE {LIVE_BADGE} AND EXISTS (SELECT 1 FROM badge AS newer "
        "WHERE newer.visitor_id = badge.visitor_id AND newer.revoked_at IS NULL "
        "AND newer.serial > badge.serial)"
    )
    for name, table, where in (
        ("uq_badge_live", "badge", LIVE_BADGE),
        ("uq_check_in_live_entry", "check_in", LIVE_ENTRY),
    ):
        op.create_index(
            name,
            table,
            ["visitor_id"],
            unique=True,
            sqlite_where=sa.text(where),
            postgresql_where=sa.text(where),
        )


def downgrade() -> None:
    op.drop_index("uq_check_in_live_entry", table_name="check_in")
    op.drop_index("uq_badge_live", table_name="badge")
