"""Static files under ``/static/<version>/…``, cached for a year.

``<version>`` is a digest of every file in ``web/static``, computed when the app starts: a
changed file changes every URL, so browsers may keep what they fetched forever. A request for
another version still gets the current file, but is told not to cache it.
"""

from __future__ import annotations

import hashlib
import os
from pathlib import Path
from typing import Final

from starlette.responses import Response
from starlette.routing import Mount
from starlette.staticfiles import PathLike, StaticFiles
from starlette.types import Scope

STATIC_DIR: Final = Path(__file__).parent / "static"
MOUNT_PATH: Final = "/static/{version}"
IMMUTABLE: Final = "public, max-age=31536000, immutable"
NO_CACHE: Final = "no-cache"


def asset_version(directory: Path = STATIC_DIR) -> str:
    """A short digest of the names and contents of every file under ``directory``."""
    digest = hashlib.sha256()
    for path in sorted(p for p in directory.rglob("*") if p.is_file()):
        digest.update(path.relative_to(directory).as_posix().encode())
        digest.update(b"\0")
        digest.update(path.read_bytes())
    return digest.hexdigest()[:12]


class VersionedStaticFiles(StaticFiles):
    """StaticFiles that marks responses immutable when the URL carries the current version."""

    def __init__(self, directory: Path, version: str) -> None:
        super().__init__(directory=directory)
        self.version = version

    def file_response(
        self,
        full_path: PathLike,
        stat_result: os.stat_result,
        scope: Scope,
        status_code: int = 200,
    ) -> Response:
        response = super().file_response(full_path, stat_result, scope, status_code)
        current = scope.get("path_params", {}).get("version") == self.version
        response.headers["Cache-Control"] = IMMUTABLE if current else NO_CACHE
        return response


class StaticAssets:
    """The mounted static files and the URLs templates put in pages."""

    def __init__(self, directory: Path = STATIC_DIR) -> None:
        self.directory = directory
        self.version = asset_version(directory)

    def url(self, path: str) -> str:
        """``/static/<version>/<path>`` for a file under ``web/static``."""
        return f"/static/{self.version}/{path.lstrip('/')}"

    def mount(self) -> Mount:
        return Mount(
            MOUNT_PATH, app=VersionedStaticFiles(self.directory, self.version), name="static"
        )


__all__ = ["STATIC_DIR", "StaticAssets", "VersionedStaticFiles", "asset_version"]
