"""Checks of single fields: user names, e-mail addresses, webhook URLs, provinces.

Each raises :class:`~jingwang.accounts.errors.InvalidAccountData` naming the field and saying
what is acceptable.
"""

from __future__ import annotations

import ipaddress
import re
from typing import Final
from urllib.parse import urlsplit

from jingwang.accounts.catalog import PROVINCES
from jingwang.accounts.errors import InvalidAccountData

USERNAME: Final = re.compile(r"[a-z0-9][a-z0-9._-]{2,63}")
EMAIL: Final = re.compile(r"[^@\s<>\"']{1,64}@[A-Za-z0-9-]+(\.[A-Za-z0-9-]+)+")


def normalise_username(raw: str) -> str:
    """User names are compared and stored in lower case, without surrounding blanks."""
    return raw.strip().lower()


def check_username(raw: str) -> str:
    username = normalise_username(raw)
    if not USERNAME.fullmatch(username):
        raise InvalidAccountData(
            "a user name has 3 to 64 characters: letters, digits, '.', '_' or '-', "
            "starting with a letter or digit",
            field="username",
        )
    return username


def check_email(raw: str | None, field: str = "email") -> str | None:
    value = (raw or "").strip()
    if not value:
        return None
    if len(value) > 254 or not EMAIL.fullmatch(value):
        raise InvalidAccountData(
            f"{value!r} is not an e-mail address like name@example.cn", field=field
        )
    return value


def check_webhook_url(raw: str | None, *, https_only: bool) -> str | None:
    """An absolute http(s) URL without credentials; https only when ``https_only``."""
    value = (raw or "").strip()
    if not value:
        return None
    parts = urlsplit(value)
    allowed = ("https",) if https_only else ("https", "http")
    if parts.scheme not in allowed or not parts.hostname:
        needed = "https://" if https_only else "http:// or https://"
        raise InvalidAccountData(
            f"the webhook URL must start with {needed} and name a host", field="webhook_url"
        )
    if parts.username or parts.password:
        raise InvalidAccountData(
            "the webhook URL must not contain a user name or password; use a token in the "
            "path or a header instead",
            field="webhook_url",
        )
    if https_only and _is_loopback(parts.hostname):
        raise InvalidAccountData(
            "the webhook URL must not point at this machine", field="webhook_url"
        )
    if len(value) > 2000 or any(ord(c) < 0x21 for c in value):
        raise InvalidAccountData("the webhook URL is too long or has blanks", field="webhook_url")
    return value


def _is_loopback(host: str) -> bool:
    if host == "localhost" or host.endswith(".localhost"):
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def check_province(raw: str) -> str:
    code = raw.strip().upper()
    if code not in PROVINCES:
        raise InvalidAccountData(
            f"unknown province {raw!r}: use one of " + ", ".join(PROVINCES), field="province"
        )
    return code


def check_name(raw: str, field: str = "name", max_length: int = 200) -> str:
    value = " ".join(raw.split())
    if not value or len(value) > max_length:
        raise InvalidAccountData(f"{field} must have 1 to {max_length} characters", field=field)
    return value


__all__ = [
    "check_email",
    "check_name",
    "check_province",
    "check_username",
    "check_webhook_url",
    "normalise_username",
]
