"""Events of the decisions package. Stored shapes: add fields only with defaults, never rename."""

from __future__ import annotations

from typing import ClassVar

from jingwang.core.events import DomainEvent


class DecisionRecorded(DomainEvent):
    """A verdict on a registrable domain was confirmed (``object_id``: the decision id)."""

    name: ClassVar[str] = "decisions.recorded"
    object_type: ClassVar[str] = "decision"

    domain: str
    verdict: str
    reason: str
    url: str | None = None


class DecisionWithdrawn(DomainEvent):
    """A confirmed decision was withdrawn; ``reason`` says why (the decision keeps its own)."""

    name: ClassVar[str] = "decisions.withdrawn"
    object_type: ClassVar[str] = "decision"

    domain: str
    verdict: str
    reason: str


__all__ = ["DecisionRecorded", "DecisionWithdrawn"]
