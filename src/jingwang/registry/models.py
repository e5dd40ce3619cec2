"""Tables of the registry: sites, domains, ICP filings, connections, sublet edges, operator
licences, promotion channels, SP services, page observations, audit runs and findings.

History is kept, never overwritten: every fact that can change (a domain's site, a filing, a
connection, a sublet edge) is a row valid on ``[valid_from, valid_to)`` (dates, ``valid_to``
empty while the fact holds). A change closes the open row and opens a new one; a record that
disappears is closed, never deleted. An audit can therefore ask what held on any date.

Organisations are referred to by id (``organisations.id``); the registry never writes to the
accounts tables. ``registry_imports`` records each accepted import, and the rows it opened
point back to it (``source_import_id``).

IP ranges are kept in normal form (``10.1.0.0/16``) and, for containment tests in SQL, as two
32-digit hexadecimal bounds (``ip_lo``/``ip_hi``, IPv4 mapped into ``::ffff:0:0/96``): text
compares in the same order as the addresses on every backend (see :func:`.cells.ip_bounds`).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import (
    JSON,
    BigInteger,
    Date,
    ForeignKey,
    Index,
    Integer,
    String,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from jingwang.store.base import Base, UTCDateTime, utcnow

# BIGINT on PostgreSQL; SQLite only auto-increments an INTEGER primary key.
_ID = BigInteger().with_variant(Integer(), "sqlite")


class RegistryImport(Base):
    """One accepted import: what kind, which mode, for whom, and what it changed."""

    __tablename__ = "registry_imports"

    id: Mapped[int] = mapped_column(_ID, primary_key=True, autoincrement=True)
    kind: Mapped[str] = mapped_column(String(32))
    mode: Mapped[str] = mapped_column(String(16))  # delta | snapshot
    as_of: Mapped[dt.date] = mapped_column(Date)
    org_id: Mapped[int | None] = mapped_column(ForeignKey("organisations.id"))
    file_name: Mapped[str] = mapped_column(String(300))
    file_sha256: Mapped[str] = mapped_column(String(64))
    counts: Mapped[dict[str, Any]] = mapped_column(JSON)
    actor: Mapped[str] = mapped_column(String(200))
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)


class Site(Base):
    """An operator's service, reachable under one or more domains."""

    __tablename__ = "registry_sites"

    id: Mapped[int] = mapped_column(_ID, primary_key=True, autoincrement=True)
    name: Mapped[str] = mapped_column(String(300), unique=True)
    operator: Mapped[str | None] = mapped_column(String(300))
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)


class Domain(Base):
    """A registrable domain (ASCII form), with its registrar and when it was seen."""

    __tablename__ = "registry_domains"

    id: Mapped[int] = mapped_column(_ID, primary_key=True, autoincrement=True)
    name: Mapped[str] = mapped_column(String(253), unique=True)
    registrar: Mapped[str | None] = mapped_column(String(300))
    first_seen: Mapped[dt.date | None] = mapped_column(Date)
    last_seen: Mapped[dt.date | None] = mapped_column(Date)


class DomainSite(Base):
    """A domain belonged to a site from ``valid_from`` until ``valid_to``."""

    __tablename__ = "registry_domain_sites"
    __table_args__ = (
        Index("ix_registry_domain_sites_domain", "domain_id", "valid_from"),
        Index("ix_registry_domain_sites_site", "site_id"),  # a site's domains (audits)
    )

    id: Mapped[int] = mapped_column(_ID, primary_key=True, autoincrement=True)
    domain_id: Mapped[int] = mapped_column(ForeignKey("registry_domains.id"))
    site_id: Mapped[int] = mapped_column(ForeignKey("registry_sites.id"))
    valid_from: Mapped[dt.date] = mapped_column(Date)
    valid_to: Mapped[dt.date | None] = mapped_column(Date)


