"""Real Chromium for tests: the binary (skipped with the reason where missing) and sessions.

A pytest plugin (listed in ``tests/conftest.py``), so every test folder can use ``chromium`` and
``open_browser`` without copies.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import ExitStack
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-quic",
]


class BrowserSession:
    """One Chromium context that records console errors and refuses off-site requests."""

    def __init__(self, context: Any, origin: str) -> None:
        self.context = context
        self.origin = origin
        self.problems: list[str] = []
        self.off_site: list[str] = []
        context.route("**/*", self._only_our_origin)

    def _only_our_origin(self, route: Any) -> None:
        url = route.request.url
        parts = urlsplit(url)
        if f"{parts.scheme}://{parts.netloc}" == self.origin or parts.scheme == "data":
            route.continue_()
        else:
            self.off_site.append(url)
            route.abort()

    def new_page(self) -> Any:
        page = self.context.new_page()
        page.on("console", self._on_console)
        page.on("pageerror", lambda error: self.problems.append(f"page error: {error}"))
        return page

    def _on_console(self, message: Any) -> None:
        if message.type in ("error", "warning"):
            self.problems.append(f"console {message.type}: {message.text}")


@pytest.fixture
def chromium() -> Path:
    """The Chromium binary; the test is skipped, saying why, where there is none."""
    if not CHROMIUM.exists():
        pytest.skip("Chromium not installed: apt-get install chromium")
    return CHROMIUM


@pytest.fixture
def open_browser(chromium: Path, tmp_path: Path) -> Iterator[Callable[..., BrowserSession]]:
    """Opens a phone-sized Chromium (fresh profile) limited to one origin; closed afterwards."""
    sync_api = pytest.importorskip("playwright.sync_api")
    with ExitStack() as stack:
        playwright = stack.enter_context(sync_api.sync_playwright())

        def open_(origin: str, *, locale: str = "zh-CN") -> BrowserSession:
            context = playwright.chromium.launch_persistent_context(
                str(tmp_path / f"chromium-profile-{locale}"),
                executable_path=str(chromium),
                args=CHROMIUM_ARGS,
                locale=locale,
                viewport={"width": 390, "height": 844},  # a phone
                device_scale_factor=2,
                is_mobile=True,
                has_touch=True,
            )
            stack.callback(context.close)
            return BrowserSession(context, origin)

        yield open_
