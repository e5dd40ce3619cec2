"""The batched record path: the same records, rows and frontier state as one probe at a time."""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
import json
from pathlib import Path

import pytest
from campaignkit import T0, list_campaign
from hypothesis import given
from hypothesis import strategies as st
from servicekit import html_result, refused_result, wml_result
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from jingwang.probe.frontier import (
    ClaimedTarget,
    Finish,
    Politeness,
    claim,
    finish,
    finish_many,
)
from jingwang.probe.models import Capture, Evidence, HostState, Target
from jingwang.probe.parse import parse_page
from jingwang.probe.prepare import prepare, store
from jingwang.probe.recording import Entry, emit_captured, insert_captures
from jingwang.probe.rows import page_json
from jingwang.probe.warc import sha256_label, warc_date
from jingwang.store import Database, FileBlobStore
from jingwang.store.outbox import OutboxEvent

RULES = Politeness(host_delay=0.0, host_concurrency=4, lease_seconds=60, backoff_seconds=10,
                   backoff_max_seconds=100, max_attempts=3)  # fmt: skip


# finish_many ------------------------------------------------------------------------------------


def _claimed(session: Session, prefix: str) -> list[ClaimedTarget]:
    urls = [f"http://{prefix}-{host}.test/{page}" for host in (1, 2, 3) for page in (1, 2)]
    campaign = list_campaign(session, urls, name=prefix, now=T0)
    found = claim(session, campaign.id, limit=10, now=T0, politeness=RULES)
    assert len(found) == 6
    return sorted(found, key=lambda t: t.url)


def _answers(targets: list[ClaimedTarget]) -> list[tuple[ClaimedTarget, Finish]]:
    """host 1: ok then a network error; host 2: 503 then ok (back-off, order matters);
    host 3: a limit hit, and a lease lost meanwhile."""
    one_a, one_b, two_a, two_b, three_a, three_b = targets
    lost = ClaimedTarget(**{**three_b.__dict__, "token": "not-the-lease"})
    return [
        (one_a, Finish(outcome="ok", capture_id=11, status=200)),
        (two_a, Finish(outcome=None, status=503, retry_after=30)),
        (one_b, Finish(outcome="error", error="connection reset")),
        (three_a, Finish(outcome="limit", capture_id=13, status=200)),
        (two_b, Finish(outcome="ok", capture_id=12, status=200)),
        (lost, Finish(outcome="ok", capture_id=14, status=200)),
    ]


def _state(
    session: Session, prefix: str
) -> tuple[list[tuple[object, ...]], list[tuple[object, ...]]]:
    targets = session.execute(
        select(Target.url, Target.state, Target.outcome, Target.capture_id, Target.error,
               Target.not_before, Target.lease_token.is_(None))
        .where(Target.host.like(f"{prefix}-%"))
        .order_by(Target.url)
    ).all()  # fmt: skip
    hosts = session.execute(
        select(HostState.host, HostState.inflight, HostState.last_status,
               HostState.backoff_seconds, HostState.next_at)
        .where(HostState.host.like(f"{prefix}-%"))
        .order_by(HostState.host)
    ).all()  # fmt: skip
    strip = len(prefix)
    return (
        [(row[0].replace(prefix, "", 1), *row[1:]) for row in targets],
        [(row[0][strip:], *row[1:]) for row in hosts],
    )


@pytest.mark.db
def test_a_batch_finishes_as_one_by_one_in_order(db: Database) -> None:
    later = T0 + dt.timedelta(seconds=5)
    with db.session() as session:
        single = _answers(_claimed(session, "single"))
        batch = _answers(_claimed(session, "batch"))
        kept_single = [finish(session, t, r, now=later, politeness=RULES) for t, r in single]
        kept_batch = finish_many(session, batch, now=later, politeness=RULES)
        assert kept_single == kept_batch == [True, True, True, True, True, False]
        assert _state(session, "batch") == _state(session, "single")
        two = session.get(HostState, "batch-2.test")
        assert two is not None
        assert (two.last_status, two.backoff_seconds) == (200, 0.0)


# insert_captures -------------------------------------------------------------------------------


