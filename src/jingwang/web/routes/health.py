"""``/healthz`` (the process answers) and ``/readyz`` (it can do its work).

Readiness checks the database connection, that the schema is at the newest migration, and the
job queue. Every check is reported; when one fails the answer is 503 in the usual error shape,
with the first failure's fix as the message and all results under ``details.checks``.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Literal

from fastapi import APIRouter
from huey import Huey
from pydantic import BaseModel

from jingwang.errors import NotConfigured
from jingwang.jobs.queue import ping_queue
from jingwang.store import Database, current_revision, head_revision
from jingwang.web.deps import DatabaseDep, QueueDep
from jingwang.web.errors import ErrorResponse

router = APIRouter(tags=["health"])


class NotReady(NotConfigured):
    """A readiness check failed; the message says how to fix it."""

    code = "service.not_ready"


class Liveness(BaseModel):
    status: Literal["ok"] = "ok"


class CheckResult(BaseModel):
    ok: bool
    detail: str


class Readiness(BaseModel):
    status: Literal["ready"] = "ready"
    checks: dict[str, CheckResult]


class CheckFailed(Exception):
    """Raised by a check with the operator's fix as its message."""


@router.get("/healthz", summary="Liveness: the process answers (no I/O)")
async def healthz() -> Liveness:
    return Liveness()


@router.get(
    "/readyz",
    summary="Readiness: database reachable, schema current, queue reachable",
    responses={503: {"model": ErrorResponse, "description": "A check failed; see its message."}},
)
def readyz(db: DatabaseDep, huey: QueueDep) -> Readiness:
    checks: dict[str, Callable[[], str]] = {
        "database": lambda: _check_database(db),
        "schema": lambda: _check_schema(db),
        "queue": lambda: _check_queue(huey),
    }
    results: dict[str, CheckResult] = {}
    for name, check in checks.items():
        try:
            results[name] = CheckResult(ok=True, detail=check())
        except CheckFailed as exc:
            results[name] = CheckResult(ok=False, detail=str(exc))
    failed = [name for name, result in results.items() if not result.ok]
    if failed:
        raise NotReady(
            results[failed[0]].detail,
            failed=failed,
            checks={name: result.model_dump() for name, result in results.items()},
        )
    return Readiness(checks=results)


def _check_database(db: Database) -> str:
    where = db.engine.url.render_as_string(hide_password=True)
    try:
        db.ping()
    except Exception as exc:
        raise CheckFailed(
            f"database {where} unreachable ({type(exc).__name__}: {exc}); check "
            "JINGWANG_DATABASE_URL and that the database server is running"
        ) from exc
    return f"connected to {where}"


def _check_schema(db: Database) -> str:
    try:
        current, head = current_revision(db), head_revision(db)
    except Exception as exc:
        raise CheckFailed(f"cannot read the schema revision ({type(exc).__name__}: {exc})") from exc
    if current != head:
        raise CheckFailed(
            f"database schema is at revision {current or '(empty)'}, this version of jingwang "
            f"needs {head}: run `jingwang db upgrade`"
        )
    return f"schema at the newest revision ({head or 'none yet'})"


def _check_queue(huey: Huey) -> str:
    try:
        ping_queue(huey)
    except NotConfigured as exc:
        raise CheckFailed(
            f"{exc.message}; check JINGWANG_QUEUE_URL and that the queue backend is running"
        ) from exc
    return f"queue {huey.name!r} reachable"


__all__ = ["CheckResult", "NotReady", "Readiness", "router"]
