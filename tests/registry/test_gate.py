"""The "file before connect" gate: every reason and warning on crafted data, dates, reach."""

from __future__ import annotations

from functools import partial

import pytest
from registrykit import FILING_HEADER, SUBLET_HEADER, World, csv_bytes, day, run_import

from jingwang.accounts import Actor
from jingwang.accounts.errors import AccessDenied, AccountNotFound
from jingwang.core.domains import DomainError
from jingwang.decisions.service import record_decision, withdraw_decision
from jingwang.errors import InvalidInput
from jingwang.registry.gate import check_connection, connect_check
from jingwang.registry.models import OperatorLicence

filings = partial(csv_bytes, header=FILING_HEADER)
sublets = partial(csv_bytes, header=SUBLET_HEADER)
SYSTEM = Actor.system("tests")

HAPPY = (
    "粤ICP备2021123456号,filing,快乐网络科技有限公司,company,GD,active,wap.happy.test,2009-06-01"
)
REVOKED = "粤ICP备2009012345号,filing,Gone Ltd,company,GD,revoked,gone.test,2009-01-01"
EXPIRED = "京ICP证030173号,,Old Media,,,expired,old.test;both.test,2009-01-01"
CANCELLED = "粤ICP备2008011111号,,Quit Co,,,cancelled,both.test,2009-01-01"


def _codes(answer: object) -> list[str]:
    return [reason.code for reason in answer.reasons]  # type: ignore[attr-defined]


def _register(world: World, *rows: str, as_of: str = "2010-01-01") -> None:
    report = run_import(world.session, world.centre, filings(*rows), kind="filing", as_of=as_of)
    assert report.applied, report.errors


def test_a_filed_domain_may_be_connected_and_the_filing_is_named(world: World) -> None:
    _register(world, HAPPY)
    answer = check_connection(world.session, "WAP.Happy.test.", world.ap_id, day("2010-02-01"))
    assert answer.allowed
    assert (answer.domain, answer.reasons, answer.warnings) == ("happy.test", [], [])
    [filing] = answer.filings
    assert (filing.number, filing.holder, filing.status) == (
        "粤ICP备2021123456号",
        "快乐网络科技有限公司",
        "active",
    )


def test_an_unknown_or_unfiled_domain_is_refused(world: World) -> None:
    _register(world, HAPPY)
    unknown = check_connection(world.session, "nobody.test", world.ap_id, day("2010-02-01"))
    assert (unknown.allowed, _codes(unknown)) == (False, ["not_filed"])
    assert "nobody.test" in unknown.reasons[0].message_en
    assert "备案" in unknown.reasons[0].message_zh
    # Known to the registry (filed later), but not filed on the day asked about.
    before = check_connection(world.session, "happy.test", world.ap_id, day("2009-05-31"))
    assert _codes(before) == ["not_filed"]


def test_only_revoked_expired_or_cancelled_filings_refuse_with_their_status(world: World) -> None:
    _register(world, REVOKED, EXPIRED, CANCELLED)
    gone = check_connection(world.session, "gone.test", world.ap_id, day("2010-02-01"))
    assert _codes(gone) == ["filing_revoked"]
    assert gone.reasons[0].details["numbers"] == ["粤ICP备2009012345号"]
    assert _codes(check_connection(world.session, "old.test", world.ap_id, day("2010-02-01"))) == [
        "filing_expired"
    ]
    both = check_connection(world.session, "both.test", world.ap_id, day("2010-02-01"))
    assert _codes(both) == ["filing_cancelled", "filing_expired"]
    assert [f.status for f in both.filings] == ["expired", "cancelled"]


def test_a_status_change_is_history_the_gate_reads_per_date(world: World) -> None:
    _register(world, HAPPY, as_of="2009-06-01")
    _register(world, HAPPY.replace(",active,", ",revoked,"), as_of="2010-03-01")
    assert check_connection(world.session, "happy.test", world.ap_id, day("2010-02-28")).allowed
    later = check_connection(world.session, "happy.test", world.ap_id, day("2010-03-01"))
    assert _codes(later) == ["filing_revoked"]


def test_a_confirmed_illegal_decision_refuses_until_withdrawn(world: World) -> None:
    _register(world, HAPPY)
    decision = record_decision(world.session, SYSTEM, "http://m.happy.test/x", "porn", "nudes")
    answer = check_connection(world.session, "happy.test", world.ap_id, day("2010-02-01"))
    assert _codes(answer) == ["illegal_decision"]
    assert answer.reasons[0].details["verdict"] == "porn"
    assert answer.reasons[0].details["decision_id"] == decision.id
    assert "色情" in answer.reasons[0].message_zh
    withdraw_decision(world.session, SYSTEM, decision.id, "mistaken")
    assert check_connection(world.session, "happy.test", world.ap_id, day("2010-02-01")).allowed


