"""The Fetcher: one HTTP(S) exchange to a pinned address, recorded byte for byte, under limits.

It runs on one ``aiohttp`` session whose resolver answers ONLY with the address the guard pinned
for the request's host (:class:`PinnedResolver`), so the TCP connection goes to the checked
address while ``Host`` and TLS SNI stay the name. aiohttp's own conveniences that would hide or
change what is sent or received are off: no redirects (the probe loop follows them by hand), no
automatic headers beyond what is recorded, no decompression (done here under a cap, see
:mod:`.decode`), no cookie jar on the session (cookies come from the probe's own jar and are
recorded as the ``Cookie`` header they become). TLS is not verified while connecting, so broken
sites are still captured; the presented chain and its validity go into ``Exchange.tls``.

:meth:`Fetcher.fetch` never raises for network trouble: ``Exchange.error`` says what happened
and ``Exchange.truncated`` which limit cut the body short (what came is kept).
"""

from __future__ import annotations

import asyncio
import contextvars
import datetime as dt
import ipaddress
import socket
import ssl
import time
import zlib
from types import SimpleNamespace, TracebackType
from typing import Any, Self

import aiohttp
import brotli
from aiohttp.abc import AbstractResolver, ResolveResult
from multidict import CIMultiDict
from yarl import URL

from jingwang.probe.decode import BodyDecoder, UnsupportedEncoding
from jingwang.probe.guard import Pinned
from jingwang.probe.profiles import FetchProfile
from jingwang.probe.tlscheck import ChainJudge, tls_info
from jingwang.probe.types import Exchange, LimitHit, Via
from jingwang.settings import Settings

_CHUNK = 64 * 1024


_PINNED: contextvars.ContextVar[Pinned | None] = contextvars.ContextVar(
    "probe_pinned", default=None
)


class PinnedResolver(AbstractResolver):
    """Answers a request's host with the address its own probe pinned; refuses every other name.

    The pin belongs to the request, not to the session: :meth:`Fetcher.fetch` sets it in the
    requesting task (aiohttp resolves there), so two probes of one host running at once, which
    round-robin DNS may pin to different addresses, each connect to the address they checked.
    """

    @staticmethod
    def pinned(host: str) -> str | None:
        """The address the current request pinned for ``host``, if it pinned that host."""
        pinned = _PINNED.get()
        if pinned is None or pinned.host.lower() != host.lower().rstrip("."):
            return None
        return pinned.ip

    async def resolve(
        self, host: str, port: int = 0, family: socket.AddressFamily = socket.AF_INET
    ) -> list[ResolveResult]:
        ip = self.pinned(host)
        if ip is None:
            raise OSError(f"{host} was not checked by the guard; the prober does not resolve it")
        return [
            ResolveResult(
                hostname=host,
                host=ip,
                port=port,
                family=socket.AF_INET6 if ":" in ip else socket.AF_INET,
                proto=0,
                flags=socket.AI_NUMERICHOST,
            )
        ]

    async def close(self) -> None:
        pass


_SSL_OBJECT: contextvars.ContextVar[Any] = contextvars.ContextVar("probe_ssl_object", default=None)


_STALE_CONNECTIONS = 8  # pooled connections to an earlier pin dropped before a fresh one


class _RecordingConnector(aiohttp.TCPConnector):
    """Hands each request a connection to the address pinned for it, noting its TLS object.

    aiohttp pools keep-alive connections by host and port, not by address: when a probe pins a
    host to another checked address than an earlier probe did, a pooled connection would still
    lead to the earlier one, and the evidence would name an address the request never went to.
    A connection whose peer is not the request's pin is closed and another taken, until a new
    one is made through :class:`PinnedResolver`.

    A small response is read to its end, and its connection released, before ``get()`` returns,
    so the TLS object is taken here, where the connection is handed over.
    """

    async def connect(
        self, req: aiohttp.ClientRequest, traces: list[Any], timeout: aiohttp.ClientTimeout
    ) -> Any:
        for _ in range(_STALE_CONNECTIONS):
            connection = await super().connect(req, traces, timeout)
            transport = connection.transport
            if transport is None or self._leads_to_pin(req.host, transport):
                break
            connection.close()  # closes the socket and keeps it out of the pool
        else:
            raise aiohttp.ClientConnectionError(
                f"no connection to the address pinned for {req.host} after "
                f"{_STALE_CONNECTIONS} pooled ones to an earlier address"
            )
        _SSL_OBJECT.set(transport.get_extra_info("ssl_object") if transport else None)
        return connection

    @staticmethod
    def _leads_to_pin(host: str, transport: asyncio.BaseTransport) -> bool:
        pin = PinnedResolver.pinned(host)
        peer = transport.get_extra_info("peername")
        if pin is None or not peer:
            return True  # nothing to compare: the resolver refuses unpinned hosts anyway
        try:
            return ipaddress.ip_address(str(peer[0]).split("%")[0]) == ipaddress.ip_address(pin)
        except ValueError:
            return False


