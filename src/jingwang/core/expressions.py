"""Safe Browsing host-suffix × path-prefix expressions and their SHA-256 hashes.

For a canonical URL the expressions are every host in :func:`host_suffixes` combined with
every path in :func:`path_prefixes`, hosts outermost, in the order the Safe Browsing v4
documentation lists them::

    http://a.b.c/1/2.html?param=1  →  a.b.c/1/2.html?param=1, a.b.c/1/2.html, a.b.c/,
                                      a.b.c/1/, b.c/1/2.html?param=1, b.c/1/2.html, b.c/, b.c/1/

At most 5 hosts × 6 paths = 30 expressions. Blocklists store the SHA-256 of an expression
(:func:`full_hash`) or its first bytes (:func:`hash_prefix`, 4 bytes as usual).
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass

from jingwang.core.url import CanonicalURL

MAX_EXPRESSIONS = 30
_MAX_SUFFIX_LABELS = 5  # suffixes start from the last five labels
_MAX_PREFIXES = 4  # "/" plus up to three directories


@dataclass(frozen=True, slots=True)
class HashedExpression:
    """One expression with its SHA-256 full hash."""

    expression: str
    full_hash: bytes

    def prefix(self, length: int = 4) -> bytes:
        return _checked_prefix(self.full_hash, length)


def host_suffixes(host: str, *, is_ip: bool = False) -> list[str]:
    """The exact host, then up to 4 suffixes from the last five labels down to two."""
    if is_ip:
        return [host]
    labels = host.split(".")
    start = min(_MAX_SUFFIX_LABELS, len(labels) - 1)
    hosts = [host]
    hosts.extend(".".join(labels[-count:]) for count in range(start, 1, -1))
    return list(dict.fromkeys(hosts))


def path_prefixes(path: str, query: str | None) -> list[str]:
    """Path with query, path alone, then ``/`` and up to 3 directories below it."""
    paths = [f"{path}?{query}"] if query else []
    paths.append(path)
    directories = [part for part in path.split("/")[1:-1] if part]
    paths.append("/")
    for depth in range(1, min(len(directories), _MAX_PREFIXES - 1) + 1):
        paths.append("/" + "/".join(directories[:depth]) + "/")
    return list(dict.fromkeys(paths))


def expressions(url: CanonicalURL) -> list[str]:
    """Every host-suffix/path-prefix expression of ``url`` (at most 30), in lookup order."""
    paths = path_prefixes(url.path, url.query)
    return [host + path for host in host_suffixes(url.host, is_ip=url.is_ip) for path in paths]


def full_hash(expression: str) -> bytes:
    """SHA-256 of the expression's UTF-8 bytes (canonical expressions are ASCII)."""
    return hashlib.sha256(expression.encode("utf-8")).digest()


def hash_prefix(expression: str, length: int = 4) -> bytes:
    """The first ``length`` (4 to 32) bytes of :func:`full_hash`."""
    return _checked_prefix(full_hash(expression), length)


def hashed_expressions(url: CanonicalURL) -> list[HashedExpression]:
    """:func:`expressions` with their SHA-256 full hashes."""
    sha256 = hashlib.sha256
    return [HashedExpression(text, sha256(text.encode()).digest()) for text in expressions(url)]


def _checked_prefix(digest: bytes, length: int) -> bytes:
    if not 4 <= length <= 32:
        raise ValueError(f"hash prefixes are 4 to 32 bytes long, not {length}")
    return digest[:length]


__all__ = [
    "MAX_EXPRESSIONS",
    "HashedExpression",
    "expressions",
    "full_hash",
    "hash_prefix",
    "hashed_expressions",
    "host_suffixes",
    "path_prefixes",
]
