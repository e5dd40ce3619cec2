"""The ``channel`` and ``sp_service`` kinds: carriers' promotion channels and SP services."""

from __future__ import annotations

from functools import partial

import pytest
from registrykit import World, csv_bytes, day, run_import
from sqlalchemy import select

from accounts.accountkit import make_org, make_user
from jingwang.accounts import Actor
from jingwang.accounts.actors import actor_for_user
from jingwang.registry import ImportMode, RowError, export_csv
from jingwang.registry.models import Landing, PromotionChannel, SpService

CHANNEL_HEADER = "carrier,partner,code,status,landing_urls,valid_from"
SP_HEADER = "carrier,sp,code,name,billing_type,status,landing_urls,valid_from"
channels = partial(csv_bytes, header=CHANNEL_HEADER)
services = partial(csv_bytes, header=SP_HEADER)


def _where(errors: list[RowError]) -> list[tuple[int, str | None]]:
    return [(error.line, error.column) for error in errors]


@pytest.fixture
def carrier(world: World) -> Actor:
    """A liaison of the carrier "Mobile GD"; the SP "Joy SP" is registered too."""
    org = make_org(world.session, "Mobile GD", "carrier", "GD")
    make_org(world.session, "Joy SP", "sp", "GD")
    return actor_for_user(world.session, make_user(world.session, org, "cm-liaison", ["liaison"]))


def test_channel_rows_are_checked_cell_by_cell(world: World, carrier: Actor) -> None:
    data = channels(
        "Mobile GD,Ad Partner,CH-1,正常,http://WAP.Porn.test/a?b=1;wap.other.test/x,2010-01-05",
        "Fast Access,Ad Partner,CH-2,,,",
        "Mobile GD,Ad Partner,CH-3,closed,http://x.test:99999/,",
        "Mobile GD,,CH-4,,,2010-13-01",
        "Mobile GD,Ad Partner,CH-1,,,",
    )
    report = run_import(world.session, carrier, data, kind="channel")
    assert not report.applied
    assert _where(report.errors) == [
        (3, "carrier"),
        (4, "status"),
        (4, "landing_urls"),
        (5, "partner"),
        (5, "valid_from"),
        (6, "code"),
    ]
    assert "not a carrier" in report.errors[0].reason
    assert "duplicate key" in report.errors[-1].reason
    good = run_import(world.session, carrier, data, kind="channel", good_rows=True)
    assert (good.added, good.rejected) == (1, 4)
    [channel] = world.session.scalars(select(PromotionChannel)).all()
    assert (channel.code, channel.status, channel.partner_org_id) == ("CH-1", "active", None)
    assert channel.partner_name == "Ad Partner"
    urls = world.session.scalars(select(Landing.url).where(Landing.owner_kind == "channel"))
    assert sorted(urls) == ["http://wap.other.test/x", "http://wap.porn.test/a?b=1"]


def test_a_channel_change_closes_the_version_with_its_landings(
    world: World, carrier: Actor
) -> None:
    first = channels("Mobile GD,Joy SP,CH-1,,http://a.test/,2010-01-01")
    run_import(world.session, carrier, first, kind="channel", as_of="2010-01-01")
    again = run_import(world.session, carrier, first, kind="channel", as_of="2010-02-01")
    assert (again.added, again.changed, again.unchanged) == (0, 0, 1)
    moved = channels("Mobile GD,Joy SP,CH-1,暂停,http://b.test/,")
    report = run_import(world.session, carrier, moved, kind="channel", as_of="2010-03-01")
    assert report.changed == 1
    old, new = world.session.scalars(select(PromotionChannel).order_by(PromotionChannel.id))
    assert (old.valid_to, new.valid_from, new.status) == (
        day("2010-03-01"),
        day("2010-03-01"),
        "suspended",
    )
    assert new.partner_org_id is not None  # a registered organisation
    on_jan = export_csv(world.session, carrier, "channel", day("2010-01-15")).splitlines()
    assert on_jan[1] == "Mobile GD,Joy SP,CH-1,active,http://a.test/,2010-01-01"
    on_mar = export_csv(world.session, carrier, "channel", day("2010-03-15")).splitlines()
    assert on_mar[1] == "Mobile GD,Joy SP,CH-1,suspended,http://b.test/,2010-03-01"


def test_only_the_carrier_imports_and_sees_its_channels(world: World, carrier: Actor) -> None:
    data = channels("Mobile GD,Ad Partner,CH-1,,,")
    refused = run_import(world.session, world.ap, data, kind="channel")
    assert _where(refused.errors) == [(2, "carrier")]
    run_import(world.session, carrier, data, kind="channel")
    assert export_csv(world.session, world.ap, "channel", day("2030-01-01")).count("\n") == 1


def test_sp_services_read_chinese_headers_and_words(world: World, carrier: Actor) -> None:
    header = "运营商,SP名称,业务代码,业务名称,计费类型,状态,落地页,开通日期"
    data = csv_bytes(
        "Mobile GD,Joy SP,SP-1,美女图片,包月,正常,http://wap.joy.test/pay,2010/01/05",
        "Mobile GD,Unknown SP,SP-2,,点播,,,",
        "Mobile GD,Joy SP,SP-3,,yearly,终止,ftp://x.test/,",
        header=header,
    )
    report = run_import(world.session, carrier, data.decode().encode("gbk"), kind="sp_service")
    assert _where(report.errors) == [(4, "billing_type"), (4, "landing_urls")]
    good = run_import(world.session, carrier, data, kind="sp_service", good_rows=True)
    assert good.added == 2
    rows = world.session.scalars(select(SpService).order_by(SpService.code)).all()
    assert [(r.code, r.billing_type, r.status, r.sp_org_id is None) for r in rows] == [
        ("SP-1", "monthly", "active", False),
        ("SP-2", "per_use", "active", True),
    ]
    text = export_csv(world.session, carrier, "sp_service", day("2010-02-01"))
    assert text.splitlines()[1] == (
        "Mobile GD,Joy SP,SP-1,美女图片,monthly,active,http://wap.joy.test/pay,2010-01-05"
    )


def test_a_snapshot_closes_the_services_it_does_not_list(world: World, carrier: Actor) -> None:
    both = services("Mobile GD,Joy SP,SP-1,,,,,", "Mobile GD,Joy SP,SP-2,,,,,")
    run_import(world.session, carrier, both, kind="sp_service", as_of="2010-01-01")
    one = services("Mobile GD,Joy SP,SP-1,,,,,")
    org_id = carrier.org_id
    report = run_import(
        world.session,
        carrier,
        one,
        kind="sp_service",
        mode=ImportMode.SNAPSHOT,
        as_of="2010-02-01",
        org_id=org_id,
    )
    assert (report.unchanged, report.closed) == (1, 1)
    closed = world.session.scalar(select(SpService).where(SpService.code == "SP-2"))
    assert closed is not None
    assert closed.valid_to == day("2010-02-01")
