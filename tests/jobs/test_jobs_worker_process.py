"""Real processes: ``python -m jingwang jobs enqueue`` and ``python -m jingwang worker``.

The queue is SqliteHuey in the test's data dir, or whatever ``JINGWANG_TEST_QUEUE_URL`` names
(e.g. ``postgresql://postgres@127.0.0.1:5432/test`` for PostgresHuey); each test uses a queue
name of its own. Every wait has a deadline; every process is killed in ``finally``.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from jobhelpers import job

from jingwang.jobs import JobState, enqueue, load_job_modules
from jingwang.settings import Settings
from jingwang.store import Database

pytestmark = pytest.mark.slow

TESTS_JOBS_DIR = Path(__file__).resolve().parent
DEADLINE = 60.0


@pytest.fixture
def env(live_settings: Settings) -> dict[str, str]:
    """Environment of the child processes: the live database, short leases, the test kinds."""
    base = {k: v for k, v in os.environ.items() if not k.startswith("JINGWANG_")}
    python_path = [str(TESTS_JOBS_DIR), *filter(None, [os.environ.get("PYTHONPATH")])]
    return base | {
        "JINGWANG_DATA_DIR": str(live_settings.data_dir),
        "JINGWANG_DATABASE_URL": live_settings.resolved_database_url,
        "JINGWANG_QUEUE_URL": os.environ.get("JINGWANG_TEST_QUEUE_URL")
        or live_settings.resolved_queue_url,
        "JINGWANG_QUEUE_NAME": f"test-{uuid.uuid4().hex[:10]}",
        "JINGWANG_JOB_MODULES": '["testkinds"]',
        "JINGWANG_JOBS_LEASE_SECONDS": "5",
        "JINGWANG_JOBS_HEARTBEAT_SECONDS": "1",
        "JINGWANG_JOBS_DISPATCH_INTERVAL_SECONDS": "0.2",
        "JINGWANG_JOBS_RETRY_BASE_SECONDS": "0.5",
        "PYTHONPATH": os.pathsep.join(python_path),
    }


def _jingwang(env: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "jingwang", *args],
        env=env,
        capture_output=True,
        text=True,
        timeout=DEADLINE,
        check=False,
    )


@contextmanager
def _worker(env: dict[str, str], log: Path, *args: str) -> Iterator[subprocess.Popen[bytes]]:
    with log.open("ab") as out:
        proc = subprocess.Popen(
            [sys.executable, "-m", "jingwang", "worker", *args],
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
        )
    try:
        yield proc
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait(timeout=DEADLINE)


def _wait_for(what: str, check: Callable[[], bool], log: Path) -> None:
    deadline = time.monotonic() + DEADLINE
    while time.monotonic() < deadline:
        if check():
            return
        time.sleep(0.1)
    tail = log.read_text(errors="replace")[-3000:] if log.exists() else ""
    raise AssertionError(f"timed out waiting for {what}; worker log:\n{tail}")


def _state(db: Database, job_id: int) -> JobState:
    return job(db, job_id).state


def test_a_job_enqueued_with_the_cli_runs_in_a_worker(
    env: dict[str, str], live_db: Database, tmp_path: Path
) -> None:
    done = _jingwang(
        env, "jobs", "enqueue", "tests.echo", "--payload", '{"message": "hi"}', "--json"
    )
    assert done.returncode == 0, done.stderr
    job_id = json.loads(done.stdout)["id"]
    log = tmp_path / "worker.log"
    with _worker(env, log) as proc:
        _wait_for("the job to succeed", lambda: _state(live_db, job_id) == JobState.SUCCEEDED, log)
        proc.send_signal(signal.SIGTERM)
        assert proc.wait(timeout=DEADLINE) == 0
    assert job(live_db, job_id).result == {"echo": "hi", "attempt": 1}
    assert "worker stopped" in log.read_text()


def test_a_killed_worker_loses_no_job_and_duplicates_no_effect(
    env: dict[str, str], live_db: Database, tmp_path: Path
) -> None:
    effects = tmp_path / "effects-root"
    effects.mkdir()
    load_job_modules(["testkinds"])
    with live_db.session() as session:
        payload = {"directory": str(effects), "first_attempt_sleep": 120}
        job_id = enqueue(session, "tests.side_effect", payload).id
    log = tmp_path / "worker.log"
    starts = effects / "starts.log"
    with _worker(env, log) as first:
        _wait_for("the handler to start", starts.exists, log)
        first.send_signal(signal.SIGKILL)
        first.wait(timeout=DEADLINE)
    assert _state(live_db, job_id) == JobState.RUNNING  # nobody gave the lease back
    with _worker(env, log) as second:
        _wait_for("the job to succeed", lambda: _state(live_db, job_id) == JobState.SUCCEEDED, log)
        second.send_signal(signal.SIGTERM)
        assert second.wait(timeout=DEADLINE) == 0
    stored = job(live_db, job_id)
    assert stored.attempts == 2
    assert stored.result == {"effect": str(effects / "effects" / str(job_id)), "created": True}
    assert sorted(p.name for p in (effects / "effects").iterdir()) == [str(job_id)]
    lines = starts.read_text().splitlines()
    assert [line.split()[:2] for line in lines] == [[str(job_id), "1"], [str(job_id), "2"]]
    assert lines[0].split()[2] != lines[1].split()[2]  # two different worker processes


def test_sigterm_hands_a_long_running_job_back(
    env: dict[str, str], live_db: Database, tmp_path: Path
) -> None:
    effects = tmp_path / "effects-root"
    effects.mkdir()
    load_job_modules(["testkinds"])
    with live_db.session() as session:
        payload = {"directory": str(effects), "first_attempt_sleep": 120}
        job_id = enqueue(session, "tests.side_effect", payload).id
    log = tmp_path / "worker.log"
    with _worker(env, log) as proc:
        _wait_for("the handler to start", (effects / "starts.log").exists, log)
        proc.send_signal(signal.SIGTERM)
        assert proc.wait(timeout=DEADLINE) == 0
    stored = job(live_db, job_id)
    assert (stored.state, stored.attempts, stored.lease_owner) == (JobState.QUEUED, 0, None)
    assert "lease given back" in log.read_text()
    assert not (effects / "effects").exists()


def test_drain_runs_everything_due_and_exits(
    env: dict[str, str], live_db: Database, tmp_path: Path
) -> None:
    verify = _jingwang(env, "jobs", "enqueue", "blobs.verify", "--json")
    flaky = _jingwang(
        env, "jobs", "enqueue", "tests.flaky", "--payload", '{"fail_attempts": 1}', "--json"
    )
    assert verify.returncode == 0
    assert flaky.returncode == 0
    drained = _jingwang(env, "worker", "--drain")
    assert drained.returncode == 0, drained.stderr
    listed = _jingwang(env, "jobs", "list", "--json")
    states = {j["kind"]: j["state"] for j in json.loads(listed.stdout)}
    # the flaky job failed once and waits for its back-off: nothing else was due
    assert states == {"blobs.verify": "succeeded", "tests.flaky": "queued"}
    flaky_id = str(json.loads(flaky.stdout)["id"])
    assert _jingwang(env, "jobs", "retry", flaky_id).returncode == 0  # run it now
    assert _jingwang(env, "worker", "--drain").returncode == 0
    shown = json.loads(_jingwang(env, "jobs", "show", flaky_id, "--json").stdout)
    assert (shown["state"], shown["attempts"]) == ("succeeded", 2)
    verified = _jingwang(env, "audit", "verify")
    assert verified.returncode == 0
    assert "intact: 2 entries" in verified.stdout  # verified, retried
