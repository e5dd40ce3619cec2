"""Compliance figures on crafted data: filed shares, providers, open findings by rule and age."""

from __future__ import annotations

import datetime as dt

import pytest
from registrykit import World, day
from sqlalchemy.orm import Session
from test_registry_findings_states import add_finding

from jingwang.accounts.errors import AccessDenied
from jingwang.registry.compliance import compliance
from jingwang.registry.models import Connection, Domain, IcpFiledDomain, IcpFiling

ON = day("2010-03-01")


def at(text: str) -> dt.datetime:
    return dt.datetime.fromisoformat(text).replace(tzinfo=dt.UTC)


def domain(session: Session, name: str) -> int:
    row = Domain(name=name)
    session.add(row)
    session.flush()
    return row.id


def connect(
    session: Session, provider: int, domain_id: int, start: str, end: str | None = None
) -> None:
    session.add(
        Connection(
            provider_org_id=provider,
            domain_id=domain_id,
            valid_from=day(start),
            valid_to=day(end) if end else None,
        )
    )
    session.flush()


def file(
    session: Session,
    number: str,
    domain_ids: list[int],
    start: str,
    end: str | None = None,
    status: str = "active",
) -> None:
    filing = IcpFiling(
        number=number,
        kind="filing",
        holder="Holder",
        province="GD",
        status=status,
        valid_from=day(start),
        valid_to=day(end) if end else None,
    )
    session.add(filing)
    session.flush()
    for domain_id in domain_ids:
        session.add(IcpFiledDomain(filing_id=filing.id, domain_id=domain_id))
    session.flush()


@pytest.fixture
def crafted(world: World) -> World:
    """Fast Access connects a, b, c (b twice); its reseller d, e; Other Access f.

    Filed on 2010-03-01: a (active), d (active). b's filing ended 2010-02-01, c's is revoked,
    e's starts after the date; f is filed. g was connected but disconnected before the date.
    """
    s = world.session
    a, b, c, d, e, f, g = (domain(s, f"{n}.cn") for n in "abcdefg")
    for domain_id in (a, b, c):
        connect(s, world.ap_id, domain_id, "2010-01-01")
    connect(s, world.ap_id, b, "2009-06-01", "2009-12-01")  # an old record of b
    connect(s, world.reseller_id, b, "2010-02-01")  # b is also connected by the reseller
    connect(s, world.reseller_id, d, "2010-01-01")
    connect(s, world.reseller_id, e, "2010-01-01")
    connect(s, world.other_id, f, "2010-01-01")
    connect(s, world.ap_id, g, "2010-01-01", "2010-02-15")
    file(s, "粤ICP备10000001号", [a, d], "2009-01-01")
    file(s, "粤ICP备10000002号", [b], "2009-01-01", "2010-02-01")
    file(s, "粤ICP备10000003号", [c], "2009-01-01", status="revoked")
    file(s, "粤ICP备10000004号", [e], "2010-04-01")
    file(s, "京ICP备10000005号", [f], "2009-01-01")
    add_finding(s, world.ap_id, rule="unfiled_site", first_found_at=at("2010-02-28"))
    add_finding(s, world.ap_id, rule="unfiled_site", first_found_at=at("2010-02-10"))
    add_finding(s, world.reseller_id, rule="unlicensed_reseller", severity="critical",
                first_found_at=at("2009-12-15"), state="acknowledged")  # fmt: skip
    add_finding(s, world.reseller_id, rule="deep_chain", first_found_at=at("2009-10-01"))
    fixed = add_finding(s, world.ap_id, rule="unfiled_site", state="fixed")
    fixed.fixed_at = at("2010-02-20")
    old_fix = add_finding(s, world.ap_id, rule="unfiled_site", state="fixed")
    old_fix.fixed_at = at("2010-01-05")
    add_finding(s, world.ap_id, rule="unfiled_site", state="false_positive")
    add_finding(s, world.other_id, rule="unfiled_site", province="BJ")
    s.flush()
    return world


def test_the_figures_of_a_provider_cover_its_resellers(crafted: World) -> None:
    figures = compliance(crafted.session, crafted.ap, on=ON)
    assert (figures.connected, figures.filed) == (5, 2)  # a b c d e; a and d filed
    assert figures.share_filed == pytest.approx(0.4)
    providers = [(p.name, p.connected, p.filed) for p in figures.providers]
    assert providers == [("Fast Access", 3, 1), ("Reseller One", 3, 1)]
    assert figures.open_findings == 4
    by_rule = {(r.rule, r.severity): r.open for r in figures.open_by_rule}
    assert by_rule == {
        ("unfiled_site", "high"): 2,
        ("unlicensed_reseller", "critical"): 1,
        ("deep_chain", "high"): 1,
    }
    assert figures.open_by_age == {"lt_7d": 1, "d7_30": 1, "d30_90": 1, "gt_90d": 1}
    assert figures.fixed_last_30_days == 1


def test_a_subtree_a_province_and_reach(crafted: World) -> None:
    s = crafted.session
    reseller = compliance(s, crafted.centre, on=ON, org_id=crafted.reseller_id)
    assert (reseller.connected, reseller.filed, reseller.open_findings) == (3, 1, 2)
    everything = compliance(s, crafted.centre, on=ON)
    assert (everything.connected, everything.filed) == (6, 3)
    beijing = compliance(s, crafted.national, on=ON, province="BJ")
    assert (beijing.connected, beijing.filed, beijing.open_findings) == (1, 1, 1)
    guangdong = compliance(s, crafted.gd_regulator, on=ON)
    assert (guangdong.connected, guangdong.open_findings) == (5, 4)
    assert compliance(s, crafted.gd_regulator, on=ON, province="BJ").connected == 0
    with pytest.raises(AccessDenied):
        compliance(s, crafted.ap, on=ON, org_id=crafted.other_id)


def test_an_earlier_date_counts_what_held_then(crafted: World) -> None:
    figures = compliance(crafted.session, crafted.ap, on=day("2010-01-15"))
    # a b c d e g connected; b's filing still held then, so a b d are filed
    assert (figures.connected, figures.filed) == (6, 3)
