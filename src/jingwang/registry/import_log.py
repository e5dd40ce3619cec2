"""The log of accepted registry imports (``registry_imports``), as readers may see it.

An import for an organisation (every import of an owned kind: connections, sublets, licences,
channels, SP services) is seen by whoever reaches that organisation for ``registry:read``. An
import that belongs to no organisation (filings, sites, domains: regulator data) is seen by
actors whose reach is global and by regulators, the only ones who may make them.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from pydantic import BaseModel, ConfigDict
from sqlalchemy import ColumnElement, or_, select, true
from sqlalchemy.orm import Session

from jingwang.accounts.policy import (
    REGULATOR,
    Actor,
    authorize,
    has_global_reach,
    visible_org_ids,
)
from jingwang.registry.cells import org_names
from jingwang.registry.kinds import READ
from jingwang.registry.models import RegistryImport

MAX_LIMIT = 500


class ImportInfo(BaseModel):
    """One accepted import: what, how, for whom, by whom, and what it changed."""

    model_config = ConfigDict(from_attributes=True)

    id: int
    kind: str
    mode: str
    as_of: dt.date
    org_id: int | None
    org_name: str | None = None
    file_name: str
    file_sha256: str
    counts: dict[str, Any]
    actor: str
    created_at: dt.datetime


def _visible(session: Session, actor: Actor) -> ColumnElement[bool]:
    if has_global_reach(actor, "read"):
        return true()
    owned = RegistryImport.org_id.in_(sorted(visible_org_ids(session, actor)))
    if actor.org is not None and actor.org.kind == REGULATOR:
        return or_(owned, RegistryImport.org_id.is_(None))
    return owned


def recent_imports(session: Session, actor: Actor, limit: int = 50) -> list[ImportInfo]:
    """The newest accepted imports within ``actor``'s reach, newest first."""
    authorize(actor, READ)
    query = (
        select(RegistryImport)
        .where(_visible(session, actor))
        .order_by(RegistryImport.id.desc())
        .limit(max(1, min(limit, MAX_LIMIT)))
    )
    records = list(session.scalars(query))
    names = org_names(session, {r.org_id for r in records if r.org_id is not None})
    found = []
    for record in records:
        info = ImportInfo.model_validate(record)
        info.org_name = names.get(record.org_id) if record.org_id is not None else None
        found.append(info)
    return found


__all__ = ["MAX_LIMIT", "ImportInfo", "recent_imports"]
