"""A screenshot of a probed HTML or XHTML-MP page in Chromium, with every request guarded.

The page is shown as it was captured, not fetched again: Chromium (through Playwright) asks for
the page's URL and is answered with the captured status, headers and body. Every other request
the page makes is intercepted too:

- ``http``/``https`` GETs go through the SSRF guard (:func:`jingwang.probe.guard.pin`: the
  scheme, port and every resolved address are checked) and are fetched by our
  :class:`~jingwang.probe.fetch.Fetcher` from the pinned address under the usual size and time
  limits, then handed to Chromium; anything refused, failed or cut short is aborted;
- every other method, scheme and any navigation away from the page is aborted, at most
  ``probe_max_subresources`` requests are fetched, and WebSockets are answered by Playwright,
  never connected; service workers are blocked.

Chromium itself cannot reach the network even for what Playwright does not route (DNS
prefetch, preconnect): its resolver maps every name to "not found" and its only proxy is a
closed loopback port. JavaScript runs, which is safe only because of all this.
"""

from __future__ import annotations

import asyncio
import logging
from contextlib import AsyncExitStack
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

from playwright.async_api import Browser, Request, Route, WebSocketRoute, async_playwright
from playwright.async_api import Error as PlaywrightError

from jingwang.probe.errors import ProbeRefused, UnknownProfile
from jingwang.probe.fetch import Fetcher
from jingwang.probe.guard import AddressPolicy, HostResolver, pin
from jingwang.probe.profiles import FetchProfile, get_profile
from jingwang.probe.types import Exchange, ProbeResult, Via

if TYPE_CHECKING:
    from jingwang.settings import Settings

log = logging.getLogger(__name__)

SCREENSHOT_KINDS = ("html", "xhtml-mp")
CHROMIUM_ARGS = (
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-quic",
    "--disable-features=Translate,OptimizationHints,MediaRouter,DialMediaRouteProvider",
    "--host-resolver-rules=MAP * ~NOTFOUND",
    "--proxy-server=http://127.0.0.1:9",
    "--proxy-bypass-list=<-loopback>",
)
PHONE_VIEWPORT = {"width": 360, "height": 640}
DESKTOP_VIEWPORT = {"width": 1280, "height": 800}
# response headers not handed to Chromium: framing we undid, cookies, and page policies
_DROPPED = frozenset(
    {
        "content-encoding",
        "content-length",
        "content-disposition",  # "attachment" would make Chromium download, not show
        "transfer-encoding",
        "connection",
        "keep-alive",
        "set-cookie",
        "set-cookie2",
        "content-security-policy",
        "content-security-policy-report-only",
        "strict-transport-security",
        "alt-svc",
        "link",
    }
)


def wants_screenshot(result: ProbeResult, settings: Settings) -> bool:
    """True when ``result``'s final page is HTML or XHTML-MP and screenshots can be taken."""
    final = result.final
    return (
        settings.probe_screenshots
        and settings.chromium_path.is_file()
        and final is not None
        and final.status is not None
        and result.page is not None
        and result.page.kind in SCREENSHOT_KINDS
    )


async def take_screenshot(
    result: ProbeResult,
    *,
    settings: Settings,
    policy: AddressPolicy,
    resolver: HostResolver,
    fetcher: Fetcher | None = None,
    browser: SharedBrowser | None = None,
) -> bytes | None:
    """A PNG of the final page's first screen; None when there is none to take or it failed.

    ``browser``: a :class:`SharedBrowser` a runner keeps open for many screenshots (a launch
    of Chromium costs a second or more); without it one is launched for this page.

    None when screenshots are off, Chromium is missing, the page is not HTML / XHTML-MP, or the
    browser did not finish within ``probe_screenshot_timeout_seconds`` (logged).
    """
    if not wants_screenshot(result, settings):
        return None
    try:
        return await asyncio.wait_for(
            _shoot(result, settings, policy, resolver, fetcher, browser),
            timeout=settings.probe_screenshot_timeout_seconds,
        )
    except (TimeoutError, PlaywrightError) as exc:
        log.warning("no screenshot of %s: %s", result.final_url or result.url, exc)
        return None


class SharedBrowser:
    """One Chromium for many screenshots, launched on first use, closed on exit.

    Each screenshot still gets a fresh browser context (no cookies, cache or storage shared
    between captures) with every request intercepted.
    """

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self._playwright: Any = None
        self._browser: Browser | None = None
        self._lock = asyncio.Lock()

    async def __aenter__(self) -> SharedBrowser:
        return self

    async def __aexit__(self, *exc: object) -> None:
        if self._browser is not None:
            await self._browser.close()
        if self._playwright is not None:
            await self._playwright.stop()
        self._browser = self._playwright = None

    async def browser(self) -> Browser:
        async with self._lock:
            if self._browser is None or not self._browser.is_connected():
                if self._playwright is None:
                    self._playwright = await async_playwright().start()
                self._browser = await self._playwright.chromium.launch(
                    executable_path=str(self.settings.chromium_path), args=list(CHROMIUM_ARGS)
                )
            return self._browser