@pytest.mark.db
def test_a_batch_records_each_target_and_round_once(db: Database, tmp_path: Path) -> None:
    blobs = FileBlobStore(tmp_path / "blobs")
    prepared = [prepare(wml_result()), prepare(html_result()), prepare(refused_result())]
    store(blobs, prepared)
    assert all(blobs.verify(item.digest) for one in prepared for item in one.artefacts)
    entries = [
        Entry(prepared[0], actor_name="runner", org_id=None, target_id=7, round=1),
        Entry(prepared[1], actor_name="runner", org_id=None, target_id=7, round=1),  # again
        Entry(prepared[2], actor_name="runner", org_id=None),  # no target: always new
        Entry(prepared[1], actor_name="runner", org_id=None, target_id=7, round=2),
    ]
    with db.session() as session:
        first = insert_captures(session, entries)
        emit_captured(session, entries, first)
        assert [r.new for r in first] == [True, False, True, True]
        assert first[1].id == first[0].id
        assert first[1].outcome == "ok"
        assert len({r.id for r in first}) == 3
        again = insert_captures(session, entries[:2])
        assert [(r.id, r.new) for r in again] == [(first[0].id, False), (first[0].id, False)]
        assert session.scalar(select(func.count()).select_from(Capture)) == 3
        kinds = session.execute(
            select(Evidence.capture_id, Evidence.kind, Evidence.digest).order_by(Evidence.id)
        ).all()
        wml = first[0].id
        assert [(k, d) for c, k, d in kinds if c == wml] == [
            (item.kind, item.digest) for item in prepared[0].artefacts
        ]
        assert [k for _, k, _ in kinds].count("wml_view") == 1
        events = session.scalars(select(OutboxEvent).order_by(OutboxEvent.id)).all()
        assert [e.payload["object_id"] for e in events] == [str(first[i].id) for i in (0, 2, 3)]
        assert events[0].payload["warc_digest"] == prepared[0].warc.digest
        row = session.get(Capture, wml)
        assert row is not None
        assert (row.target_id, row.round, row.domain) == (7, 1, "hot.test")


# blobs, JSON, WARC fields -------------------------------------------------------------------------


def test_put_many_stores_every_item_durably_once(tmp_path: Path) -> None:
    blobs = FileBlobStore(tmp_path / "blobs")
    already = blobs.put(b"old")
    items = [b"one", b"two", b"one", b"old", b""]
    digests = blobs.put_many(items)
    assert digests == [hashlib.sha256(item).hexdigest() for item in items]
    assert digests[3] == already
    assert all(blobs.get(d) == item for d, item in zip(digests, items, strict=True))
    assert sorted(blobs.digests()) == sorted(set(digests))
    assert not list((tmp_path / "blobs").rglob(".tmp-*"))  # no temporary file left behind
    assert blobs.put_many([]) == []


WML = b"""<?xml version="1.0"?><!DOCTYPE wml PUBLIC "-//WAPFORUM//DTD WML 1.1//EN" "x">
<wml><card id="a" title="Hot" ontimer="#b"><timer value="30"/><p>QQ:12345678
<a href="http://x.test/?channel=ab12">go</a><img src="/i.gif" alt=""/></p></card>
<card id="b"><p>ICP: \xe7\xb2\xa4ICP\xe5\xa4\x872021123456\xe5\x8f\xb7</p></card></wml>"""
HTML = b"""<html><head><title>T</title><meta name="keywords" content="k"></head><body>
<form action="/s"><input name="q"></form><a href="tel:13800138000">call</a></body></html>"""


@pytest.mark.parametrize(
    ("body", "content_type"), [(WML, "text/vnd.wap.wml"), (HTML, "text/html; charset=utf-8")]
)
def test_page_json_is_the_json_of_to_json(body: bytes, content_type: str) -> None:
    page = parse_page(body, url="http://wap.hot.test/", content_type=content_type)
    assert page.identifiers
    assert page.cards or page.forms

    def text(data: object) -> str:
        return json.dumps(data, ensure_ascii=False, sort_keys=True, default=str)

    assert text(page_json(page)) == text(page.to_json())


@given(st.binary(max_size=200))
def test_digest_labels_are_base32_of_sha256(data: bytes) -> None:
    expected = base64.b32encode(hashlib.sha256(data).digest()).decode("ascii")
    assert sha256_label(data) == f"sha256:{expected}"


EARLIEST = dt.datetime(1000, 1, 2)  # noqa: DTZ001 (naive: hypothesis bounds are naive)


@given(st.datetimes(min_value=EARLIEST, timezones=st.sampled_from([None, dt.UTC])))
def test_warc_dates_are_utc_with_microseconds(moment: dt.datetime) -> None:
    utc = moment.replace(tzinfo=dt.UTC) if moment.tzinfo is None else moment
    assert warc_date(moment) == utc.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")
