"""The prober's tables: captures and their evidence, campaigns, the frontier, hosts, candidates.

- ``probe_captures``: one row per probe of one URL (the capture): outcome, redirect chain, the
  parsed summary, who asked. A capture made for a campaign target is unique per (target, round),
  so a runner killed after recording a capture never records it twice.
- ``probe_evidence``: the stored artefacts of a capture (the WARC file, a screenshot, the WML
  view), each addressed by SHA-256 in the blob store, with its last verification.
- ``probe_campaigns`` and ``probe_targets``: a campaign's URLs are the DB-backed frontier; a
  runner claims a batch of due targets whose hosts are free (``probe_hosts``: politeness per
  host, shared by every runner), so millions of URLs never become millions of queued jobs.
- ``probe_candidates``: hosts seen in links and redirects that no campaign asked for
  (discovery mode).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column

from jingwang.store.base import Base, UTCDateTime, utcnow

_ID = BigInteger().with_variant(Integer(), "sqlite")

CAMPAIGN_STATES = ("queued", "running", "paused", "done", "cancelled")
TARGET_STATES = ("queued", "leased", "done", "failed")
EVIDENCE_KINDS = ("warc", "screenshot", "wml_view")
VERIFY_STATES = ("passed", "failed", "unknown")


class Campaign(Base):
    """A set of URLs probed together, from a list or a registry selection, maybe on a schedule."""

    __tablename__ = "probe_campaigns"

    id: Mapped[int] = mapped_column(_ID, primary_key=True, autoincrement=True)
    name: Mapped[str] = mapped_column(String(200))
    org_id: Mapped[int] = mapped_column(ForeignKey("organisations.id"))
    created_by: Mapped[str] = mapped_column(String(200))
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
    profile: Mapped[str] = mapped_column(String(40))
    # {"kind": "list"} or {"kind": "provider_sites", "org_id": 7} or {"kind": "channels"} …
    selection: Mapped[dict[str, Any]] = mapped_column(JSON)
    state: Mapped[str] = mapped_column(String(16), default="queued")
    discovery: Mapped[bool] = mapped_column(Boolean, default=False)
    interval_hours: Mapped[int | None] = mapped_column(Integer)  # re-probe every N hours
    round: Mapped[int] = mapped_column(Integer, default=1)
    next_run_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    started_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    finished_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    job_id: Mapped[int | None] = mapped_column(_ID)  # the runner job of the current round
    note: Mapped[str | None] = mapped_column(Text)


class Target(Base):
    """One URL of a campaign: the frontier row a runner claims, fetches and marks done."""

    __tablename__ = "probe_targets"
    __table_args__ = (
        UniqueConstraint("campaign_id", "url"),
        # Claims read these without the table: a campaign's due hosts (campaign, state, due,
        # host), and the due targets of the hosts they chose (host, campaign, state, due).
        Index("ix_probe_targets_due", "campaign_id", "state", "not_before", "host"),
        Index("ix_probe_targets_host", "host", "campaign_id", "state", "not_before"),
        Index("ix_probe_targets_leased", "state", "leased_until"),  # run-out leases, each claim
    )

    id: Mapped[int] = mapped_column(_ID, primary_key=True, autoincrement=True)
    campaign_id: Mapped[int] = mapped_column(ForeignKey("probe_campaigns.id"))
    url: Mapped[str] = mapped_column(String(2000))
    host: Mapped[str] = mapped_column(String(253))
    state: Mapped[str] = mapped_column(String(16), default="queued")
    round: Mapped[int] = mapped_column(Integer, default=1)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    not_before: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
    leased_until: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    lease_token: Mapped[str | None] = mapped_column(String(40))
    capture_id: Mapped[int | None] = mapped_column(_ID)
    outcome: Mapped[str | None] = mapped_column(String(16))
    error: Mapped[str | None] = mapped_column(Text)
    source: Mapped[str | None] = mapped_column(String(200))  # what selected it (site id, channel)
    updated_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)


class HostState(Base):
    """Politeness per host, shared by every runner: when it may next be asked, and back-off."""

    __tablename__ = "probe_hosts"

    host: Mapped[str] = mapped_column(String(253), primary_key=True)
    next_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
    inflight: Mapped[int] = mapped_column(Integer, default=0)
    backoff_seconds: Mapped[float] = mapped_column(default=0.0)
    last_status: Mapped[int | None] = mapped_column(Integer)
    updated_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)


class Capture(Base):
    """One probe of one URL: what happened, the chain, what the page says, who asked."""

    __tablename__ = "probe_captures"
    __table_args__ = (
        UniqueConstraint("target_id", "round"),
        Index("ix_probe_captures_domain", "domain", "started_at"),
        Index("ix_probe_captures_campaign", "campaign_id", "id"),
    )

    id: Mapped[int] = mapped_column(_ID, primary_key=True, autoincrement=True)
    url: Mapped[str] = mapped_column(String(2000))
    host: Mapped[str | None] = mapped_column(String(253))
    domain: Mapped[str | None] = mapped_column(String(253))  # registrable, of the start URL
    final_url: Mapped[str | None] = mapped_column(String(2000))
    profile: Mapped[str] = mapped_column(String(40))
    outcome: Mapped[str] = mapped_column(String(16))
    http_status: Mapped[int | None] = mapped_column(Integer)
    content_type: Mapped[str | None] = mapped_column(String(200))
    page_kind: Mapped[str | None] = mapped_column(String(16))
    charset: Mapped[str | None] = mapped_column(String(40))
    title: Mapped[str | None] = mapped_column(String(500))
    ip: Mapped[str | None] = mapped_column(String(45))
    limit_hit: Mapped[str | None] = mapped_column(String(32))
    refused: Mapped[str | None] = mapped_column(Text)
    refused_code: Mapped[str | None] = mapped_column(String(64))
    error: Mapped[str | None] = mapped_column(Text)
    chain: Mapped[list[dict[str, Any]]] = mapped_column(JSON)  # the hops, in order
    summary: Mapped[dict[str, Any]] = mapped_column(JSON)  # PageSummary.to_json() and images
    tls: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    org_id: Mapped[int | None] = mapped_column(ForeignKey("organisations.id"))
    requested_by: Mapped[str] = mapped_column(String(200))
    campaign_id: Mapped[int | None] = mapped_column(ForeignKey("probe_campaigns.id"))
    target_id: Mapped[int | None] = mapped_column(_ID)
    round: Mapped[int | None] = mapped_column(Integer)
    started_at: Mapped[dt.datetime] = mapped_column(UTCDateTime)
    finished_at: Mapped[dt.datetime] = mapped_column(UTCDateTime)
    recorded_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)


class Evidence(Base):
    """A stored artefact of a capture, addressed by the SHA-256 of its bytes."""

    __tablename__ = "probe_evidence"
    __table_args__ = (
        UniqueConstraint("capture_id", "kind"),
        Index("ix_probe_evidence_digest", "digest"),
    )

    id: Mapped[int] = mapped_column(_ID, primary_key=True, autoincrement=True)
    capture_id: Mapped[int] = mapped_column(ForeignKey("probe_captures.id"))
    kind: Mapped[str] = mapped_column(String(16))  # warc, screenshot, wml_view
    digest: Mapped[str] = mapped_column(String(64))
    size: Mapped[int] = mapped_column(BigInteger)
    media_type: Mapped[str] = mapped_column(String(100))
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
    verified_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    verify_state: Mapped[str | None] = mapped_column(String(16))
    problems: Mapped[list[str] | None] = mapped_column(JSON)


class Candidate(Base):
    """A host seen in a link or redirect of a capture, that no campaign had asked for."""

    __tablename__ = "probe_candidates"

    id: Mapped[int] = mapped_column(_ID, primary_key=True, autoincrement=True)
    host: Mapped[str] = mapped_column(String(253), unique=True)
    domain: Mapped[str | None] = mapped_column(String(253))
    first_seen_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
    last_seen_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
    seen_count: Mapped[int] = mapped_column(Integer, default=1)
    first_capture_id: Mapped[int | None] = mapped_column(_ID)
    campaign_id: Mapped[int | None] = mapped_column(_ID)
    source_url: Mapped[str | None] = mapped_column(String(2000))
    state: Mapped[str] = mapped_column(String(16), default="new")  # new, queued, ignored


__all__ = [
    "CAMPAIGN_STATES",
    "EVIDENCE_KINDS",
    "TARGET_STATES",
    "VERIFY_STATES",
    "Campaign",
    "Candidate",
    "Capture",
    "Evidence",
    "HostState",
    "Target",
]
