"""Recording refusals: the event a refused action carries, in a transaction of its own.

A service that refuses raises a :class:`~jingwang.accounts.errors.Refusal` carrying the event
that records it, and changes nothing. Whoever catches it at the edge (the web app's handlers;
any other entry point that serves outside callers) calls :func:`record_refusal` *after* its own
transaction was rolled back, so the refusal is on record while the refused change is not.
"""

from __future__ import annotations

from jingwang.accounts.errors import Refusal
from jingwang.store import Database
from jingwang.store.outbox import emit


def record_refusal(
    db: Database, refusal: Refusal, *, request_id: str | None = None, path: str | None = None
) -> bool:
    """Write the refusal's event (once) and commit; False when it carries none."""
    event = refusal.event
    if event is None:
        return False
    refusal.event = None  # recorded once, even if handled again
    update: dict[str, object] = {}
    if request_id is not None:
        update["request_id"] = request_id
    if path is not None and "path" in type(event).model_fields:
        update["path"] = path
    with db.session() as session:
        emit(session, event.model_copy(update=update))
    return True


__all__ = ["record_refusal"]
