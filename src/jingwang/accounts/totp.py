"""Time-based one-time passwords (RFC 6238) for the optional second factor.

Codes are 6 digits, 30 s apart; one step of clock drift either way is accepted. A code is
accepted once: the step it matched is stored, and a code of that step or an earlier one is
refused, so a code seen over someone's shoulder cannot be used again.
"""

from __future__ import annotations

import datetime as dt
import hmac
from typing import Final

import pyotp
import segno

ISSUER: Final = "jingwang"
DIGITS: Final = 6
INTERVAL: Final = 30
DRIFT_STEPS: Final = 1


def new_secret() -> str:
    """A fresh base32 secret (160 bits)."""
    return pyotp.random_base32(32)


def provisioning_uri(secret: str, username: str, issuer: str = ISSUER) -> str:
    """The ``otpauth://`` URI authenticator apps read from the QR code."""
    return pyotp.TOTP(secret, digits=DIGITS, interval=INTERVAL).provisioning_uri(
        name=username, issuer_name=issuer
    )


def qr_svg(uri: str) -> str:
    """The QR code of ``uri`` as an inline ``<svg>`` element (no style attributes)."""
    svg: str = segno.make(uri, error="m").svg_inline(
        scale=4, dark="#1d2327", light="#ffffff", title="TOTP QR code"
    )
    return svg


def code_at(secret: str, when: dt.datetime) -> str:
    """The code valid at ``when`` (what an authenticator app shows then)."""
    return pyotp.TOTP(secret, digits=DIGITS, interval=INTERVAL).at(when)


def matching_step(
    secret: str, code: str, now: dt.datetime, last_step: int | None = None
) -> int | None:
    """The time step ``code`` is valid for (allowing drift), or None; never a used step."""
    code = code.strip().replace(" ", "")
    if len(code) != DIGITS or not code.isdigit():
        return None
    totp = pyotp.TOTP(secret, digits=DIGITS, interval=INTERVAL)
    current = totp.timecode(now)
    for step in range(current - DRIFT_STEPS, current + DRIFT_STEPS + 1):
        if last_step is not None and step <= last_step:
            continue
        if hmac.compare_digest(totp.generate_otp(step), code):
            return step
    return None


__all__ = ["DIGITS", "INTERVAL", "ISSUER", "code_at", "matching_step", "new_secret", "qr_svg"]
