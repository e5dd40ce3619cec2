"""The ``registry.audit`` job kind: enqueued, run by the worker, one audit run per job."""

from __future__ import annotations

from registry_auditkit import connect, org
from sqlalchemy import select

from jingwang.audit import AuditLogConsumer
from jingwang.jobs import JobState, build_runtime, enqueue, load_job_modules
from jingwang.jobs.models import Job
from jingwang.jobs.schedules import DEFAULT_SCHEDULES
from jingwang.registry.audits.job import RegistryAudit
from jingwang.registry.models import AuditRun, Finding
from jingwang.settings import Settings
from jingwang.store import Database


def test_the_kind_is_built_in_and_scheduled_daily() -> None:
    assert load_job_modules().get("registry.audit") is RegistryAudit
    payload = RegistryAudit.parse(RegistryAudit.example_payload)
    assert RegistryAudit.parse(payload.model_dump(mode="json")) == payload
    daily = next(spec for spec in DEFAULT_SCHEDULES if spec.kind == "registry.audit")
    assert (daily.payload, daily.interval_seconds) == ({"mode": "full"}, 86400)


def test_a_job_runs_the_audit_twice_harmlessly(settings: Settings, db: Database) -> None:
    runtime = build_runtime(settings, db, consumers=[AuditLogConsumer()])
    with db.session() as session:
        connect(session, org(session, "Fast Access"), "porn.test")
        payload = {"mode": "full", "on": "2010-06-01"}
        ids = [enqueue(session, RegistryAudit, payload).id for _ in range(2)]
    runtime.dispatch()
    with db.session() as session:
        for job_id in ids:
            stored = session.get(Job, job_id)
            assert stored is not None
            assert stored.state == JobState.SUCCEEDED, stored.last_error
        runs = list(session.scalars(select(AuditRun)))
        assert [run.actor for run in runs] == ["worker", "worker"]
        (finding,) = session.scalars(select(Finding))
        assert finding.rule == "unfiled_site_connected"
