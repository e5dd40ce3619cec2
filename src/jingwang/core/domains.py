"""Host names: IDN ↔ ASCII (punycode) and registrable domains, with no network access.

* :func:`to_ascii` maps a host to its ASCII form label by label: ASCII labels are lowercased
  and kept (underscores and other non-LDH characters included: real hosts carry them), a
  non-ASCII label goes through UTS 46 mapping and IDNA 2008 (the ``idna`` package,
  non-transitional, so ``ß`` stays ``ß``); a label IDNA 2008 refuses but browsers still
  resolve (emoji, symbols) falls back to IDNA 2003, the encoding browsers used before. A label
  neither accepts raises :class:`DomainError`.
* :func:`registrable_domain` uses tldextract's bundled Public Suffix List snapshot: the
  extractor is built on first use, never fetches the list and writes no cache. **Private
  suffixes count as suffixes** (``foo.blogspot.com``, ``bar.github.io`` are registrable
  domains of their own), because blocking a tenant must never block the whole platform.
  A name whose last label is not a listed suffix (``.test``, used by our test network, is not
  on the list) is treated as if that last label were one: ``a.b.porn.test`` → ``porn.test``.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass
from typing import TYPE_CHECKING

import idna

from jingwang.core.ipv4 import ends_in_number
from jingwang.errors import InvalidInput

if TYPE_CHECKING:
    from tldextract import TLDExtract

MAX_HOST_LENGTH = 253
MAX_LABEL_LENGTH = 63
DOT_VARIANTS = str.maketrans({"\u3002": ".", "\uff0e": ".", "\uff61": "."})
_CONVERTED_LABEL = re.compile(r"xn--[a-z0-9_-]+\Z")


class DomainError(InvalidInput):
    """A host name that cannot be converted; ``details['host']`` holds it."""

    code = "domain.invalid"


def to_ascii(host: str) -> str:
    """Return ``host`` lowercased with every non-ASCII label in punycode (``xn--…``).

    One trailing root dot is dropped. Raises :class:`DomainError` for an empty host or label,
    a label IDNA cannot encode, an ``xn--`` label that is not valid punycode, or a name
    longer than DNS allows (63 per label, 253 in all).
    """
    name = host.translate(DOT_VARIANTS)
    name = name[:-1] if name.endswith(".") else name
    if not name:
        raise DomainError("the host name is empty: give a name such as example.test", host=host)
    labels: list[str] = []
    for label in name.split("."):
        labels.extend(_label_to_ascii(label, host))
    check_lengths(labels, host)
    return ".".join(labels)


def to_unicode(host: str) -> str:
    """Return ``host`` with every ``xn--`` label decoded; other labels are kept as they are."""
    return ".".join(_label_to_unicode(label, host) for label in host.split("."))


def check_alabel(label: str, host: str) -> None:
    """Refuse an ``xn--`` label whose punycode does not decode."""
    _label_to_unicode(label, host)


def check_lengths(labels: list[str], host: str) -> None:
    """Refuse empty labels, labels over 63 characters and names over 253."""
    if sum(map(len, labels)) + len(labels) - 1 > MAX_HOST_LENGTH:
        raise DomainError(
            f"the host name is longer than {MAX_HOST_LENGTH} characters: DNS cannot hold it",
            host=host,
        )
    for label in labels:
        if not label or len(label) > MAX_LABEL_LENGTH:
            raise DomainError(
                f"host label {label!r} must be 1 to {MAX_LABEL_LENGTH} characters long",
                host=host,
            )


def _label_to_ascii(label: str, host: str) -> tuple[str, ...]:
    if label.isascii():
        label = label.lower()
        if label.startswith("xn--"):
            check_alabel(label, host)
        return (label,)
    converted = _convert_label(label)
    if converted is None:
        raise DomainError(
            f"host label {label!r} is not a valid internationalised domain name label: "
            "check the spelling, or give the name in punycode (xn--…)",
            host=host,
        )
    return converted


@functools.lru_cache(maxsize=4096)
def _convert_label(label: str) -> tuple[str, ...] | None:
    """UTS 46 mapping, then IDNA 2008 or else IDNA 2003; ``None`` when neither encodes it.

    Cached: crawls meet the same labels again and again. Mapping may split a label (``⒈``
    maps to ``1.``), so the result is a tuple of labels.
    """
    try:
        mapped = idna.uts46_remap(label, std3_rules=False, transitional=False)
    except idna.IDNAError:
        mapped = label  # IDNA 2003 below applies its own mapping (nameprep)
    encoded = [_encode_label(part) for part in mapped.split(".")]
    parts = tuple(part for part in encoded if part is not None)
    return parts if len(parts) == len(encoded) else None


def _encode_label(label: str) -> str | None:
    if label.isascii():
        label = label.lower()
        return label if not label.startswith("xn--") or _punycode(label) else None
    try:
        encoded = idna.alabel(label).decode("ascii")
    except idna.IDNAError:
        try:
            encoded = label.encode("idna").decode("ascii").lower()
        except UnicodeError:
            return None
    return encoded if _CONVERTED_LABEL.match(encoded) else None


def _punycode(label: str) -> str | None:
    """The Unicode form of an ``xn--`` label, or ``None`` if it is not valid punycode."""
    try:
        return idna.ulabel(label)
    except idna.IDNAError:
        pass
    try:
        return label[4:].encode("ascii").decode("punycode") or None
    except UnicodeError:
        return None


def _label_to_unicode(label: str, host: str) -> str:
    if not label.lower().startswith("xn--"):
        return label
    decoded = _punycode(label)
    if decoded is None:
        raise DomainError(
            f"host label {label!r} starts with xn-- but is not valid punycode: "
            "check where the name came from",
            host=host,
        )
    return decoded


@functools.cache
def _extractor() -> TLDExtract:
    """The one tldextract instance: bundled snapshot only, no fetching, no disk cache."""
    from tldextract import TLDExtract

    return TLDExtract(cache_dir=None, suffix_list_urls=(), fallback_to_snapshot=True)


def is_ip_literal(host: str) -> bool:
    """Whether ``host`` is an IP address in canonical form (``1.2.3.4`` or ``[::1]``).

    Canonical hosts never end in a numeric label unless they are IPv4 addresses (the WHATWG
    URL rule :func:`jingwang.core.url.canonicalize` enforces).
    """
    return host.startswith("[") or ":" in host or ends_in_number(host.rpartition(".")[2])


def registrable_domain(host: str, *, private: bool = True) -> str | None:
    """The name a registrant controls: ``a.b.example.com.cn`` → ``example.com.cn``.

    ``private=False`` ignores the private section of the list (``foo.blogspot.com`` →
    ``blogspot.com``). Returns ``None`` for IP addresses, single-label names and names that
    are themselves a public suffix (``com.cn``).
    """
    name = host.strip().translate(DOT_VARIANTS).rstrip(".").lower()
    if not name or is_ip_literal(name):
        return None
    parts = _extractor().extract_str(name, include_psl_private_domains=private)
    if parts.suffix:
        return f"{parts.domain}.{parts.suffix}" if parts.domain else None
    labels = name.split(".")
    return ".".join(labels[-2:]) if len(labels) >= 2 else None


@dataclass(frozen=True, slots=True)
class Host:
    """A host name in ASCII form, as it appears in canonical URLs and blocklists."""

    name: str

    @classmethod
    def parse(cls, text: str) -> Host:
        """Normalise ``text`` (Unicode or punycode, any case) with :func:`to_ascii`."""
        return cls(to_ascii(text.strip()))

    @property
    def unicode(self) -> str:
        return to_unicode(self.name)

    @property
    def labels(self) -> tuple[str, ...]:
        return tuple(self.name.split("."))

    @property
    def is_ip(self) -> bool:
        return is_ip_literal(self.name)

    def registrable_domain(self, *, private: bool = True) -> str | None:
        return registrable_domain(self.name, private=private)

    def is_within(self, domain: str) -> bool:
        """Whether this host is ``domain`` or one of its subdomains."""
        return self.name == domain or self.name.endswith("." + domain)

    def __str__(self) -> str:
        return self.name


__all__ = [
    "DOT_VARIANTS",
    "DomainError",
    "Host",
    "check_alabel",
    "check_lengths",
    "is_ip_literal",
    "registrable_domain",
    "to_ascii",
    "to_unicode",
]
