"""Events of probing campaigns. Stored shapes: add fields only with defaults, never rename.

Kept apart from :mod:`jingwang.probe.events` (captures) so the two can grow independently;
both are listed in :data:`jingwang.core.events.EVENT_MODULES`.
"""

from __future__ import annotations

from typing import ClassVar

from jingwang.core.events import DomainEvent


class CampaignCreated(DomainEvent):
    """A campaign was created (``object_id``: the campaign id)."""

    name: ClassVar[str] = "probe.campaign_created"
    object_type: ClassVar[str] = "campaign"

    campaign_name: str
    org_id: int
    profile: str
    selection: dict[str, object]
    targets: int
    rejected: int = 0
    discovery: bool = False
    interval_hours: int | None = None


class CampaignStateChanged(DomainEvent):
    """A person paused, resumed or cancelled a campaign."""

    name: ClassVar[str] = "probe.campaign_state_changed"
    object_type: ClassVar[str] = "campaign"

    state: str  # the new state: paused, running, cancelled
    previous: str
    round: int


class CampaignFinished(DomainEvent):
    """A campaign round ended: every target is done or failed."""

    name: ClassVar[str] = "probe.campaign_finished"
    object_type: ClassVar[str] = "campaign"

    round: int
    done: int
    failed: int
    next_run_at: str | None = None  # ISO time of the next round, for a scheduled campaign


class CampaignRoundStarted(DomainEvent):
    """A scheduled campaign started its next round."""

    name: ClassVar[str] = "probe.campaign_round_started"
    object_type: ClassVar[str] = "campaign"

    round: int
    targets: int


__all__ = ["CampaignCreated", "CampaignFinished", "CampaignRoundStarted", "CampaignStateChanged"]