async def _shoot(
    result: ProbeResult,
    settings: Settings,
    policy: AddressPolicy,
    resolver: HostResolver,
    fetcher: Fetcher | None,
    shared: SharedBrowser | None = None,
) -> bytes:
    final = result.final
    assert final is not None  # checked by wants_screenshot
    profile = _profile(result.profile, settings)
    async with AsyncExitStack() as stack:
        if fetcher is None:
            fetcher = await stack.enter_async_context(Fetcher(settings))
        if shared is None:
            shared = await stack.enter_async_context(SharedBrowser(settings))
        browser = await shared.browser()
        mobile = profile.name != "desktop"
        context = await browser.new_context(
            user_agent=profile.user_agent,
            viewport=PHONE_VIEWPORT if mobile else DESKTOP_VIEWPORT,  # type: ignore[arg-type]
            is_mobile=mobile,
            has_touch=mobile,
            service_workers="block",
            java_script_enabled=True,
            accept_downloads=False,
            locale="zh-CN",
        )
        stack.push_async_callback(context.close)
        interceptor = _Interceptor(final, profile, settings, policy, resolver, fetcher)
        await context.route("**/*", interceptor.handle)
        await context.route_web_socket("**/*", _refuse_websocket)
        page = await context.new_page()
        interceptor.main_frame = page.main_frame
        timeout_ms = settings.probe_screenshot_timeout_seconds * 1000
        await page.goto(final.url, wait_until="load", timeout=timeout_ms)
        return await page.screenshot(full_page=False, type="png", timeout=timeout_ms)


def _profile(name: str, settings: Settings) -> FetchProfile:
    try:
        return get_profile(name)
    except UnknownProfile:
        return get_profile(settings.probe_default_profile)


async def _refuse_websocket(socket: WebSocketRoute) -> None:
    """Never connect a page's WebSocket to its server: close it at once."""
    await socket.close(code=1008, reason="blocked by the prober")


class _Interceptor:
    """Answers every request of the page: the captured document, guarded fetches, or abort."""

    def __init__(
        self,
        final: Exchange,
        profile: FetchProfile,
        settings: Settings,
        policy: AddressPolicy,
        resolver: HostResolver,
        fetcher: Fetcher,
    ) -> None:
        self.final = final
        self.profile = profile
        self.policy = policy
        self.resolver = resolver
        self.fetcher = fetcher
        self.budget = settings.probe_max_subresources
        self.main_frame: Any = None
        self.document_served = False
        self.refused: list[str] = []  # what was aborted, and why (for logs and tests)

    async def handle(self, route: Route) -> None:
        request = route.request
        if self._is_document(request):
            self.document_served = True
            await route.fulfill(
                status=self.final.status or 200,
                headers=_document_headers(self.final),
                body=self.final.body,
            )
            return
        reason = self._refusal(request)
        if reason is None:
            exchange = await self._fetch(request.url)
            if isinstance(exchange, Exchange):
                await route.fulfill(
                    status=exchange.status or 502, headers=_headers(exchange), body=exchange.body
                )
                return
            reason = exchange
        self.refused.append(f"{request.url}: {reason}")
        log.info("screenshot of %s: not loading %s: %s", self.final.url, request.url, reason)
        await route.abort("blockedbyclient")

    def _is_document(self, request: Request) -> bool:
        return (
            not self.document_served
            and request.is_navigation_request()
            and request.frame == self.main_frame
        )

    def _refusal(self, request: Request) -> str | None:
        if request.is_navigation_request() and request.frame == self.main_frame:
            return "navigation away from the captured page"
        if urlsplit(request.url).scheme not in ("http", "https"):
            return "not an http(s) URL"
        if request.method != "GET":
            return f"method {request.method} is not fetched"
        if self.budget <= 0:
            return "probe_max_subresources reached"
        self.budget -= 1
        return None

    async def _fetch(self, url: str) -> Exchange | str:
        """The exchange to hand to Chromium, or why there is none."""
        try:
            pinned = await pin(url, self.policy, self.resolver)
        except ProbeRefused as exc:
            return f"refused by the guard: {exc.message}"
        exchange = await self.fetcher.fetch(
            pinned, self.profile, via=Via.SUBRESOURCE, referer=self.final.url
        )
        if exchange.status is None or exchange.error is not None:
            return f"fetch failed: {exchange.error}"
        if exchange.truncated is not None:
            return f"cut short by {exchange.truncated.value}"
        return exchange


def _headers(exchange: Exchange) -> dict[str, str]:
    """The response headers Chromium may see (a repeated header keeps its first value)."""
    headers: dict[str, str] = {}
    for key, value in exchange.response_headers:
        lowered = key.lower()
        if lowered not in _DROPPED and lowered not in headers:
            headers[lowered] = value
    return headers


def _document_headers(exchange: Exchange) -> dict[str, str]:
    """The captured page's headers, with the WAP XHTML type shown as the XHTML it is.

    Chromium does not render ``application/vnd.wap.xhtml+xml``: it would download the page.
    """
    headers = _headers(exchange)
    media = headers.get("content-type", "")
    if media.lower().startswith("application/vnd.wap.xhtml+xml"):
        headers["content-type"] = (
            "application/xhtml+xml" + media[len("application/vnd.wap.xhtml+xml") :]
        )
    return headers


__all__ = [
    "CHROMIUM_ARGS",
    "SCREENSHOT_KINDS",
    "SharedBrowser",
    "take_screenshot",
    "wants_screenshot",
]
