"""The ``filing`` kind: ICP numbers, filed domains, modes, and who may import regulator data."""

from __future__ import annotations

from functools import partial

import pytest
from registrykit import FILING_HEADER, World, csv_bytes, day, filing_count, run_import
from sqlalchemy import select

from accounts.accountkit import events
from jingwang.accounts.errors import AccessDenied
from jingwang.registry import ImportMode, OrgNotApplicable, RowError, export_csv
from jingwang.registry.models import Domain, IcpFiledDomain, IcpFiling

filings = partial(csv_bytes, header=FILING_HEADER)
run = partial(run_import, kind="filing")

GD = "粤ICP备2021123456号,filing,Happy Net Ltd,company,GD,active,wap.happy.test;m.joy.test,"
BJ = "京ICP证030173号,,Capital Media,,,,capital.test,2009-01-01"


def _where(errors: list[RowError]) -> list[tuple[int, str | None]]:
    return [(error.line, error.column) for error in errors]


def _open(world: World) -> list[tuple[str, str, str | None]]:
    query = select(IcpFiling).where(IcpFiling.valid_to.is_(None)).order_by(IcpFiling.number)
    return [(f.number, f.status, f.province) for f in world.session.scalars(query)]


def test_broken_rows_are_each_reported_and_nothing_is_imported(world: World) -> None:
    data = filings(
        GD,
        "粤ICP备12号,,Someone,,,,,",
        "京ICP证030173号,filing,,people,GD,gone,bad..name,2010-13-01",
        "B2-20090001,,Telecom Value,,,,,",
    )
    report = run(world.session, world.centre, data)
    assert not report.applied
    assert _where(report.errors) == [
        (3, "number"),
        (4, "holder"),
        (4, "holder_type"),
        (4, "status"),
        (4, "kind"),
        (4, "province"),
        (4, "domains"),
        (4, "valid_from"),
    ]
    assert "not an ICP filing or licence number" in report.errors[0].reason
    assert "individual" in report.errors[2].reason
    assert "licence, not a filing" in report.errors[4].reason
    assert (report.rows, report.rejected) == (4, 2)
    assert filing_count(world.session) == 0
    assert events(world.session, "registry.imported") == []
    good = run(world.session, world.centre, data, good_rows=True)
    assert (good.applied, good.added, good.rejected) == (True, 2, 2)


def test_numbers_are_canonical_and_domains_become_child_rows(world: World) -> None:
    data = filings(
        "粤ICP备 2021123456 号,filing,Happy Net Ltd,company,广东省,正常,"
        "wap.Happy.test； m.happy.test,",
        BJ,
        "B2-20090001,value_added_licence,Telecom Value,other,,expired,,",
    )
    report = run(world.session, world.centre, data, as_of="2010-01-05")
    assert (report.applied, report.added) == (True, 3)
    assert _open(world) == [
        ("B2-20090001", "expired", None),
        ("京ICP证030173号", "active", "BJ"),
        ("粤ICP备2021123456号", "active", "GD"),
    ]
    query = (
        select(Domain.name)
        .join(IcpFiledDomain, IcpFiledDomain.domain_id == Domain.id)
        .join(IcpFiling, IcpFiling.id == IcpFiledDomain.filing_id)
        .where(IcpFiling.number == "粤ICP备2021123456号")
    )
    assert world.session.scalars(query).all() == ["happy.test"]  # one registrable domain


def test_gbk_file_with_chinese_headers_and_values(world: World) -> None:
    header = "备案号,主办单位,主办单位性质,状态,网站域名,审核通过日期"
    data = filings(
        "粤ICP备2021123456号-1,快乐网络公司,企业,已吊销,wap.色情.test、m.example.cn,2010/01/05",
        header=header,
        encoding="gbk",
    )
    report = run(world.session, world.centre, data)
    assert report.encoding in {"gbk", "gb18030"}
    assert (report.applied, report.added) == (True, 1)
    [row] = _rows(world, "2010-01-05")
    assert row[:6] == [
        "粤ICP备2021123456号-1",
        "filing",
        "快乐网络公司",
        "company",
        "GD",
        "revoked",
    ]
    names = row[6].split(";")
    assert names[0] == "example.cn"
    assert names[1].startswith("xn--")


def _rows(world: World, on: str) -> list[list[str]]:
    text = export_csv(world.session, world.centre, "filing", day(on))
    assert text.splitlines()[0] == FILING_HEADER
    return [line.split(",") for line in text.splitlines()[1:]]


def test_a_missing_column_is_reported_once_with_the_fix(world: World) -> None:
    data = filings("粤ICP备2021123456号,x.test", header="备案号,网站域名")
    report = run(world.session, world.centre, data, good_rows=True)
    assert not report.applied
    [error] = report.errors
    assert (error.line, error.column) == (1, "holder")
    assert "主办单位" in error.reason
    assert filing_count(world.session) == 0


