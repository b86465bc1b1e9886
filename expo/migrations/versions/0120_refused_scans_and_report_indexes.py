"""refused scans and the indexes the live figures read

Revision ID: 0120
Revises: 0110
Create Date: 2026-12-02 18:05:00

The dashboard's aggregations run on covering indexes: a day's check-ins by time (with kind,
desk, undo mark and visitor, so no table row is read), first entries by time, visitors by
source and type, a factory's inquiries by time and inquiries by product.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import expo.models.types

revision = "0120"
down_revision = "0110"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "refused_scan",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("station_name", sa.String(length=64), nullable=False),
        sa.Column("at", expo.models.types.UTCDateTime(), nullable=False),
        sa.Column("reason", sa.String(length=16), nullable=False),
        sa.Column("visitor_id", sa.Integer(), nullable=True),
        sa.Column("payload", sa.String(length=80), nullable=False),
        sa.Column("uuid", sa.Uuid(), nullable=False),
        sa.Column("created_at", expo.models.types.UTCDateTime(), nullable=False),
        sa.Column("updated_at", expo.models.types.UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["visitor_id"],
            ["visitor.id"],
            name=op.f("fk_refused_scan_visitor_id_visitor"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_refused_scan")),
        sa.UniqueConstraint("uuid", name=op.f("uq_refused_scan_uuid")),
    )
    with op.batch_alter_table("refused_scan", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_refused_scan_at"), ["at"], unique=False)
        batch_op.create_index(
            batch_op.f("ix_refused_scan_visitor_id"), ["visitor_id"], unique=False
        )
    op.create_index(
        "ix_check_in_at_cover",
        "check_in",
        ["at", "kind", "station_id", "undone_at", "visitor_id"],
    )
    op.create_index("ix_check_in_kind_at", "check_in", ["kind", "at", "undone_at", "visitor_id"])
    op.create_index("ix_check_in_undone_at", "check_in", ["undone_at"])
    op.create_index("ix_visitor_source_type", "visitor", ["source", "visitor_type"])
    op.create_index("ix_inquiry_factory_at", "inquiry", ["factory_id", "at", "visitor_id"])
    op.create_index("ix_inquiry_product_product", "inquiry_product", ["product_id", "inquiry_id"])
    op.create_index("ix_lead_rating_factory", "lead", ["rating", "factory_id"])


def downgrade() -> None:
    op.drop_index("ix_lead_rating_factory", table_name="lead")
    op.drop_index("ix_inquiry_product_product", table_name="inquiry_product")
    op.drop_index("ix_inquiry_factory_at", table_name="inquiry")
    op.drop_index("ix_visitor_source_type", table_name="visitor")
    op.drop_index("ix_check_in_undone_at", table_name="check_in")
    op.drop_index("ix_check_in_kind_at", table_name="check_in")
    op.drop_index("ix_check_in_at_cover", table_name="check_in")
    with op.batch_alter_table("refused_scan", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_refused_scan_visitor_id"))
        batch_op.drop_index(batch_op.f("ix_refused_scan_at"))
    op.drop_table("refused_scan")
