"""LoopbackDNS: a real UDP name server on loopback for the sample web, the demo and tests.

The prober never asks a public name server in tests or the demo: ``probe_resolver`` points at
this server instead, which answers A and AAAA queries from a small zone. Names under ``.test``
that the zone does not hold get the ``wildcard_test`` address (the sample web's many sites need
no zone entries); every other name is NXDOMAIN.

For DNS-rebinding tests a name can be given a *sequence* of answers
(:meth:`LoopbackDNS.set_sequence`): each query of one record type takes the next answer (the
last one repeats). The server counts queries per name and per (name, type), so a test can prove
the prober asked only once.

It runs an asyncio datagram endpoint in a background thread; use it as a context manager.
"""

from __future__ import annotations

import asyncio
import ipaddress
import socket
import threading
from collections import Counter
from collections.abc import Iterable, Sequence
from types import TracebackType
from typing import Self, cast

import dns.exception
import dns.flags
import dns.message
import dns.rcode
import dns.rdataclass
import dns.rdatatype
import dns.rrset

_RECEIVE_BUFFER = 4 * 1024 * 1024  # a campaign's burst of queries must not overflow it
_TTL = 1  # default: short, so a test that changes the zone is not fooled by a cache


def _normalise(name: str) -> str:
    return name.lower().rstrip(".")


def _answer_list(answer: str | Iterable[str]) -> tuple[str, ...]:
    items = (answer,) if isinstance(answer, str) else tuple(answer)
    for item in items:
        ipaddress.ip_address(item)  # a typo in a test zone fails loudly, here
    return items


class LoopbackDNS:
    """A UDP DNS server answering A/AAAA from ``zone`` (name → addresses), in a thread."""

    def __init__(
        self,
        zone: dict[str, list[str]] | None = None,
        *,
        host: str = "127.0.0.1",
        port: int = 0,
        wildcard_test: str | None = "127.0.0.1",
        ttl: int = _TTL,
    ) -> None:
        # Answers of a sequence (rebinding tests) always carry TTL 0: they must not be cached.
        self.ttl = ttl
        self._lock = threading.Lock()
        self._zone: dict[str, tuple[str, ...]] = {}
        self._sequences: dict[str, list[tuple[str, ...]]] = {}
        self._positions: Counter[tuple[str, str]] = Counter()
        self.queries: Counter[str] = Counter()
        self.queries_by_type: Counter[tuple[str, str]] = Counter()
        self.wildcard_test = wildcard_test
        self.host = host
        self.port = port
        self._loop: asyncio.AbstractEventLoop | None = None
        self._thread: threading.Thread | None = None
        self._transport: asyncio.DatagramTransport | None = None
        for name, addresses in (zone or {}).items():
            self.set(name, addresses)

    @property
    def address(self) -> str:
        """``HOST:PORT``, the value for the ``probe_resolver`` setting."""
        return f"{self.host}:{self.port}"

    def set(self, name: str, addresses: Iterable[str]) -> None:
        """Answer ``name`` with ``addresses`` (IPv4 for A, IPv6 for AAAA); empty means none."""
        with self._lock:
            self._zone[_normalise(name)] = _answer_list(addresses)
            self._sequences.pop(_normalise(name), None)

    def set_sequence(self, name: str, answers: Sequence[str | Iterable[str]]) -> None:
        """Answer the n-th query of each record type for ``name`` with ``answers[n]``."""
        if not answers:
            raise ValueError("set_sequence needs at least one answer")
        key = _normalise(name)
        with self._lock:
            self._sequences[key] = [_answer_list(answer) for answer in answers]
            for qtype in ("A", "AAAA"):
                self._positions.pop((key, qtype), None)

    def lookup(self, name: str, qtype: str) -> tuple[str, ...] | None:
        """The addresses of ``qtype`` the server answers for ``name``; ``None`` is NXDOMAIN.

        Counts the query and, for a sequence, moves it on: this is what a query does.
        """
        key = _normalise(name)
        with self._lock:
            self.queries[key] += 1
            self.queries_by_type[(key, qtype)] += 1
            if key in self._sequences:
                answers = self._sequences[key]
                position = self._positions[(key, qtype)]
                self._positions[(key, qtype)] += 1
                found = answers[min(position, len(answers) - 1)]
            elif key in self._zone:
                found = self._zone[key]
            elif self.wildcard_test is not None and key.endswith(".test"):
                found = (self.wildcard_test,)
            else:
                return None
        version = 4 if qtype == "A" else 6
        return tuple(a for a in found if ipaddress.ip_address(a).version == version)

    def answer(self, wire: bytes) -> bytes | None:
        """The response to one query message, or ``None`` for bytes that are no query."""
        try:
            query = dns.message.from_wire(wire)
        except dns.exception.DNSException:
            return None
        response = dns.message.make_response(query)
        response.flags |= dns.flags.AA
        for question in query.question:
            qtype = dns.rdatatype.to_text(question.rdtype)
            if qtype not in ("A", "AAAA"):
                continue
            found = self.lookup(question.name.to_text(), qtype)
            ttl = 0 if _normalise(question.name.to_text()) in self._sequences else self.ttl
            if found is None:
                response.set_rcode(dns.rcode.NXDOMAIN)
                continue
            if found:
                response.answer.append(
                    dns.rrset.from_text_list(question.name, ttl, "IN", qtype, list(found))
                )
        return response.to_wire()

    def start(self) -> Self:
        ready = threading.Event()
        self._thread = threading.Thread(
            target=self._run, args=(ready,), name="loopback-dns", daemon=True
        )
        self._thread.start()
        if not ready.wait(10) or self._transport is None:
            raise RuntimeError(f"LoopbackDNS could not listen on {self.host}:{self.port}")
        return self

    def _run(self, ready: threading.Event) -> None:
        loop = asyncio.new_event_loop()
        self._loop = loop
        try:
            transport, _ = loop.run_until_complete(
                loop.create_datagram_endpoint(
                    lambda: _Protocol(self), local_addr=(self.host, self.port)
                )
            )
        except OSError:
            ready.set()
            loop.close()
            return
        listener = transport.get_extra_info("socket")
        listener.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, _RECEIVE_BUFFER)  # bursts
        self._transport = transport
        self.port = transport.get_extra_info("sockname")[1]
        ready.set()
        loop.run_forever()
        transport.close()
        loop.run_until_complete(asyncio.sleep(0))
        loop.close()

    def stop(self) -> None:
        if self._loop is not None and self._thread is not None:
            self._loop.call_soon_threadsafe(self._loop.stop)
            self._thread.join(10)
        self._loop = self._thread = self._transport = None

    def __enter__(self) -> Self:
        return self.start()

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.stop()


class _Protocol(asyncio.DatagramProtocol):
    def __init__(self, server: LoopbackDNS) -> None:
        self.server = server
        self.transport: asyncio.DatagramTransport | None = None

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        self.transport = cast(asyncio.DatagramTransport, transport)  # selector's is no subclass

    def datagram_received(self, data: bytes, addr: tuple[str | object, int]) -> None:
        reply = self.server.answer(data)
        if reply is not None and self.transport is not None:
            self.transport.sendto(reply, addr)


__all__ = ["LoopbackDNS"]
