"""The ``licence`` kind: operating licences, imported by their holders or by regulators."""

from __future__ import annotations

from functools import partial

from registrykit import World, csv_bytes, day, run_import
from sqlalchemy import select

from jingwang.registry import ImportMode, RowError, export_csv
from jingwang.registry.licences import normalise_number
from jingwang.registry.models import OperatorLicence

licences = partial(csv_bytes, header="org,number,kind,status,expires_on,valid_from")
run = partial(run_import, kind="licence")


def _where(errors: list[RowError]) -> list[tuple[int, str | None]]:
    return [(error.line, error.column) for error in errors]


def test_numbers_are_normalised() -> None:
    assert normalise_number(" ｂ１-２００９ ０００１ ") == "B1-20090001"
    assert normalise_number("a2.b1.b2-20090001") == "A2.B1.B2-20090001"


def test_licence_rows_are_checked_cell_by_cell(world: World) -> None:
    data = licences(
        "Fast Access,ｂ１-２００９０００１,互联网数据中心,正常,2015-01-01,2010-01-01",
        "Nobody Ltd,B1-1,,,,",
        "Reseller One,no digits,radio,,,",
        "Reseller One,B1-2,isp,lost,2015-02-30,",
        "Fast Access,B1-20090001,,,,",
    )
    report = run(world.session, world.ap, data)
    assert _where(report.errors) == [
        (3, "org"),
        (4, "number"),
        (4, "kind"),
        (5, "status"),
        (5, "expires_on"),
        (6, "number"),
    ]
    good = run(world.session, world.ap, data, good_rows=True)
    assert (good.added, good.rejected) == (1, 4)
    [licence] = world.session.scalars(select(OperatorLicence)).all()
    assert (licence.number, licence.kind, licence.status) == ("B1-20090001", "idc", "active")
    assert licence.expires_on == day("2015-01-01")


def test_regulators_import_licences_of_their_province_only(world: World) -> None:
    gd = licences("Fast Access,B1-1,isp,,,", "Reseller One,B1-2,,,,")
    report = run(world.session, world.gd_regulator, gd)
    assert (report.applied, report.added) == (True, 2)
    bj = run(world.session, world.gd_regulator, licences("Other Access,B1-3,isp,,,"))
    assert _where(bj.errors) == [(2, "org")]
    national = run(world.session, world.national, licences("Other Access,B1-3,isp,,,"))
    assert national.added == 1
    refused = run(world.session, world.other, licences("Fast Access,B1-4,,,,"))
    assert _where(refused.errors) == [(2, "org")]


def test_a_change_and_a_snapshot_keep_history(world: World) -> None:
    run(world.session, world.ap, licences("Reseller One,B1-2,isp,,,"), as_of="2010-01-01")
    revoked = licences("Reseller One,B1-2,isp,吊销,,")
    report = run(world.session, world.ap, revoked, as_of="2010-02-01")
    assert report.changed == 1
    jan = export_csv(world.session, world.reseller, "licence", day("2010-01-15"))
    assert jan.splitlines()[1] == "Reseller One,B1-2,isp,active,,2010-01-01"
    feb = export_csv(world.session, world.reseller, "licence", day("2010-02-15"))
    assert feb.splitlines()[1] == "Reseller One,B1-2,isp,revoked,,2010-02-01"
    empty = run(
        world.session,
        world.ap,
        licences("Fast Access,B1-1,,,,"),
        mode=ImportMode.SNAPSHOT,
        as_of="2010-03-01",
        org_id=world.ap_id,
    )
    assert (empty.added, empty.closed) == (1, 1)
    assert export_csv(world.session, world.other, "licence", day("2010-03-15")).count("\n") == 1
