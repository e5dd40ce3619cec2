"""Events of detection. Stored shapes: add fields only with defaults, never rename."""

from __future__ import annotations

from typing import ClassVar

from jingwang.core.events import DomainEvent


class VerdictReached(DomainEvent):
    """The machine judged a capture or a site (``object_id``: the verdict id).

    A verdict only ranks and proposes; review and decisions read these events, they never act
    by themselves.
    """

    name: ClassVar[str] = "classify.verdict_reached"
    object_type: ClassVar[str] = "verdict"

    subject: str  # capture, site
    capture_id: int | None = None
    domain: str | None = None
    label: str
    score: float
    previous_label: str | None = None
    versions_key: str = ""
    run_id: int | None = None


class RescoreFinished(DomainEvent):
    """A re-scoring run finished (``object_id``: the run id)."""

    name: ClassVar[str] = "classify.rescore_finished"
    object_type: ClassVar[str] = "classify_run"

    state: str
    total: int
    changed: int
    versions_key: str = ""


class KnownHashesImported(DomainEvent):
    """A list of known-image PDQ hashes was imported (``object_id``: the source's name)."""

    name: ClassVar[str] = "classify.hashes_imported"
    object_type: ClassVar[str] = "known_hashes"

    source: str
    label: str
    added: int
    known: int = 0


class KnownHashDeleted(DomainEvent):
    """A known-image hash was forgotten (``object_id``: its id)."""

    name: ClassVar[str] = "classify.hash_deleted"
    object_type: ClassVar[str] = "known_hash"

    pdq: str
    source: str
    label: str


__all__ = ["KnownHashDeleted", "KnownHashesImported", "RescoreFinished", "VerdictReached"]
