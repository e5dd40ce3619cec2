"""Incremental audits on sublet chains, licences and decisions: the same findings as a full run."""

from __future__ import annotations

import datetime as dt

from registry_auditkit import (
    ON,
    START,
    SYSTEM,
    audit,
    channel,
    connect,
    decide,
    filing,
    findings,
    let,
    licence,
    org,
)
from registrykit import FILING_HEADER, csv_bytes, run_import
from sqlalchemy import update
from sqlalchemy.orm import Session

from jingwang.registry.models import RegistryChange, RegistryImport, SubletEdge
from jingwang.registry.observations import record_page_numbers


def _changed(
    session: Session, *, domains: tuple[int, ...] = (), orgs: tuple[int, ...] = ()
) -> None:
    """What an import that touched these subjects records (the importer's part is tested apart)."""
    record = RegistryImport(
        kind="sublet",
        mode="delta",
        as_of=ON,
        file_name="change.csv",
        file_sha256="0" * 64,
        counts={},
        actor="test",
    )
    session.add(record)
    session.flush()
    session.add_all(RegistryChange(import_id=record.id, domain_id=d) for d in domains)
    session.add_all(RegistryChange(import_id=record.id, org_id=o) for o in orgs)
    session.flush()


def _state(session: Session) -> set[tuple[str, str, str]]:
    return {(f.rule, f.key, f.state) for f in findings(session)}


def test_chains_licences_and_decisions_incrementally(session: Session) -> None:
    carrier = org(session, "China Carrier", "carrier")
    idc = org(session, "Big IDC")
    r1, r2, r3 = (org(session, f"Reseller {n}", "reseller") for n in (1, 2, 3))
    top = let(session, carrier, idc)
    let(session, idc, r1)
    let(session, r1, r2)
    let(session, r2, r3)
    licence(session, idc)
    licence(session, r2)
    licence(session, r3)
    connect(session, r1, "one.test", ip="10.1.0.0/24")
    connect(session, r3, "three.test", ip="10.3.0.0/24")
    channel(session, carrier, "CH1", "http://m.shop.test/")
    first = audit(session)
    assert first.counts["sublet_too_deep"]["new"] == 1  # carrier → … → Reseller 3: 4 edges
    assert first.counts["unlicensed_reseller"]["new"] == 1  # Reseller 1
    assert first.counts["landing_on_illegal_site"]["new"] == 0

    licence(session, r1)
    _changed(session, orgs=(r1,))
    decide(session, "shop.test")
    session.execute(
        update(SubletEdge).where(SubletEdge.id == top).values(valid_to=START + dt.timedelta(30))
    )
    _changed(session, orgs=(carrier, idc))

    incremental = audit(session, mode="incremental")
    counts = incremental.counts
    assert counts["unlicensed_reseller"]["fixed"] == 1
    assert counts["sublet_too_deep"]["fixed"] == 1
    assert counts["landing_on_illegal_site"]["new"] == 1
    after = _state(session)
    full = audit(session)
    assert all(c["new"] == c["fixed"] == c["reopened"] == 0 for c in full.counts.values())
    assert _state(session) == after


def test_nothing_changed_means_nothing_rechecked(session: Session) -> None:
    ap = org(session, "Fast Access")
    connect(session, ap, "porn.test")
    first = audit(session)
    second = audit(session, mode="incremental")
    assert all(sum(n for k, n in c.items() if k != "ms") == 0 for c in second.counts.values())
    (finding,) = findings(session)
    assert finding.last_run_id == first.id


def test_a_changed_filing_rechecks_the_pages_that_show_its_number(session: Session) -> None:
    ap = org(session, "Fast Access")
    filing(session, "粤ICP备09012348号", "Other Ltd", "other.test")
    connect(session, ap, "copy.test")
    seen = dt.datetime(2010, 5, 1, tzinfo=dt.UTC)
    record_page_numbers(session, "http://copy.test/", "粤ICP备09012348号-1", observed_at=seen)
    first = audit(session, rules=["domain_not_in_filing", "page_number_mismatch"])
    assert first.counts["domain_not_in_filing"]["new"] == 1
    revoked = csv_bytes(
        "粤ICP备09012348号,,Other Ltd,company,GD,revoked,other.test,2010-01-01",
        header=FILING_HEADER,
    )
    run_import(session, SYSTEM, revoked, kind="filing", as_of="2010-05-01")
    incremental = audit(session, mode="incremental")
    assert incremental.counts["domain_not_in_filing"]["fixed"] == 1
    after = _state(session)
    full = audit(session)
    assert all(c["new"] == c["fixed"] == c["reopened"] == 0 for c in full.counts.values())
    assert _state(session) == after
