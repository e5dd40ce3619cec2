"""Events of the prober's captures. Stored shapes: add fields only with defaults, never rename."""

from __future__ import annotations

from typing import ClassVar

from jingwang.core.events import DomainEvent


class EvidenceCaptured(DomainEvent):
    """A probe was recorded as a capture with its WARC (``object_id``: the capture id).

    Refused probes are recorded too (``outcome`` ``refused``, ``refused_code`` says why), so a
    refusal is on record like any other capture.
    """

    name: ClassVar[str] = "probe.captured"
    object_type: ClassVar[str] = "capture"

    url: str
    outcome: str
    warc_digest: str
    final_url: str | None = None
    http_status: int | None = None
    refused_code: str | None = None
    campaign_id: int | None = None


__all__ = ["EvidenceCaptured"]
