"""Fixtures for job tests: settings that load the test kinds, and an immediate-mode runtime."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from jingwang.audit import AuditLogConsumer
from jingwang.jobs import JobRuntime, build_runtime
from jingwang.settings import Settings
from jingwang.store import Database

TESTS_JOBS_DIR = Path(__file__).resolve().parent


@pytest.fixture
def job_settings(settings: Settings) -> Settings:
    """In-process settings: memory:// queue (jobs run inline), test kinds, 3 attempts."""
    return settings.model_copy(
        update={
            "job_modules": ["testkinds"],
            "jobs_max_attempts": 3,
            "jobs_retry_base_seconds": 10.0,
            "jobs_retry_max_seconds": 60.0,
        }
    )


@pytest.fixture
def runtime(job_settings: Settings, db: Database) -> JobRuntime:
    """Immediate mode on the rolled-back test database."""
    return build_runtime(job_settings, db, consumers=[AuditLogConsumer()])


@pytest.fixture
def live_runtime(job_settings: Settings, live_db: Database) -> Iterator[JobRuntime]:
    """Immediate mode on a committed database of its own (for tests using threads)."""
    fast = job_settings.model_copy(update={"jobs_heartbeat_seconds": 1})
    return build_runtime(fast, live_db, consumers=[AuditLogConsumer()])
