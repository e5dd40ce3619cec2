"""The prober: captures and their evidence, campaigns, the frontier (targets), per-host
politeness, discovery candidates.

Revision ID: 0007
Revises: 0006
Create Date: 2026-11-30 03:00:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import jingwang.store.base

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "probe_candidates",
        sa.Column(
            "id",
            sa.BigInteger().with_variant(sa.Integer(), "sqlite"),
            autoincrement=True,
            nullable=False,
        ),
        sa.Column("host", sa.String(length=253), nullable=False),
        sa.Column("domain", sa.String(length=253), nullable=True),
        sa.Column("first_seen_at", jingwang.store.base.UTCDateTime(timezone=True), nullable=False),
        sa.Column("last_seen_at", jingwang.store.base.UTCDateTime(timezone=True), nullable=False),
        sa.Column("seen_count", sa.Integer(), nullable=False),
        sa.Column(
            "first_capture_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=True
        ),
        sa.Column(
            "campaign_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=True
        ),
        sa.Column("source_url", sa.String(length=2000), nullable=True),
        sa.Column("state", sa.String(length=16), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_probe_candidates")),
        sa.UniqueConstraint("host", name=op.f("uq_probe_candidates_host")),
    )
    op.create_table(
        "probe_hosts",
        sa.Column("host", sa.String(length=253), nullable=False),
        sa.Column("next_at", jingwang.store.base.UTCDateTime(timezone=True), nullable=False),
        sa.Column("inflight", sa.Integer(), nullable=False),
        sa.Column("backoff_seconds", sa.Double(), nullable=False),
        sa.Column("last_status", sa.Integer(), nullable=True),
        sa.Column("updated_at", jingwang.store.base.UTCDateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("host", name=op.f("pk_probe_hosts")),
    )
    op.create_table(
        "probe_campaigns",
        sa.Column(
            "id",
            sa.BigInteger().with_variant(sa.Integer(), "sqlite"),
            autoincrement=True,
            nullable=False,
        ),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("org_id", sa.Integer(), nullable=False),
        sa.Column("created_by", sa.String(length=200), nullable=False),
        sa.Column("created_at", jingwang.store.base.UTCDateTime(timezone=True), nullable=False),
        sa.Column("profile", sa.String(length=40), nullable=False),
        sa.Column("selection", sa.JSON(), nullable=False),
        sa.Column("state", sa.String(length=16), nullable=False),
        sa.Column("discovery", sa.Boolean(), nullable=False),
        sa.Column("interval_hours", sa.Integer(), nullable=True),
        sa.Column("round", sa.Integer(), nullable=False),
        sa.Column("next_run_at", jingwang.store.base.UTCDateTime(timezone=True), nullable=True),
        sa.Column("started_at", jingwang.store.base.UTCDateTime(timezone=True), nullable=True),
        sa.Column("finished_at", jingwang.store.base.UTCDateTime(timezone=True), nullable=True),
        sa.Column("job_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=True),
        sa.Column("note", sa.Text(), nullable=True),
        sa.ForeignKeyConstraint(
            ["org_id"], ["organisations.id"], name=op.f("fk_probe_campaigns_org_id_organisations")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_probe_campaigns")),
    )
    op.create_table(
        "probe_captures",
        sa.Column(
            "id",
            sa.BigInteger().with_variant(sa.Integer(), "sqlite"),
            autoincrement=True,
            nullable=False,
        ),
        sa.Column("url", sa.String(length=2000), nullable=False),
        sa.Column("host", sa.String(length=253), nullable=True),
        sa.Column("domain", sa.String(length=253), nullable=True),
        sa.Column("final_url", sa.String(length=2000), nullable=True),
        sa.Column("profile", sa.String(length=40), nullable=False),
        sa.Column("outcome", sa.String(length=16), nullable=False),
        sa.Column("http_status", sa.Integer(), nullable=True),
        sa.Column("content_type", sa.String(length=200), nullable=True),
        sa.Column("page_kind", sa.String(length=16), nullable=True),
        sa.Column("charset", sa.String(length=40), nullable=True),
        sa.Column("title", sa.String(length=500), nullable=True),
        sa.Column("ip", sa.String(length=45), nullable=True),
        sa.Column("limit_hit", sa.String(length=32), nullable=True),
        sa.Column("refused", sa.Text(), nullable=True),
        sa.Column("refused_code", sa.String(length=64), nullable=True),
        sa.Column("error", sa.Text(), nullable=True),
        sa.Column("chain", sa.JSON(), nullable=False),
        sa.Column("summary", sa.JSON(), nullable=False),
        sa.Column("tls", sa.JSON(), nullable=True),
        sa.Column("org_id", sa.Integer(), nullable=True),
        sa.Column("requested_by", sa.String(length=200), nullable=False),
        sa.Column(
            "campaign_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=True
        ),
        sa.Column("target_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=True),
        sa.Column("round", sa.Integer(), nullable=True),
        sa.Column("started_at", jingwang.store.base.UTCDateTime(timezone=True), nullable=False),
        sa.Column("finished_at", jingwang.store.base.UTCDateTime(timezone=True), nullable=False),
        sa.Column("recorded_at", jingwang.store.base.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["campaign_id"],
            ["probe_campaigns.id"],
            name=op.f("fk_probe_captures_campaign_id_probe_campaigns"),
        ),
        sa.ForeignKeyConstraint(
            ["org_id"], ["organisations.id"], name=op.f("fk_probe_captures_org_id_organisations")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_probe_captures")),
        sa.UniqueConstraint("target_id", "round", name=op.f("uq_probe_captures_target_id_round")),
    )
    with op.batch_alter_table("probe_captures", schema=None) as batch_op:
        batch_op.create_index("ix_probe_captures_campaign", ["campaign_id", "id"], unique=False)
        batch_op.create_index("ix_probe_captures_domain", ["domain", "started_at"], unique=False)

    op.create_table(
        "probe_targets",
        sa.Column(
            "id",
            sa.BigInteger().with_variant(sa.Integer(), "sqlite"),
            autoincrement=True,
            nullable=False,
        ),
        sa.Column(
            "campaign_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False
        ),
        sa.Column("url", sa.String(length=2000), nullable=False),
        sa.Column("host", sa.String(length=253), nullable=False),
        sa.Column("state", sa.String(length=16), nullable=False),
        sa.Column("round", sa.Integer(), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("not_before", jingwang.store.base.UTCDateTime(timezone=True), nullable=False),
        sa.Column("leased_until", jingwang.store.base.UTCDateTime(timezone=True), nullable=True),
        sa.Column("lease_token", sa.String(length=40), nullable=True),
        sa.Column(
            "capture_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=True
        ),
        sa.Column("outcome", sa.String(length=16), nullable=True),
        sa.Column("error", sa.Text(), nullable=True),
        sa.Column("source", sa.String(length=200), nullable=True),
        sa.Column("updated_at", jingwang.store.base.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["campaign_id"],
            ["probe_campaigns.id"],
            name=op.f("fk_probe_targets_campaign_id_probe_campaigns"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_probe_targets")),
        sa.UniqueConstraint("campaign_id", "url", name=op.f("uq_probe_targets_campaign_id_url")),
    )
    with op.batch_alter_table("probe_targets", schema=None) as batch_op:
        batch_op.create_index(
            "ix_probe_targets_due", ["campaign_id", "state", "not_before"], unique=False
        )
        batch_op.create_index("ix_probe_targets_host", ["host"], unique=False)

    op.create_table(
        "probe_evidence",
        sa.Column(
            "id",
            sa.BigInteger().with_variant(sa.Integer(), "sqlite"),
            autoincrement=True,
            nullable=False,
        ),
        sa.Column(
            "capture_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False
        ),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("digest", sa.String(length=64), nullable=False),
        sa.Column("size", sa.BigInteger(), nullable=False),
        sa.Column("media_type", sa.String(length=100), nullable=False),
        sa.Column("created_at", jingwang.store.base.UTCDateTime(timezone=True), nullable=False),
        sa.Column("verified_at", jingwang.store.base.UTCDateTime(timezone=True), nullable=True),
        sa.Column("verify_state", sa.String(length=16), nullable=True),
        sa.Column("problems", sa.JSON(), nullable=True),
        sa.ForeignKeyConstraint(
            ["capture_id"],
            ["probe_captures.id"],
            name=op.f("fk_probe_evidence_capture_id_probe_captures"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_probe_evidence")),
        sa.UniqueConstraint("capture_id", "kind", name=op.f("uq_probe_evidence_capture_id_kind")),
    )
    with op.batch_alter_table("probe_evidence", schema=None) as batch_op:
        batch_op.create_index("ix_probe_evidence_digest", ["digest"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("probe_evidence", schema=None) as batch_op:
        batch_op.drop_index("ix_probe_evidence_digest")

    op.drop_table("probe_evidence")
    with op.batch_alter_table("probe_targets", schema=None) as batch_op:
        batch_op.drop_index("ix_probe_targets_host")
        batch_op.drop_index("ix_probe_targets_due")

    op.drop_table("probe_targets")
    with op.batch_alter_table("probe_captures", schema=None) as batch_op:
        batch_op.drop_index("ix_probe_captures_domain")
        batch_op.drop_index("ix_probe_captures_campaign")

    op.drop_table("probe_captures")
    op.drop_table("probe_campaigns")
    op.drop_table("probe_hosts")
    op.drop_table("probe_candidates")
