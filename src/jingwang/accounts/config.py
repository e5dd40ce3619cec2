"""What the account services need from the settings, built once per process.

Services that hash passwords, issue sessions or tokens, or read TOTP seeds take an
:class:`AccountsConfig` next to their session and actor; :meth:`AccountsConfig.from_settings`
builds it (the web app keeps one on ``app.state.accounts``).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from jingwang.accounts.passwords import Passwords
from jingwang.accounts.secretbox import SecretBox
from jingwang.accounts.throttle import ThrottlePolicy
from jingwang.settings import Settings

PENDING_LOGIN_AGE = dt.timedelta(minutes=10)  # time allowed for the TOTP / new-password step


@dataclass(frozen=True)
class AccountsConfig:
    passwords: Passwords
    secrets: SecretBox
    throttle: ThrottlePolicy = field(default_factory=ThrottlePolicy)
    password_min_length: int = 12
    session_idle: dt.timedelta = dt.timedelta(minutes=60)
    session_max_age: dt.timedelta = dt.timedelta(hours=12)
    token_default_days: int = 90
    token_max_days: int = 366
    https_webhooks_only: bool = False

    @classmethod
    def from_settings(cls, settings: Settings) -> AccountsConfig:
        return cls(
            passwords=Passwords(
                time_cost=settings.password_hash_time_cost,
                memory_kib=settings.password_hash_memory_kib,
                parallelism=settings.password_hash_parallelism,
            ),
            secrets=SecretBox(settings.secret_key.get_secret_value()),
            throttle=ThrottlePolicy(
                max_failures_per_user=settings.login_max_failures,
                max_failures_per_ip=settings.login_max_failures_per_ip,
                base_seconds=settings.login_lockout_seconds,
                max_seconds=settings.login_lockout_max_seconds,
            ),
            password_min_length=settings.password_min_length,
            session_idle=dt.timedelta(minutes=settings.session_idle_minutes),
            session_max_age=dt.timedelta(hours=settings.session_max_hours),
            token_default_days=settings.api_token_default_days,
            token_max_days=settings.api_token_max_days,
            https_webhooks_only=settings.mode == "production",
        )


__all__ = ["PENDING_LOGIN_AGE", "AccountsConfig"]