def test_a_legal_decision_does_not_refuse(world: World) -> None:
    _register(world, HAPPY)
    record_decision(world.session, SYSTEM, "happy.test", "legal", "looked fine")
    assert check_connection(world.session, "happy.test", world.ap_id, day("2010-02-01")).allowed


def _licence(world: World, org_id: int, **values: object) -> None:
    fields: dict[str, object] = {
        "number": "B1-20090001",
        "kind": "idc",
        "status": "active",
        "valid_from": day("2009-01-01"),
        **values,
    }
    world.session.add(OperatorLicence(org_id=org_id, **fields))
    world.session.flush()


def test_a_reseller_without_an_active_licence_is_refused(world: World) -> None:
    _register(world, HAPPY)
    edge = sublets("Fast Access,Reseller One,10.1.0.0/16,contract R-1,2010-01-01")
    assert run_import(world.session, world.ap, edge, kind="sublet").applied
    on = day("2010-02-01")
    refused = check_connection(world.session, "happy.test", world.reseller_id, on)
    assert _codes(refused) == ["provider_unlicensed"]
    assert refused.reasons[0].details["parent_org_ids"] == [world.ap_id]
    assert "Fast Access" in refused.reasons[0].message_en
    # Not a reseller before the edge began; the access provider itself is a root.
    assert check_connection(
        world.session, "happy.test", world.reseller_id, day("2009-12-31")
    ).allowed
    assert check_connection(world.session, "happy.test", world.ap_id, on).allowed
    _licence(world, world.reseller_id, status="revoked")
    _licence(world, world.reseller_id, expires_on=day("2010-02-01"))
    _licence(world, world.reseller_id, valid_from=day("2010-01-01"), valid_to=day("2010-01-15"))
    assert _codes(check_connection(world.session, "happy.test", world.reseller_id, on)) == [
        "provider_unlicensed"
    ]
    _licence(world, world.reseller_id, expires_on=day("2012-01-01"))
    assert check_connection(world.session, "happy.test", world.reseller_id, on).allowed


def test_several_reasons_at_once(world: World) -> None:
    edge = sublets("Fast Access,Reseller One,10.1.0.0/16,,2010-01-01")
    assert run_import(world.session, world.ap, edge, kind="sublet").applied
    record_decision(world.session, SYSTEM, "casino.test", "gambling", "a casino")
    answer = check_connection(world.session, "casino.test", world.reseller_id, day("2010-02-01"))
    assert _codes(answer) == ["not_filed", "illegal_decision", "provider_unlicensed"]


def test_a_customer_other_than_the_holder_is_a_warning_only(world: World) -> None:
    _register(world, HAPPY)
    on = day("2010-02-01")
    same = "快乐网络科技 有限责任公司"  # spaces and another company-form suffix
    assert (
        check_connection(world.session, "happy.test", world.ap_id, on, customer=same).warnings == []
    )
    answer = check_connection(world.session, "happy.test", world.ap_id, on, customer="Other Co")
    assert answer.allowed
    [warning] = answer.warnings
    assert warning.code == "customer_differs"
    assert warning.details == {"customer": "Other Co", "holders": ["快乐网络科技有限公司"]}


def test_a_host_that_is_no_domain_is_an_error(world: World) -> None:
    for bad in ("com.cn", "10.1.2.3", "http://10.1.2.3/x", "a..b"):
        with pytest.raises(InvalidInput):
            check_connection(world.session, bad, world.ap_id)
    with pytest.raises(DomainError):
        check_connection(world.session, "com.cn", world.ap_id)


def test_connect_check_needs_registry_read_reaching_the_provider(world: World) -> None:
    _register(world, HAPPY)
    on = day("2010-02-01")
    mine = connect_check(world.session, world.viewer, "happy.test", on=on)
    assert (mine.provider_org_id, mine.allowed) == (world.ap_id, True)
    below = connect_check(world.session, world.ap, "happy.test", "Reseller One", on=on)
    assert below.provider_org_id == world.reseller_id
    by_id = connect_check(world.session, world.centre, "happy.test", world.other_id, on=on)
    assert by_id.provider_org_id == world.other_id
    with pytest.raises(AccessDenied):
        connect_check(world.session, world.ap, "happy.test", "Other Access", on=on)
    with pytest.raises(AccessDenied):
        connect_check(world.session, world.reseller, "happy.test", world.ap_id, on=on)
    with pytest.raises(AccessDenied):
        connect_check(world.session, Actor.public(), "happy.test", world.ap_id, on=on)
    with pytest.raises(AccountNotFound):
        connect_check(world.session, world.centre, "happy.test", "No Such Org", on=on)
    with pytest.raises(InvalidInput, match="name the access provider"):
        connect_check(world.session, SYSTEM, "happy.test", on=on)
