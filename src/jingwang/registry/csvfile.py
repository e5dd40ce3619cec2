"""Reading an import file: its encoding, its header mapped to fields, its rows with line numbers.

A file is UTF-8 (with or without a byte-order mark) or, failing that, whatever
:func:`jingwang.core.charset.decode_bytes` sniffs (GBK / GB18030 as the carriers' systems write
them). Each column's header is mapped to a field: first by the caller's mapping (header → field),
then by the field's aliases (Chinese and English), compared without case or surrounding space.
Columns no field claims are ignored. A missing required column is reported once, on line 1,
saying which headers would do.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Mapping
from dataclasses import dataclass, field

from jingwang.core.charset import decode_bytes
from jingwang.registry.errors import BadMapping


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


def read_table(
    data: bytes, fields: tuple[FieldSpec, ...], mapping: Mapping[str, str] | None = None
) -> CsvTable:
    """Decode ``data`` and read its rows as field values; header problems go to ``errors``."""
    text, encoding = decode_csv(data)
    table = CsvTable(encoding)
    reader = csv.reader(io.StringIO(text, newline=""))
    header = next(reader, None)
    if header is None:
        table.errors.append(RowError(1, None, "the file is empty: it needs a header line"))
        return table
    columns = _columns(header, fields, mapping or {})
    table.errors.extend(
        _missing(spec) for spec in fields if spec.required and spec.name not in columns
    )
    if table.errors:
        return table
    for cells in reader:
        if not any(cell.strip() for cell in cells):
            continue
        values = {
            name: cells[index].strip() if index < len(cells) else ""
            for name, index in columns.items()
        }
        table.rows.append(CsvRow(reader.line_num, values))
    return table


def write_table(fields: tuple[FieldSpec, ...], rows: list[dict[str, str]]) -> str:
    """The CSV text of ``rows`` under the fields' own names, in the fields' order."""
    out = io.StringIO(newline="")
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow([spec.name for spec in fields])
    for row in rows:
        writer.writerow([row.get(spec.name, "") for spec in fields])
    return out.getvalue()


__all__ = ["CsvRow", "CsvTable", "FieldSpec", "RowError", "decode_csv", "read_table", "write_table"]
