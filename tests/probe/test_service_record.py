"""record_probe: a probe result becomes a capture with its evidence and event, once."""

from __future__ import annotations

import gzip
import hashlib
from collections.abc import Iterator
from pathlib import Path

import pytest
from servicekit import People, html_result, make_people, refused_result, wml_result
from sqlalchemy import select
from sqlalchemy.orm import Session

from jingwang.accounts.errors import AccessDenied
from jingwang.core.events import load_event
from jingwang.probe.errors import CaptureNotFound, EvidenceNotFound
from jingwang.probe.events import EvidenceCaptured
from jingwang.probe.models import Capture
from jingwang.probe.service import (
    evidence_bytes,
    evidence_of,
    get_capture,
    list_captures,
    record_probe,
)
from jingwang.store import Database, FileBlobStore
from jingwang.store.outbox import OutboxEvent

PNG = b"\x89PNG\r\n\x1a\n not really a png, but bytes to keep"


@pytest.fixture
def session(db: Database) -> Iterator[Session]:
    with db.session() as s:
        yield s


@pytest.fixture
def blobs(tmp_path: Path) -> FileBlobStore:
    return FileBlobStore(tmp_path / "blobs")


@pytest.fixture
def people(session: Session) -> People:
    return make_people(session)


def _events(session: Session) -> list[EvidenceCaptured]:
    rows = session.scalars(select(OutboxEvent).where(OutboxEvent.name == "probe.captured"))
    found = [load_event(row.name, row.payload) for row in rows]
    return [event for event in found if isinstance(event, EvidenceCaptured)]


def test_a_wml_probe_is_recorded_with_its_warc_view_and_event(
    session: Session, blobs: FileBlobStore
) -> None:
    capture = record_probe(session, blobs, wml_result(), actor_name="tester", org_id=None)
    assert (capture.host, capture.domain, capture.outcome) == ("wap.hot.test", "hot.test", "ok")
    assert capture.final_url == "http://wap.hot.test/deck.wml"
    assert (capture.http_status, capture.content_type) == (200, "text/vnd.wap.wml")
    assert (capture.page_kind, capture.charset, capture.title) == ("wml", "utf-8", "Hot")
    assert [(hop["via"], hop["status"]) for hop in capture.chain] == [("start", 302), ("http", 200)]
    assert capture.summary["identifiers"][0]["value"] == "12345678"
    sub = capture.summary["subresources"][0]
    assert (sub["media_type"], sub["size"], sub["width"], sub["height"]) == (
        "image/vnd.wap.wbmp",
        5,
        1,
        1,
    )
    assert capture.summary["discovered_hosts"] == ["other.test"]
    rows = evidence_of(session, capture)
    assert [row.kind for row in rows] == ["warc", "wml_view"]
    for row in rows:
        data = blobs.get(row.digest)
        assert hashlib.sha256(data).hexdigest() == row.digest
        assert len(data) == row.size
    warc = blobs.get(rows[0].digest)
    assert b"WARC/1.1" in gzip.decompress(warc)
    view = blobs.get(rows[1].digest).decode()
    assert "QQ 12345678" in view
    assert "<script" not in view.lower()
    (event,) = _events(session)
    assert (event.object_id, event.outcome, event.warc_digest) == (
        str(capture.id),
        "ok",
        rows[0].digest,
    )


def test_a_screenshot_is_kept_as_evidence_of_its_own(
    session: Session, blobs: FileBlobStore
) -> None:
    capture = record_probe(
        session, blobs, wml_result(), actor_name="tester", org_id=None, screenshot=PNG
    )
    rows = {row.kind: row for row in evidence_of(session, capture)}
    assert set(rows) == {"warc", "screenshot", "wml_view"}
    assert rows["screenshot"].media_type == "image/png"
    assert blobs.get(rows["screenshot"].digest) == PNG


def test_recording_the_same_target_and_round_again_returns_the_first_capture(
    session: Session, blobs: FileBlobStore
) -> None:
    first = record_probe(
        session, blobs, html_result(), actor_name="runner", org_id=None, target_id=41, round=1
    )
    again = record_probe(
        session, blobs, html_result(), actor_name="runner", org_id=None, target_id=41, round=1
    )
    later = record_probe(
        session, blobs, html_result(), actor_name="runner", org_id=None, target_id=41, round=2
    )
    assert again.id == first.id
    assert later.id != first.id
    assert session.query(Capture).filter(Capture.target_id == 41).count() == 2
    assert len(_events(session)) == 2


def test_a_refusal_is_on_record(session: Session, blobs: FileBlobStore) -> None:
    capture = record_probe(session, blobs, refused_result(), actor_name="tester", org_id=None)
    assert (capture.outcome, capture.refused_code) == ("refused", "probe.address_forbidden")
    assert capture.http_status is None
    assert capture.domain is None
    assert capture.chain[0]["refused"] == "10.0.0.1 is a private address"
    assert [row.kind for row in evidence_of(session, capture)] == ["warc"]
    (event,) = _events(session)
    assert event.refused_code == "probe.address_forbidden"


def test_captures_are_seen_within_reach(
    session: Session, blobs: FileBlobStore, people: People
) -> None:
    def record(url: str, org_id: int | None) -> Capture:
        return record_probe(session, blobs, html_result(url), actor_name="x", org_id=org_id)

    own = record("http://wap.own.test/", people.carrier.org_id)
    theirs = record("http://wap.theirs.test/", people.other_carrier.org_id)
    assert {c.id for c in list_captures(session, people.centre)} >= {own.id, theirs.id}
    assert [c.id for c in list_captures(session, people.carrier)] == [own.id]
    assert [c.id for c in list_captures(session, people.carrier, domain="own.test")] == [own.id]
    assert list_captures(session, people.carrier, domain="wap.theirs.test") == []
    assert get_capture(session, people.centre, theirs.id).id == theirs.id
    with pytest.raises(CaptureNotFound):
        get_capture(session, people.carrier, theirs.id)
    with pytest.raises(AccessDenied):
        list_captures(session, people.provider)


def test_captures_page_back_by_id_and_filter_by_outcome(
    session: Session, blobs: FileBlobStore, people: People
) -> None:
    ids = [
        record_probe(session, blobs, html_result(), actor_name="x", org_id=None).id
        for _ in range(3)
    ]
    refused = record_probe(session, blobs, refused_result(), actor_name="x", org_id=None)
    page = list_captures(session, people.centre, limit=2, before_id=refused.id)
    assert [c.id for c in page] == ids[:0:-1]
    assert [c.id for c in list_captures(session, people.centre, outcome="refused")] == [refused.id]


def test_the_warc_needs_evidence_export_the_screenshot_does_not(
    session: Session, blobs: FileBlobStore, people: People
) -> None:
    police_org = people.police.org_id
    capture = record_probe(
        session, blobs, html_result(), actor_name="x", org_id=police_org, screenshot=PNG
    )
    row, data = evidence_bytes(session, blobs, people.police, capture.id, "screenshot")
    assert (row.kind, data) == ("screenshot", PNG)
    with pytest.raises(AccessDenied):
        evidence_bytes(session, blobs, people.police, capture.id, "warc")
    _, warc = evidence_bytes(session, blobs, people.centre, capture.id, "warc")
    assert warc[:2] == b"\x1f\x8b"
    refused = record_probe(session, blobs, refused_result(), actor_name="x", org_id=None)
    with pytest.raises(EvidenceNotFound):
        evidence_bytes(session, blobs, people.centre, refused.id, "screenshot")
