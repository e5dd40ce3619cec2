"""Tables of the registry: sites, domains, ICP filings, connections and sublet edges.

History is kept, never overwritten: every fact that can change (a domain's site, a filing, a
connection, a sublet edge) is a row valid on ``[valid_from, valid_to)`` (dates, ``valid_to``
empty while the fact holds). A change closes the open row and opens a new one; a record that
disappears is closed, never deleted. An audit can therefore ask what held on any date.

Organisations are referred to by id (``organisations.id``); the registry never writes to the
accounts tables. ``registry_imports`` records each accepted import, and the rows it opened
point back to it (``source_import_id``).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import JSON, BigInteger, Date, ForeignKey, Index, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

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
    __table_args__ = (Index("ix_registry_domain_sites_domain", "domain_id", "valid_from"),)

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


class IcpFiledDomain(Base):
    """A domain listed in one version of a filing."""

    __tablename__ = "registry_icp_filed_domains"

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
    )

    id: Mapped[int] = mapped_column(_ID, primary_key=True, autoincrement=True)
    provider_org_id: Mapped[int] = mapped_column(ForeignKey("organisations.id"))
    domain_id: Mapped[int] = mapped_column(ForeignKey("registry_domains.id"))
    site_id: Mapped[int | None] = mapped_column(ForeignKey("registry_sites.id"))
    ip_range: Mapped[str | None] = mapped_column(String(64))
    server: Mapped[str | None] = mapped_column(String(200))
    contract_ref: Mapped[str | None] = mapped_column(String(100))
    valid_from: Mapped[dt.date] = mapped_column(Date)
    valid_to: Mapped[dt.date | None] = mapped_column(Date)
    source_import_id: Mapped[int | None] = mapped_column(ForeignKey("registry_imports.id"))


class SubletEdge(Base):
    """``parent_org`` let an IP range (or server) to ``child_org`` on ``[from, to)``."""

    __tablename__ = "registry_sublet_edges"
    __table_args__ = (Index("ix_registry_sublet_edges_parent", "parent_org_id", "valid_to"),)

    id: Mapped[int] = mapped_column(_ID, primary_key=True, autoincrement=True)
    parent_org_id: Mapped[int] = mapped_column(ForeignKey("organisations.id"))
    child_org_id: Mapped[int] = mapped_column(ForeignKey("organisations.id"))
    ip_range: Mapped[str | None] = mapped_column(String(64))
    evidence: Mapped[str | None] = mapped_column(String(500))
    valid_from: Mapped[dt.date] = mapped_column(Date)
    valid_to: Mapped[dt.date | None] = mapped_column(Date)
    source_import_id: Mapped[int | None] = mapped_column(ForeignKey("registry_imports.id"))
