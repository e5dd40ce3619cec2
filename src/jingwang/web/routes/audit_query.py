"""The audit browser's filters as query parameters, shared by ``/audit``, ``/audit.csv`` and
``/api/audit``: the same names, the same meaning, the same errors."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Query
from pydantic import ValidationError

from jingwang.audit.browse import AuditFilter, parse_time
from jingwang.audit.errors import InvalidAuditFilter
from jingwang.web.deps import SettingsDep
from jingwang.web.pages import display_zone

TimeQuery = Annotated[
    str | None,
    Query(
        max_length=40,
        description="ISO 8601 date or time; without an offset it is in the display time zone. "
        "A bare date in `until` includes that day.",
    ),
]
Text = Annotated[str | None, Query(max_length=200)]


def audit_filter(
    settings: SettingsDep,
    since: TimeQuery = None,
    until: TimeQuery = None,
    actor: Annotated[
        str | None, Query(max_length=200, description="Actor id (user name…).")
    ] = None,
    org_id: Annotated[str | None, Query(max_length=64, description="Organisation id.")] = None,
    action: Annotated[
        str | None,
        Query(max_length=100, description="Event name; a trailing * matches a prefix."),
    ] = None,
    object_type: Text = None,
    object_id: Text = None,
    request_id: Annotated[str | None, Query(max_length=64)] = None,
) -> AuditFilter:
    """The filters of a request; empty form fields filter nothing."""
    zone = display_zone(settings)
    values = {
        "since": parse_time(since, zone),
        "until": parse_time(until, zone, end=True),
        "actor": actor,
        "org_id": org_id,
        "action": action,
        "object_type": object_type,
        "object_id": object_id,
        "request_id": request_id,
    }
    try:
        return AuditFilter.model_validate({k: v for k, v in values.items() if v not in (None, "")})
    except ValidationError as exc:
        first = exc.errors()[0]
        field = ".".join(str(part) for part in first["loc"])
        raise InvalidAuditFilter(f"filter {field}: {first['msg']}", field=field) from exc


FilterDep = Annotated[AuditFilter, Depends(audit_filter)]


def parse_cursor(cursor: str | None) -> int | None:
    """A page cursor (the ``seq`` to continue below), or None for the first page."""
    if cursor is None or cursor == "":
        return None
    if not cursor.isdigit() or int(cursor) < 1:
        raise InvalidAuditFilter(
            f"cursor {cursor!r} is not one this API gave out: use next_cursor as it came",
            field="cursor",
        )
    return int(cursor)


__all__ = ["FilterDep", "audit_filter", "parse_cursor"]
