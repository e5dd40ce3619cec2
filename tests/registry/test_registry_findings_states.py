"""Findings: who sees them, and who may move them through their states."""

from __future__ import annotations

import datetime as dt
import itertools

import pytest
from registrykit import World
from sqlalchemy import select
from sqlalchemy.orm import Session

from jingwang.accounts.errors import AccessDenied
from jingwang.registry.errors import (
    FindingNotFound,
    FindingStateConflict,
    NoteRequired,
    UnknownFindingState,
)
from jingwang.registry.events import FindingStateChanged
from jingwang.registry.findings import (
    FindingFilters,
    finding_history,
    get_finding,
    list_findings,
    may_set,
    set_state,
)
from jingwang.registry.models import Domain, Finding
from jingwang.store.outbox import OutboxEvent

NOW = dt.datetime(2010, 3, 1, tzinfo=dt.UTC)
KEYS = itertools.count()


def add_finding(
    session: Session,
    addressee: int | None,
    *,
    rule: str = "unfiled_site",
    key: str | None = None,
    severity: str = "high",
    state: str = "open",
    province: str | None = "GD",
    domain: str | None = None,
    first_found_at: dt.datetime = NOW,
) -> Finding:
    """A finding as the audit engine would leave it."""
    domain_id = None
    if domain is not None:
        row = Domain(name=domain)
        session.add(row)
        session.flush()
        domain_id = row.id
    finding = Finding(
        rule=rule,
        key=key or f"{rule}:{next(KEYS)}",
        severity=severity,
        state=state,
        addressee_org_id=addressee,
        province=province,
        domain_id=domain_id,
        subject=domain or "a subject",
        evidence={"domain": domain, "provider": addressee},
        first_found_at=first_found_at,
        last_found_at=first_found_at,
    )
    session.add(finding)
    session.flush()
    return finding


def test_a_provider_sees_its_own_and_its_resellers_findings_only(world: World) -> None:
    s = world.session
    own = add_finding(s, world.ap_id, domain="own.cn")
    below = add_finding(s, world.reseller_id, domain="below.cn")
    other = add_finding(s, world.other_id, province="BJ", domain="other.cn")
    seen = {f.id for f in list_findings(s, world.ap).items}
    assert seen == {own.id, below.id}
    assert {f.id for f in list_findings(s, world.reseller).items} == {below.id}
    with pytest.raises(FindingNotFound):
        get_finding(s, world.ap, other.id)
    assert {f.id for f in list_findings(s, world.other).items} == {other.id}


def test_regulators_see_their_province_and_the_national_office_all(world: World) -> None:
    s = world.session
    gd = add_finding(s, world.ap_id, domain="gd.cn")
    bj = add_finding(s, world.other_id, province="BJ", domain="bj.cn")
    nobody_gd = add_finding(s, None, rule="filing_revoked", province="GD")
    nobody_bj = add_finding(s, None, rule="filing_revoked", province="BJ")
    assert {f.id for f in list_findings(s, world.gd_regulator).items} == {gd.id, nobody_gd.id}
    national = {f.id for f in list_findings(s, world.national).items}
    assert national == {gd.id, bj.id, nobody_gd.id, nobody_bj.id}
    page = list_findings(s, world.national, FindingFilters(province="BJ"))
    assert {f.id for f in page.items} == {bj.id, nobody_bj.id}
    assert {f.id for f in list_findings(s, world.ap).items} == {gd.id}


def test_filters_paging_and_totals(world: World) -> None:
    s = world.session
    for n in range(5):
        add_finding(s, world.ap_id, domain=f"site{n}.cn", severity="low" if n % 2 else "high")
    add_finding(s, world.ap_id, rule="deep_chain", state="acknowledged")
    page = list_findings(s, world.ap, FindingFilters(rule="unfiled_site"), limit=2, offset=2)
    assert (page.total, len(page.items)) == (5, 2)
    assert list_findings(s, world.ap, FindingFilters(severity="low")).total == 2
    assert list_findings(s, world.ap, severity="low", rule="unfiled_site").total == 2
    assert list_findings(s, world.ap, FindingFilters(state="acknowledged")).total == 1
    assert list_findings(s, world.ap, FindingFilters(domain="SITE3.cn")).total == 1
    assert list_findings(s, world.ap, FindingFilters(addressee=world.reseller_id)).total == 0
    with pytest.raises(UnknownFindingState):
        list_findings(s, world.ap, FindingFilters(state="closed"))


