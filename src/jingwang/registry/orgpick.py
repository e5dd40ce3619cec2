"""Picking an organisation in a filter form, at any scale.

A small installation (a province's access provider, the demo) reaches a few dozen organisations:
a dropdown of them all is the easiest picker. The national office reaches 200 000, a province
10 000: no page can list them. Up to :data:`PICK_LIMIT` organisations within reach, a filter is a
dropdown (:func:`pick_options`); above it, a text field where the reader types a name or an id,
with suggestions (:func:`suggest_orgs`, at most :data:`SUGGEST_LIMIT`) as they type, and the
server resolves what was typed (:func:`resolve_org`). Organisation names are unique, so a name
picks one organisation.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Final

from sqlalchemy import ColumnElement, func, or_, select
from sqlalchemy.orm import Session

from jingwang.accounts.models import Organisation
from jingwang.accounts.policy import Actor, authorize, scope_filter
from jingwang.errors import InvalidInput

READ: Final = "registry:read"
PICK_LIMIT: Final = 200  # up to this many organisations within reach: a dropdown
SUGGEST_LIMIT: Final = 20  # suggestions under a text field
MAX_TEXT: Final = 200  # longest text a picker takes (names are shorter)
MAX_ID: Final = 2**31 - 1  # ids are 32-bit integers; a longer number is no id (and no bind error)


@dataclass(frozen=True)
class OrgPick:
    """An organisation filter as the form shows it.

    ``options`` is the dropdown's (id, name) list, or ``None`` for a text field with suggestions;
    ``chosen`` the organisation picked (``None``: every one); ``text`` what the text field shows.
    """

    options: list[tuple[int, str]] | None
    chosen: int | None
    text: str


def pick_options(session: Session, actor: Actor) -> list[tuple[int, str]] | None:
    """Every organisation within ``actor``'s read reach by name, or ``None`` when more than
    :data:`PICK_LIMIT` (one query, stopped one row past the limit)."""
    authorize(actor, READ)
    rows = session.execute(
        select(Organisation.id, Organisation.name)
        .where(scope_filter(session, actor, Organisation.id))
        .order_by(Organisation.name, Organisation.id)
        .limit(PICK_LIMIT + 1)
    ).all()
    if len(rows) > PICK_LIMIT:
        return None
    return [(row.id, row.name) for row in rows]


def suggest_orgs(
    session: Session, actor: Actor, text: str, *, limit: int = SUGGEST_LIMIT
) -> list[tuple[int, str]]:
    """Organisations within reach whose name contains ``text`` (any case) or whose id it is,
    those whose name starts with it first, then by name; at most ``limit``."""
    authorize(actor, READ)
    text = text.strip()[:MAX_TEXT]
    if not text:
        return []
    pattern = _escape(text.lower())
    name = func.lower(Organisation.name)
    matches: list[ColumnElement[bool]] = [name.like(f"%{pattern}%", escape="\\")]
    if text.isdigit() and int(text) <= MAX_ID:
        matches.append(Organisation.id == int(text))
    starts = name.like(f"{pattern}%", escape="\\")
    rows = session.execute(
        select(Organisation.id, Organisation.name)
        .where(or_(*matches))
        .where(scope_filter(session, actor, Organisation.id))
        .order_by(starts.desc(), Organisation.name, Organisation.id)
        .limit(limit)
    )
    return [(row.id, row.name) for row in rows]


def resolve_org(session: Session, actor: Actor, typed: str | None, field: str) -> OrgPick:
    """What was typed or picked in ``field``: blank is every organisation, digits an id, else
    the exact name (any case) of an organisation within reach. An id is checked by whatever
    reads with it (it answers 403 or 404 as before); an unknown name is an
    :class:`~jingwang.errors.InvalidInput` that says what to type instead."""
    authorize(actor, READ)
    text = (typed or "").strip()
    if not text:
        return OrgPick(options=None, chosen=None, text="")
    if len(text) > MAX_TEXT:
        raise InvalidInput(f"{field}: at most {MAX_TEXT} characters", field=field)
    if text.isdigit():
        org_id = int(text)
        if not 1 <= org_id <= MAX_ID:
            raise InvalidInput(f"{field}: {text!r} is not an organisation id", field=field)
        name = session.scalar(
            select(Organisation.name)
            .where(Organisation.id == org_id)
            .where(scope_filter(session, actor, Organisation.id))
        )
        return OrgPick(options=None, chosen=org_id, text=name or text)
    row = session.execute(
        select(Organisation.id, Organisation.name)
        .where(func.lower(Organisation.name) == text.lower())
        .where(scope_filter(session, actor, Organisation.id))
        .order_by(Organisation.id)
        .limit(1)
    ).first()
    if row is None:
        raise InvalidInput(
            f"{field}: no organisation called {text!r} within your reach; "
            "pick one of the suggestions, or type its exact name or its id",
            field=field,
        )
    return OrgPick(options=None, chosen=row.id, text=row.name)


def org_pick(session: Session, actor: Actor, typed: str | None, field: str) -> OrgPick:
    """The filter for ``field``: resolved, with the dropdown's options when few enough."""
    picked = resolve_org(session, actor, typed, field)
    return OrgPick(options=pick_options(session, actor), chosen=picked.chosen, text=picked.text)


def _escape(text: str) -> str:
    """``text`` for a LIKE pattern: its wildcards taken literally."""
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


__all__ = [
    "PICK_LIMIT",
    "SUGGEST_LIMIT",
    "OrgPick",
    "org_pick",
    "pick_options",
    "resolve_org",
    "suggest_orgs",
]