def test_duplicate_numbers_are_reported_in_any_spelling(world: World) -> None:
    data = filings(GD, "粤ICP备 2021123456 号,,Happy Net Ltd,,,,,")
    report = run(world.session, world.centre, data)
    [error] = report.errors
    assert (error.line, error.column) == (3, "number")
    assert "line 2" in error.reason
    assert filing_count(world.session) == 0


def test_reimport_changes_nothing_and_a_change_makes_a_new_version(world: World) -> None:
    s = world.session
    first = run(s, world.centre, filings(GD, BJ), as_of="2010-01-05")
    again = run(s, world.centre, filings(BJ, GD), as_of="2010-02-05")
    assert (first.added, again.added, again.changed, again.unchanged) == (2, 0, 0, 2)
    revoked = GD.replace(",active,", ",revoked,")
    changed = run(s, world.centre, filings(revoked), as_of="2010-03-01")
    assert (changed.changed, changed.unchanged) == (1, 0)
    assert filing_count(s) == 3
    versions = s.scalars(
        select(IcpFiling).where(IcpFiling.province == "GD").order_by(IcpFiling.id)
    ).all()
    assert [(v.status, v.valid_to) for v in versions] == [
        ("active", day("2010-03-01")),
        ("revoked", None),
    ]
    domains = s.scalars(
        select(IcpFiledDomain).where(IcpFiledDomain.filing_id == versions[1].id)
    ).all()
    assert len(domains) == 2  # each version lists its own domains


def test_export_round_trips(world: World) -> None:
    run(world.session, world.centre, filings(GD, BJ), as_of="2010-01-05")
    exported = export_csv(world.session, world.centre, "filing", day("2010-01-06"))
    assert exported.splitlines()[1:] == [
        "京ICP证030173号,licence,Capital Media,,BJ,active,capital.test,2009-01-01",
        "粤ICP备2021123456号,filing,Happy Net Ltd,company,GD,active,happy.test;joy.test,2010-01-05",
    ]
    again = run(world.session, world.centre, exported.encode())
    assert (again.added, again.changed, again.unchanged) == (0, 0, 2)
    assert export_csv(world.session, world.viewer, "filing", day("2010-01-06")) == exported


def test_snapshot_closes_missing_filings_without_deleting(world: World) -> None:
    s = world.session
    run(s, world.centre, filings(GD, BJ), as_of="2010-01-05")
    snapshot = partial(run, s, mode=ImportMode.SNAPSHOT, as_of="2030-01-01")
    report = snapshot(world.centre, filings(GD))
    assert (report.unchanged, report.closed) == (1, 1)
    assert filing_count(s) == 2
    assert _open(world) == [("粤ICP备2021123456号", "active", "GD")]
    assert (snapshot(world.centre, filings(GD)).closed, filing_count(s)) == (0, 2)
    bad = snapshot(world.centre, filings(GD, "粤ICP备1号,,x,,,,,"), good_rows=True)
    assert (bad.applied, bad.closed, bad.rejected) == (True, 0, 1)


def test_a_provincial_regulator_snapshot_closes_only_its_province(world: World) -> None:
    s = world.session
    run(s, world.centre, filings(GD, BJ), as_of="2010-01-05")
    other_gd = "粤ICP备2021000001号,,New GD Ltd,,,,,"
    report = run(
        s, world.gd_regulator, filings(other_gd), mode=ImportMode.SNAPSHOT, as_of="2030-01-01"
    )
    assert (report.added, report.closed) == (1, 1)
    assert _open(world) == [
        ("京ICP证030173号", "active", "BJ"),
        ("粤ICP备2021000001号", "active", "GD"),
    ]


def test_only_regulators_and_the_centre_import_filings(world: World) -> None:
    s = world.session
    for actor, reason in ((world.ap, "not_regulator"), (world.viewer, "permission")):
        with pytest.raises(AccessDenied) as refused:
            run(s, actor, filings(GD))
        assert refused.value.details["reason"] == reason
    national_licence = "B2-20090001,,Telecom Value,,,,,"
    report = run(s, world.gd_regulator, filings(GD, BJ, national_licence))
    assert not report.applied
    assert _where(report.errors) == [(3, "number"), (4, "number")]
    assert "its own province" in report.errors[0].reason
    assert run(s, world.gd_regulator, filings(GD)).added == 1
    assert run(s, world.national, filings(BJ, national_licence)).added == 2
    with pytest.raises(OrgNotApplicable):
        run(s, world.centre, filings(GD), org_id=world.ap_id)
