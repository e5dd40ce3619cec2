"""Stored audit events keep loading: golden payloads, written once, never edited."""

from __future__ import annotations

import datetime as dt

import pytest

from jingwang.audit.events import AuditExported
from jingwang.core.events import EventActor, event_names, load_event

WHEN = dt.datetime(2026, 1, 2, 3, 4, 5, tzinfo=dt.UTC)
SAVED = [
    (
        "audit.exported",
        {
            "object_id": "csv",
            "occurred_at": "2026-01-02T03:04:05Z",
            "actor": {"type": "user", "id": "auditor1", "org_id": "3"},
            "request_id": "r-1",
            "rows": 12,
            "up_to_seq": 40,
            "filters": {"action": "accounts.*", "since": "2026-01-01T00:00:00+08:00"},
        },
        AuditExported(
            object_id="csv",
            occurred_at=WHEN,
            actor=EventActor(type="user", id="auditor1", org_id="3"),
            request_id="r-1",
            rows=12,
            up_to_seq=40,
            filters={"action": "accounts.*", "since": "2026-01-01T00:00:00+08:00"},
        ),
    ),
]


@pytest.mark.parametrize(("name", "payload", "expected"), SAVED, ids=[s[0] for s in SAVED])
def test_saved_events_still_load(name, payload, expected):
    assert load_event(name, payload) == expected


def test_every_audit_event_has_a_saved_example():
    assert {n for n in event_names() if n.startswith("audit.")} <= {s[0] for s in SAVED}
