"""Where the third-party mobile pages live (tests only: the product never reads them)."""

from __future__ import annotations

import os
from pathlib import Path

MOBILE_PAGES = Path(
    os.environ.get("JINGWANG_MOBILE_PAGES", Path(__file__).parents[3] / "shared/data/mobile-pages")
)


def mobile_pages() -> list[Path]:
    """Every sample file, or ``[]`` when the folder is absent."""
    if not MOBILE_PAGES.is_dir():
        return []
    return sorted(path for path in MOBILE_PAGES.rglob("*") if path.is_file())
