"""What htmx tells the server about a request (its `HX-*` headers)."""

from __future__ import annotations

from starlette.requests import Request


def wants_fragment(request: Request, target_id: str) -> bool:
    """True when htmx asks to swap only the element ``target_id`` (not a history restore).

    A page then answers with just that fragment; a plain visit, or htmx restoring history,
    gets the whole page.
    """
    headers = request.headers
    return (
        headers.get("HX-Request") == "true"
        and headers.get("HX-Target") == target_id
        and headers.get("HX-History-Restore-Request") != "true"
    )


__all__ = ["wants_fragment"]
