"""Exit codes of every ``jingwang`` command, in one place (documented in docs/cli.md)."""

from __future__ import annotations

from enum import IntEnum

from jingwang.errors import (
    ConfigError,
    Conflict,
    InvalidInput,
    JingwangError,
    NotConfigured,
    NotFound,
    PermissionDenied,
    StoreError,
)
from jingwang.probe.errors import CampaignStateError, ProbeRefused


class ExitCode(IntEnum):
    OK = 0
    FAILURE = 1  # an unexpected error, or a check that found problems
    USAGE = 2  # wrong command-line use (Typer/Click's own code)
    INVALID_INPUT = 3  # the input was read but is not acceptable
    NOT_FOUND = 4
    CONFLICT = 5
    PERMISSION_DENIED = 6
    CONFIG = 7  # settings that cannot work
    UNAVAILABLE = 8  # a needed service (database, queue, browser) is missing or down
    STORE = 9  # storage trouble, e.g. a corrupt blob
    REFUSED = 10  # a check answered no (connect-check refused; the prober's guard refused a URL)


_BY_ERROR: tuple[tuple[type[JingwangError], ExitCode], ...] = (
    (ProbeRefused, ExitCode.REFUSED),  # the prober's address guard said no
    (CampaignStateError, ExitCode.CONFLICT),
    (InvalidInput, ExitCode.INVALID_INPUT),
    (NotFound, ExitCode.NOT_FOUND),
    (Conflict, ExitCode.CONFLICT),
    (PermissionDenied, ExitCode.PERMISSION_DENIED),
    (ConfigError, ExitCode.CONFIG),
    (NotConfigured, ExitCode.UNAVAILABLE),
    (StoreError, ExitCode.STORE),
)


def exit_code_for(error: JingwangError) -> ExitCode:
    for kind, code in _BY_ERROR:
        if isinstance(error, kind):
            return code
    return ExitCode.FAILURE


__all__ = ["ExitCode", "exit_code_for"]
