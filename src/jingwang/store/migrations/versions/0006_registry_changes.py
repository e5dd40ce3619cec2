"""Registry changes: the domains and organisations each import touched, for incremental audits;
indexes on the site of domain-site rows and connections (the audits look up a site's domains).

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-30 00:30:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None

# BIGINT on PostgreSQL; SQLite only auto-increments an INTEGER primary key.
ID = sa.BigInteger().with_variant(sa.Integer(), "sqlite")


def upgrade() -> None:
    op.create_table(
        "registry_changes",
        sa.Column("id", ID, autoincrement=True, nullable=False),
        sa.Column("import_id", ID, nullable=False),
        sa.Column("domain_id", ID, nullable=True),
        sa.Column("org_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["import_id"],
            ["registry_imports.id"],
            name=op.f("fk_registry_changes_import_id_registry_imports"),
        ),
        sa.ForeignKeyConstraint(
            ["domain_id"],
            ["registry_domains.id"],
            name=op.f("fk_registry_changes_domain_id_registry_domains"),
        ),
        sa.ForeignKeyConstraint(
            ["org_id"],
            ["organisations.id"],
            name=op.f("fk_registry_changes_org_id_organisations"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_registry_changes")),
    )
    with op.batch_alter_table("registry_changes", schema=None) as batch_op:
        batch_op.create_index("ix_registry_changes_import", ["import_id"], unique=False)
        batch_op.create_index("ix_registry_changes_domain", ["domain_id"], unique=False)
        batch_op.create_index("ix_registry_changes_org", ["org_id"], unique=False)

    with op.batch_alter_table("registry_domain_sites", schema=None) as batch_op:
        batch_op.create_index("ix_registry_domain_sites_site", ["site_id"], unique=False)

    with op.batch_alter_table("registry_connections", schema=None) as batch_op:
        batch_op.create_index("ix_registry_connections_site", ["site_id"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("registry_connections", schema=None) as batch_op:
        batch_op.drop_index("ix_registry_connections_site")

    with op.batch_alter_table("registry_domain_sites", schema=None) as batch_op:
        batch_op.drop_index("ix_registry_domain_sites_site")

    with op.batch_alter_table("registry_changes", schema=None) as batch_op:
        batch_op.drop_index("ix_registry_changes_org")
        batch_op.drop_index("ix_registry_changes_domain")
        batch_op.drop_index("ix_registry_changes_import")

    op.drop_table("registry_changes")
