"""Fixtures for registry tests: a session in a rolled-back database, and a small world."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from registrykit import World, make_world
from sqlalchemy.orm import Session

from jingwang.store import Database


@pytest.fixture
def session(db: Database) -> Iterator[Session]:
    """One transaction (inside the test's rolled-back one) for a whole test."""
    with db.session() as s:
        yield s


@pytest.fixture
def world(session: Session) -> World:
    return make_world(session)
