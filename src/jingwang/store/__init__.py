"""Storage: the SQLAlchemy base, engine and session factory, migrations, and the blob store."""

from jingwang.store.base import Base, UTCDateTime, utcnow
from jingwang.store.blobs import BlobStore, FileBlobStore
from jingwang.store.engine import Database, create_database
from jingwang.store.migrate import current_revision, head_revision, upgrade

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
