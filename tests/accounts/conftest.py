"""Fixtures for account tests: a cheap configuration and a session in a rolled-back database."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from accountkit import cheap_config
from sqlalchemy.orm import Session

from jingwang.accounts import AccountsConfig
from jingwang.store import Database


@pytest.fixture
def config() -> AccountsConfig:
    return cheap_config()


@pytest.fixture
def session(db: Database) -> Iterator[Session]:
    """One transaction (inside the test's rolled-back one) for a whole test."""
    with db.session() as s:
        yield s
