"""The audit engine: findings de-duplicated across runs, states, histories, incremental runs."""

from __future__ import annotations

import datetime as dt

import pytest
from registry_auditkit import SYSTEM, audit, findings, keys, org
from registrykit import FILING_HEADER, SUBLET_HEADER, World, csv_bytes, day, run_import
from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from jingwang.accounts.errors import AccessDenied
from jingwang.registry import ImportMode
from jingwang.registry.audits import run_audit
from jingwang.registry.errors import UnknownAuditRule
from jingwang.registry.models import Finding, RegistryChange
from jingwang.registry.observations import record_page_numbers
from jingwang.store.outbox import OutboxEvent

UNFILED = "unfiled_site_connected"


def _story(world: World) -> None:
    """porn.test: connected by Fast Access on 01-05, gone from its 03-01 inventory, then
    connected by its reseller from 04-01."""
    s, ap = world.session, world.ap
    first = csv_bytes("Fast Access,wap.porn.test,Hot,10.1.0.0/16,rack 7,C-1,2010-01-05")
    run_import(s, ap, first, as_of="2010-01-05")
    inventory = csv_bytes("Fast Access,news.test,News,10.2.0.0/16,,,2009-12-01")
    run_import(s, ap, inventory, mode=ImportMode.SNAPSHOT, as_of="2010-03-01", org_id=world.ap_id)
    again = csv_bytes("Reseller One,m.porn.test,Hot,10.1.5.0/24,,R-9,2010-04-01")
    run_import(s, world.reseller, again, as_of="2010-04-01")


def _porn(session: Session) -> dict[str, Finding]:
    return {f.key: f for f in findings(session, UNFILED) if f.key.endswith(":porn.test")}


def test_a_site_connected_disconnected_and_reconnected_by_a_reseller(world: World) -> None:
    s = world.session
    _story(world)
    mine, theirs = f"{world.ap_id}:porn.test", f"{world.reseller_id}:porn.test"
    audit(s, on=day("2010-02-01"), rules=[UNFILED])
    found = _porn(s)
    assert list(found) == [mine]
    assert found[mine].addressee_org_id == world.ap_id
    assert found[mine].evidence["site"] == "Hot"

    run = audit(s, on=day("2010-03-15"), rules=[UNFILED])
    assert run.counts[UNFILED]["fixed"] == 1
    found = _porn(s)
    assert found[mine].state == "fixed"
    assert found[mine].fixed_at is not None

    audit(s, on=day("2010-04-15"), rules=[UNFILED])
    found = _porn(s)
    assert (found[mine].state, found[theirs].state) == ("fixed", "open")
    assert found[theirs].addressee_org_id == world.reseller_id
    assert found[theirs].evidence["ip_range"] == "10.1.5.0/24"

    # Fast Access connects it again: its finding is reopened, not duplicated.
    back = csv_bytes("Fast Access,porn.test,Hot,,,,2010-05-01")
    run_import(s, world.ap, back, as_of="2010-05-01")
    run = audit(s, on=day("2010-05-15"), rules=[UNFILED])
    assert run.counts[UNFILED]["reopened"] == 1
    found = _porn(s)
    assert (found[mine].state, found[mine].reopened, found[mine].fixed_at) == ("open", 1, None)
    assert found[theirs].state == "open"


def test_running_twice_creates_no_new_finding(world: World) -> None:
    _story(world)
    s = world.session
    first = audit(s, on=day("2010-04-15"))
    count = s.scalar(select(func.count()).select_from(Finding))
    second = audit(s, on=day("2010-04-15"))
    assert s.scalar(select(func.count()).select_from(Finding)) == count
    assert all(c["new"] == 0 and c["fixed"] == 0 for c in second.counts.values())
    assert second.counts[UNFILED]["still_open"] == first.counts[UNFILED]["new"] > 0
    for finding in findings(s):
        assert (finding.first_run_id, finding.last_run_id) == (first.id, second.id)
    assert second.finished_at is not None
    events = s.scalars(select(OutboxEvent).where(OutboxEvent.name == "registry.audited"))
    payloads = [event.payload for event in events]
    assert [p["object_id"] for p in payloads] == [str(first.id), str(second.id)]
    assert payloads[1]["counts"][UNFILED]["still_open"] == second.counts[UNFILED]["still_open"]


def test_a_false_positive_stays_one_and_an_acknowledged_one_gets_fixed(world: World) -> None:
    _story(world)
    s = world.session
    audit(s, on=day("2010-02-01"), rules=[UNFILED])
    others = [f for f in findings(s, UNFILED) if not f.key.endswith(":porn.test")]
    assert others  # news.test is not filed either
    s.execute(
        update(Finding).where(Finding.key.endswith(":porn.test")).values(state="false_positive")
    )
    s.execute(update(Finding).where(Finding.id == others[0].id).values(state="acknowledged"))
    before = _porn(s)[f"{world.ap_id}:porn.test"].last_found_at
    run = audit(s, on=day("2010-02-02"), rules=[UNFILED])
    assert run.counts[UNFILED]["false_positive"] == 1
    fp = _porn(s)[f"{world.ap_id}:porn.test"]
    assert fp.state == "false_positive"
    assert fp.last_found_at >= before
    # On a date after Fast Access dropped porn.test: still a false positive, never "fixed".
    audit(s, on=day("2010-03-15"), rules=[UNFILED])
    assert _porn(s)[f"{world.ap_id}:porn.test"].state == "false_positive"
    assert keys(s, UNFILED, "acknowledged") == [others[0].key]


