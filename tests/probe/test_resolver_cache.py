"""The prober's resolver keeps a name's answer for its TTL, and never one with TTL 0."""

from __future__ import annotations

import asyncio
import time

from jingwang.demo.dns import LoopbackDNS
from jingwang.probe.resolver import Resolver, parse_server


def _resolver(dns: LoopbackDNS) -> Resolver:
    return Resolver(parse_server(dns.address))


def test_an_answer_is_reused_for_its_ttl_without_asking_again() -> None:
    with LoopbackDNS({"kept.test": ["192.0.2.7", "2001:db8::7"]}, ttl=300) as dns:
        resolver = _resolver(dns)
        first = asyncio.run(resolver.resolve("kept.test"))
        asked = dns.queries["kept.test"]
        again = [asyncio.run(resolver.resolve("kept.test")) for _ in range(5)]

    assert first == ["192.0.2.7", "2001:db8::7"]
    assert asked == 2  # A and AAAA, once
    assert again == [first] * 5
    assert dns.queries["kept.test"] == asked


def test_an_answer_with_ttl_0_is_asked_for_every_time() -> None:
    with LoopbackDNS() as dns:
        dns.set_sequence("rebind.test", ["192.0.2.1", "127.0.0.1", "10.0.0.1"])
        resolver = _resolver(dns)
        answers = [asyncio.run(resolver.resolve("rebind.test")) for _ in range(3)]

    assert answers == [["192.0.2.1"], ["127.0.0.1"], ["10.0.0.1"]]
    assert dns.queries_by_type[("rebind.test", "A")] == 3


def test_a_changed_answer_is_seen_once_the_ttl_has_run_out() -> None:
    with LoopbackDNS({"moved.test": ["192.0.2.1"]}, ttl=1) as dns:
        resolver = _resolver(dns)
        before = asyncio.run(resolver.resolve("moved.test"))
        dns.set("moved.test", ["192.0.2.2"])
        cached = asyncio.run(resolver.resolve("moved.test"))
        time.sleep(1.1)
        after = asyncio.run(resolver.resolve("moved.test"))

    assert (before, cached, after) == (["192.0.2.1"], ["192.0.2.1"], ["192.0.2.2"])


def test_lookups_of_one_host_at_once_share_one_question_and_each_get_the_answer() -> None:
    with LoopbackDNS({"busy.test": ["192.0.2.9"]}, ttl=0) as dns:
        resolver = _resolver(dns)

        async def together() -> list[list[str]]:
            return await asyncio.gather(*(resolver.resolve("busy.test") for _ in range(10)))

        answers = asyncio.run(together())
        later = asyncio.run(resolver.resolve("busy.test"))  # TTL 0: asked again, not kept

    assert answers == [["192.0.2.9"]] * 10
    assert later == ["192.0.2.9"]
    assert dns.queries_by_type[("busy.test", "A")] == 2  # once for the ten, once after


def test_a_lookup_that_fails_fails_every_caller_waiting_on_it() -> None:
    with LoopbackDNS(wildcard_test=None) as dns:
        resolver = _resolver(dns)

        async def together() -> list[BaseException | list[str]]:
            lookups = (resolver.resolve("missing.test") for _ in range(3))
            return await asyncio.gather(*lookups, return_exceptions=True)

        outcomes = asyncio.run(together())

    assert [type(o).__name__ for o in outcomes] == ["Unresolvable"] * 3
    assert dns.queries_by_type[("missing.test", "A")] == 1
