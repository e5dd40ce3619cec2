"""Value types with no I/O: canonical URLs, Safe Browsing expressions, hosts, page text.

Everything here is pure and cheap to import: the Public Suffix List and charset-normalizer
load on first use. The submodules are public; this package re-exports what callers need.
"""

from jingwang.core.charset import CharsetSource, Decoded, decode_bytes, encoding_for_label
from jingwang.core.domains import (
    DomainError,
    Host,
    registrable_domain,
    to_ascii,
    to_unicode,
)
from jingwang.core.expressions import (
    MAX_EXPRESSIONS,
    HashedExpression,
    expressions,
    full_hash,
    hash_prefix,
    hashed_expressions,
)
from jingwang.core.url import CanonicalURL, URLError, canonicalize

__all__ = [
    "MAX_EXPRESSIONS",
    "CanonicalURL",
    "CharsetSource",
    "Decoded",
    "DomainError",
    "HashedExpression",
    "Host",
    "URLError",
    "canonicalize",
    "decode_bytes",
    "encoding_for_label",
    "expressions",
    "full_hash",
    "hash_prefix",
    "hashed_expressions",
    "registrable_domain",
    "to_ascii",
    "to_unicode",
]
