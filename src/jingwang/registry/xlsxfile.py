"""Reading and writing registry files as XLSX workbooks (what the carriers' offices keep).

:func:`read_xlsx` reads one sheet (by name, or the first) into the same
:class:`~.csvfile.CsvTable` as a CSV file, by the same header mapping: the first non-empty row
is the header, line numbers are the sheet's row numbers (so an error says "line 7, column
domain"), and every cell becomes text: a date (or a midnight date-time) its ISO date, an
integer (or an integral float, as spreadsheets store numbers) its digits, anything else its
plain text. Formulas count by their cached values (``data_only``).

A workbook is a zip archive of XML files, and a hostile one can be small on disk and huge when
inflated: before openpyxl opens it, the uncompressed sizes of its sheets and shared strings are
summed from the archive's directory and checked against the byte limit, and rows are counted
against the row limit as they are read (openpyxl's read-only mode streams them). A file that is
not a workbook (an encrypted one is an OLE file, not a zip), or that openpyxl cannot read, is
one :class:`~.errors.BadSpreadsheet` error, never a traceback.

:func:`write_xlsx` writes an export with openpyxl's write-only mode (rows streamed, every cell a
string, so codes and numbers keep their leading zeros).
"""

from __future__ import annotations

import datetime as dt
import io
import zipfile
import zlib
from collections.abc import Iterator, Mapping
from typing import Final

# openpyxl ships no type information (and types-openpyxl is not in the lock).
from openpyxl import Workbook, load_workbook  # type: ignore[import-untyped]
from openpyxl.worksheet._read_only import ReadOnlyWorksheet  # type: ignore[import-untyped]

from jingwang.registry.csvfile import CsvTable, FieldSpec, ReadLimits, table_from_lines
from jingwang.registry.errors import BadSpreadsheet

ZIP_MAGIC: Final = b"PK\x03\x04"
OLE_MAGIC: Final = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # encrypted XLSX, or an old .xls
MAX_COLUMNS: Final = 512  # cells beyond this column are not read
ENCODING: Final = "xlsx"  # what an import report says a workbook was read as
_INFLATED = ("xl/worksheets/", "xl/sharedStrings.xml")


def is_xlsx(data: bytes, file_name: str = "") -> bool:
    """Whether ``data`` is (meant as) a workbook: an ``.xlsx`` name, or a zip archive."""
    return file_name.lower().endswith((".xlsx", ".xlsm")) or data.startswith(ZIP_MAGIC)


def cell_text(value: object) -> str:
    """A cell's value as the text a CSV file would hold."""
    if value is None:
        return ""
    if isinstance(value, dt.datetime):
        midnight = value.time() == dt.time()
        return value.date().isoformat() if midnight else value.isoformat(sep=" ")
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def _archive(data: bytes) -> zipfile.ZipFile:
    if data.startswith(OLE_MAGIC):
        raise BadSpreadsheet(
            "the file is an encrypted workbook or an old .xls file: save it unencrypted as "
            ".xlsx (or as CSV)"
        )
    try:
        return zipfile.ZipFile(io.BytesIO(data))
    except (zipfile.BadZipFile, OSError, ValueError):
        raise BadSpreadsheet(
            "the file is not an XLSX workbook (or it is damaged): save it again as .xlsx or CSV"
        ) from None


def check_inflated(data: bytes, limits: ReadLimits) -> None:
    """Refuse a workbook whose sheets inflate beyond ``limits.max_bytes``, before reading it."""
    with _archive(data) as archive:
        infos = archive.infolist()
    size = sum(info.file_size for info in infos if info.filename.startswith(_INFLATED))
    limits.check_bytes(size)


def _sheet(data: bytes, sheet: str | None) -> tuple[Workbook, ReadOnlyWorksheet]:
    try:
        book = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception as error:  # openpyxl raises many kinds of error for a bad file
        raise BadSpreadsheet(
            f"the workbook cannot be read ({type(error).__name__}): save it again as .xlsx or CSV"
        ) from None
    names = book.sheetnames
    if sheet is not None and sheet not in names:
        book.close()
        raise BadSpreadsheet(f"the workbook has no sheet {sheet!r}: use one of {names}")
    found = book[sheet] if sheet is not None else book.worksheets[0] if names else None
    if not isinstance(found, ReadOnlyWorksheet):
        book.close()
        raise BadSpreadsheet("the workbook has no worksheet to read: give a sheet of data")
    return book, found


def _lines(worksheet: ReadOnlyWorksheet) -> Iterator[tuple[int, list[str]]]:
    rows = worksheet.iter_rows(min_row=1, values_only=True)
    for number, values in enumerate(rows, start=1):
        yield number, [cell_text(value) for value in values[:MAX_COLUMNS]]


def read_xlsx(
    data: bytes,
    fields: tuple[FieldSpec, ...],
    mapping: Mapping[str, str] | None = None,
    sheet: str | None = None,
    limits: ReadLimits | None = None,
) -> CsvTable:
    """Read one sheet of the workbook ``data`` (``sheet``, or the first) as a table."""
    limits = limits or ReadLimits()
    check_inflated(data, limits)
    book, worksheet = _sheet(data, sheet)
    try:
        return table_from_lines(ENCODING, _lines(worksheet), fields, mapping, limits)
    except (KeyError, ValueError, SyntaxError, EOFError, zlib.error, zipfile.BadZipFile) as error:
        raise BadSpreadsheet(
            f"the workbook's sheet cannot be read ({type(error).__name__}): save it again"
        ) from None
    finally:
        book.close()


def write_xlsx(fields: tuple[FieldSpec, ...], rows: list[dict[str, str]], title: str) -> bytes:
    """The workbook of ``rows`` under the fields' own names, on one sheet called ``title``."""
    book = Workbook(write_only=True)
    sheet = book.create_sheet(title[:31])
    sheet.append([spec.name for spec in fields])
    for row in rows:
        sheet.append([row.get(spec.name, "") for spec in fields])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


__all__ = ["ENCODING", "cell_text", "check_inflated", "is_xlsx", "read_xlsx", "write_xlsx"]
