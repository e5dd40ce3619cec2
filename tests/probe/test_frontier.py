"""The frontier: adding URLs, politeness per host, back-off on 429/503, lease recovery."""

from __future__ import annotations

import datetime as dt

import pytest
from campaignkit import T0, list_campaign
from sqlalchemy import select

from jingwang.probe.frontier import (
    FIRST_LOOK,
    Finish,
    Politeness,
    add_targets,
    claim,
    counts_by_state,
    finish,
    next_due,
    parse_retry_after,
    recover_expired,
    wants_retry,
)
from jingwang.probe.models import HostState, Target
from jingwang.store import Database

pytestmark = pytest.mark.db

RULES = Politeness(host_delay=1.0, host_concurrency=1, lease_seconds=60, backoff_seconds=10,
                   backoff_max_seconds=100, max_attempts=3)  # fmt: skip


def at(seconds: float) -> dt.datetime:
    return T0 + dt.timedelta(seconds=seconds)


def test_urls_are_added_once_and_bad_lines_are_refused_with_their_line(db: Database) -> None:
    with db.session() as session:
        campaign = list_campaign(session, ["http://a.test/"], now=T0)
        report = add_targets(
            session,
            campaign.id,
            ["http://A.test/x", "", "b.test/page", "http://a.test/x", "ftp://c.test/", "http://"],
            source="upload",
            now=T0,
        )
        assert (report.added, report.duplicates) == (2, 1)
        assert [(r.line, r.url) for r in report.rejected] == [(5, "ftp://c.test/"), (6, "http://")]
        assert all(r.reason for r in report.rejected)
        again = add_targets(session, campaign.id, ["http://a.test/", "http://b.test/page"], now=T0)
        assert (again.added, again.duplicates) == (0, 2)
        rows = session.scalars(select(Target).where(Target.campaign_id == campaign.id)).all()
        # fetched as written; host canonical
        assert {(t.url, t.host) for t in rows} == {
            ("http://a.test/", "a.test"),
            ("http://A.test/x", "a.test"),
            ("http://b.test/page", "b.test"),
        }


def test_two_urls_of_one_host_are_never_leased_together_and_the_delay_holds(
    db: Database,
) -> None:
    with db.session() as session:
        campaign = list_campaign(
            session, ["http://one.test/1", "http://one.test/2", "http://two.test/1"], now=T0
        )
        first = claim(session, campaign.id, limit=10, now=at(0), politeness=RULES)
        assert sorted(t.host for t in first) == ["one.test", "two.test"]
        assert claim(session, campaign.id, limit=10, now=at(0.1), politeness=RULES) == []
        one = next(t for t in first if t.host == "one.test")
        assert finish(session, one, Finish("ok", status=200), now=at(0.5), politeness=RULES)
        # the slot is free, but the delay (start to start) is not over
        assert claim(session, campaign.id, limit=10, now=at(0.9), politeness=RULES) == []
        assert next_due(session, campaign.id) == at(1.0)
        (second,) = claim(session, campaign.id, limit=10, now=at(1.0), politeness=RULES)
        assert (second.host, second.url) == ("one.test", "http://one.test/2")
        host = session.get(HostState, "one.test", populate_existing=True)
        assert host is not None
        assert (host.inflight, host.next_at) == (1, at(2.0))


def test_a_claim_finds_a_free_host_behind_many_due_targets_of_busy_ones(db: Database) -> None:
    # The first look reads FIRST_LOOK due targets per target wanted, all of busy.test here;
    # the claim must still find free.test, queued behind them.
    busy = [f"http://busy.test/{n}" for n in range(3 * FIRST_LOOK)]
    with db.session() as session:
        campaign = list_campaign(session, [*busy, "http://free.test/"], now=T0)
        (first,) = claim(session, campaign.id, limit=1, now=at(0), politeness=RULES)
        (second,) = claim(session, campaign.id, limit=1, now=at(0.1), politeness=RULES)
        assert (first.host, second.host) == ("busy.test", "free.test")
        assert claim(session, campaign.id, limit=5, now=at(0.2), politeness=RULES) == []