def test_the_provider_acknowledges_and_claims_fixed(world: World) -> None:
    s = world.session
    finding = add_finding(s, world.reseller_id, domain="x.cn")
    info = set_state(s, world.ap, finding.id, "acknowledged", "looking into it")
    assert (info.state, info.state_changed_by, info.note) == (
        "acknowledged",
        "ap-liaison",
        "looking into it",
    )
    fixed = set_state(s, world.reseller, finding.id, "fixed")
    assert fixed.state == "fixed"
    assert fixed.fixed_at is not None
    history = finding_history(s, world.ap, finding.id)
    assert [(c.before, c.after, c.by) for c in history] == [
        ("open", "acknowledged", "ap-liaison"),
        ("acknowledged", "fixed", "r1-liaison"),
    ]
    events = s.scalars(
        select(OutboxEvent).where(OutboxEvent.name == FindingStateChanged.name)
    ).all()
    assert [e.payload["after"] for e in events] == ["acknowledged", "fixed"]
    assert events[0].payload["object_id"] == str(finding.id)


def test_a_provider_cannot_mark_a_false_positive_nor_reopen(world: World) -> None:
    s = world.session
    finding = add_finding(s, world.ap_id)
    assert not may_set(s, world.ap, finding, "false_positive")
    with pytest.raises(AccessDenied):
        set_state(s, world.ap, finding.id, "false_positive", "not ours")
    set_state(s, world.ap, finding.id, "fixed")
    with pytest.raises(AccessDenied):
        set_state(s, world.ap, finding.id, "open")


def test_a_viewer_and_another_provider_cannot_change_it(world: World) -> None:
    s = world.session
    finding = add_finding(s, world.ap_id)
    with pytest.raises(AccessDenied):
        set_state(s, world.viewer, finding.id, "acknowledged")
    with pytest.raises(FindingNotFound):
        set_state(s, world.other, finding.id, "acknowledged")
    with pytest.raises(FindingNotFound):
        set_state(s, world.reseller, finding.id, "acknowledged")  # its parent's finding


def test_a_regulator_marks_a_false_positive_with_a_note_and_reopens(world: World) -> None:
    s = world.session
    finding = add_finding(s, world.ap_id, state="acknowledged")
    assert may_set(s, world.gd_regulator, finding, "false_positive")
    assert not may_set(s, world.gd_regulator, finding, "acknowledged")  # not its addressee
    with pytest.raises(NoteRequired):
        set_state(s, world.gd_regulator, finding.id, "false_positive", "  ")
    info = set_state(s, world.gd_regulator, finding.id, "false_positive", "licence, not filing")
    assert (info.state, info.note) == ("false_positive", "licence, not filing")
    with pytest.raises(FindingStateConflict):
        set_state(s, world.gd_regulator, finding.id, "false_positive", "again")
    assert set_state(s, world.national, finding.id, "open").state == "open"


def test_a_regulator_of_another_province_cannot_touch_it(world: World) -> None:
    s = world.session
    finding = add_finding(s, world.other_id, province="BJ")
    with pytest.raises(FindingNotFound):
        set_state(s, world.gd_regulator, finding.id, "false_positive", "no")


def test_bad_transitions_are_conflicts_with_their_code(world: World) -> None:
    s = world.session
    finding = add_finding(s, world.ap_id, state="false_positive")
    with pytest.raises(FindingStateConflict) as caught:
        set_state(s, world.centre, finding.id, "acknowledged")
    assert caught.value.code == "registry.state_conflict"
    with pytest.raises(UnknownFindingState):
        set_state(s, world.centre, finding.id, "closed")
    open_one = add_finding(s, world.ap_id, rule="deep_chain")
    with pytest.raises(FindingStateConflict):
        set_state(s, world.centre, open_one.id, "open")
