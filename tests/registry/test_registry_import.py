"""CSV import: per-row errors, encodings, missing columns, duplicates, modes, idempotence."""

from __future__ import annotations

import pytest
from registrykit import World, connection_count, csv_bytes, day, run_import
from sqlalchemy import select

from accounts.accountkit import events
from jingwang.accounts.errors import AccessDenied
from jingwang.registry import (
    AsOfRequired,
    BadMapping,
    ImportMode,
    ImportOptions,
    RowError,
    UnknownRecordKind,
    export_csv,
    import_csv,
)
from jingwang.registry.models import Connection

BROKEN = csv_bytes(
    "Fast Access,wap.good.test,,10.1.0.0/16,,,2010-01-05",
    "Nobody Ltd,wap.x.test,,,,,",
    "Fast Access,bad..name,,,,,",
    "Fast Access,ok.test,,10.1.0.300/24,,,2010-13-01",
    "Reseller One,also-good.test,,,,,",
)


def _where(report_errors: list[RowError]) -> list[tuple[int, str | None]]:
    return [(error.line, error.column) for error in report_errors]


def test_broken_rows_are_each_reported_and_nothing_is_imported(world: World) -> None:
    report = run_import(world.session, world.ap, BROKEN)
    assert not report.applied
    assert _where(report.errors) == [
        (3, "provider"),
        (4, "domain"),
        (5, "ip_range"),
        (5, "valid_from"),
    ]
    assert report.errors[0].value == "Nobody Ltd"
    assert "YYYY-MM-DD" in report.errors[3].reason
    assert (report.rows, report.rejected) == (5, 3)
    assert connection_count(world.session) == 0
    assert events(world.session, "registry.imported") == []


def test_good_rows_mode_imports_the_good_ones(world: World) -> None:
    report = run_import(world.session, world.ap, BROKEN, good_rows=True)
    assert report.applied
    assert (report.added, report.rejected, len(report.errors)) == (2, 3, 4)
    assert connection_count(world.session) == 2
    [event] = events(world.session, "registry.imported")
    assert (event["added"], event["rejected"], event["kind"]) == (2, 3, "connection")


def test_gbk_file_with_chinese_headers(world: World) -> None:
    header = "接入商,域名,网站名称,IP段,服务器,合同编号,接入日期"
    data = csv_bytes(
        "Fast Access,wap.色情.test,成人影院,10.1.0.0/16,机房七,合同-1,2010/01/05",
        header=header,
        encoding="gbk",
    )
    report = run_import(world.session, world.ap, data)
    assert report.encoding in {"gbk", "gb18030"}
    assert (report.applied, report.added) == (True, 1)
    [fact] = export_rows(world, "2010-01-05")
    assert fact[1].startswith("xn--")  # the registrable domain, ASCII form
    assert fact[1].endswith(".test")
    assert fact[2] == "成人影院"


def export_rows(world: World, on: str) -> list[list[str]]:
    text = export_csv(world.session, world.ap, "connection", day(on))
    return [line.split(",") for line in text.splitlines()[1:]]


def test_utf8_bom_is_read(world: World) -> None:
    data = b"\xef\xbb\xbf" + csv_bytes("Fast Access,a.test,,,,,")
    report = run_import(world.session, world.ap, data)
    assert (report.encoding, report.added) == ("utf-8", 1)


def test_a_missing_column_is_reported_once_with_the_fix(world: World) -> None:
    data = csv_bytes("Fast Access,10.1.0.0/16", "Fast Access,10.2.0.0/16", header="接入商,IP段")
    report = run_import(world.session, world.ap, data, good_rows=True)
    assert not report.applied
    [error] = report.errors
    assert (error.line, error.column) == (1, "domain")
    assert "域名" in error.reason
    assert "mapping" in error.reason
    assert connection_count(world.session) == 0


def test_a_mapping_names_unusual_headers(world: World) -> None:
    data = csv_bytes("Fast Access,a.test", header="接入方,网址")
    mapping = {"接入方": "provider", "网址": "domain"}
    assert run_import(world.session, world.ap, data, mapping=mapping).added == 1
    with pytest.raises(BadMapping):
        run_import(world.session, world.ap, data, mapping={"网址": "url"})


def test_duplicate_keys_are_reported(world: World) -> None:
    data = csv_bytes("Fast Access,wap.dup.test,,,,,", "Fast Access,m.dup.test,,,,,")
    report = run_import(world.session, world.ap, data)
    [error] = report.errors
    assert (error.line, error.column) == (3, "domain")
    assert "line 2" in error.reason
    assert connection_count(world.session) == 0


