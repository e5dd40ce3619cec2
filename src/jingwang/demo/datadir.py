"""A fresh data folder for the demo, without ever deleting a folder the demo did not make."""

from __future__ import annotations

import shutil
from pathlib import Path

from jingwang.errors import Conflict

DEMO_MARKER = ".jingwang-demo"


def fresh_data_dir(path: Path) -> Path:
    """Empty ``path`` if an earlier demo made it, create it, and mark it as the demo's.

    A non-empty folder without the demo's marker is refused: it may hold real data.
    """
    path = path.resolve()
    if path.exists():
        if not (path / DEMO_MARKER).is_file() and any(path.iterdir()):
            raise Conflict(
                f"{path} is not empty and was not made by `jingwang demo`; refusing to wipe it. "
                "Choose another folder with `jingwang demo --dir PATH`.",
                path=str(path),
            )
        shutil.rmtree(path)
    path.mkdir(parents=True)
    (path / DEMO_MARKER).write_text("made by `jingwang demo`; it is emptied at every demo start\n")
    return path
