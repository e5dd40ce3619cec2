"""Helpers for the probe service tests: probe results built by hand, and who acts.

Imported as ``servicekit`` from ``tests/probe`` and as ``probe.servicekit`` from other folders.
The results are what :func:`jingwang.probe.probe.probe_url` returns, written out, so the
recording can be tested apart from the network (the end-to-end tests probe a loopback server).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy.orm import Session

from accounts.accountkit import make_org, make_user
from jingwang.accounts import Actor
from jingwang.accounts.actors import actor_for_user
from jingwang.accounts.models import Organisation
from jingwang.probe.types import (
    Card,
    Exchange,
    Hop,
    Identifier,
    Outcome,
    PageSummary,
    ProbeResult,
    Subresource,
    Via,
)

T0 = dt.datetime(2026, 11, 30, 1, 0, tzinfo=dt.UTC)
WML = (
    b'<?xml version="1.0"?><wml><card id="main" title="Hot"><p>QQ 12345678</p>'
    b'<img src="/a.wbmp" alt="a"/></card></wml>'
)
# The smallest WBMP: type 0, 1x1, one white pixel.
WBMP = b"\x00\x00\x01\x01\x80"


def exchange(url: str, body: bytes, *, status: int = 200, ctype: str, via: Via) -> Exchange:
    head = f"GET {url} HTTP/1.1\r\nHost: wap.hot.test\r\n\r\n".encode()
    headers = [("Content-Type", ctype), ("Content-Length", str(len(body)))]
    response = f"HTTP/1.1 {status} OK\r\n" + "".join(f"{k}: {v}\r\n" for k, v in headers)
    return Exchange(
        url=url,
        method="GET",
        ip="127.0.0.1",
        port=80,
        request_head=head,
        request_body=b"",
        started_at=T0,
        status=status,
        reason="OK",
        response_headers=headers,
        response_head=(response + "\r\n").encode(),
        body_wire=body,
        body=body,
        ttfb_ms=1.0,
        total_ms=2.0,
        via=via,
    )


def wml_result(url: str = "http://wap.hot.test/") -> ProbeResult:
    """A WML page reached through one HTTP redirect, with an image and a QQ number."""
    final_url = url + "deck.wml"
    page = PageSummary(
        kind="wml",
        charset="utf-8",
        title="Hot",
        text="QQ 12345678",
        cards=[Card(id="main", title="Hot", text="QQ 12345678")],
        images=[url + "a.wbmp"],
        identifiers=[Identifier("qq", "12345678", "QQ 12345678", 0, 11)],
    )
    first = exchange(url, b"", status=302, ctype="text/plain", via=Via.START)
    first.response_headers.append(("Location", final_url))
    image = exchange(url + "a.wbmp", WBMP, ctype="image/vnd.wap.wbmp", via=Via.SUBRESOURCE)
    return ProbeResult(
        url=url,
        profile="wap1",
        outcome=Outcome.OK,
        started_at=T0,
        finished_at=T0 + dt.timedelta(seconds=1),
        hops=[Hop(url, Via.START, 302), Hop(final_url, Via.HTTP, 200)],
        exchanges=[first, exchange(final_url, WML, ctype="text/vnd.wap.wml", via=Via.HTTP)],
        subresources=[Subresource(url + "a.wbmp", image, "image/vnd.wap.wbmp", 1, 1)],
        page=page,
        final_url=final_url,
        discovered_hosts=["other.test"],
        resolver="udp://127.0.0.1:5353",
    )


def refused_result(url: str = "http://10.0.0.1/") -> ProbeResult:
    return ProbeResult(
        url=url,
        profile="android",
        outcome=Outcome.REFUSED,
        started_at=T0,
        finished_at=T0,
        hops=[Hop(url, Via.START, refused="10.0.0.1 is a private address")],
        refused="10.0.0.1 is a private address",
        refused_code="probe.address_forbidden",
    )


@dataclass(frozen=True)
class People:
    centre: Actor  # a reviewer at the reporting centre: sees every capture
    carrier: Actor  # a reviewer at a carrier: probes, sees its subtree
    other_carrier: Actor  # a reviewer at another carrier
    police: Actor  # probe:read only, no probe:run
    provider: Actor  # an access provider's liaison: no probe permission


def make_people(session: Session) -> People:
    centre = make_org(session, "Reporting Centre", "reporting_centre", "CN")
    carrier = make_org(session, "Huaxia Mobile", "carrier", "CN")
    other = make_org(session, "Zhongyuan Unicom", "carrier", "HA")
    police = make_org(session, "Network Police", "police", "GD")
    ap = make_org(session, "Fast Access", "access_provider", "GD")

    def actor(org: Organisation, username: str, role: str) -> Actor:
        return actor_for_user(session, make_user(session, org, username, [role]))

    return People(
        actor(centre, "centre-reviewer", "reviewer"),
        actor(carrier, "carrier-reviewer", "reviewer"),
        actor(other, "other-reviewer", "reviewer"),
        actor(police, "police-viewer", "viewer"),
        actor(ap, "ap-liaison", "liaison"),
    )


def html_result(url: str = "http://m.shop.test/") -> ProbeResult:
    """An HTML page fetched at once, with no image."""
    body = b"<html><head><title>Shop</title></head><body>Buy</body></html>"
    return ProbeResult(
        url=url,
        profile="android",
        outcome=Outcome.OK,
        started_at=T0,
        finished_at=T0,
        hops=[Hop(url, Via.START, 200)],
        exchanges=[exchange(url, body, ctype="text/html; charset=utf-8", via=Via.START)],
        page=PageSummary(kind="html", charset="utf-8", title="Shop", text="Buy"),
        final_url=url,
    )
