"""Stored accounts events keep loading: golden payloads, written once, never edited.

``saved_events.json`` holds one payload per event as this version stores it. When an event gains
a field (always with a default), add a new example next to the old one; never change an old one.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from jingwang.core.events import event_names, load_event

SAVED = json.loads((Path(__file__).parent / "saved_events.json").read_text(encoding="utf-8"))


@pytest.mark.parametrize("saved", SAVED, ids=[s["name"] for s in SAVED])
def test_saved_events_still_load(saved):
    event = load_event(saved["name"], saved["payload"])
    assert event.to_payload() == saved["payload"]
    assert event.object_type


def test_every_accounts_event_has_a_saved_example():
    import jingwang.accounts.events  # noqa: F401 - registers the events

    ours = {name for name in event_names() if name.startswith("accounts.")}
    assert ours == {s["name"] for s in SAVED}


def test_no_secret_field_in_any_event():
    for saved in SAVED:
        keys = set(saved["payload"])
        assert not keys & {"password", "password_hash", "token", "secret", "totp_secret"}
