"""IPv4 host spellings, parsed the way the WHATWG URL Standard (and so every browser) does.

``3279880203``, ``0xC37F000B``, ``0303.0177.0.013``, ``195.127.11`` and ``195.8323083`` all
name 195.127.0.11: each dotted part may be decimal, octal (leading ``0``) or hex (``0x``), and
the last part fills the bytes the missing parts leave. A host whose last label looks numeric
must parse as IPv4, or it is no valid host at all.
"""

from __future__ import annotations

_DIGITS = {8: frozenset("01234567"), 10: frozenset("0123456789"), 16: frozenset("0123456789abcdef")}
_MAX_DIGITS = 12  # longer (after leading zeros) cannot fit 32 bits in any radix


def ends_in_number(label: str) -> bool:
    """Whether ``label`` (a host's last label, lowercase) makes the host an IPv4 address."""
    if label.startswith("0x"):
        return set(label[2:]) <= _DIGITS[16]
    return bool(label) and set(label) <= _DIGITS[10]


def parse_number(part: str) -> int | None:
    """One dotted part in decimal, octal or hex; ``None`` when it is none of them."""
    if part.startswith("0x"):
        radix, digits = 16, part[2:]
    elif len(part) > 1 and part.startswith("0"):
        radix, digits = 8, part[1:]
    else:
        radix, digits = 10, part
    if not part or not set(digits) <= _DIGITS[radix]:
        return None
    digits = digits.lstrip("0")
    if len(digits) > _MAX_DIGITS:
        return None
    return int(digits, radix) if digits else 0


def parse_ipv4(host: str) -> str | None:
    """Dotted-decimal form of ``host`` (lowercase, no empty labels), or ``None``."""
    parts = host.split(".")
    if len(parts) > 4:
        return None
    numbers = [parse_number(part) for part in parts]
    if any(n is None or n > 255 for n in numbers[:-1]):
        return None
    last = numbers[-1]
    if last is None or last >= 256 ** (5 - len(parts)):
        return None
    value = last
    for index, number in enumerate(numbers[:-1]):
        value += (number or 0) << (8 * (3 - index))
    return ".".join(str((value >> shift) & 0xFF) for shift in (24, 16, 8, 0))


__all__ = ["ends_in_number", "parse_ipv4", "parse_number"]
