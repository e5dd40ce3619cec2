"""XLSX import and export: sheet rows as lines, typed cells as text, hostile files refused."""

from __future__ import annotations

import datetime as dt
import io
import zipfile
from pathlib import Path

import pytest
from openpyxl import Workbook, load_workbook  # type: ignore[import-untyped]
from registrykit import World, connection_count, csv_bytes, day, make_world
from sqlalchemy.orm import Session

from accounts.accountkit import cli_runner
from jingwang.accounts import Actor
from jingwang.cli.exit_codes import ExitCode
from jingwang.registry import ImportOptions, ImportReport, RowError, import_csv
from jingwang.registry.csvfile import ReadLimits
from jingwang.registry.errors import BadSpreadsheet, FileTooLarge
from jingwang.registry.exporting import ExportFormat, export_file
from jingwang.registry.xlsxfile import cell_text
from jingwang.settings import Settings
from jingwang.store import Database

HEADER = ["provider", "domain", "site", "ip_range", "server", "contract_ref", "valid_from"]


def workbook(*rows: list[object], sheet: str = "inventory", header_row: int = 1) -> bytes:
    book = Workbook()
    first = book.active
    first.title = "notes"
    first.append(["this sheet is not the data"])
    data = book.create_sheet(sheet, 0)
    for _ in range(header_row - 1):
        data.append([])
    data.append(HEADER)
    for row in rows:
        data.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def run(
    session: Session,
    actor: Actor,
    data: bytes,
    *,
    name: str = "inventory.xlsx",
    sheet: str | None = None,
    good_rows: bool = False,
    limits: ReadLimits | None = None,
) -> ImportReport:
    options = ImportOptions(
        "connection",
        file_name=name,
        sheet=sheet,
        good_rows=good_rows,
        limits=limits or ReadLimits(),
    )
    return import_csv(session, actor, data, options)


def _where(errors: list[RowError]) -> list[tuple[int, str | None]]:
    return [(error.line, error.column) for error in errors]


def test_cells_become_the_text_a_csv_file_holds() -> None:
    # Spreadsheet date-times carry no zone: cells are naive, as openpyxl reads them.
    midnight, morning = dt.datetime.fromisoformat("2010-01-05"), dt.datetime(2010, 1, 5, 8, 30)  # noqa: DTZ001
    assert cell_text(midnight) == "2010-01-05"
    assert cell_text(morning) == "2010-01-05 08:30:00"
    assert cell_text(dt.date(2010, 1, 5)) == "2010-01-05"
    assert (cell_text(12345), cell_text(12345.0), cell_text(1.5)) == ("12345", "12345", "1.5")
    assert (cell_text(None), cell_text(True), cell_text(" x ")) == ("", "true", " x ")


def test_bad_rows_are_reported_by_sheet_row(world: World) -> None:
    data = workbook(
        ["Fast Access", "wap.good.test", None, "10.1.0.0/16", None, 20100001, dt.date(2010, 1, 5)],
        ["Nobody Ltd", "wap.x.test"],
        [],
        ["Fast Access", "bad..name", None, None, None, None, "2010-13-01"],
        [world.ap_id, "wap.good.test"],
        header_row=2,
    )
    report = run(world.session, world.ap, data)
    assert (report.encoding, report.applied) == ("xlsx", False)
    assert _where(report.errors) == [
        (4, "provider"),
        (6, "domain"),
        (6, "valid_from"),
        (7, "domain"),
    ]
    assert "duplicate key" in report.errors[-1].reason
    assert connection_count(world.session) == 0
    good = run(world.session, world.ap, data, good_rows=True)
    assert (good.added, good.rejected) == (1, 3)
    text = export_file(world.session, world.ap, "connection", day("2010-01-05"), ExportFormat.CSV)
    assert text.decode().splitlines()[1] == (
        "Fast Access,good.test,,,10.1.0.0/16,,20100001,2010-01-05"
    )


