"""Behind a reverse proxy: only the proxies named in forwarded_allow_ips are believed."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import httpx
import pytest

from jingwang.settings import Settings

pytestmark = pytest.mark.slow


def _login_cookie(url: str) -> str:
    response = httpx.get(f"{url}/login", headers={"X-Forwarded-Proto": "https"}, timeout=10)
    assert response.status_code == 200
    return response.headers["set-cookie"]


def test_a_trusted_proxy_saying_https_gets_secure_cookies(
    live_settings: Settings, start_serve: Callable[..., Any]
) -> None:
    served = start_serve(live_settings)  # default: the proxy on 127.0.0.1 is trusted
    cookie = _login_cookie(served.url)
    assert cookie.startswith("__Host-")
    assert "Secure" in cookie


def test_an_untrusted_client_cannot_claim_https(
    live_settings: Settings, start_serve: Callable[..., Any]
) -> None:
    served = start_serve(live_settings, env={"JINGWANG_FORWARDED_ALLOW_IPS": "192.0.2.1"})
    cookie = _login_cookie(served.url)
    assert not cookie.startswith("__Host-")
    assert "Secure" not in cookie
