"""Detection: verdicts on captures and sites, scored images, known image hashes, re-scoring
runs.

Revision ID: 0008
Revises: 0007
Create Date: 2026-11-30 05:39:28.925427
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import jingwang.store.base

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "classify_images",
        sa.Column(
            "id",
            sa.BigInteger().with_variant(sa.Integer(), "sqlite"),
            autoincrement=True,
            nullable=False,
        ),
        sa.Column("digest", sa.String(length=64), nullable=False),
        sa.Column("model_version", sa.String(length=64), nullable=False),
        sa.Column("media_type", sa.String(length=100), nullable=True),
        sa.Column("width", sa.Integer(), nullable=True),
        sa.Column("height", sa.Integer(), nullable=True),
        sa.Column("nsfw", sa.Float(), nullable=True),
        sa.Column("pdq", sa.String(length=64), nullable=True),
        sa.Column("pdq_quality", sa.Integer(), nullable=True),
        sa.Column("pdq_variants", sa.Text(), nullable=True),
        sa.Column("error", sa.Text(), nullable=True),
        sa.Column(
            "first_capture_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=True
        ),
        sa.Column("created_at", jingwang.store.base.UTCDateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_classify_images")),
        sa.UniqueConstraint(
            "digest", "model_version", name=op.f("uq_classify_images_digest_model_version")
        ),
    )
    with op.batch_alter_table("classify_images", schema=None) as batch_op:
        batch_op.create_index("ix_classify_images_pdq", ["pdq"], unique=False)

    op.create_table(
        "classify_known_hashes",
        sa.Column(
            "id",
            sa.BigInteger().with_variant(sa.Integer(), "sqlite"),
            autoincrement=True,
            nullable=False,
        ),
        sa.Column("pdq", sa.String(length=64), nullable=False),
        sa.Column("label", sa.String(length=40), nullable=False),
        sa.Column("source", sa.String(length=200), nullable=False),
        sa.Column("note", sa.Text(), nullable=True),
        sa.Column("added_by", sa.String(length=200), nullable=False),
        sa.Column("created_at", jingwang.store.base.UTCDateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_classify_known_hashes")),
        sa.UniqueConstraint("pdq", "source", name=op.f("uq_classify_known_hashes_pdq_source")),
    )
    op.create_table(
        "classify_runs",
        sa.Column(
            "id",
            sa.BigInteger().with_variant(sa.Integer(), "sqlite"),
            autoincrement=True,
            nullable=False,
        ),
        sa.Column("state", sa.String(length=16), nullable=False),
        sa.Column("versions", sa.JSON(), nullable=False),
        sa.Column("created_by", sa.String(length=200), nullable=False),
        sa.Column("org_id", sa.Integer(), nullable=True),
        sa.Column("created_at", jingwang.store.base.UTCDateTime(timezone=True), nullable=False),
        sa.Column("started_at", jingwang.store.base.UTCDateTime(timezone=True), nullable=True),
        sa.Column("finished_at", jingwang.store.base.UTCDateTime(timezone=True), nullable=True),
        sa.Column("total", sa.Integer(), nullable=False),
        sa.Column("done", sa.Integer(), nullable=False),
        sa.Column("changed", sa.Integer(), nullable=False),
        sa.Column("counts", sa.JSON(), nullable=False),
        sa.Column("cursor", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("job_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=True),
        sa.Column("note", sa.Text(), nullable=True),
        sa.ForeignKeyConstraint(
            ["org_id"], ["organisations.id"], name=op.f("fk_classify_runs_org_id_organisations")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_classify_runs")),
    )
    op.create_table(
        "classify_verdicts",
        sa.Column(
            "id",
            sa.BigInteger().with_variant(sa.Integer(), "sqlite"),
            autoincrement=True,
            nullable=False,
        ),
        sa.Column("subject", sa.String(length=16), nullable=False),
        sa.Column(
            "capture_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=True
        ),
        sa.Column("domain", sa.String(length=253), nullable=True),
        sa.Column("host", sa.String(length=253), nullable=True),
        sa.Column("org_id", sa.Integer(), nullable=True),
        sa.Column("label", sa.String(length=16), nullable=False),
        sa.Column("score", sa.Float(), nullable=False),
        sa.Column("thresholds", sa.JSON(), nullable=False),
        sa.Column("reasons", sa.JSON(), nullable=False),
        sa.Column("text", sa.JSON(), nullable=True),
        sa.Column("images", sa.JSON(), nullable=False),
        sa.Column("versions", sa.JSON(), nullable=False),
        sa.Column("versions_key", sa.String(length=64), nullable=False),
        sa.Column("captures", sa.JSON(), nullable=True),
        sa.Column("current", sa.Boolean(), nullable=False),
        sa.Column("run_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=True),
        sa.Column("previous_label", sa.String(length=16), nullable=True),
        sa.Column("created_at", jingwang.store.base.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["capture_id"],
            ["probe_captures.id"],
            name=op.f("fk_classify_verdicts_capture_id_probe_captures"),
        ),
        sa.ForeignKeyConstraint(
            ["org_id"], ["organisations.id"], name=op.f("fk_classify_verdicts_org_id_organisations")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_classify_verdicts")),
    )
    with op.batch_alter_table("classify_verdicts", schema=None) as batch_op:
        batch_op.create_index(
            "ix_classify_verdicts_capture", ["capture_id", "current"], unique=False
        )
        batch_op.create_index(
            "ix_classify_verdicts_domain", ["subject", "domain", "current"], unique=False
        )
        batch_op.create_index(
            "ix_classify_verdicts_label", ["subject", "current", "label", "score"], unique=False
        )


def downgrade() -> None:
    with op.batch_alter_table("classify_verdicts", schema=None) as batch_op:
        batch_op.drop_index("ix_classify_verdicts_label")
        batch_op.drop_index("ix_classify_verdicts_domain")
        batch_op.drop_index("ix_classify_verdicts_capture")

    op.drop_table("classify_verdicts")
    op.drop_table("classify_runs")
    op.drop_table("classify_known_hashes")
    with op.batch_alter_table("classify_images", schema=None) as batch_op:
        batch_op.drop_index("ix_classify_images_pdq")

    op.drop_table("classify_images")