def test_who_may_run_an_audit(world: World) -> None:
    with pytest.raises(AccessDenied):
        run_audit(world.session, world.ap, on=day("2010-01-01"))
    with pytest.raises(UnknownAuditRule):
        run_audit(world.session, SYSTEM, on=day("2010-01-01"), rules=["no_such_rule"])


def test_imports_record_what_they_changed(world: World) -> None:
    s = world.session
    report = run_import(s, world.ap, csv_bytes("Fast Access,porn.test,,,,,2010-01-05"))
    changes = list(
        s.scalars(select(RegistryChange).where(RegistryChange.import_id == report.import_id))
    )
    assert {(c.domain_id is not None, c.org_id) for c in changes} == {
        (True, None),
        (False, world.ap_id),
    }
    filing = csv_bytes(
        "粤ICP备09012345号,,Hot Ltd,company,GD,active,porn.test;porn2.test,2010-01-01",
        header=FILING_HEADER,
    )
    report = run_import(s, SYSTEM, filing, kind="filing")
    domains = s.scalars(
        select(RegistryChange.domain_id).where(RegistryChange.import_id == report.import_id)
    )
    assert len(set(domains)) == 2


def _load(world: World) -> None:
    s = world.session
    org(s, "Quiet Access")
    filings = csv_bytes(
        "粤ICP备09000001号,,News Ltd,company,GD,active,news.test,2010-01-01",
        "粤ICP备09000002号,,Shop Ltd,company,GD,active,shop.test,2010-01-01",
        header=FILING_HEADER,
    )
    run_import(s, SYSTEM, filings, kind="filing", as_of="2010-01-01")
    header = "provider,domain,site,customer,ip_range,valid_from"
    connections = csv_bytes(
        "Fast Access,news.test,News,News Ltd,,2010-01-01",
        "Fast Access,porn.test,Hot,,,2010-01-01",
        "Fast Access,shop.test,Shop,Somebody Else,,2010-01-01",
        "Reseller One,game.test,Game,,10.5.0.0/24,2010-01-01",
        "Quiet Access,calm.test,Calm,,,2010-01-01",
        header=header,
    )
    run_import(s, SYSTEM, connections, as_of="2010-01-01")
    sublets = csv_bytes("Fast Access,Reseller One,10.1.0.0/16,,2010-01-01", header=SUBLET_HEADER)
    run_import(s, SYSTEM, sublets, kind="sublet", as_of="2010-01-01")


def _change(world: World) -> None:
    s = world.session
    filings = csv_bytes(
        "粤ICP备09000001号,,News Ltd,company,GD,revoked,news.test,2010-01-01",
        "粤ICP备09000003号,,Hot Ltd,company,GD,active,porn.test,2010-05-01",
        header=FILING_HEADER,
    )
    run_import(s, SYSTEM, filings, kind="filing", as_of="2010-05-01")
    sublets = csv_bytes("Fast Access,Reseller One,10.5.0.0/16,,2010-05-01", header=SUBLET_HEADER)
    run_import(s, SYSTEM, sublets, kind="sublet", as_of="2010-05-01")
    run_import(s, SYSTEM, csv_bytes("Other Access,bad.test,Bad,,,,2010-05-01"), as_of="2010-05-01")
    seen = dt.datetime(2010, 5, 2, tzinfo=dt.UTC)
    record_page_numbers(s, "http://shop.test/", "京ICP备05002571号", observed_at=seen)


def _state(session: Session) -> set[tuple[str, str, str, int | None]]:
    return {(f.rule, f.key, f.state, f.addressee_org_id) for f in findings(session)}


def test_an_incremental_run_finds_what_a_full_run_finds(world: World) -> None:
    s = world.session
    _load(world)
    on = day("2010-06-01")
    first = audit(s, on=on)
    calm = next(f for f in findings(s, UNFILED) if f.key.endswith(":calm.test"))
    assert calm.last_run_id == first.id
    _change(world)
    incremental = audit(s, on=on, mode="incremental")
    counts = incremental.counts
    assert counts[UNFILED]["new"] == 2  # bad.test, news.test (its filing revoked)
    assert counts[UNFILED]["fixed"] == 1  # porn.test filed
    assert counts["filing_revoked_or_expired"]["new"] == 1  # news.test
    assert counts["undeclared_ip_range"]["fixed"] == 1  # game.test's range let now
    assert counts["page_number_mismatch"]["new"] == 1  # shop.test's page
    after = _state(s)
    # calm.test changed nothing: the incremental run did not look at it.
    calm = next(f for f in findings(s, UNFILED) if f.key.endswith(":calm.test"))
    assert calm.last_run_id == first.id
    full = audit(s, on=on)
    assert all(c["new"] == c["fixed"] == c["reopened"] == 0 for c in full.counts.values())
    assert _state(s) == after


def test_an_incremental_run_without_a_previous_run_checks_everything(world: World) -> None:
    _load(world)
    run = audit(world.session, on=day("2010-06-01"), mode="incremental")
    assert run.mode == "incremental"
    assert run.counts[UNFILED]["new"] == 3  # porn.test, game.test, calm.test
