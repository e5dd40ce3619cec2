"""JSON text made once, where it is cheapest: :func:`json_bytes`, :class:`EncodedJSON`, and the
engine's serialiser.

Every capture writes JSON several times (the WARC's metadata records, the capture row's JSON
columns), so it is encoded with orjson, several times faster than the standard library's
encoder, with the same meaning: UTF-8 text, keys that are not strings written as strings,
datetimes and dataclasses handed to ``default`` as ``json.dumps`` would hand them. What orjson
refuses (an integer beyond 64 bits, a string that is not valid Unicode) goes to ``json.dumps``
instead, which writes it as it always did.

A campaign's fetch workers build each capture row's JSON columns (the redirect chain, the
parsed summary, the TLS chain); the runner, one process for the whole campaign, writes them.
Encoding them in the workers, where the work is spread over every core, instead of in the
runner, takes a third of the runner's per-row work away. The engine's serialiser
(:func:`dump_json`, set by :func:`jingwang.store.create_database`) writes an :class:`EncodedJSON`
as it is and encodes every other value as SQLAlchemy would (``json.dumps``), so a column reads
back the same whichever way it was written.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any, Final

import orjson

_OPTIONS: Final = (
    orjson.OPT_NON_STR_KEYS | orjson.OPT_PASSTHROUGH_DATETIME | orjson.OPT_PASSTHROUGH_DATACLASS
)


def json_bytes(
    value: Any, *, sort_keys: bool = False, default: Callable[[Any], Any] | None = None
) -> bytes:
    """``value`` as compact JSON in UTF-8 (non-ASCII characters as they are)."""
    try:
        return orjson.dumps(
            value, default=default, option=_OPTIONS | (orjson.OPT_SORT_KEYS if sort_keys else 0)
        )
    except TypeError:  # orjson.JSONEncodeError: what the standard library still writes
        text = json.dumps(value, sort_keys=sort_keys, default=default, separators=(",", ":"))
        return text.encode("ascii")


class EncodedJSON(str):
    """A value's JSON text, for a JSON column (see the module docstring)."""

    __slots__ = ()

    @classmethod
    def of(cls, value: Any) -> EncodedJSON:
        """``value`` encoded for a JSON column (it reads back as ``json.loads`` of it)."""
        return cls(json_bytes(value).decode("utf-8"))


def dump_json(value: Any) -> str:
    """The engine's JSON serialiser: an :class:`EncodedJSON` as it is, else ``json.dumps``."""
    if isinstance(value, EncodedJSON):
        return str(value)
    return json.dumps(value)


__all__ = ["EncodedJSON", "dump_json", "json_bytes"]
