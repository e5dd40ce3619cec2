"""Storage: the SQLAlchemy base, engine and session factory, migrations, and the blob store.

The names below load their modules on first use (PEP 562), so importing a submodule that needs
no database (:mod:`.blobs`, :mod:`.jsontext`) does not load SQLAlchemy: a fetch worker stores
blobs and encodes JSON without it.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from jingwang.store.base import Base, UTCDateTime, utcnow
    from jingwang.store.blobs import BlobStore, FileBlobStore
    from jingwang.store.engine import Database, create_database
    from jingwang.store.migrate import current_revision, head_revision, upgrade

_HOMES = {
    "Base": "jingwang.store.base",
    "UTCDateTime": "jingwang.store.base",
    "utcnow": "jingwang.store.base",
    "BlobStore": "jingwang.store.blobs",
    "FileBlobStore": "jingwang.store.blobs",
    "Database": "jingwang.store.engine",
    "create_database": "jingwang.store.engine",
    "current_revision": "jingwang.store.migrate",
    "head_revision": "jingwang.store.migrate",
    "upgrade": "jingwang.store.migrate",
}


def __getattr__(name: str) -> Any:
    home = _HOMES.get(name)
    if home is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(importlib.import_module(home), name)
    globals()[name] = value  # found once
    return value


__all__ = [
    "Base",
    "BlobStore",
    "Database",
    "FileBlobStore",
    "UTCDateTime",
    "create_database",
    "current_revision",
    "head_revision",
    "upgrade",
    "utcnow",
]
