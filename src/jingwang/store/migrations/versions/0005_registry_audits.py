"""Registry audits: operator licences, promotion channels, SP services and their landing URLs,
ICP numbers seen on pages, audit runs and findings; connection customers and IP bounds; the
decisions table (confirmed verdicts on domains).

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-30 00:09:12
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from jingwang.store.base import UTCDateTime

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None

# BIGINT on PostgreSQL; SQLite only auto-increments an INTEGER primary key.
ID = sa.BigInteger().with_variant(sa.Integer(), "sqlite")


def upgrade() -> None:
    op.create_table(
        "registry_audit_runs",
        sa.Column("id", ID, autoincrement=True, nullable=False),
        sa.Column("mode", sa.String(length=16), nullable=False),
        sa.Column("on_date", sa.Date(), nullable=False),
        sa.Column("rules", sa.JSON(), nullable=False),
        sa.Column("counts", sa.JSON(), nullable=False),
        sa.Column("actor", sa.String(length=200), nullable=False),
        sa.Column("started_at", UTCDateTime(timezone=True), nullable=False),
        sa.Column("finished_at", UTCDateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_registry_audit_runs")),
    )
    op.create_table(
        "registry_landings",
        sa.Column("id", ID, autoincrement=True, nullable=False),
        sa.Column("owner_kind", sa.String(length=16), nullable=False),
        sa.Column("owner_id", ID, nullable=False),
        sa.Column("url", sa.String(length=2000), nullable=False),
        sa.Column("domain_id", ID, nullable=False),
        sa.ForeignKeyConstraint(
            ["domain_id"],
            ["registry_domains.id"],
            name=op.f("fk_registry_landings_domain_id_registry_domains"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_registry_landings")),
    )
    with op.batch_alter_table("registry_landings", schema=None) as batch_op:
        batch_op.create_index("ix_registry_landings_domain", ["domain_id"], unique=False)
        batch_op.create_index(
            "ix_registry_landings_owner", ["owner_kind", "owner_id"], unique=False
        )

    op.create_table(
        "registry_observed_numbers",
        sa.Column("id", ID, autoincrement=True, nullable=False),
        sa.Column("domain_id", ID, nullable=False),
        sa.Column("url", sa.String(length=2000), nullable=False),
        sa.Column("number", sa.String(length=64), nullable=True),
        sa.Column("text", sa.String(length=200), nullable=True),
        sa.Column("source", sa.String(length=32), nullable=False),
        sa.Column("capture_ref", sa.String(length=100), nullable=True),
        sa.Column("observed_at", UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["domain_id"],
            ["registry_domains.id"],
            name=op.f("fk_registry_observed_numbers_domain_id_registry_domains"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_registry_observed_numbers")),
    )
    with op.batch_alter_table("registry_observed_numbers", schema=None) as batch_op:
        batch_op.create_index(
            "ix_registry_observed_numbers_domain", ["domain_id", "observed_at"], unique=False
        )

    op.create_table(
        "decisions",
        sa.Column("id", ID, autoincrement=True, nullable=False),
        sa.Column("domain", sa.String(length=253), nullable=False),
        sa.Column("url", sa.String(length=2000), nullable=True),
        sa.Column("verdict", sa.String(length=16), nullable=False),
        sa.Column("state", sa.String(length=16), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("org_id", sa.Integer(), nullable=True),
        sa.Column("decided_by", sa.String(length=200), nullable=False),
        sa.Column("decided_at", UTCDateTime(timezone=True), nullable=False),
        sa.Column("withdrawn_at", UTCDateTime(timezone=True), nullable=True),
        sa.Column("withdrawn_by", sa.String(length=200), nullable=True),
        sa.ForeignKeyConstraint(
            ["org_id"], ["organisations.id"], name=op.f("fk_decisions_org_id_organisations")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_decisions")),
    )
    with op.batch_alter_table("decisions", schema=None) as batch_op:
        batch_op.create_index("ix_decisions_domain", ["domain", "state"], unique=False)

    op.create_table(
        "registry_findings",
        sa.Column("id", ID, autoincrement=True, nullable=False),
        sa.Column("rule", sa.String(length=48), nullable=False),
        sa.Column("key", sa.String(length=300), nullable=False),
        sa.Column("severity", sa.String(length=16), nullable=False),
        sa.Column("state", sa.String(length=16), nullable=False),
        sa.Column("addressee_org_id", sa.Integer(), nullable=True),
        sa.Column("province", sa.String(length=8), nullable=True),
        sa.Column("domain_id", ID, nullable=True),
        sa.Column("subject", sa.String(length=300), nullable=False),
        sa.Column("evidence", sa.JSON(), nullable=False),
        sa.Column("first_run_id", ID, nullable=True),
        sa.Column("last_run_id", ID, nullable=True),
        sa.Column("first_found_at", UTCDateTime(timezone=True), nullable=False),
        sa.Column("last_found_at", UTCDateTime(timezone=True), nullable=False),
        sa.Column("fixed_at", UTCDateTime(timezone=True), nullable=True),
        sa.Column("reopened", sa.Integer(), nullable=False),
        sa.Column("state_changed_at", UTCDateTime(timezone=True), nullable=True),
        sa.Column("state_changed_by", sa.String(length=200), nullable=True),
        sa.Column("note", sa.String(length=1000), nullable=True),
        sa.ForeignKeyConstraint(
            ["addressee_org_id"],
            ["organisations.id"],
            name=op.f("fk_registry_findings_addressee_org_id_organisations"),
        ),
        sa.ForeignKeyConstraint(
            ["domain_id"],
            ["registry_domains.id"],
            name=op.f("fk_registry_findings_domain_id_registry_domains"),
        ),
        sa.ForeignKeyConstraint(
            ["first_run_id"],
            ["registry_audit_runs.id"],
            name=op.f("fk_registry_findings_first_run_id_registry_audit_runs"),
        ),
        sa.ForeignKeyConstraint(
            ["last_run_id"],
            ["registry_audit_runs.id"],
            name=op.f("fk_registry_findings_last_run_id_registry_audit_runs"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_registry_findings")),
        sa.UniqueConstraint("rule", "key", name=op.f("uq_registry_findings_rule_key")),
    )
    with op.batch_alter_table("registry_findings", schema=None) as batch_op:
        batch_op.create_index(
            "ix_registry_findings_addressee", ["addressee_org_id", "state"], unique=False
        )
        batch_op.create_index("ix_registry_findings_domain", ["domain_id"], unique=False)
        batch_op.create_index("ix_registry_findings_state", ["state", "province"], unique=False)

    op.create_table(
        "registry_channels",
        sa.Column("id", ID, autoincrement=True, nullable=False),
        sa.Column("carrier_org_id", sa.Integer(), nullable=False),
        sa.Column("partner_org_id", sa.Integer(), nullable=True),
        sa.Column("partner_name", sa.String(length=300), nullable=False),
        sa.Column("code", sa.String(length=64), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("valid_from", sa.Date(), nullable=False),
        sa.Column("valid_to", sa.Date(), nullable=True),
        sa.Column("source_import_id", ID, nullable=True),
        sa.ForeignKeyConstraint(
            ["carrier_org_id"],
            ["organisations.id"],
            name=op.f("fk_registry_channels_carrier_org_id_organisations"),
        ),
        sa.ForeignKeyConstraint(
            ["partner_org_id"],
            ["organisations.id"],
            name=op.f("fk_registry_channels_partner_org_id_organisations"),
        ),
        sa.ForeignKeyConstraint(
            ["source_import_id"],
            ["registry_imports.id"],
            name=op.f("fk_registry_channels_source_import_id_registry_imports"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_registry_channels")),
    )
    with op.batch_alter_table("registry_channels", schema=None) as batch_op:
        batch_op.create_index(
            "ix_registry_channels_carrier", ["carrier_org_id", "code", "valid_to"], unique=False
        )

    op.create_table(
        "registry_operator_licences",
        sa.Column("id", ID, autoincrement=True, nullable=False),
        sa.Column("org_id", sa.Integer(), nullable=False),
        sa.Column("number", sa.String(length=64), nullable=False),
        sa.Column("kind", sa.String(length=32), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("expires_on", sa.Date(), nullable=True),
        sa.Column("valid_from", sa.Date(), nullable=False),
        sa.Column("valid_to", sa.Date(), nullable=True),
        sa.Column("source_import_id", ID, nullable=True),
        sa.ForeignKeyConstraint(
            ["org_id"],
            ["organisations.id"],
            name=op.f("fk_registry_operator_licences_org_id_organisations"),
        ),
        sa.ForeignKeyConstraint(
            ["source_import_id"],
            ["registry_imports.id"],
            name=op.f("fk_registry_operator_licences_source_import_id_registry_imports"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_registry_operator_licences")),
    )
    with op.batch_alter_table("registry_operator_licences", schema=None) as batch_op:
        batch_op.create_index(
            "ix_registry_operator_licences_org", ["org_id", "valid_to"], unique=False
        )

    op.create_table(
        "registry_sp_services",
        sa.Column("id", ID, autoincrement=True, nullable=False),
        sa.Column("carrier_org_id", sa.Integer(), nullable=False),
        sa.Column("sp_org_id", sa.Integer(), nullable=True),
        sa.Column("sp_name", sa.String(length=300), nullable=False),
        sa.Column("code", sa.String(length=64), nullable=False),
        sa.Column("name", sa.String(length=300), nullable=True),
        sa.Column("billing_type", sa.String(length=16), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("valid_from", sa.Date(), nullable=False),
        sa.Column("valid_to", sa.Date(), nullable=True),
        sa.Column("source_import_id", ID, nullable=True),
        sa.ForeignKeyConstraint(
            ["carrier_org_id"],
            ["organisations.id"],
            name=op.f("fk_registry_sp_services_carrier_org_id_organisations"),
        ),
        sa.ForeignKeyConstraint(
            ["source_import_id"],
            ["registry_imports.id"],
            name=op.f("fk_registry_sp_services_source_import_id_registry_imports"),
        ),
        sa.ForeignKeyConstraint(
            ["sp_org_id"],
            ["organisations.id"],
            name=op.f("fk_registry_sp_services_sp_org_id_organisations"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_registry_sp_services")),
    )
    with op.batch_alter_table("registry_sp_services", schema=None) as batch_op:
        batch_op.create_index(
            "ix_registry_sp_services_carrier", ["carrier_org_id", "code", "valid_to"], unique=False
        )

    with op.batch_alter_table("registry_connections", schema=None) as batch_op:
        batch_op.add_column(sa.Column("ip_lo", sa.String(length=32), nullable=True))
        batch_op.add_column(sa.Column("ip_hi", sa.String(length=32), nullable=True))
        batch_op.add_column(sa.Column("customer", sa.String(length=300), nullable=True))

    with op.batch_alter_table("registry_icp_filed_domains", schema=None) as batch_op:
        batch_op.create_index("ix_registry_icp_filed_domains_domain", ["domain_id"], unique=False)

    with op.batch_alter_table("registry_sublet_edges", schema=None) as batch_op:
        batch_op.add_column(sa.Column("ip_lo", sa.String(length=32), nullable=True))
        batch_op.add_column(sa.Column("ip_hi", sa.String(length=32), nullable=True))
        batch_op.create_index(
            "ix_registry_sublet_edges_child", ["child_org_id", "valid_to"], unique=False
        )


def downgrade() -> None:
    with op.batch_alter_table("registry_sublet_edges", schema=None) as batch_op:
        batch_op.drop_index("ix_registry_sublet_edges_child")
        batch_op.drop_column("ip_hi")
        batch_op.drop_column("ip_lo")

    with op.batch_alter_table("registry_icp_filed_domains", schema=None) as batch_op:
        batch_op.drop_index("ix_registry_icp_filed_domains_domain")

    with op.batch_alter_table("registry_connections", schema=None) as batch_op:
        batch_op.drop_column("customer")
        batch_op.drop_column("ip_hi")
        batch_op.drop_column("ip_lo")

    with op.batch_alter_table("registry_sp_services", schema=None) as batch_op:
        batch_op.drop_index("ix_registry_sp_services_carrier")

    op.drop_table("registry_sp_services")
    with op.batch_alter_table("registry_operator_licences", schema=None) as batch_op:
        batch_op.drop_index("ix_registry_operator_licences_org")

    op.drop_table("registry_operator_licences")
    with op.batch_alter_table("registry_channels", schema=None) as batch_op:
        batch_op.drop_index("ix_registry_channels_carrier")

    op.drop_table("registry_channels")
    with op.batch_alter_table("registry_findings", schema=None) as batch_op:
        batch_op.drop_index("ix_registry_findings_state")
        batch_op.drop_index("ix_registry_findings_domain")
        batch_op.drop_index("ix_registry_findings_addressee")

    op.drop_table("registry_findings")
    with op.batch_alter_table("decisions", schema=None) as batch_op:
        batch_op.drop_index("ix_decisions_domain")

    op.drop_table("decisions")
    with op.batch_alter_table("registry_observed_numbers", schema=None) as batch_op:
        batch_op.drop_index("ix_registry_observed_numbers_domain")

    op.drop_table("registry_observed_numbers")
    with op.batch_alter_table("registry_landings", schema=None) as batch_op:
        batch_op.drop_index("ix_registry_landings_owner")
        batch_op.drop_index("ix_registry_landings_domain")

    op.drop_table("registry_landings")
    op.drop_table("registry_audit_runs")
