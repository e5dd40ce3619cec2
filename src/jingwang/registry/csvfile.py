"""Reading an import file: its encoding, its header mapped to fields, its rows with line numbers.

A file is UTF-8 (with or without a byte-order mark) or, failing that, whatever
:func:`jingwang.core.charset.decode_bytes` sniffs (GBK / GB18030 as the carriers' systems write
them). Each column's header is mapped to a field: first by the caller's mapping (header → field),
then by the field's aliases (Chinese and English), compared without case or surrounding space.
Columns no field claims are ignored. A missing required column is reported once, on line 1,
saying which headers would do. An XLSX sheet (:mod:`.xlsxfile`) is read into the same
:class:`CsvTable` by the same mapping (:func:`table_from_lines`).

A file bigger than its :class:`ReadLimits` (rows, bytes) is refused as a whole
(:class:`~.errors.FileTooLarge`): an import either reads all of a file or none of it.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

from jingwang.core.charset import decode_bytes
from jingwang.registry.errors import BadMapping, FileTooLarge

DEFAULT_MAX_ROWS = 5_000_000  # the settings' defaults (registry_import_max_rows, …)
DEFAULT_MAX_BYTES = 512 * 1024 * 1024


@dataclass(frozen=True, slots=True)
class ReadLimits:
    """How big a file an import reads: data rows, and bytes (an XLSX file's: uncompressed)."""

    max_rows: int = DEFAULT_MAX_ROWS
    max_bytes: int = DEFAULT_MAX_BYTES

    def check_bytes(self, size: int) -> None:
        if size > self.max_bytes:
            raise FileTooLarge(
                f"the file holds {size} bytes, more than the {self.max_bytes} allowed: split it "
                "(or raise the setting registry_import_max_bytes)",
                size=size,
                limit=self.max_bytes,
            )

    def check_rows(self, rows: int) -> None:
        if rows > self.max_rows:
            raise FileTooLarge(
                f"the file holds more than {self.max_rows} rows: split it, or import it with "
                "`jingwang registry import` (registry_import_max_rows)",
                limit=self.max_rows,
            )


@dataclass(frozen=True, slots=True)
class FieldSpec:
    """One field of a record kind: its name, the headers that mean it, whether it must be there."""

    name: str
    aliases: tuple[str, ...]
    required: bool = False


@dataclass(frozen=True, slots=True)
class RowError:
    """Why one row (or the header, line 1) was rejected."""

    line: int
    column: str | None
    reason: str
    value: str | None = None


@dataclass(frozen=True, slots=True)
class CsvRow:
    line: int
    values: dict[str, str]  # field name → stripped cell text ("" when empty or absent)


@dataclass(slots=True)
class CsvTable:
    encoding: str
    rows: list[CsvRow] = field(default_factory=list)
    errors: list[RowError] = field(default_factory=list)


def decode_csv(data: bytes) -> tuple[str, str]:
    """The file's text and the encoding it was read with."""
    try:
        return data.decode("utf-8-sig"), "utf-8"
    except UnicodeDecodeError:
        decoded = decode_bytes(data, None)
        return decoded.text, decoded.encoding


def _key(header: str) -> str:
    return header.strip().casefold()


def _columns(
    header: list[str], fields: tuple[FieldSpec, ...], mapping: Mapping[str, str]
) -> dict[str, int]:
    names = {spec.name for spec in fields}
    unknown = sorted(set(mapping.values()) - names)
    if unknown:
        raise BadMapping(
            f"the mapping names unknown fields {unknown}: use one of {sorted(names)}",
            fields=unknown,
        )
    explicit = {_key(h): f for h, f in mapping.items()}
    aliases = {_key(alias): spec.name for spec in fields for alias in (spec.name, *spec.aliases)}
    found: dict[str, int] = {}
    for index, text in enumerate(header):
        name = explicit.get(_key(text)) or aliases.get(_key(text))
        if name is not None and name not in found:
            found[name] = index
    return found


def _missing(spec: FieldSpec) -> RowError:
    headers = " / ".join((spec.name, *spec.aliases))
    return RowError(
        1,
        spec.name,
        f"missing column {spec.name!r}: add a column headed {headers}, "
        f"or map your header to {spec.name!r} with a mapping file",
    )


def table_from_lines(
    encoding: str,
    lines: Iterable[tuple[int, list[str]]],
    fields: tuple[FieldSpec, ...],
    mapping: Mapping[str, str] | None = None,
    limits: ReadLimits | None = None,
) -> CsvTable:
    """Read ``lines`` ((line number, cells); the first non-empty one is the header) as rows of
    field values; header problems go to ``errors``."""
    limits = limits or ReadLimits()
    table = CsvTable(encoding)
    found = iter(lines)
    header = next((cells for _, cells in found if any(c.strip() for c in cells)), None)
    if header is None:
        table.errors.append(RowError(1, None, "the file is empty: it needs a header line"))
        return table
    columns = _columns(header, fields, mapping or {})
    table.errors.extend(
        _missing(spec) for spec in fields if spec.required and spec.name not in columns
    )
    if table.errors:
        return table
    for line, cells in found:
        if not any(cell.strip() for cell in cells):
            continue
        values = {
            name: cells[index].strip() if index < len(cells) else ""
            for name, index in columns.items()
        }
        table.rows.append(CsvRow(line, values))
        limits.check_rows(len(table.rows))
    return table


def read_table(
    data: bytes,
    fields: tuple[FieldSpec, ...],
    mapping: Mapping[str, str] | None = None,
    limits: ReadLimits | None = None,
) -> CsvTable:
    """Decode CSV ``data`` and read its rows as field values; header problems go to ``errors``."""
    limits = limits or ReadLimits()
    limits.check_bytes(len(data))
    text, encoding = decode_csv(data)
    reader = csv.reader(io.StringIO(text, newline=""))
    lines = ((reader.line_num, cells) for cells in reader)
    return table_from_lines(encoding, lines, fields, mapping, limits)


def write_table(fields: tuple[FieldSpec, ...], rows: list[dict[str, str]]) -> str:
    """The CSV text of ``rows`` under the fields' own names, in the fields' order."""
    out = io.StringIO(newline="")
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow([spec.name for spec in fields])
    for row in rows:
        writer.writerow([row.get(spec.name, "") for spec in fields])
    return out.getvalue()


__all__ = [
    "DEFAULT_MAX_BYTES",
    "DEFAULT_MAX_ROWS",
    "CsvRow",
    "CsvTable",
    "FieldSpec",
    "ReadLimits",
    "RowError",
    "decode_csv",
    "read_table",
    "table_from_lines",
    "write_table",
]
