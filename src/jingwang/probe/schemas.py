"""Captures as the API and the command line show them: a line per capture, or the whole record.

:class:`CaptureLine` is a row of a list; :class:`CaptureDetail` adds the redirect chain, what
the page says (identifiers, images, links counted), the TLS chain and the evidence with its
digests and last verification. Both are built from rows by :func:`capture_detail` /
:meth:`CaptureLine.model_validate`, never from anonymous dicts.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from jingwang.probe.models import Capture, Evidence


class CaptureLine(BaseModel):
    """One capture in a list."""

    model_config = ConfigDict(from_attributes=True)

    id: int
    url: str
    final_url: str | None
    host: str | None
    domain: str | None
    profile: str
    outcome: str = Field(description="ok, refused, error or limit.")
    http_status: int | None
    page_kind: str | None = Field(description="wml, xhtml-mp, html, image or other.")
    title: str | None
    refused_code: str | None
    campaign_id: int | None
    requested_by: str
    started_at: dt.datetime


class EvidenceInfo(BaseModel):
    """A stored artefact of a capture: what it is, its SHA-256, its last verification."""

    model_config = ConfigDict(from_attributes=True)

    kind: str = Field(description="warc, screenshot or wml_view.")
    digest: str = Field(description="SHA-256 of the bytes, hex: the blob's address.")
    size: int
    media_type: str
    verified_at: dt.datetime | None
    verify_state: str | None = Field(description="passed, failed, unknown or null (never).")
    problems: list[str] | None


class Hop(BaseModel):
    url: str
    via: str = Field(description="start, http, meta_refresh, wml_ontimer, … (types.Via).")
    status: int | None = None
    delay_seconds: float = 0.0
    refused: str | None = None


class ImageInfo(BaseModel):
    url: str
    media_type: str | None = None
    size: int | None = None
    status: int | None = None
    width: int | None = None
    height: int | None = None
    refused: str | None = None
    limit_hit: str | None = None


class IdentifierInfo(BaseModel):
    kind: str
    value: str
    raw: str
    source: str = "text"
    problems: list[str] = Field(default_factory=list)


class CaptureDetail(CaptureLine):
    """One capture with its chain, what its page says, its TLS chain and its evidence."""

    content_type: str | None
    charset: str | None
    ip: str | None
    limit_hit: str | None
    refused: str | None
    error: str | None
    org_id: int | None
    finished_at: dt.datetime
    chain: list[Hop]
    identifiers: list[IdentifierInfo]
    images: list[ImageInfo]
    links: int = Field(description="How many links the page has (the summary lists them).")
    discovered_hosts: list[str]
    tls: dict[str, Any] | None
    evidence: list[EvidenceInfo]
    summary: dict[str, Any] = Field(description="The parsed page as stored (PageSummary).")


def capture_detail(capture: Capture, evidence: list[Evidence]) -> CaptureDetail:
    """The detail view of ``capture`` with its ``evidence`` rows."""
    summary = capture.summary or {}
    line = CaptureLine.model_validate(capture).model_dump()
    return CaptureDetail(
        **line,
        content_type=capture.content_type,
        charset=capture.charset,
        ip=capture.ip,
        limit_hit=capture.limit_hit,
        refused=capture.refused,
        error=capture.error,
        org_id=capture.org_id,
        finished_at=capture.finished_at,
        chain=[Hop.model_validate(hop) for hop in capture.chain or []],
        identifiers=[IdentifierInfo.model_validate(i) for i in summary.get("identifiers", [])],
        images=[ImageInfo.model_validate(i) for i in summary.get("subresources", [])],
        links=len(summary.get("links", [])),
        discovered_hosts=list(summary.get("discovered_hosts", [])),
        tls=capture.tls,
        evidence=[EvidenceInfo.model_validate(row) for row in evidence],
        summary=summary,
    )


__all__ = [
    "CaptureDetail",
    "CaptureLine",
    "EvidenceInfo",
    "Hop",
    "IdentifierInfo",
    "ImageInfo",
    "capture_detail",
]
