"""Probing: indexes that let a claim read only what it takes.

Every claim first puts back the targets whose leases ran out (``state = 'leased' AND
leased_until < now``): without ``ix_probe_targets_leased`` that read every campaign's targets.
It then finds the campaign's due hosts and the first due targets of the hosts it chose: the due
and host indexes now hold every column those two queries read, so neither visits the table.

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


_DUE_BEFORE = ["campaign_id", "state", "not_before"]
_HOST_BEFORE = ["host"]


def upgrade() -> None:
    with op.batch_alter_table("probe_targets", schema=None) as batch_op:
        batch_op.drop_index("ix_probe_targets_due")
        batch_op.drop_index("ix_probe_targets_host")
        batch_op.create_index("ix_probe_targets_due", [*_DUE_BEFORE, "host"], unique=False)
        batch_op.create_index(
            "ix_probe_targets_host", ["host", "campaign_id", "state", "not_before"], unique=False
        )
        batch_op.create_index("ix_probe_targets_leased", ["state", "leased_until"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("probe_targets", schema=None) as batch_op:
        batch_op.drop_index("ix_probe_targets_leased")
        batch_op.drop_index("ix_probe_targets_host")
        batch_op.drop_index("ix_probe_targets_due")
        batch_op.create_index("ix_probe_targets_host", _HOST_BEFORE, unique=False)
        batch_op.create_index("ix_probe_targets_due", _DUE_BEFORE, unique=False)