class IcpFiling(Base):
    """One version of an ICP filing or licence (canonical number, see ``parse_icp``)."""

    __tablename__ = "registry_icp_filings"
    __table_args__ = (Index("ix_registry_icp_filings_number", "number", "valid_from"),)

    id: Mapped[int] = mapped_column(_ID, primary_key=True, autoincrement=True)
    number: Mapped[str] = mapped_column(String(64))
    kind: Mapped[str] = mapped_column(String(32))  # filing | licence | value_added_licence
    holder: Mapped[str] = mapped_column(String(300))
    holder_type: Mapped[str | None] = mapped_column(String(32))  # individual | company | …
    province: Mapped[str | None] = mapped_column(String(8))
    status: Mapped[str] = mapped_column(String(16))  # active | revoked | expired | cancelled
    valid_from: Mapped[dt.date] = mapped_column(Date)
    valid_to: Mapped[dt.date | None] = mapped_column(Date)
    source_import_id: Mapped[int | None] = mapped_column(ForeignKey("registry_imports.id"))
    # The domains this version lists: written with it in one flush (imports batch their inserts).
    filed: Mapped[list[IcpFiledDomain]] = relationship(
        cascade="all, delete-orphan", passive_deletes=True
    )


class IcpFiledDomain(Base):
    """A domain listed in one version of a filing."""

    __tablename__ = "registry_icp_filed_domains"
    __table_args__ = (Index("ix_registry_icp_filed_domains_domain", "domain_id"),)

    filing_id: Mapped[int] = mapped_column(
        ForeignKey("registry_icp_filings.id", ondelete="CASCADE"), primary_key=True
    )
    domain_id: Mapped[int] = mapped_column(ForeignKey("registry_domains.id"), primary_key=True)


class Connection(Base):
    """An access provider or reseller connected a domain (of a site) on ``[from, to)``."""

    __tablename__ = "registry_connections"
    __table_args__ = (
        Index("ix_registry_connections_domain", "domain_id", "valid_from"),
        Index("ix_registry_connections_provider", "provider_org_id", "valid_to"),
        Index("ix_registry_connections_site", "site_id"),  # the domains named for a site (audits)
    )

    id: Mapped[int] = mapped_column(_ID, primary_key=True, autoincrement=True)
    provider_org_id: Mapped[int] = mapped_column(ForeignKey("organisations.id"))
    domain_id: Mapped[int] = mapped_column(ForeignKey("registry_domains.id"))
    site_id: Mapped[int | None] = mapped_column(ForeignKey("registry_sites.id"))
    ip_range: Mapped[str | None] = mapped_column(String(64))
    ip_lo: Mapped[str | None] = mapped_column(String(32))
    ip_hi: Mapped[str | None] = mapped_column(String(32))
    customer: Mapped[str | None] = mapped_column(String(300))  # the contracting customer
    server: Mapped[str | None] = mapped_column(String(200))
    contract_ref: Mapped[str | None] = mapped_column(String(100))
    valid_from: Mapped[dt.date] = mapped_column(Date)
    valid_to: Mapped[dt.date | None] = mapped_column(Date)
    source_import_id: Mapped[int | None] = mapped_column(ForeignKey("registry_imports.id"))


class SubletEdge(Base):
    """``parent_org`` let an IP range (or server) to ``child_org`` on ``[from, to)``."""

    __tablename__ = "registry_sublet_edges"
    __table_args__ = (
        Index("ix_registry_sublet_edges_parent", "parent_org_id", "valid_to"),
        Index("ix_registry_sublet_edges_child", "child_org_id", "valid_to"),
    )

    id: Mapped[int] = mapped_column(_ID, primary_key=True, autoincrement=True)
    parent_org_id: Mapped[int] = mapped_column(ForeignKey("organisations.id"))
    child_org_id: Mapped[int] = mapped_column(ForeignKey("organisations.id"))
    ip_range: Mapped[str | None] = mapped_column(String(64))
    ip_lo: Mapped[str | None] = mapped_column(String(32))
    ip_hi: Mapped[str | None] = mapped_column(String(32))
    evidence: Mapped[str | None] = mapped_column(String(500))
    valid_from: Mapped[dt.date] = mapped_column(Date)
    valid_to: Mapped[dt.date | None] = mapped_column(Date)
    source_import_id: Mapped[int | None] = mapped_column(ForeignKey("registry_imports.id"))


