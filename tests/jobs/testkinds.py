"""Job kinds for tests only, loaded through the ``job_modules`` setting (module ``testkinds``).

Subprocess tests put this folder on ``PYTHONPATH`` and set ``JINGWANG_JOB_MODULES='["testkinds"]'``.
"""

from __future__ import annotations

import os
import time
from pathlib import Path
from typing import ClassVar

from pydantic import BaseModel, ConfigDict

from jingwang.jobs import JobContext, JobKind, PermanentFailure, cancel_job


class EchoPayload(BaseModel):
    model_config = ConfigDict(extra="forbid")
    message: str


class EchoResult(BaseModel):
    echo: str
    attempt: int


class Echo(JobKind[EchoPayload]):
    name = "tests.echo"
    payload_model = EchoPayload
    example_payload: ClassVar = {"message": "hello"}

    def run(self, ctx: JobContext, payload: EchoPayload) -> EchoResult:
        return EchoResult(echo=payload.message, attempt=ctx.attempt)


class FlakyPayload(BaseModel):
    fail_attempts: int  # fail while ctx.attempt <= this
    permanent: bool = False


class Flaky(JobKind[FlakyPayload]):
    name = "tests.flaky"
    payload_model = FlakyPayload

    def run(self, ctx: JobContext, payload: FlakyPayload) -> EchoResult:
        if ctx.attempt <= payload.fail_attempts:
            if payload.permanent:
                raise PermanentFailure("the input can never work")
            raise RuntimeError(f"boom on attempt {ctx.attempt}")
        return EchoResult(echo="recovered", attempt=ctx.attempt)


class SelfCancelPayload(BaseModel):
    deadline_seconds: float = 20.0


class SelfCancel(JobKind[SelfCancelPayload]):
    """Cancels its own job, then heartbeats until it notices (``LeaseLost``)."""

    name = "tests.self_cancel"
    payload_model = SelfCancelPayload

    def run(self, ctx: JobContext, payload: SelfCancelPayload) -> None:
        with ctx.db.session() as session:
            cancel_job(session, ctx.job_id)
        deadline = time.monotonic() + payload.deadline_seconds
        while time.monotonic() < deadline:
            ctx.heartbeat()
            time.sleep(0.05)
        raise AssertionError("the cancellation was never noticed")


class SideEffectPayload(BaseModel):
    directory: str
    first_attempt_sleep: float = 0.0  # long enough for a test to kill the worker


class SideEffectResult(BaseModel):
    effect: str
    created: bool


class SideEffect(JobKind[SideEffectPayload]):
    """Idempotent side effect: creates ``effects/<job id>`` once, however often it runs.

    Every start is appended to ``starts.log`` (not idempotent on purpose: it shows re-runs).
    """

    name = "tests.side_effect"
    payload_model = SideEffectPayload

    def run(self, ctx: JobContext, payload: SideEffectPayload) -> SideEffectResult:
        root = Path(payload.directory)
        with (root / "starts.log").open("a") as log:
            log.write(f"{ctx.job_id} {ctx.attempt} {os.getpid()}\n")
        if ctx.attempt == 1:
            deadline = time.monotonic() + payload.first_attempt_sleep
            while time.monotonic() < deadline:
                ctx.heartbeat()
                time.sleep(0.05)
        effect = root / "effects" / str(ctx.job_id)
        effect.parent.mkdir(exist_ok=True)
        try:
            fd = os.open(effect, os.O_CREAT | os.O_EXCL | os.O_WRONLY)
        except FileExistsError:
            return SideEffectResult(effect=str(effect), created=False)
        os.write(fd, f"done by {os.getpid()}\n".encode())
        os.close(fd)
        return SideEffectResult(effect=str(effect), created=True)
