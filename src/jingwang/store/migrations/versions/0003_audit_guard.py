"""Audit guard: signed checkpoints, the browser's indexes, and triggers that make the database
refuse UPDATE and DELETE (and TRUNCATE on PostgreSQL) on the audit tables.

A database administrator can still switch the triggers off (that is what they are: a guard
against mistakes and casual tampering, not against the owner of the database); the hash chain
and the signed checkpoints are what make such tampering visible.

SQLite loses a table's triggers when the table is re-created, which is how Alembic's batch mode
alters tables there: a later migration that batch-alters ``audit_entries`` or
``audit_checkpoints`` must create these triggers again.

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-30 09:12:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from jingwang.store.base import UTCDateTime

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None

# BIGINT on PostgreSQL; SQLite only auto-increments an INTEGER primary key.
ID = sa.BigInteger().with_variant(sa.Integer(), "sqlite")
TABLES = ("audit_entries", "audit_checkpoints")
INDEXES = (
    ("ix_audit_entries_org_id", ["org_id"]),
    ("ix_audit_entries_occurred_at", ["occurred_at"]),
    ("ix_audit_entries_actor_id", ["actor_id"]),
    ("ix_audit_entries_action", ["action"]),
    ("ix_audit_entries_object", ["object_type", "object_id"]),
    ("ix_audit_entries_request_id", ["request_id"]),
)
# The message contains "is append-only": jingwang.store.guard recognises the refusal by it.
MESSAGE = "audit log is append-only"

PG_FUNCTION = f"""
CREATE FUNCTION audit_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION '{MESSAGE}: % on % refused', TG_OP, TG_TABLE_NAME
        USING HINT = 'entries and checkpoints are only ever appended';
END
$$
"""


def upgrade() -> None:
    op.create_table(
        "audit_checkpoints",
        sa.Column("id", ID, autoincrement=True, nullable=False),
        sa.Column("seq", sa.BigInteger(), nullable=False),
        sa.Column("head_hash", sa.String(64), nullable=False),
        sa.Column("entry_count", sa.BigInteger(), nullable=False),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.Column("key_id", sa.String(64), nullable=False),
        sa.Column("signature", sa.String(128), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_audit_checkpoints")),
        sa.UniqueConstraint("seq", name=op.f("uq_audit_checkpoints_seq")),
        sqlite_autoincrement=True,
    )
    for name, columns in INDEXES:
        op.create_index(name, "audit_entries", columns)
    if op.get_bind().dialect.name == "postgresql":
        _postgresql_triggers()
    else:
        _sqlite_triggers()


def _sqlite_triggers() -> None:
    for table in TABLES:
        for operation in ("UPDATE", "DELETE"):
            op.execute(
                f"CREATE TRIGGER {table}_no_{operation.lower()} BEFORE {operation} ON {table} "
                f"BEGIN SELECT RAISE(ABORT, '{MESSAGE}'); END"
            )


def _postgresql_triggers() -> None:
    op.execute(PG_FUNCTION)
    for table in TABLES:
        op.execute(
            f"CREATE TRIGGER {table}_append_only BEFORE UPDATE OR DELETE ON {table} "
            "FOR EACH ROW EXECUTE FUNCTION audit_append_only()"
        )
        op.execute(
            f"CREATE TRIGGER {table}_no_truncate BEFORE TRUNCATE ON {table} "
            "FOR EACH STATEMENT EXECUTE FUNCTION audit_append_only()"
        )


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        for table in TABLES:
            op.execute(f"DROP TRIGGER {table}_no_truncate ON {table}")
            op.execute(f"DROP TRIGGER {table}_append_only ON {table}")
        op.execute("DROP FUNCTION audit_append_only()")
    else:
        for table in TABLES:
            for operation in ("update", "delete"):
                op.execute(f"DROP TRIGGER {table}_no_{operation}")
    for name, _ in reversed(INDEXES):
        op.drop_index(name, table_name="audit_entries")
    op.drop_table("audit_checkpoints")
