"""Stored decision events keep loading: golden payloads, written once, never edited.

``saved_decision_events.json`` holds one payload per event as this version stores it. When an
event gains a field (always with a default), add a new example next to the old one.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from decisionkit import make_people
from sqlalchemy import select

import jingwang.decisions.events  # noqa: F401 - registers the events
from jingwang.audit import AuditEntry, AuditLogConsumer
from jingwang.core.events import EVENT_MODULES, event_names, load_event
from jingwang.decisions.service import record_decision, withdraw_decision
from jingwang.jobs import Sequencer
from jingwang.store import Database

SAVED: list[dict[str, Any]] = json.loads(
    (Path(__file__).parent / "saved_decision_events.json").read_text(encoding="utf-8")
)


@pytest.mark.parametrize("saved", SAVED, ids=[s["name"] for s in SAVED])
def test_saved_events_still_load(saved: dict[str, Any]) -> None:
    event = load_event(saved["name"], saved["payload"])
    assert event.to_payload() == saved["payload"]
    assert event.object_type == "decision"


def test_every_decision_event_has_a_saved_example_and_is_registered() -> None:
    ours = {name for name in event_names() if name.startswith("decisions.")}
    assert ours == {s["name"] for s in SAVED}
    assert "jingwang.decisions.events" in EVENT_MODULES


def test_decisions_enter_the_audit_log(live_db: Database) -> None:
    with live_db.session() as session:
        people = make_people(session)
        decision = record_decision(session, people.reviewer, "porn.test", "porn", "nudes")
        withdraw_decision(session, people.reviewer, decision.id, "mistaken")
        decision_id = str(decision.id)
    assert Sequencer(live_db, [AuditLogConsumer()]).run().stopped_at is None
    with live_db.session() as session:
        query = select(AuditEntry).where(AuditEntry.object_type == "decision")
        entries = list(session.scalars(query.order_by(AuditEntry.seq)))
    assert [(e.action, e.object_id, e.actor_id) for e in entries] == [
        ("decisions.recorded", decision_id, "centre-reviewer"),
        ("decisions.withdrawn", decision_id, "centre-reviewer"),
    ]
    assert entries[1].summary["reason"] == "mistaken"
