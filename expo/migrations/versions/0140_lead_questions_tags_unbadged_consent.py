"""lead questions, tags, salespeople, unbadged buyers, booth consent, follow-up templates

Revision ID: 0140
Revises: 0135
Create Date: 2026-12-02 18:02:34.459898
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import expo.models.types

revision = "0140"
down_revision = "0135"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "follow_up_template",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("factory_id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=64), nullable=False),
        sa.Column("channel", sa.String(length=16), nullable=False),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("uuid", sa.Uuid(), nullable=False),
        sa.Column("created_at", expo.models.types.UTCDateTime(), nullable=False),
        sa.Column("updated_at", expo.models.types.UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["factory_id"],
            ["factory.id"],
            name=op.f("fk_follow_up_template_factory_id_factory"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_follow_up_template")),
        sa.UniqueConstraint("factory_id", "name", name="uq_follow_up_template_name"),
        sa.UniqueConstraint("uuid", name=op.f("uq_follow_up_template_uuid")),
    )
    with op.batch_alter_table("follow_up_template", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_follow_up_template_factory_id"), ["factory_id"], unique=False
        )

    op.create_table(
        "lead_question",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("factory_id", sa.Integer(), nullable=False),
        sa.Column("text", sa.String(length=200), nullable=False),
        sa.Column(
            "kind",
            sa.Enum("text", "one", "many", name="questionkind", native_enum=False, length=20),
            nullable=False,
        ),
        sa.Column("options", sa.JSON(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("removed_at", expo.models.types.UTCDateTime(), nullable=True),
        sa.Column("uuid", sa.Uuid(), nullable=False),
        sa.Column("created_at", expo.models.types.UTCDateTime(), nullable=False),
        sa.Column("updated_at", expo.models.types.UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["factory_id"],
            ["factory.id"],
            name=op.f("fk_lead_question_factory_id_factory"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_lead_question")),
        sa.UniqueConstraint("uuid", name=op.f("uq_lead_question_uuid")),
    )
    with op.batch_alter_table("lead_question", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_lead_question_factory_id"), ["factory_id"], unique=False
        )

    op.create_table(
        "station_salesperson",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("station_id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=64), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["station_id"],
            ["station.id"],
            name=op.f("fk_station_salesperson_station_id_station"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_station_salesperson")),
        sa.UniqueConstraint("station_id", "name", name="uq_station_salesperson"),
    )
    with op.batch_alter_table("station_salesperson", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_station_salesperson_station_id"), ["station_id"], unique=False
        )

    op.create_table(
        "lead_card_image",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("lead_id", sa.Integer(), nullable=False),
        sa.Column("factory_id", sa.Integer(), nullable=False),
        sa.Column("station_id", sa.Integer(), nullable=True),
        sa.Column("jpeg", sa.LargeBinary(), nullable=False),
        sa.Column("width", sa.Integer(), nullable=False),
        sa.Column("height", sa.Integer(), nullable=False),
        sa.Column("taken_at", expo.models.types.UTCDateTime(), nullable=False),
        sa.Column("uuid", sa.Uuid(), nullable=False),
        sa.Column("created_at", expo.models.types.UTCDateTime(), nullable=False),
        sa.Column("updated_at", expo.models.types.UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["factory_id"],
            ["factory.id"],
            name=op.f("fk_lead_card_image_factory_id_factory"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["lead_id"],
            ["lead.id"],
            name=op.f("fk_lead_card_image_lead_id_lead"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["station_id"],
            ["station.id"],
            name=op.f("fk_lead_card_image_station_id_station"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_lead_card_image")),
        sa.UniqueConstraint("uuid", name=op.f("uq_lead_card_image_uuid")),
    )
    with op.batch_alter_table("lead_card_image", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_lead_card_image_lead_id"), ["lead_id"], unique=False)

    op.create_table(
        "lead_tag",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("lead_id", sa.Integer(), nullable=False),
        sa.Column("factory_id", sa.Integer(), nullable=False),
        sa.Column("tag", sa.String(length=32), nullable=False),
        sa.ForeignKeyConstraint(
            ["factory_id"],
            ["factory.id"],
            name=op.f("fk_lead_tag_factory_id_factory"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["lead_id"], ["lead.id"], name=op.f("fk_lead_tag_lead_id_lead"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_lead_tag")),
        sa.UniqueConstraint("lead_id", "tag", name="uq_lead_tag_lead_tag"),
    )
    with op.batch_alter_table("lead_tag", schema=None) as batch_op:
        batch_op.create_index(
            "ix_lead_tag_factory_tag", ["factory_id", "tag", "lead_id"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_lead_tag_lead_id"), ["lead_id"], unique=False)

    op.create_table(
        "inquiry_answer",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("inquiry_id", sa.Integer(), nullable=False),
        sa.Column("lead_id", sa.Integer(), nullable=False),
        sa.Column("factory_id", sa.Integer(), nullable=False),
        sa.Column("question_id", sa.Integer(), nullable=False),
        sa.Column("value", sa.String(length=500), nullable=False),
        sa.ForeignKeyConstraint(
            ["factory_id"],
            ["factory.id"],
            name=op.f("fk_inquiry_answer_factory_id_factory"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["inquiry_id"],
            ["inquiry.id"],
            name=op.f("fk_inquiry_answer_inquiry_id_inquiry"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["lead_id"],
            ["lead.id"],
            name=op.f("fk_inquiry_answer_lead_id_lead"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["question_id"],
            ["lead_question.id"],
            name=op.f("fk_inquiry_answer_question_id_lead_question"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_inquiry_answer")),
    )
    with op.batch_alter_table("inquiry_answer", schema=None) as batch_op:
        batch_op.create_index(
            "ix_inquiry_answer_filter",
            ["factory_id", "question_id", "value", "lead_id"],
            unique=False,
        )
        batch_op.create_index(
            batch_op.f("ix_inquiry_answer_inquiry_id"), ["inquiry_id"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_inquiry_answer_lead_id"), ["lead_id"], unique=False)
        batch_op.create_index(
            batch_op.f("ix_inquiry_answer_question_id"), ["question_id"], unique=False
        )

    with op.batch_alter_table("inquiry", schema=None) as batch_op:
        batch_op.add_column(sa.Column("salesperson", sa.String(length=64), nullable=True))

    with op.batch_alter_table("lead", schema=None) as batch_op:
        batch_op.add_column(sa.Column("salesperson", sa.String(length=64), nullable=True))
        # Leads logged so far all came from a scanned badge.
        batch_op.add_column(
            sa.Column("verified_by_badge", sa.Boolean(), nullable=False, server_default=sa.true())
        )
        batch_op.add_column(sa.Column("consent_at", expo.models.types.UTCDateTime(), nullable=True))
        batch_op.add_column(sa.Column("consent_station_id", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("given_name", sa.String(length=64), nullable=True))
        batch_op.add_column(sa.Column("given_company", sa.String(length=200), nullable=True))
        batch_op.add_column(sa.Column("given_phone", sa.String(length=20), nullable=True))
        batch_op.create_foreign_key(
            batch_op.f("fk_lead_consent_station_id_station"),
            "station",
            ["consent_station_id"],
            ["id"],
            ondelete="SET NULL",
        )


def downgrade() -> None:
    with op.batch_alter_table("lead", schema=None) as batch_op:
        batch_op.drop_constraint(
            batch_op.f("fk_lead_consent_station_id_station"), type_="foreignkey"
        )
        batch_op.drop_column("given_phone")
        batch_op.drop_column("given_company")
        batch_op.drop_column("given_name")
        batch_op.drop_column("consent_station_id")
        batch_op.drop_column("consent_at")
        batch_op.drop_column("verified_by_badge")
        batch_op.drop_column("salesperson")

    with op.batch_alter_table("inquiry", schema=None) as batch_op:
        batch_op.drop_column("salesperson")

    with op.batch_alter_table("inquiry_answer", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_inquiry_answer_question_id"))
        batch_op.drop_index(batch_op.f("ix_inquiry_answer_lead_id"))
        batch_op.drop_index(batch_op.f("ix_inquiry_answer_inquiry_id"))
        batch_op.drop_index("ix_inquiry_answer_filter")

    op.drop_table("inquiry_answer")
    with op.batch_alter_table("lead_tag", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_lead_tag_lead_id"))
        batch_op.drop_index("ix_lead_tag_factory_tag")

    op.drop_table("lead_tag")
    with op.batch_alter_table("lead_card_image", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_lead_card_image_lead_id"))

    op.drop_table("lead_card_image")
    with op.batch_alter_table("station_salesperson", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_station_salesperson_station_id"))

    op.drop_table("station_salesperson")
    with op.batch_alter_table("lead_question", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_lead_question_factory_id"))

    op.drop_table("lead_question")
    with op.batch_alter_table("follow_up_template", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_follow_up_template_factory_id"))

    op.drop_table("follow_up_template")
