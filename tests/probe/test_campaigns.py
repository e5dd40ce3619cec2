"""Campaigns over registry selections on the demo registry; reach; the state machine; events."""

from __future__ import annotations

import pytest
from campaignkit import SYSTEM, demo_actor, demo_world, list_campaign, org_id
from sqlalchemy import select
from sqlalchemy.orm import Session

from jingwang.accounts.errors import AccessDenied
from jingwang.errors import InvalidInput
from jingwang.probe.campaigns import (
    CampaignNotFound,
    cancel_campaign,
    create_campaign,
    get_campaign,
    list_campaigns,
    pause_campaign,
    resume_campaign,
)
from jingwang.probe.errors import CampaignStateError, UnknownProfile
from jingwang.probe.models import Target
from jingwang.probe.selections import select_urls
from jingwang.store import Database
from jingwang.store.outbox import OutboxEvent

pytestmark = pytest.mark.db

NYJR = "南粤数据接入有限公司"
JBJR = "京北云接入有限公司"


def hosts(session: Session, campaign_id: int) -> set[str]:
    return set(session.scalars(select(Target.host).where(Target.campaign_id == campaign_id)))


def test_provider_sites_with_and_without_the_sublet_chain(db: Database) -> None:
    with db.session() as session:
        demo_world(session)
        analyst = demo_actor(session, "gdca-analyst")
        own = {"kind": "provider_sites", "org_id": org_id(session, NYJR)}
        assert [s.url for s in select_urls(session, analyst, own)] == [
            "http://nanyue-3g.test/",
            "http://nanyue-news.test/",
        ]
        chain = select_urls(session, analyst, {**own, "sublets": True})
        assert {s.url.split("/")[2] for s in chain} == {
            "nanyue-3g.test", "nanyue-news.test", "yc-dongman.test", "lexun-game.test",
            "th-meinv.test", "wap-xiaoshuo.test", "xx-tupian.test",
        }  # fmt: skip


def test_an_actor_selects_only_within_its_reach(db: Database) -> None:
    with db.session() as session:
        demo_world(session)
        guangdong = demo_actor(session, "gdca-analyst")
        beijing = {"kind": "provider_sites", "org_id": org_id(session, JBJR)}
        with pytest.raises(AccessDenied):
            list(select_urls(session, guangdong, beijing))
        unfiled = {s.url for s in select_urls(session, guangdong, {"kind": "unfiled_sites"})}
        centre = demo_actor(session, "rc-analyst")
        everywhere = {s.url for s in select_urls(session, centre, {"kind": "unfiled_sites"})}
        assert unfiled == {
            "http://nanyue-3g.test/", "http://th-meinv.test/", "http://wap-xiaoshuo.test/",
            "http://xx-tupian.test/",
        }  # fmt: skip
        assert everywhere == unfiled | {"http://jingbei-wap.test/", "http://bj-yule.test/"}
        with pytest.raises(AccessDenied):
            create_campaign(
                session, demo_actor(session, "bjca-viewer"), name="x", profile="android",
                selection={"kind": "unfiled_sites"},
            )  # fmt: skip


def test_channels_and_sp_services_give_their_landing_urls_with_sources(db: Database) -> None:
    with db.session() as session:
        demo_world(session)
        centre = demo_actor(session, "rc-analyst")
        channels = {(s.url, s.source) for s in select_urls(session, centre, {"kind": "channels"})}
        assert channels == {
            ("http://th-meinv.test/wap/index.wml", "channel:GD-TG-0815"),
            ("http://yc-dongman.test/", "channel:GD-TG-0815"),
            ("http://yc-dongman.test/m/", "channel:GDU-TG-0102"),
        }
        services = [s.url for s in select_urls(session, centre, {"kind": "sp_services"})]
        assert "http://lexun-game.test/wap/" in services
        assert len(services) == 3


def test_a_campaign_over_a_selection_keeps_its_targets_and_emits_created(db: Database) -> None:
    with db.session() as session:
        demo_world(session)
        centre = demo_actor(session, "rc-analyst")
        campaign, report = create_campaign(
            session, centre, name="未备案网站", profile="wap1",
            selection={"kind": "unfiled_sites"}, urls=["http://extra.test/", "not a url"],
            start=False,
        )  # fmt: skip
        assert (report.added, len(report.rejected)) == (7, 1)
        assert campaign.org_id == centre.org_id
        assert "extra.test" in hosts(session, campaign.id)
        event = session.scalars(
            select(OutboxEvent).where(OutboxEvent.name == "probe.campaign_created")
        ).all()[-1]
        assert event.payload["targets"] == 7
        assert event.payload["object_id"] == str(campaign.id)
        with pytest.raises(UnknownProfile):
            create_campaign(session, centre, name="x", profile="nokia9", selection={"kind": "list"},
                            urls=["http://a.test/"])  # fmt: skip
        with pytest.raises(InvalidInput, match="no URL"):
            create_campaign(session, centre, name="x", profile="wap1", selection={"kind": "list"})


def test_the_state_machine_says_what_to_do_and_records_each_change(db: Database) -> None:
    with db.session() as session:
        campaign = list_campaign(session, ["http://a.test/"])
        assert pause_campaign(session, SYSTEM, campaign.id).state == "paused"
        with pytest.raises(CampaignStateError, match="only a queued or running"):
            pause_campaign(session, SYSTEM, campaign.id)
        resumed = resume_campaign(session, SYSTEM, campaign.id)
        assert resumed.state == "running"
        assert resumed.job_id is not None
        with pytest.raises(CampaignStateError, match="only a paused campaign"):
            resume_campaign(session, SYSTEM, campaign.id)
        assert cancel_campaign(session, SYSTEM, campaign.id).state == "cancelled"
        with pytest.raises(CampaignStateError, match="already cancelled"):
            cancel_campaign(session, SYSTEM, campaign.id)
        changes = session.scalars(
            select(OutboxEvent.payload).where(OutboxEvent.name == "probe.campaign_state_changed")
        ).all()
        assert [(c["previous"], c["state"]) for c in changes][-3:] == [
            ("queued", "paused"), ("paused", "running"), ("running", "cancelled"),
        ]  # fmt: skip


def test_campaigns_are_read_within_reach(db: Database) -> None:
    with db.session() as session:
        demo_world(session)
        guangdong = demo_actor(session, "gdca-analyst")
        mine, _ = create_campaign(
            session, guangdong, name="gd", profile="android", selection={"kind": "list"},
            urls=["http://a.test/"], start=False,
        )  # fmt: skip
        theirs = list_campaign(session, ["http://b.test/"])  # owned by another organisation
        assert get_campaign(session, guangdong, mine.id) is mine
        with pytest.raises(CampaignNotFound):
            get_campaign(session, guangdong, theirs.id)
        assert [c.id for c in list_campaigns(session, guangdong)] == [mine.id]
        assert {mine.id, theirs.id} <= {c.id for c in list_campaigns(session, SYSTEM)}
