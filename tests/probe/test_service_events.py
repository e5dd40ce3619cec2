"""Stored probe events keep loading: golden payloads, written once, never edited.

``saved_probe_events.json`` holds one payload per event of ``jingwang.probe.events`` as this
version stores it. When an event gains a field (always with a default), add a new example.
Events other helpers' modules declare under ``probe.`` have their own saved examples.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

import jingwang.probe.events as probe_events
from jingwang.core.events import EVENT_MODULES, DomainEvent, load_event

SAVED: list[dict[str, Any]] = json.loads(
    (Path(__file__).parent / "saved_probe_events.json").read_text(encoding="utf-8")
)


@pytest.mark.parametrize("saved", SAVED, ids=[s["name"] for s in SAVED])
def test_saved_events_still_load(saved: dict[str, Any]) -> None:
    event = load_event(saved["name"], saved["payload"])
    assert event.to_payload() == saved["payload"]
    assert event.object_type == "capture"


def test_every_event_of_the_module_has_a_saved_example_and_is_registered() -> None:
    declared = {
        value.name
        for value in vars(probe_events).values()
        if isinstance(value, type) and issubclass(value, DomainEvent) and "name" in vars(value)
    }
    assert declared == {s["name"] for s in SAVED}
    assert "jingwang.probe.events" in EVENT_MODULES
