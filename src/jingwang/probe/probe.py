"""One probe: follow a URL's redirects by hand, under the guard, and fetch the final page's images.

:func:`probe_url` is the prober's core loop. Every hop (the start URL, each HTTP 3xx
``Location``, meta refresh, WML ``ontimer`` / ``onenterforward``, ``location=`` script) goes
through :func:`jingwang.probe.guard.pin` before anything is sent: a refused start URL ends the
probe as ``REFUSED`` with the guard's code; a refused later hop is recorded on its
:class:`~jingwang.probe.types.Hop` and the probe ends with what it has. Page-level hops come
from :func:`jingwang.probe.parse.parse_page` (``PageSummary.next_hop``); timers are recorded,
not waited for. The final page's images and favicon are fetched under the same guard and
limits and inspected by :func:`jingwang.probe.images.inspect_image`.

Cookies live for one probe (an ``aiohttp.CookieJar`` of its own), even when a campaign runner
shares one :class:`~jingwang.probe.fetch.Fetcher` across probes.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import functools
from collections.abc import Awaitable
from typing import Any, TypeVar
from urllib.parse import urljoin, urlsplit

import aiohttp

from jingwang.probe.errors import ProbeRefused, Unresolvable
from jingwang.probe.fetch import Fetcher
from jingwang.probe.guard import AddressPolicy, pin
from jingwang.probe.parse import parse_page
from jingwang.probe.profiles import IMAGE_ACCEPT, FetchProfile, get_profile
from jingwang.probe.resolver import Resolver
from jingwang.probe.types import (
    Exchange,
    Hop,
    LimitHit,
    NextHop,
    Outcome,
    PageSummary,
    ProbeResult,
    Subresource,
    Via,
)
from jingwang.settings import Settings

_SUBRESOURCE_PARALLEL = 4
_CUT_SHORT = frozenset(
    {
        LimitHit.WIRE_BYTES,
        LimitHit.BODY_BYTES,
        LimitHit.FIRST_BYTE_TIME,
        LimitHit.TOTAL_TIME,
        LimitHit.REDIRECTS,
        LimitHit.NESTING,
    }
)
T = TypeVar("T")


def _utcnow() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


def _without_fragment(url: str) -> str:
    return url.partition("#")[0]


class _Probe:
    """The state of one probe while it runs."""

    def __init__(
        self,
        url: str,
        settings: Settings,
        profile: FetchProfile,
        resolver: Resolver,
        fetcher: Fetcher,
    ) -> None:
        self.settings = settings
        self.profile = profile
        self.resolver = resolver
        self.fetcher = fetcher
        self.policy = AddressPolicy.from_settings(settings)
        self.jar = aiohttp.CookieJar(unsafe=True)
        now = _utcnow()
        self.result = ProbeResult(
            url=url,
            profile=profile.name,
            outcome=Outcome.OK,
            started_at=now,
            finished_at=now,
            resolver=resolver.name,
        )

    async def run(self, *, subresources: bool) -> ProbeResult:
        result = self.result
        await self._follow()
        if result.page is not None and subresources and result.outcome is not Outcome.REFUSED:
            await self._subresources(result.page)
        result.discovered_hosts = self._discovered_hosts()
        result.finished_at = _utcnow()
        return result

    async def _follow(self) -> None:
        result = self.result
        hop = NextHop(url=result.url, via=Via.START)
        visited: set[str] = set()
        referer: str | None = None
        while True:
            result.hops.append(Hop(url=hop.url, via=hop.via, delay_seconds=hop.delay_seconds))
            visited.add(_without_fragment(hop.url))
            exchange = await self._fetch_hop(hop, referer)
            if exchange is None:
                return
            following = self._next(exchange)
            if following is None:
                return
            if hop.via is not Via.HTTP and following.via is not Via.HTTP:
                referer = exchange.url
            elif referer is None:
                referer = exchange.url if following.via is not Via.HTTP else None
            if following.via is not Via.HTTP and _without_fragment(following.url) in visited:
                result.hops.append(
                    Hop(following.url, following.via, None, following.delay_seconds,
                        refused="not followed: the page leads back to a URL already visited")
                )  # fmt: skip
                return
            if len(result.hops) > self.settings.probe_max_redirects:
                result.hops.append(
                    Hop(following.url, following.via, None, following.delay_seconds,
                        refused=f"not followed: more than {self.settings.probe_max_redirects} "
                        "redirects (probe_max_redirects)")
                )  # fmt: skip
                self._limit(LimitHit.REDIRECTS)
                return
            hop = following

    async def _fetch_hop(self, hop: NextHop, referer: str | None) -> Exchange | None:
        """Guard and fetch one hop; ``None`` when the probe ends here."""
        result, record = self.result, self.result.hops[-1]
        first = len(result.hops) == 1
        try:
            pinned = await pin(hop.url, self.policy, self.resolver)
        except ProbeRefused as exc:
            record.refused = exc.message
            if first and isinstance(exc, Unresolvable):
                result.outcome, result.error = Outcome.ERROR, exc.message
            elif first:
                result.outcome = Outcome.REFUSED
            result.refused, result.refused_code = exc.message, exc.code
            return None
        exchange = await self.fetcher.fetch(
            pinned, self.profile, via=hop.via, referer=referer, cookies=self.jar
        )
        result.exchanges.append(exchange)
        record.status = exchange.status
        result.final_url = exchange.url
        if exchange.error:
            result.error = exchange.error
        if exchange.truncated is not None:
            self._limit(exchange.truncated)
        if exchange.status is None:
            if result.outcome is Outcome.OK:
                result.outcome = Outcome.ERROR
            return None
        return exchange

    def _next(self, exchange: Exchange) -> NextHop | None:
        """Where this response leads: a 3xx Location, or a hop the page asks for."""
        status = exchange.status or 0
        location = exchange.header("location")
        if 300 <= status < 400 and location:
            self.result.page = None
            return NextHop(url=urljoin(exchange.url, location.strip()), via=Via.HTTP)
        page = parse_page(
            exchange.body,
            url=exchange.url,
            content_type=exchange.header("content-type"),
            max_nesting=self.settings.probe_max_nesting,
        )
        self.result.page = page
        if page.limit_hit is not None:
            self._limit(page.limit_hit)
        return page.next_hop

    def _limit(self, hit: LimitHit) -> None:
        if self.result.limit_hit is None:
            self.result.limit_hit = hit
        if hit in _CUT_SHORT and self.result.outcome is Outcome.OK:
            self.result.outcome = Outcome.LIMIT

    async def _subresources(self, page: PageSummary) -> None:
        urls = list(dict.fromkeys([*page.images, *([page.favicon] if page.favicon else [])]))
        cap = self.settings.probe_max_subresources
        gate = asyncio.Semaphore(_SUBRESOURCE_PARALLEL)
        fetched = await asyncio.gather(*(_gated(gate, self._subresource(u)) for u in urls[:cap]))
        skipped = [
            Subresource(
                url=u,
                exchange=None,
                refused=f"not fetched: the page has more than {cap} images "
                "(probe_max_subresources)",
                limit_hit=LimitHit.SUBRESOURCES,
            )
            for u in urls[cap:]
        ]
        self.result.subresources = [*fetched, *skipped]

    async def _subresource(self, url: str) -> Subresource:
        from jingwang.probe.images import inspect_image  # Pillow loads on first use

        try:
            pinned = await pin(url, self.policy, self.resolver)
        except ProbeRefused as exc:
            return Subresource(url=url, exchange=None, refused=exc.message)
        exchange = await self.fetcher.fetch(
            pinned,
            self.profile,
            via=Via.SUBRESOURCE,
            referer=self.result.final_url,
            accept=IMAGE_ACCEPT,
            cookies=self.jar,
        )
        item = Subresource(url=url, exchange=exchange, limit_hit=exchange.truncated)
        if exchange.status != 200 or exchange.truncated is not None:
            item.refused = exchange.error or f"HTTP {exchange.status}: no image to inspect"
            return item
        check = inspect_image(
            exchange.body,
            max_pixels=self.settings.probe_max_image_pixels,
            formats=self.settings.probe_image_formats,
        )
        item.media_type, item.width, item.height = check.media_type, check.width, check.height
        item.limit_hit, item.refused = check.limit_hit, check.problem
        return item

    def _discovered_hosts(self) -> list[str]:
        start = (urlsplit(self.result.url).hostname or "").lower()
        urls = [hop.url for hop in self.result.hops]
        if self.result.page is not None:
            urls += [link.url for link in self.result.page.links]
        hosts: dict[str, None] = {}
        for url in urls:
            host = _web_host(url)
            if host and host != start:
                hosts[host] = None
        return list(hosts)


@functools.lru_cache(maxsize=4096)  # a site's pages share their menus: the same links again
def _web_host(url: str) -> str:
    """The host of an http(s) URL, lower case, without a final dot; "" for other URLs."""
    try:
        parts = urlsplit(url)
        host = parts.hostname
    except ValueError:
        return ""
    if parts.scheme not in ("http", "https") or not host:
        return ""
    return host.lower().rstrip(".")


async def _gated(gate: asyncio.Semaphore, work: Awaitable[T]) -> T:
    async with gate:
        return await work


async def probe_url(
    url: str,
    *,
    settings: Settings,
    profile: str | None = None,
    resolver: Resolver | None = None,
    fetcher: Fetcher | None = None,
    subresources: bool = True,
) -> ProbeResult:
    """Probe ``url`` as the handset ``profile`` (default ``probe_default_profile``).

    Raises only :class:`~jingwang.probe.errors.UnknownProfile`; every refusal, network failure
    and limit is in the returned :class:`ProbeResult`.
    """
    chosen = get_profile(profile or settings.probe_default_profile)
    resolver = resolver if resolver is not None else Resolver.from_settings(settings)
    if fetcher is not None:
        return await _Probe(url, settings, chosen, resolver, fetcher).run(subresources=subresources)
    async with Fetcher(settings) as own:
        return await _Probe(url, settings, chosen, resolver, own).run(subresources=subresources)


def probe_url_sync(url: str, **kwargs: Any) -> ProbeResult:
    """:func:`probe_url` for synchronous callers (the CLI)."""
    return asyncio.run(probe_url(url, **kwargs))


__all__ = ["probe_url", "probe_url_sync"]
