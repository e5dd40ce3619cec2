"""The ``registry.audit`` job kind: run the registry audits from the worker.

Built in (listed in :data:`jingwang.jobs.kinds.BUILTIN_MODULES`); the default schedule
``registry.audit.daily`` runs a full audit once a day. Idempotent: findings are unique by rule
and key, so a run repeated on the same data changes no state (it only moves ``last_found_at``
and adds an audit run row).
"""

from __future__ import annotations

import datetime as dt
from typing import ClassVar, Literal

from pydantic import BaseModel, ConfigDict, Field

from jingwang.accounts.policy import Actor
from jingwang.jobs.kinds import JobContext, JobKind
from jingwang.registry.audits.engine import run_audit


class AuditPayload(BaseModel):
    model_config = ConfigDict(extra="forbid")

    mode: Literal["full", "incremental"] = Field("full", description="Full or incremental.")
    on: dt.date | None = Field(None, description="The date audited; empty: the day it runs.")
    rules: list[str] | None = Field(None, description="The rules to run; empty: all of them.")


class AuditResult(BaseModel):
    run_id: int
    mode: str
    on_date: dt.date
    counts: dict[str, dict[str, int]]


class RegistryAudit(JobKind[AuditPayload]):
    """Run the registry audits (full or incremental) and reconcile the findings."""

    name = "registry.audit"
    payload_model = AuditPayload
    description: ClassVar[str] = "Run the registry audits and update their findings."
    example_payload: ClassVar[dict[str, str]] = {"mode": "incremental"}

    def run(self, ctx: JobContext, payload: AuditPayload) -> AuditResult:
        with ctx.db.session() as session:
            run = run_audit(
                session,
                Actor.system("worker"),
                mode=payload.mode,
                on=payload.on,
                rules=payload.rules,
                settings=ctx.settings,
            )
            return AuditResult(run_id=run.id, mode=run.mode, on_date=run.on_date, counts=run.counts)


__all__ = ["AuditPayload", "AuditResult", "RegistryAudit"]
