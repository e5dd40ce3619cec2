"""Stored registry events keep loading: golden payloads, written once, never edited.

``saved_registry_events.json`` holds one payload per event as this version stores it. When an
event gains a field (always with a default), add a new example next to the old one.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from jingwang.core.events import event_names, load_event

SAVED: list[dict[str, Any]] = json.loads(
    (Path(__file__).parent / "saved_registry_events.json").read_text(encoding="utf-8")
)


@pytest.mark.parametrize("saved", SAVED, ids=[s["name"] for s in SAVED])
def test_saved_events_still_load(saved: dict[str, Any]) -> None:
    event = load_event(saved["name"], saved["payload"])
    assert event.to_payload() == saved["payload"]
    assert event.object_type.startswith("registry_")


def test_every_registry_event_has_a_saved_example() -> None:
    import jingwang.registry.events  # noqa: F401 - registers the events

    ours = {name for name in event_names() if name.startswith("registry.")}
    assert ours == {s["name"] for s in SAVED}