def _utcnow() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


def _client_tls() -> ssl.SSLContext:
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
    context.check_hostname = False
    context.verify_mode = ssl.CERT_NONE  # we capture broken sites; validity is judged apart
    context.set_ciphers("DEFAULT:@SECLEVEL=0")  # old servers' weak keys are still captured
    return context


async def _on_headers_sent(
    _: aiohttp.ClientSession, ctx: SimpleNamespace, params: aiohttp.TraceRequestHeadersSentParams
) -> None:
    request_ctx = ctx.trace_request_ctx
    if isinstance(request_ctx, dict):
        lines = [f"{params.method} {params.url.raw_path_qs} HTTP/1.1"]
        lines += [f"{key}: {value}" for key, value in params.headers.items()]
        request_ctx["head"] = ("\r\n".join(lines) + "\r\n\r\n").encode("latin-1", "replace")


class Fetcher:
    """An aiohttp session for the prober; use as ``async with Fetcher(settings) as f``."""

    def __init__(self, settings: Settings, *, cookies: aiohttp.CookieJar | None = None) -> None:
        self.settings = settings
        self.cookies = cookies if cookies is not None else aiohttp.CookieJar(unsafe=True)
        self.judge = ChainJudge(settings.probe_ca_file)
        self._session: aiohttp.ClientSession | None = None

    async def __aenter__(self) -> Self:
        trace = aiohttp.TraceConfig()
        trace.on_request_headers_sent.append(_on_headers_sent)
        connector = _RecordingConnector(
            resolver=PinnedResolver(),
            use_dns_cache=False,
            ssl=_client_tls(),
            limit=max(self.settings.probe_concurrency, 1) * 2,
        )
        self._session = aiohttp.ClientSession(
            connector=connector,
            auto_decompress=False,
            cookie_jar=aiohttp.DummyCookieJar(),
            trace_configs=[trace],
            skip_auto_headers=("User-Agent", "Accept", "Accept-Encoding"),
            timeout=aiohttp.ClientTimeout(
                total=None,
                connect=self.settings.probe_connect_timeout_seconds,
                sock_connect=self.settings.probe_connect_timeout_seconds,
            ),
        )
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        if self._session is not None:
            await self._session.close()
            self._session = None

    async def fetch(
        self,
        pinned: Pinned,
        profile: FetchProfile,
        *,
        via: Via = Via.START,
        referer: str | None = None,
        accept: str | None = None,
        cookies: aiohttp.CookieJar | None = None,
    ) -> Exchange:
        """GET ``pinned.url`` from ``pinned.ip`` as ``profile``; never raises for network faults."""
        if self._session is None:
            raise RuntimeError("use the Fetcher as `async with Fetcher(settings) as fetcher`")
        jar = cookies if cookies is not None else self.cookies
        headers = self._headers(pinned, profile, referer, accept, jar)
        exchange = Exchange(
            url=pinned.url,
            method="GET",
            ip=pinned.ip,
            port=pinned.port,
            request_head=b"",
            request_body=b"",
            started_at=_utcnow(),
            via=via,
        )
        token = _PINNED.set(pinned)  # for this task only: see PinnedResolver
        try:
            await _Transfer(self, exchange, pinned, headers, jar).run(self._session)
        finally:
            _PINNED.reset(token)
        return exchange

    def _headers(
        self,
        pinned: Pinned,
        profile: FetchProfile,
        referer: str | None,
        accept: str | None,
        jar: aiohttp.CookieJar,
    ) -> CIMultiDict[str]:
        headers: CIMultiDict[str] = CIMultiDict(profile.request_headers(accept=accept))
        if referer:
            headers["Referer"] = referer
        cookie = jar.filter_cookies(URL(pinned.url))
        if cookie:
            headers["Cookie"] = "; ".join(f"{m.key}={m.coded_value}" for m in cookie.values())
        return headers


