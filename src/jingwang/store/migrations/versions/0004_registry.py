"""Registry: sites, domains, ICP filings and their domains, connections, sublet edges and
imports, each fact valid on [valid_from, valid_to).

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-29 23:15:19
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from jingwang.store.base import UTCDateTime

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None

# BIGINT on PostgreSQL; SQLite only auto-increments an INTEGER primary key.
ID = sa.BigInteger().with_variant(sa.Integer(), "sqlite")


def upgrade() -> None:
    op.create_table(
        "registry_domains",
        sa.Column("id", ID, autoincrement=True, nullable=False),
        sa.Column("name", sa.String(length=253), nullable=False),
        sa.Column("registrar", sa.String(length=300), nullable=True),
        sa.Column("first_seen", sa.Date(), nullable=True),
        sa.Column("last_seen", sa.Date(), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_registry_domains")),
        sa.UniqueConstraint("name", name=op.f("uq_registry_domains_name")),
    )
    op.create_table(
        "registry_sites",
        sa.Column("id", ID, autoincrement=True, nullable=False),
        sa.Column("name", sa.String(length=300), nullable=False),
        sa.Column("operator", sa.String(length=300), nullable=True),
        sa.Column("created_at", UTCDateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_registry_sites")),
        sa.UniqueConstraint("name", name=op.f("uq_registry_sites_name")),
    )
    op.create_table(
        "registry_domain_sites",
        sa.Column("id", ID, autoincrement=True, nullable=False),
        sa.Column("domain_id", ID, nullable=False),
        sa.Column("site_id", ID, nullable=False),
        sa.Column("valid_from", sa.Date(), nullable=False),
        sa.Column("valid_to", sa.Date(), nullable=True),
        sa.ForeignKeyConstraint(
            ["domain_id"],
            ["registry_domains.id"],
            name=op.f("fk_registry_domain_sites_domain_id_registry_domains"),
        ),
        sa.ForeignKeyConstraint(
            ["site_id"],
            ["registry_sites.id"],
            name=op.f("fk_registry_domain_sites_site_id_registry_sites"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_registry_domain_sites")),
    )
    with op.batch_alter_table("registry_domain_sites", schema=None) as batch_op:
        batch_op.create_index(
            "ix_registry_domain_sites_domain", ["domain_id", "valid_from"], unique=False
        )

    op.create_table(
        "registry_imports",
        sa.Column("id", ID, autoincrement=True, nullable=False),
        sa.Column("kind", sa.String(length=32), nullable=False),
        sa.Column("mode", sa.String(length=16), nullable=False),
        sa.Column("as_of", sa.Date(), nullable=False),
        sa.Column("org_id", sa.Integer(), nullable=True),
        sa.Column("file_name", sa.String(length=300), nullable=False),
        sa.Column("file_sha256", sa.String(length=64), nullable=False),
        sa.Column("counts", sa.JSON(), nullable=False),
        sa.Column("actor", sa.String(length=200), nullable=False),
        sa.Column("created_at", UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["org_id"], ["organisations.id"], name=op.f("fk_registry_imports_org_id_organisations")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_registry_imports")),
    )
    op.create_table(
        "registry_connections",
        sa.Column("id", ID, autoincrement=True, nullable=False),
        sa.Column("provider_org_id", sa.Integer(), nullable=False),
        sa.Column("domain_id", ID, nullable=False),
        sa.Column("site_id", ID, nullable=True),
        sa.Column("ip_range", sa.String(length=64), nullable=True),
        sa.Column("server", sa.String(length=200), nullable=True),
        sa.Column("contract_ref", sa.String(length=100), nullable=True),
        sa.Column("valid_from", sa.Date(), nullable=False),
        sa.Column("valid_to", sa.Date(), nullable=True),
        sa.Column("source_import_id", ID, nullable=True),
        sa.ForeignKeyConstraint(
            ["domain_id"],
            ["registry_domains.id"],
            name=op.f("fk_registry_connections_domain_id_registry_domains"),
        ),
        sa.ForeignKeyConstraint(
            ["provider_org_id"],
            ["organisations.id"],
            name=op.f("fk_registry_connections_provider_org_id_organisations"),
        ),
        sa.ForeignKeyConstraint(
            ["site_id"],
            ["registry_sites.id"],
            name=op.f("fk_registry_connections_site_id_registry_sites"),
        ),
        sa.ForeignKeyConstraint(
            ["source_import_id"],
            ["registry_imports.id"],
            name=op.f("fk_registry_connections_source_import_id_registry_imports"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_registry_connections")),
    )
    with op.batch_alter_table("registry_connections", schema=None) as batch_op:
        batch_op.create_index(
            "ix_registry_connections_domain", ["domain_id", "valid_from"], unique=False
        )
        batch_op.create_index(
            "ix_registry_connections_provider", ["provider_org_id", "valid_to"], unique=False
        )

    op.create_table(
        "registry_icp_filings",
        sa.Column("id", ID, autoincrement=True, nullable=False),
        sa.Column("number", sa.String(length=64), nullable=False),
        sa.Column("kind", sa.String(length=32), nullable=False),
        sa.Column("holder", sa.String(length=300), nullable=False),
        sa.Column("holder_type", sa.String(length=32), nullable=True),
        sa.Column("province", sa.String(length=8), nullable=True),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("valid_from", sa.Date(), nullable=False),
        sa.Column("valid_to", sa.Date(), nullable=True),
        sa.Column("source_import_id", ID, nullable=True),
        sa.ForeignKeyConstraint(
            ["source_import_id"],
            ["registry_imports.id"],
            name=op.f("fk_registry_icp_filings_source_import_id_registry_imports"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_registry_icp_filings")),
    )
    with op.batch_alter_table("registry_icp_filings", schema=None) as batch_op:
        batch_op.create_index(
            "ix_registry_icp_filings_number", ["number", "valid_from"], unique=False
        )

    op.create_table(
        "registry_sublet_edges",
        sa.Column("id", ID, autoincrement=True, nullable=False),
        sa.Column("parent_org_id", sa.Integer(), nullable=False),
        sa.Column("child_org_id", sa.Integer(), nullable=False),
        sa.Column("ip_range", sa.String(length=64), nullable=True),
        sa.Column("evidence", sa.String(length=500), nullable=True),
        sa.Column("valid_from", sa.Date(), nullable=False),
        sa.Column("valid_to", sa.Date(), nullable=True),
        sa.Column("source_import_id", ID, nullable=True),
        sa.ForeignKeyConstraint(
            ["child_org_id"],
            ["organisations.id"],
            name=op.f("fk_registry_sublet_edges_child_org_id_organisations"),
        ),
        sa.ForeignKeyConstraint(
            ["parent_org_id"],
            ["organisations.id"],
            name=op.f("fk_registry_sublet_edges_parent_org_id_organisations"),
        ),
        sa.ForeignKeyConstraint(
            ["source_import_id"],
            ["registry_imports.id"],
            name=op.f("fk_registry_sublet_edges_source_import_id_registry_imports"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_registry_sublet_edges")),
    )
    with op.batch_alter_table("registry_sublet_edges", schema=None) as batch_op:
        batch_op.create_index(
            "ix_registry_sublet_edges_parent", ["parent_org_id", "valid_to"], unique=False
        )

    op.create_table(
        "registry_icp_filed_domains",
        sa.Column("filing_id", ID, nullable=False),
        sa.Column("domain_id", ID, nullable=False),
        sa.ForeignKeyConstraint(
            ["domain_id"],
            ["registry_domains.id"],
            name=op.f("fk_registry_icp_filed_domains_domain_id_registry_domains"),
        ),
        sa.ForeignKeyConstraint(
            ["filing_id"],
            ["registry_icp_filings.id"],
            name=op.f("fk_registry_icp_filed_domains_filing_id_registry_icp_filings"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint(
            "filing_id", "domain_id", name=op.f("pk_registry_icp_filed_domains")
        ),
    )


def downgrade() -> None:
    op.drop_table("registry_icp_filed_domains")
    with op.batch_alter_table("registry_sublet_edges", schema=None) as batch_op:
        batch_op.drop_index("ix_registry_sublet_edges_parent")

    op.drop_table("registry_sublet_edges")
    with op.batch_alter_table("registry_icp_filings", schema=None) as batch_op:
        batch_op.drop_index("ix_registry_icp_filings_number")

    op.drop_table("registry_icp_filings")
    with op.batch_alter_table("registry_connections", schema=None) as batch_op:
        batch_op.drop_index("ix_registry_connections_provider")
        batch_op.drop_index("ix_registry_connections_domain")

    op.drop_table("registry_connections")
    op.drop_table("registry_imports")
    with op.batch_alter_table("registry_domain_sites", schema=None) as batch_op:
        batch_op.drop_index("ix_registry_domain_sites_domain")

    op.drop_table("registry_domain_sites")
    op.drop_table("registry_sites")
    op.drop_table("registry_domains")
