"""URLs found in a page, made absolute against the page (and its ``<base href>``).

``wtai:``, ``tel:``, ``sms:``, ``mailto:`` and other non-web schemes are kept as written; a
reference that cannot be parsed (``http://[::1``) is kept as written too, never raised on.
``data:`` URIs are not resources to fetch and are left out of images.
"""

from __future__ import annotations

from urllib.parse import urljoin

_KEPT = {"wtai": "wtai", "tel": "tel", "sms": "sms", "smsto": "sms", "mailto": "mailto"}


def scheme_of(reference: str) -> str:
    head, colon, _ = reference.partition(":")
    if not colon or not head or not head[0].isalpha():
        return ""
    return head.lower() if all(c.isalnum() or c in "+-." for c in head) else ""


def resolve(base: str, reference: str) -> str:
    """``reference`` made absolute against ``base``; stripped of surrounding whitespace."""
    reference = reference.strip()
    if scheme_of(reference) in _KEPT:
        return reference
    try:
        return urljoin(base, reference)
    except ValueError:
        return reference


def link_kind(url: str, default: str) -> str:
    """``wtai``/``tel``/``sms``/``mailto`` for those schemes, else ``default``."""
    return _KEPT.get(scheme_of(url), default)


def is_data(reference: str) -> bool:
    return scheme_of(reference.strip()) == "data"


__all__ = ["is_data", "link_kind", "resolve", "scheme_of"]
