"""Probing: an index for finding run-out leases without reading every target.

Every claim first puts back the targets whose leases ran out (``state = 'leased' AND
leased_until < now``); without this index that is a scan of every campaign's targets.

Revision ID: 0009
Revises: 0008
Create Date: 2026-11-30 14:20:00.000000
"""

from __future__ import annotations

from alembic import op

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("probe_targets", schema=None) as batch_op:
        batch_op.create_index("ix_probe_targets_leased", ["state", "leased_until"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("probe_targets", schema=None) as batch_op:
        batch_op.drop_index("ix_probe_targets_leased")
