"""Redirects a page asks for without HTTP: ``<meta http-equiv=refresh>`` and inline scripts.

Only what can be read without running anything: a refresh's ``content="N; url=…"`` (the
WHATWG parsing, leniently: ``,`` for ``;``, quotes around the URL, no ``url=``), and in inline
script text an assignment of a **string literal** to ``location``, ``location.href``,
``window.location``, ``document.location``, ``top.location``/``self.location`` (and their
``.href``), or ``location.replace('…')`` / ``location.assign('…')``. A URL built from
expressions is not guessed at.
"""

from __future__ import annotations

import re

_REFRESH = re.compile(
    r"""\A\s*(?P<delay>[0-9]+(?:\.[0-9]*)?)?\s*[;,]?\s*
        (?:url\s*=\s*)?(?P<url>.*?)\s*\Z""",
    re.IGNORECASE | re.VERBOSE | re.DOTALL,
)
_OWNER = r"(?:(?:window|document|top|self|parent|this)\s*\.\s*)?"
_ASSIGN = re.compile(
    rf"""(?<![\w$.]){_OWNER}location(?:\s*\.\s*href)?\s*=(?!=)\s*
        (?P<q>["'])(?P<url>(?:\\.|(?!(?P=q))[^\\\n])*)(?P=q)""",
    re.VERBOSE,
)
_CALL = re.compile(
    rf"""(?<![\w$.]){_OWNER}location\s*\.\s*(?:replace|assign)\s*\(\s*
        (?P<q>["'])(?P<url>(?:\\.|(?!(?P=q))[^\\\n])*)(?P=q)\s*\)""",
    re.VERBOSE,
)
_ESCAPE = re.compile(r"\\(u[0-9a-fA-F]{4}|x[0-9a-fA-F]{2}|.)")


def parse_refresh(content: str) -> tuple[float, str] | None:
    """``"5; url=/next"`` → ``(5.0, "/next")``; ``None`` when it names no URL."""
    found = _REFRESH.match(content)
    if found is None:
        return None
    url = found["url"].strip()
    if len(url) >= 2 and url[0] == url[-1] and url[0] in "'\"":
        url = url[1:-1].strip()
    elif url and url[0] in "'\"":
        url = url[1:].split(url[0], 1)[0].strip()
    if not url:
        return None
    delay = float(found["delay"]) if found["delay"] else 0.0
    return delay, url


def script_redirect(script: str) -> str | None:
    """The first string-literal URL an inline script sends the page to, unescaped."""
    matches = [m for m in (_ASSIGN.search(script), _CALL.search(script)) if m is not None]
    if not matches:
        return None
    first = min(matches, key=lambda m: m.start())
    url = _ESCAPE.sub(_unescape, first["url"]).strip()
    return url or None


def _unescape(match: re.Match[str]) -> str:
    code = match.group(1)
    if code[0] in "ux" and len(code) > 1:
        return chr(int(code[1:], 16))
    return {"n": "\n", "t": "\t", "r": "\r"}.get(code, code)


__all__ = ["parse_refresh", "script_redirect"]
