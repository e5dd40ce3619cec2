"""The audit log as CSV: for people and spreadsheets, streamed row by row.

UTF-8 with a byte-order mark, so Excel opens Chinese text correctly; CRLF line ends (RFC 4180).
Times are UTC, ISO 8601 with microseconds, exactly as hashed; ``summary`` is the entry's JSON.
A cell that starts with ``=``, ``+``, ``-``, ``@``, a tab or a carriage return gets a leading
``'`` so a spreadsheet shows it instead of running it as a formula (summaries can carry text
from the outside world, such as reported URLs). That makes such cells differ from the stored
values: verify the log with ``jingwang audit verify``, not from a CSV.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterable, Iterator
from typing import Final

from jingwang.audit.chain import format_utc
from jingwang.audit.models import AuditEntry

BOM: Final = "\ufeff"
COLUMNS: Final = (
    "seq", "occurred_at", "recorded_at", "actor_type", "actor_id", "org_id", "action",
    "object_type", "object_id", "request_id", "summary", "prev_hash", "entry_hash",
)  # fmt: skip
FORMULA_STARTS: Final = ("=", "+", "-", "@", "\t", "\r")


def _cell(value: object) -> str:
    text = "" if value is None else str(value)
    return "'" + text if text.startswith(FORMULA_STARTS) else text


def _row(entry: AuditEntry) -> list[str]:
    summary = json.dumps(entry.summary, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    values = (
        entry.seq, format_utc(entry.occurred_at), format_utc(entry.recorded_at), entry.actor_type,
        entry.actor_id, entry.org_id, entry.action, entry.object_type, entry.object_id,
        entry.request_id, summary, entry.prev_hash, entry.entry_hash,
    )  # fmt: skip
    return [_cell(value) for value in values]


def csv_lines(entries: Iterable[AuditEntry]) -> Iterator[str]:
    """The BOM and header, then one CSV line per entry."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")

    def take() -> str:
        text = buffer.getvalue()
        buffer.seek(0)
        buffer.truncate()
        return text

    writer.writerow(COLUMNS)
    yield BOM + take()
    for entry in entries:
        writer.writerow(_row(entry))
        yield take()


__all__ = ["BOM", "COLUMNS", "csv_lines"]
