"""Stored campaign events keep loading: golden payloads, written once, never edited.

``saved_campaign_events.json`` holds one payload per event of ``jingwang.probe.campaign_events``
as this version stores it. When an event gains a field (always with a default), add an example.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

import jingwang.probe.campaign_events as campaign_events
from jingwang.core.events import EVENT_MODULES, DomainEvent, load_event

SAVED: list[dict[str, Any]] = json.loads(
    (Path(__file__).parent / "saved_campaign_events.json").read_text(encoding="utf-8")
)


@pytest.mark.parametrize("saved", SAVED, ids=[s["name"] for s in SAVED])
def test_saved_campaign_events_still_load(saved: dict[str, Any]) -> None:
    event = load_event(saved["name"], saved["payload"])
    assert event.to_payload() == saved["payload"]
    assert event.object_type == "campaign"


def test_every_campaign_event_has_a_saved_example_and_is_registered() -> None:
    declared = {
        value.name
        for value in vars(campaign_events).values()
        if isinstance(value, type) and issubclass(value, DomainEvent) and "name" in vars(value)
    }
    assert declared == {s["name"] for s in SAVED}
    assert "jingwang.probe.campaign_events" in EVENT_MODULES