def test_reimporting_the_same_file_changes_nothing(world: World) -> None:
    data = csv_bytes("Fast Access,a.test,A,10.1.0.0/16,,C-1,", "Reseller One,b.test,,,,,")
    first = run_import(world.session, world.ap, data, as_of="2010-01-05")
    second = run_import(world.session, world.ap, data, as_of="2010-02-05")
    assert (first.added, second.added, second.changed, second.unchanged) == (2, 0, 0, 2)
    assert connection_count(world.session) == 2


def test_export_round_trips(world: World) -> None:
    data = csv_bytes("Fast Access,a.test,A,10.1.0.0/16,rack,C-1,2010-01-01")
    run_import(world.session, world.ap, data)
    exported = export_csv(world.session, world.ap, "connection", day("2010-01-02"))
    assert exported.splitlines()[1] == "Fast Access,a.test,A,,10.1.0.0/16,rack,C-1,2010-01-01"
    again = run_import(world.session, world.ap, exported.encode())
    assert (again.added, again.unchanged) == (0, 1)


def test_snapshot_closes_missing_records_without_deleting(world: World) -> None:
    s = world.session
    run_import(s, world.ap, csv_bytes("Fast Access,a.test,,,,,", "Reseller One,b.test,,,,,"))
    other = csv_bytes("Other Access,c.test,,,,,")
    run_import(s, world.other, other)
    inventory = csv_bytes("Fast Access,a.test,,,,,")
    report = run_import(s, world.ap, inventory, mode=ImportMode.SNAPSHOT, as_of="2030-01-01")
    assert (report.unchanged, report.closed) == (1, 1)
    assert connection_count(s) == 3
    closed = s.scalars(select(Connection).where(Connection.valid_to.is_not(None))).all()
    assert [(c.provider_org_id, c.valid_to) for c in closed] == [
        (world.reseller_id, day("2030-01-01"))
    ]
    again = run_import(s, world.ap, inventory, mode=ImportMode.SNAPSHOT, as_of="2030-01-01")
    assert (again.closed, again.unchanged) == (0, 1)


def test_snapshot_with_bad_rows_closes_nothing(world: World) -> None:
    s = world.session
    run_import(s, world.ap, csv_bytes("Fast Access,a.test,,,,,", "Fast Access,b.test,,,,,"))
    inventory = csv_bytes("Fast Access,a.test,,,,,", "Fast Access,b.test,,,,,2010-99-99")
    report = run_import(
        s, world.ap, inventory, mode=ImportMode.SNAPSHOT, as_of="2030-01-01", good_rows=True
    )
    assert (report.applied, report.closed, report.rejected) == (True, 0, 1)


def test_snapshot_needs_a_date(world: World) -> None:
    with pytest.raises(AsOfRequired):
        run_import(world.session, world.ap, csv_bytes(), mode=ImportMode.SNAPSHOT)


def test_a_provider_imports_only_for_itself_and_its_resellers(world: World) -> None:
    data = csv_bytes("Reseller One,a.test,,,,,", "Other Access,b.test,,,,,")
    report = run_import(world.session, world.ap, data)
    assert not report.applied
    assert _where(report.errors) == [(3, "provider")]
    assert "import only for your organisation" in report.errors[0].reason
    up = run_import(world.session, world.reseller, csv_bytes("Fast Access,a.test,,,,,"))
    assert _where(up.errors) == [(2, "provider")]
    with pytest.raises(AccessDenied):
        run_import(world.session, world.viewer, csv_bytes("Fast Access,a.test,,,,,"))
    with pytest.raises(AccessDenied):
        run_import(
            world.session,
            world.ap,
            csv_bytes(),
            mode=ImportMode.SNAPSHOT,
            as_of="2030-01-01",
            org_id=world.other_id,
        )


def test_unknown_kind_is_refused(world: World) -> None:
    with pytest.raises(UnknownRecordKind):
        import_csv(world.session, world.ap, b"", ImportOptions("promotion_channel"))
    with pytest.raises(UnknownRecordKind):
        export_csv(world.session, world.ap, "promotion_channel", day("2030-01-01"))


def test_progress_is_reported_per_applied_row(world: World) -> None:
    seen: list[tuple[int, int]] = []
    data = csv_bytes("Fast Access,a.test,,,,,", "Fast Access,b.test,,,,,")
    options = ImportOptions("connection", as_of=day("2010-01-01"))
    import_csv(
        world.session, world.ap, data, options, lambda done, total: seen.append((done, total))
    )
    assert seen == [(1, 2), (2, 2)]