def test_a_claim_with_room_on_each_host_takes_each_hosts_earliest_targets(db: Database) -> None:
    rules = Politeness(host_delay=0.0, host_concurrency=8)
    urls = [f"http://h{h}.test/{n}" for h in range(4) for n in range(20)]
    with db.session() as session:
        campaign = list_campaign(session, urls, now=T0)
        claimed = claim(session, campaign.id, limit=10, now=at(0), politeness=rules)
        assert len({t.id for t in claimed}) == 10
        by_host: dict[str, list[int]] = {}
        for target in claimed:
            by_host.setdefault(target.host, []).append(int(target.url.rsplit("/", 1)[1]))
        # each host's earliest targets, none skipped, none over its slots
        assert all(sorted(ns) == list(range(len(ns))) for ns in by_host.values())
        assert all(len(ns) <= 8 for ns in by_host.values())


def test_host_concurrency_without_delay_leases_several_of_one_host(db: Database) -> None:
    rules = Politeness(host_delay=0, host_concurrency=2, lease_seconds=60)
    with db.session() as session:
        campaign = list_campaign(session, [f"http://busy.test/{i}" for i in range(5)], now=T0)
        assert len(claim(session, campaign.id, limit=10, now=at(0), politeness=rules)) == 2
        assert claim(session, campaign.id, limit=10, now=at(0), politeness=rules) == []


def test_429_backs_the_host_off_honouring_retry_after_and_doubling(db: Database) -> None:
    with db.session() as session:
        campaign = list_campaign(session, ["http://slow.test/"], now=T0)
        (target,) = claim(session, campaign.id, limit=5, now=at(0), politeness=RULES)
        assert wants_retry(target, 429, RULES)
        finish(session, target, Finish(None, status=429, retry_after=30), now=at(1),
               politeness=RULES)  # fmt: skip
        row = session.get(Target, target.id, populate_existing=True)
        host = session.get(HostState, "slow.test", populate_existing=True)
        assert row is not None
        assert host is not None
        assert (row.state, row.attempts, row.not_before) == ("queued", 1, at(31))
        assert (host.backoff_seconds, host.next_at, host.inflight) == (30, at(31), 0)
        assert claim(session, campaign.id, limit=5, now=at(30), politeness=RULES) == []
        (target,) = claim(session, campaign.id, limit=5, now=at(31), politeness=RULES)
        finish(session, target, Finish(None, status=503), now=at(32), politeness=RULES)
        assert host.backoff_seconds == 60  # doubled
        (target,) = claim(session, campaign.id, limit=5, now=at(92), politeness=RULES)
        assert target.attempts == 3
        assert not wants_retry(target, 429, RULES)
        finish(session, target, Finish("ok", capture_id=None, status=429), now=at(93),
               politeness=RULES)  # fmt: skip
        assert row.state == "done"  # gave up retrying: the 429 page is what was captured
        assert host.backoff_seconds == 100  # capped
        assert counts_by_state(session, campaign.id)["done"] == 1


def test_retry_after_is_read_as_seconds_or_as_a_date() -> None:
    assert parse_retry_after("120") == 120.0
    assert parse_retry_after("Fri, 15 Jan 2010 08:01:00 GMT", T0) == 60.0
    assert parse_retry_after("soon") is None


def test_expired_leases_are_recovered_and_a_late_finish_changes_nothing(db: Database) -> None:
    with db.session() as session:
        campaign = list_campaign(session, ["http://dead.test/"], now=T0)
        (lost,) = claim(session, campaign.id, limit=5, now=at(0), politeness=RULES)
        assert recover_expired(session, now=at(59)) == 0
        (again,) = claim(session, campaign.id, limit=5, now=at(61), politeness=RULES)
        assert (again.id, again.attempts) == (lost.id, 2)
        assert again.token != lost.token
        host = session.get(HostState, "dead.test", populate_existing=True)
        assert host is not None
        assert host.inflight == 1  # the dead runner's slot was given back
        assert not finish(session, lost, Finish("ok", status=200), now=at(62), politeness=RULES)
        assert finish(session, again, Finish("error"), now=at(62), politeness=RULES)
        assert counts_by_state(session, campaign.id) == {
            "queued": 0, "leased": 0, "done": 0, "failed": 1,
        }  # fmt: skip
        assert host.inflight == 0
