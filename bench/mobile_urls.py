"""A deterministic corpus of realistic mobile-web URLs for benchmarks (seeded, no I/O).

Mixes what crawls of the Chinese mobile web meet: WAP and 3G subdomains of ``.test`` sites,
Chinese IDNs, IPv4 hosts in decimal, hex, octal and short spellings, ports, WML paths with
``sid=`` session ids and ``;jsessionid=``, percent-escapes (some of them double), dot
segments, doubled slashes, upper-case hosts, trailing dots and fragments.
"""

from __future__ import annotations

import random
import string

SUBDOMAINS = ("www", "m", "wap", "3g", "bbs", "mm", "video", "img", "s", "u", "wap2")
WORDS = ("色情", "视频", "美女", "小说", "图片", "成人", "电影", "福利", "直播", "激情")
SUFFIXES = (".test", ".test", ".test", ".test", ".cn", ".com.cn", ".net", ".com", ".cc", ".中国")
PAGES = ("index.wml", "index.jsp", "list.asp", "show.php", "read.aspx", "index.html", "")
DIRS = ("wap", "bbs", "pic", "book", "vod", "mm", "go", "3g", "html", "a", "b", "dl")
ALNUM = string.ascii_lowercase + string.digits


def _word(rng: random.Random, low: int = 3, high: int = 10) -> str:
    return "".join(rng.choices(ALNUM, k=rng.randint(low, high)))


def _ipv4(rng: random.Random) -> str:
    n = rng.getrandbits(32)
    octets = [(n >> shift) & 255 for shift in (24, 16, 8, 0)]
    return rng.choice(
        [
            ".".join(map(str, octets)),
            ".".join(map(str, octets)),
            str(n),
            hex(n),
            ".".join(f"0{o:o}" for o in octets),
            f"{octets[0]}.{octets[1]}.{(n & 0xFFFF)}",
        ]
    )


def _host(rng: random.Random) -> str:
    roll = rng.random()
    if roll < 0.08:
        return _ipv4(rng)
    name = rng.choice(WORDS) + rng.choice(("", _word(rng, 1, 3))) if roll < 0.18 else _word(rng)
    labels = [rng.choice(SUBDOMAINS) for _ in range(rng.choice((0, 1, 1, 1, 2, 3)))]
    host = ".".join([*labels, name]) + rng.choice(SUFFIXES)
    if rng.random() < 0.05:
        host = host.upper()
    return host + ("." if rng.random() < 0.02 else "")


def _path(rng: random.Random) -> str:
    parts = [rng.choice(DIRS) for _ in range(rng.choice((0, 1, 1, 2, 2, 3, 4, 6)))]
    if rng.random() < 0.1:
        parts.insert(rng.randrange(len(parts) + 1), rng.choice((".", "..", "")))
    if rng.random() < 0.1:
        parts.append(rng.choice(("%E4%B8%AD%E6%96%87", "%25E4%25B8%25AD", "a%20b", "中文")))
    page = rng.choice(PAGES)
    if page and rng.random() < 0.15:
        page += f";jsessionid={_word(rng, 24, 32).upper()}"
    return "/" + "/".join([*parts, page])


def _query(rng: random.Random) -> str:
    roll = rng.random()
    if roll < 0.35:
        return ""
    params = [f"sid={rng.getrandbits(128):032x}"] if roll < 0.7 else []
    for _ in range(rng.randint(0, 3)):
        params.append(
            f"{rng.choice(('id', 'page', 'from', 'cid', 'uc_param_str', 'q'))}={_word(rng, 1, 8)}"
        )
    if rng.random() < 0.1:
        params.append("kw=%E7%BE%8E%E5%A5%B3")
    return "?" + "&".join(params)


def mobile_urls(count: int, seed: int = 20090101) -> list[str]:
    """``count`` URLs, the same list for the same arguments on every machine."""
    rng = random.Random(seed)
    urls = []
    for _ in range(count):
        scheme = rng.choices(("http://", "https://", ""), weights=(75, 15, 10))[0]
        port = rng.choice(("", "", "", "", "", "", ":80", ":8080"))
        fragment = "#top" if rng.random() < 0.05 else ""
        urls.append(f"{scheme}{_host(rng)}{port}{_path(rng)}{_query(rng)}{fragment}")
    return urls


__all__ = ["mobile_urls"]