class OperatorLicence(Base):
    """A telecom operating licence an organisation holds (IDC, ISP, B2 …), on ``[from, to)``.

    A reseller that lets servers or connects sites needs one; the ``unlicensed_reseller`` audit
    looks here.
    """

    __tablename__ = "registry_operator_licences"
    __table_args__ = (Index("ix_registry_operator_licences_org", "org_id", "valid_to"),)

    id: Mapped[int] = mapped_column(_ID, primary_key=True, autoincrement=True)
    org_id: Mapped[int] = mapped_column(ForeignKey("organisations.id"))
    number: Mapped[str] = mapped_column(String(64))
    kind: Mapped[str] = mapped_column(String(32))  # idc | isp | cdn | value_added | other
    status: Mapped[str] = mapped_column(String(16))  # active | revoked | expired | cancelled
    expires_on: Mapped[dt.date | None] = mapped_column(Date)
    valid_from: Mapped[dt.date] = mapped_column(Date)
    valid_to: Mapped[dt.date | None] = mapped_column(Date)
    source_import_id: Mapped[int | None] = mapped_column(ForeignKey("registry_imports.id"))


class PromotionChannel(Base):
    """A carrier's promotion channel (业务推广渠道): a partner, a channel code, landing URLs."""

    __tablename__ = "registry_channels"
    __table_args__ = (Index("ix_registry_channels_carrier", "carrier_org_id", "code", "valid_to"),)

    id: Mapped[int] = mapped_column(_ID, primary_key=True, autoincrement=True)
    carrier_org_id: Mapped[int] = mapped_column(ForeignKey("organisations.id"))
    partner_org_id: Mapped[int | None] = mapped_column(ForeignKey("organisations.id"))
    partner_name: Mapped[str] = mapped_column(String(300))
    code: Mapped[str] = mapped_column(String(64))
    status: Mapped[str] = mapped_column(String(16))  # active | suspended | terminated
    valid_from: Mapped[dt.date] = mapped_column(Date)
    valid_to: Mapped[dt.date | None] = mapped_column(Date)
    source_import_id: Mapped[int | None] = mapped_column(ForeignKey("registry_imports.id"))


class SpService(Base):
    """An SP's service billed through a carrier (手机代收费): code, billing type, landing URLs."""

    __tablename__ = "registry_sp_services"
    __table_args__ = (
        Index("ix_registry_sp_services_carrier", "carrier_org_id", "code", "valid_to"),
    )

    id: Mapped[int] = mapped_column(_ID, primary_key=True, autoincrement=True)
    carrier_org_id: Mapped[int] = mapped_column(ForeignKey("organisations.id"))
    sp_org_id: Mapped[int | None] = mapped_column(ForeignKey("organisations.id"))
    sp_name: Mapped[str] = mapped_column(String(300))
    code: Mapped[str] = mapped_column(String(64))
    name: Mapped[str | None] = mapped_column(String(300))
    billing_type: Mapped[str] = mapped_column(String(16))  # monthly | per_use | other
    status: Mapped[str] = mapped_column(String(16))  # active | suspended | terminated
    valid_from: Mapped[dt.date] = mapped_column(Date)
    valid_to: Mapped[dt.date | None] = mapped_column(Date)
    source_import_id: Mapped[int | None] = mapped_column(ForeignKey("registry_imports.id"))


class Landing(Base):
    """A landing URL of one version of a channel or SP service, with its registrable domain."""

    __tablename__ = "registry_landings"
    __table_args__ = (
        Index("ix_registry_landings_owner", "owner_kind", "owner_id"),
        Index("ix_registry_landings_domain", "domain_id"),
    )

    id: Mapped[int] = mapped_column(_ID, primary_key=True, autoincrement=True)
    owner_kind: Mapped[str] = mapped_column(String(16))  # channel | sp_service
    owner_id: Mapped[int] = mapped_column(_ID)
    url: Mapped[str] = mapped_column(String(2000))
    domain_id: Mapped[int] = mapped_column(ForeignKey("registry_domains.id"))


