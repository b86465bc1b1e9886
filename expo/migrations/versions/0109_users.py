"""users who sign in at stations (roles, argon2 PIN hashes, lockout counters)

Revision ID: 0109
Revises: 0108
Create Date: 2026-12-02 18:30:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import expo.models.types

revision = "0109"
down_revision = "0108"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "app_user",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("uuid", sa.Uuid(), nullable=False),
        sa.Column("name", sa.String(length=64), nullable=False),
        sa.Column("role", sa.String(length=16), nullable=False),
        sa.Column("factory_id", sa.Integer(), nullable=True),
        sa.Column("pin_hash", sa.String(length=255), nullable=False),
        sa.Column("disabled", sa.Boolean(), nullable=False),
        sa.Column("failed_tries", sa.Integer(), nullable=False),
        sa.Column("locked_until", expo.models.types.UTCDateTime(), nullable=True),
        sa.Column("created_at", expo.models.types.UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["factory_id"],
            ["factory.id"],
            name=op.f("fk_app_user_factory_id_factory"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_app_user")),
        sa.UniqueConstraint("name", name=op.f("uq_app_user_name")),
        sa.UniqueConstraint("uuid", name=op.f("uq_app_user_uuid")),
    )
    op.create_index(op.f("ix_app_user_factory_id"), "app_user", ["factory_id"])


def downgrade() -> None:
    op.drop_index(op.f("ix_app_user_factory_id"), table_name="app_user")
    op.drop_table("app_user")
