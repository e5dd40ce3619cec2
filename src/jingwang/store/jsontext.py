"""JSON columns whose text was made elsewhere: :class:`EncodedJSON` and the engine's serialiser.

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
from typing import Any


class EncodedJSON(str):
    """A value's JSON text, for a JSON column (see the module docstring)."""

    __slots__ = ()

    @classmethod
    def of(cls, value: Any) -> EncodedJSON:
        """``value`` encoded as the engine would encode it."""
        return cls(json.dumps(value))


def dump_json(value: Any) -> str:
    """The engine's JSON serialiser: an :class:`EncodedJSON` as it is, else ``json.dumps``."""
    if isinstance(value, EncodedJSON):
        return str(value)
    return json.dumps(value)


__all__ = ["EncodedJSON", "dump_json"]