class _Transfer:
    """One request under the time and size limits, filling an :class:`Exchange`."""

    def __init__(
        self,
        fetcher: Fetcher,
        exchange: Exchange,
        pinned: Pinned,
        headers: CIMultiDict[str],
        jar: aiohttp.CookieJar,
    ) -> None:
        self.settings = fetcher.settings
        self.judge = fetcher.judge
        self.exchange = exchange
        self.pinned = pinned
        self.headers = headers
        self.jar = jar
        self.started = time.monotonic()
        self.deadline = self.started + self.settings.probe_total_timeout_seconds
        self.trace_ctx: dict[str, Any] = {}

    def _elapsed_ms(self) -> float:
        return (time.monotonic() - self.started) * 1000

    async def run(self, session: aiohttp.ClientSession) -> None:
        exchange = self.exchange
        response = None
        try:
            response = await self._open(session)
            if response is not None:
                await self._read(response)
        except (aiohttp.ClientError, OSError, ssl.SSLError) as exc:
            exchange.error = _describe(exc)
        finally:
            exchange.request_head = self.trace_ctx.get("head", b"")
            exchange.total_ms = self._elapsed_ms()
            if response is not None:
                response.close()

    async def _open(self, session: aiohttp.ClientSession) -> aiohttp.ClientResponse | None:
        _SSL_OBJECT.set(None)
        first_byte = self.settings.probe_first_byte_timeout_seconds
        budget = min(first_byte, self.deadline - time.monotonic())
        try:
            async with asyncio.timeout(budget):
                response = await session.get(
                    self.pinned.url,
                    headers=self.headers,
                    allow_redirects=False,
                    trace_request_ctx=self.trace_ctx,
                    server_hostname=self.pinned.host if self.pinned.scheme == "https" else None,
                )
        except TimeoutError as exc:
            if isinstance(exc, aiohttp.ClientError):  # aiohttp's connect timeout
                raise
            total = budget < first_byte
            self.exchange.truncated = LimitHit.TOTAL_TIME if total else LimitHit.FIRST_BYTE_TIME
            what = "probe_total_timeout_seconds" if total else "probe_first_byte_timeout_seconds"
            self.exchange.error = f"no response within {budget:.1f} s ({what})"
            return None
        self.exchange.ttfb_ms = self._elapsed_ms()
        self._record_head(response)
        return response

    def _record_head(self, response: aiohttp.ClientResponse) -> None:
        exchange = self.exchange
        exchange.status = response.status
        exchange.reason = response.reason or ""
        version = response.version
        exchange.http_version = f"{version.major}.{version.minor}" if version else "1.1"
        raw = [(k.decode("latin-1"), v.decode("latin-1")) for k, v in response.raw_headers]
        exchange.response_headers = raw
        lines = [f"HTTP/{exchange.http_version} {exchange.status} {exchange.reason}"]
        lines += [f"{key}: {value}" for key, value in raw]
        exchange.response_head = ("\r\n".join(lines) + "\r\n\r\n").encode("latin-1")
        self.jar.update_cookies(response.cookies, response.url)
        ssl_object = _SSL_OBJECT.get()
        if ssl_object is not None:
            exchange.tls = tls_info(ssl_object, self.pinned.host, self.judge, _utcnow())

    async def _read(self, response: aiohttp.ClientResponse) -> None:
        exchange = self.exchange
        cap_wire = self.settings.probe_max_wire_bytes
        wire = bytearray()
        try:
            decoder: BodyDecoder | None = BodyDecoder(
                response.headers.get("Content-Encoding"), self.settings.probe_max_body_bytes
            )
        except UnsupportedEncoding as exc:
            decoder, exchange.error = None, f"{exc}; the body is kept as it came"
        try:
            async with asyncio.timeout_at(self._loop_deadline()):
                while True:
                    chunk = await response.content.read(min(_CHUNK, cap_wire + 1 - len(wire)))
                    if not chunk:
                        break
                    if len(wire) + len(chunk) > cap_wire:
                        chunk = chunk[: cap_wire - len(wire)]
                        exchange.truncated = LimitHit.WIRE_BYTES
                    wire += chunk
                    if decoder is not None:
                        decoder.feed(bytes(chunk))
                        if decoder.capped:
                            exchange.truncated = LimitHit.BODY_BYTES
                    if exchange.truncated is not None:
                        break
        except TimeoutError:
            exchange.truncated = LimitHit.TOTAL_TIME
            exchange.error = (
                f"the response took longer than {self.settings.probe_total_timeout_seconds:g} s "
                f"(probe_total_timeout_seconds); {len(wire)} bytes came"
            )
        except (aiohttp.ClientPayloadError, aiohttp.ClientConnectionError, OSError) as exc:
            exchange.error = f"the connection broke after {len(wire)} body bytes: {_describe(exc)}"
        except (zlib.error, brotli.error) as exc:
            exchange.error = f"the body could not be decoded: {exc}"
        exchange.body_wire = bytes(wire)
        exchange.body = bytes(decoder.out) if decoder is not None else bytes(wire)

    def _loop_deadline(self) -> float:
        loop = asyncio.get_running_loop()
        return loop.time() + max(self.deadline - time.monotonic(), 0.0)


def _describe(exc: BaseException) -> str:
    text = str(exc) or type(exc).__name__
    if isinstance(exc, aiohttp.ClientConnectorCertificateError | ssl.SSLError):
        return f"TLS handshake failed: {text}"
    if isinstance(exc, aiohttp.ClientConnectorError):
        return f"could not connect: {text}"
    if isinstance(exc, aiohttp.ServerDisconnectedError):
        return "the server closed the connection without answering"
    return text


__all__ = ["Fetcher", "PinnedResolver"]
