"""Build the Huey instance the settings ask for; the same task code runs on every backend.

==================  =============================================
``queue_url``       backend
==================  =============================================
empty               SqliteHuey at ``DATA_DIR/queue.db``
``sqlite:///PATH``  SqliteHuey at PATH
``postgresql://…``  PostgresHuey (psycopg 3)
``redis://…``       RedisHuey
``memory://``       MemoryHuey in immediate mode: tasks run inline (unit tests)
==================  =============================================

Huey only carries "run job N now" messages. The truth about every job is its row in our
database (``jingwang.jobs.models``), so a lost or duplicated message costs nothing.
"""

from __future__ import annotations

from pathlib import Path
from urllib.parse import urlsplit

from huey import Huey, MemoryHuey, PostgresHuey, RedisHuey, SqliteHuey

from jingwang.errors import ConfigError, NotConfigured
from jingwang.settings import Settings


def make_huey(settings: Settings) -> Huey:
    url = settings.resolved_queue_url
    name = settings.queue_name
    scheme = urlsplit(url).scheme
    if scheme == "memory":
        return MemoryHuey(name, immediate=True)
    if scheme == "sqlite":
        path = Path(url.removeprefix("sqlite:///"))
        path.parent.mkdir(parents=True, exist_ok=True)
        return SqliteHuey(name, filename=str(path))
    if scheme in ("postgresql", "postgres", "postgresql+psycopg"):
        dsn = "postgresql://" + url.split("://", 1)[1]
        return PostgresHuey(name, dsn=dsn)
    if scheme in ("redis", "rediss"):
        return RedisHuey(name, url=url)
    raise ConfigError(
        f"queue URL {url!r} is not supported: use sqlite:///PATH, postgresql://…, redis://… "
        "or memory://"
    )


def ping_queue(huey: Huey) -> None:
    """Raise :class:`NotConfigured` when the queue backend cannot be reached."""
    try:
        len(huey)  # counts pending messages: one round trip to the backend
    except Exception as exc:
        raise NotConfigured(f"queue backend unreachable: {exc}") from exc


__all__ = ["make_huey", "ping_queue"]