def test_a_missing_column_and_a_named_sheet(world: World) -> None:
    book = Workbook()
    book.active.append(["provider", "site"])
    book.active.append(["Fast Access", "x"])
    other = book.create_sheet("second")
    other.append(["接入商", "域名"])
    other.append(["Fast Access", "wap.second.test"])
    out = io.BytesIO()
    book.save(out)
    report = run(world.session, world.ap, out.getvalue())
    assert _where(report.errors) == [(1, "domain")]
    assert "missing column" in report.errors[0].reason
    second = run(world.session, world.ap, out.getvalue(), sheet="second")
    assert (second.applied, second.added) == (True, 1)
    with pytest.raises(BadSpreadsheet, match="no sheet 'third'"):
        run(world.session, world.ap, out.getvalue(), sheet="third")


def test_a_damaged_or_encrypted_file_is_one_clear_error(world: World) -> None:
    with pytest.raises(BadSpreadsheet, match="not an XLSX workbook"):
        run(world.session, world.ap, b"provider,domain\n", name="inventory.xlsx")
    ole = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 100
    with pytest.raises(BadSpreadsheet, match="encrypted"):
        run(world.session, world.ap, ole, name="inventory.xlsx")
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr("hello.txt", "not a workbook")
    with pytest.raises(BadSpreadsheet, match="cannot be read"):
        run(world.session, world.ap, out.getvalue(), name="data.bin")
    with pytest.raises(BadSpreadsheet, match="XLSX"):
        run(world.session, world.ap, csv_bytes("Fast Access,x.test,,,,,"), name="a.csv", sheet="x")


def test_limits_refuse_big_files_before_reading_them(world: World) -> None:
    data = workbook(*(["Fast Access", f"d{i}.test"] for i in range(5)))
    with pytest.raises(FileTooLarge, match="rows"):
        run(world.session, world.ap, data, limits=ReadLimits(max_rows=4))
    assert run(world.session, world.ap, data, limits=ReadLimits(max_rows=5)).added == 5
    bomb = io.BytesIO()
    with zipfile.ZipFile(bomb, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("xl/worksheets/sheet1.xml", b"<" + b" " * 2_000_000)
    assert len(bomb.getvalue()) < 10_000
    with pytest.raises(FileTooLarge, match="bytes"):
        run(world.session, world.ap, bomb.getvalue(), limits=ReadLimits(max_bytes=1_000_000))
    with pytest.raises(FileTooLarge, match="bytes"):
        run(world.session, world.ap, csv_bytes("a"), name="a.csv", limits=ReadLimits(max_bytes=5))


def test_an_xlsx_export_imports_again_unchanged(world: World) -> None:
    rows = csv_bytes("Fast Access,wap.one.test,站点,10.1.0.0/16,,007,2010-01-05")
    import_csv(world.session, world.ap, rows, ImportOptions("connection", file_name="a.csv"))
    data = export_file(world.session, world.ap, "connection", day("2010-02-01"), ExportFormat.XLSX)
    sheet = load_workbook(io.BytesIO(data), read_only=True).worksheets[0]
    values = list(sheet.iter_rows(values_only=True))
    assert values[1][:3] == ("Fast Access", "one.test", "站点")
    assert values[1][6] == "007"  # text cells keep leading zeros
    again = run(world.session, world.ap, data, name="export.xlsx")
    assert (again.applied, again.unchanged, again.added) == (True, 1, 0)


def test_the_command_line_imports_and_exports_workbooks(
    capsys: pytest.CaptureFixture[str], live_settings: Settings, live_db: Database, tmp_path: Path
) -> None:
    with live_db.session() as session:
        make_world(session)

    cli = cli_runner(capsys, live_settings)

    book = tmp_path / "inventory.xlsx"
    book.write_bytes(workbook(["Fast Access", "wap.one.test"], sheet="data"))
    code, out = cli("registry", "import", "connection", str(book), "--sheet", "data")
    assert code == ExitCode.OK, out
    assert "(xlsx)" in out
    code, out = cli("registry", "import", "connection", str(book), "--sheet", "nope")
    assert code == ExitCode.INVALID_INPUT
    assert "no sheet 'nope'" in out
    target = tmp_path / "out.xlsx"
    code, out = cli("registry", "export", "connection", "--format", "xlsx", "-o", str(target))
    assert code == ExitCode.OK, out
    rows = list(load_workbook(target, read_only=True).worksheets[0].iter_rows(values_only=True))
    assert rows[1][:2] == ("Fast Access", "one.test")
    code, out = cli("registry", "export", "connection", "--format", "xlsx")
    assert code != ExitCode.OK
    assert "--output" in out
