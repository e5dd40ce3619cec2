"""Fixtures for decision tests: a session in a rolled-back database, and who acts."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from decisionkit import People, make_people
from sqlalchemy.orm import Session

from jingwang.store import Database


@pytest.fixture
def session(db: Database) -> Iterator[Session]:
    with db.session() as s:
        yield s


@pytest.fixture
def people(session: Session) -> People:
    return make_people(session)
