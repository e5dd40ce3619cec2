"""Fetch profiles: the handsets the prober pretends to be, header for header.

Mobile sites of the WAP era serve different content per handset: WML to a WAP 1.x browser,
XHTML-MP to a feature phone, HTML5 to a smartphone, and sometimes something else again to a
desktop. A profile fixes the User-Agent and the other request headers such a browser sends, in
its order. The fetcher sends exactly these headers (plus ``Host`` and, on a redirect, the
``Referer``) and records them byte for byte in the exchange's request head.

Carrier gateway headers that identify a subscriber (``x-up-calling-line-id``, ``x-msisdn``,
``x-nokia-msisdn`` …) are never sent: the prober is nobody's phone number.
"""

from __future__ import annotations

from dataclasses import dataclass

from jingwang.probe.errors import UnknownProfile

Headers = tuple[tuple[str, str], ...]

IMAGE_ACCEPT = "image/avif,image/webp,image/png,image/jpeg,image/gif,image/vnd.wap.wbmp,*/*;q=0.8"
FORBIDDEN_HEADERS = frozenset(
    {
        "x-up-calling-line-id",
        "x-msisdn",
        "x-nokia-msisdn",
        "x-wap-msisdn",
        "msisdn",
        "x-up-subno",
        "x-network-info",
        "x-imsi",
    }
)


@dataclass(frozen=True)
class FetchProfile:
    """One browser: its name, labels, User-Agent and other headers in sending order."""

    name: str
    label_zh: str
    label_en: str
    user_agent: str
    headers: Headers  # without User-Agent and Host; sent in this order after User-Agent

    def __post_init__(self) -> None:
        for key, _ in self.headers:
            if key.lower() in FORBIDDEN_HEADERS or key.lower() in {"host", "user-agent"}:
                raise ValueError(f"profile {self.name}: header {key} may not be set here")

    def request_headers(self, *, accept: str | None = None) -> Headers:
        """User-Agent then the profile's headers; ``accept`` replaces its Accept (images)."""
        headers = [("User-Agent", self.user_agent)]
        for key, value in self.headers:
            if accept is not None and key.lower() == "accept":
                value = accept
            headers.append((key, value))
        return tuple(headers)


_MODERN_ENCODING = ("Accept-Encoding", "gzip, deflate, br")
PROFILES: dict[str, FetchProfile] = {
    profile.name: profile
    for profile in (
        FetchProfile(
            name="wap1",
            label_zh="WAP 1.x 手机(诺基亚 UCWEB)",
            label_en="WAP 1.x handset (Nokia, UCWEB)",
            user_agent="NOKIA5700/ UCWEB7.0.2.37/28/999",
            headers=(
                (
                    "Accept",
                    "text/vnd.wap.wml, application/vnd.wap.xhtml+xml, "
                    "application/xhtml+xml, text/html, image/vnd.wap.wbmp, */*",
                ),
                ("Accept-Charset", "utf-8, gb2312;q=0.8, iso-8859-1;q=0.5, *;q=0.1"),
                ("Accept-Language", "zh-CN, zh;q=0.9"),
                ("Accept-Encoding", "gzip"),
                ("x-wap-profile", '"http://nds1.nds.nokia.com/uaprof/N5700r100.xml"'),
            ),
        ),
        FetchProfile(
            name="xhtmlmp",
            label_zh="功能机(XHTML-MP 浏览器)",
            label_en="Feature phone (XHTML-MP browser)",
            user_agent="Nokia6300/2.0 (05.00) Profile/MIDP-2.0 Configuration/CLDC-1.1",
            headers=(
                (
                    "Accept",
                    "application/vnd.wap.xhtml+xml, application/xhtml+xml;q=0.9, "
                    "text/vnd.wap.wml;q=0.8, text/html;q=0.7, image/*, */*;q=0.5",
                ),
                ("Accept-Charset", "utf-8, gb2312, iso-8859-1;q=0.5"),
                ("Accept-Language", "zh-CN"),
                ("Accept-Encoding", "gzip, deflate"),
                ("x-wap-profile", '"http://nds1.nds.nokia.com/uaprof/N6300r100.xml"'),
            ),
        ),
        FetchProfile(
            name="android",
            label_zh="安卓手机(Chrome)",
            label_en="Android phone (Chrome)",
            user_agent="Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 "
            "(KHTML, like Gecko) Chrome/126.0.0.0 Mobile Safari/537.36",
            headers=(
                (
                    "Accept",
                    "text/html,application/xhtml+xml,application/xml;q=0.9,"
                    "image/avif,image/webp,*/*;q=0.8",
                ),
                ("Accept-Language", "zh-CN,zh;q=0.9"),
                _MODERN_ENCODING,
            ),
        ),
        FetchProfile(
            name="iphone",
            label_zh="苹果手机(Safari)",
            label_en="iPhone (Safari)",
            user_agent="Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) "
            "AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.5 Mobile/15E148 Safari/604.1",
            headers=(
                ("Accept", "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"),
                ("Accept-Language", "zh-CN,zh-Hans;q=0.9"),
                _MODERN_ENCODING,
            ),
        ),
        FetchProfile(
            name="desktop",
            label_zh="电脑(Windows Chrome)",
            label_en="Desktop (Chrome on Windows)",
            user_agent="Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 "
            "(KHTML, like Gecko) Chrome/126.0.0.0 Safari/537.36",
            headers=(
                (
                    "Accept",
                    "text/html,application/xhtml+xml,application/xml;q=0.9,"
                    "image/avif,image/webp,*/*;q=0.8",
                ),
                ("Accept-Language", "zh-CN,zh;q=0.9,en;q=0.8"),
                _MODERN_ENCODING,
            ),
        ),
    )
}


def get_profile(name: str) -> FetchProfile:
    """The profile called ``name``; :class:`UnknownProfile` lists the ones there are."""
    try:
        return PROFILES[name]
    except KeyError:
        known = ", ".join(PROFILES)
        raise UnknownProfile(
            f"no fetch profile called {name!r}; choose one of: {known}", profile=name
        ) from None


__all__ = ["IMAGE_ACCEPT", "PROFILES", "FetchProfile", "get_profile"]