class ObservedNumber(Base):
    """An ICP number seen on a page of a domain (by a probe, or entered by hand)."""

    __tablename__ = "registry_observed_numbers"
    __table_args__ = (Index("ix_registry_observed_numbers_domain", "domain_id", "observed_at"),)

    id: Mapped[int] = mapped_column(_ID, primary_key=True, autoincrement=True)
    domain_id: Mapped[int] = mapped_column(ForeignKey("registry_domains.id"))
    url: Mapped[str] = mapped_column(String(2000))
    number: Mapped[str | None] = mapped_column(String(64))  # canonical; None: no number shown
    text: Mapped[str | None] = mapped_column(String(200))  # as printed, when not a valid number
    source: Mapped[str] = mapped_column(String(32))  # probe | manual | import
    capture_ref: Mapped[str | None] = mapped_column(String(100))
    observed_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)


class AuditRun(Base):
    """One run of the registry audits: full or incremental, on a date, with its counts."""

    __tablename__ = "registry_audit_runs"

    id: Mapped[int] = mapped_column(_ID, primary_key=True, autoincrement=True)
    mode: Mapped[str] = mapped_column(String(16))  # full | incremental
    on_date: Mapped[dt.date] = mapped_column(Date)
    rules: Mapped[list[str]] = mapped_column(JSON)
    counts: Mapped[dict[str, Any]] = mapped_column(JSON)
    actor: Mapped[str] = mapped_column(String(200))
    started_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
    finished_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)


class Finding(Base):
    """What an audit rule found, once per (rule, key) across runs, addressed to an organisation.

    ``state``: open → acknowledged → fixed, or false_positive; a finding that is no longer
    found is fixed by the run that no longer finds it, and reopened if found again (a false
    positive stays one).
    """

    __tablename__ = "registry_findings"
    __table_args__ = (
        UniqueConstraint("rule", "key"),
        Index("ix_registry_findings_addressee", "addressee_org_id", "state"),
        Index("ix_registry_findings_state", "state", "province"),
        Index("ix_registry_findings_domain", "domain_id"),
    )

    id: Mapped[int] = mapped_column(_ID, primary_key=True, autoincrement=True)
    rule: Mapped[str] = mapped_column(String(48))
    key: Mapped[str] = mapped_column(String(300))
    severity: Mapped[str] = mapped_column(String(16))  # critical | high | medium | low
    state: Mapped[str] = mapped_column(String(16), default="open")
    addressee_org_id: Mapped[int | None] = mapped_column(ForeignKey("organisations.id"))
    province: Mapped[str | None] = mapped_column(String(8))
    domain_id: Mapped[int | None] = mapped_column(ForeignKey("registry_domains.id"))
    subject: Mapped[str] = mapped_column(String(300))
    evidence: Mapped[dict[str, Any]] = mapped_column(JSON)
    first_run_id: Mapped[int | None] = mapped_column(ForeignKey("registry_audit_runs.id"))
    last_run_id: Mapped[int | None] = mapped_column(ForeignKey("registry_audit_runs.id"))
    first_found_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
    last_found_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
    fixed_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    reopened: Mapped[int] = mapped_column(Integer, default=0)
    state_changed_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    state_changed_by: Mapped[str | None] = mapped_column(String(200))
    note: Mapped[str | None] = mapped_column(String(1000))


class RegistryChange(Base):
    """A subject (a domain or an organisation) an import opened or closed a record of.

    Written by :func:`~.importing.import_csv` after applying; an incremental audit reads the
    changes of the imports made since the previous audit run started, so it re-checks only the
    domains and organisations they touched (see :mod:`.audits.changes`).
    """

    __tablename__ = "registry_changes"
    __table_args__ = (
        Index("ix_registry_changes_import", "import_id"),
        Index("ix_registry_changes_domain", "domain_id"),
        Index("ix_registry_changes_org", "org_id"),
    )

    id: Mapped[int] = mapped_column(_ID, primary_key=True, autoincrement=True)
    import_id: Mapped[int] = mapped_column(ForeignKey("registry_imports.id"))
    domain_id: Mapped[int | None] = mapped_column(ForeignKey("registry_domains.id"))
    org_id: Mapped[int | None] = mapped_column(ForeignKey("organisations.id"))
