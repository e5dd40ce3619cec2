"""Built-in job kinds: ``blobs.verify``, ``system.sequence_outbox`` and ``audit.checkpoint``."""

from __future__ import annotations

from jobhelpers import event_names, job
from kind_contract import JobKindContract

from jingwang.audit import AuditLogConsumer, latest_entries
from jingwang.audit.job import CheckpointAuditLog
from jingwang.classify.jobs import ClassifyCaptures, RescoreCaptures
from jingwang.jobs import JobRuntime, JobState, build_runtime, enqueue, load_job_modules
from jingwang.jobs.builtin import SequenceOutbox, VerifyBlobs
from jingwang.probe.jobs import ProbeOneUrl, RunCampaign, StartScheduledRounds
from jingwang.registry.audits.job import RegistryAudit
from jingwang.settings import Settings
from jingwang.store import Database, FileBlobStore


class TestVerifyBlobs(JobKindContract):
    kind = VerifyBlobs

    def test_counts_rotted_blobs_and_reports_them_in_the_audit_log(
        self, runtime: JobRuntime
    ) -> None:
        blobs = runtime.blobs
        assert isinstance(blobs, FileBlobStore)
        digests = [blobs.put(f"evidence {i}".encode()) for i in range(4)]
        blobs.path_of(digests[2]).write_bytes(b"tampered")
        with runtime.db.session() as session:
            job_id = enqueue(session, "blobs.verify").id
        runtime.tick()
        stored = job(runtime.db, job_id)
        assert stored.state == JobState.SUCCEEDED
        assert stored.result == {
            "total": 4,
            "passed": 3,
            "failed": 1,
            "failed_digests": [digests[2]],
        }
        with runtime.db.session() as session:
            entry = latest_entries(session, 1)[0]
        assert entry.action == "store.blobs_verified"
        assert entry.summary["failed_digests"] == [digests[2]]

    def test_an_empty_store_verifies(self, runtime: JobRuntime) -> None:
        with runtime.db.session() as session:
            job_id = enqueue(session, "blobs.verify").id
        runtime.dispatch()
        assert job(runtime.db, job_id).result == {
            "total": 0,
            "passed": 0,
            "failed": 0,
            "failed_digests": [],
        }


class TestSequenceOutbox(JobKindContract):
    kind = SequenceOutbox

    def test_publishes_pending_events(self, runtime: JobRuntime) -> None:
        with runtime.db.session() as session:
            enqueue(session, "blobs.verify")
        runtime.dispatch()  # emits store.blobs_verified, not yet published
        assert event_names(runtime.db)[-1] == "store.blobs_verified"
        with runtime.db.session() as session:
            job_id = enqueue(session, "system.sequence_outbox", {"max_batches": 5}).id
        runtime.dispatch()
        result = job(runtime.db, job_id).result
        assert result is not None
        assert result["published"] >= 1


class TestRegistryAudit(JobKindContract):
    """The registry audits (tested in tests/registry/test_audit_job.py)."""

    kind = RegistryAudit


class TestRunCampaign(JobKindContract):
    """The prober's campaign slices (tested in tests/probe/test_runner.py)."""

    kind = RunCampaign


class TestStartScheduledRounds(JobKindContract):
    kind = StartScheduledRounds


class TestProbeOneUrl(JobKindContract):
    """Its example URL is refused by the address guard: recorded, nothing fetched."""

    kind = ProbeOneUrl


class TestClassifyCaptures(JobKindContract):
    """Judging captures (tested in tests/classify/test_classify_jobs.py); the example names a
    capture that is not there: counted as missing, no model loaded."""

    kind = ClassifyCaptures


class TestRescoreCaptures(JobKindContract):
    """Re-scoring runs (tested in tests/classify/test_classify_rescore.py)."""

    kind = RescoreCaptures


class TestCheckpointAuditLog(JobKindContract):
    kind = CheckpointAuditLog

    def test_signs_the_head_once(self, runtime: JobRuntime) -> None:
        with runtime.db.session() as session:
            enqueue(session, "blobs.verify")
        runtime.tick()  # the verification's event becomes audit entry 1
        results = []
        for _ in range(2):
            with runtime.db.session() as session:
                job_id = enqueue(session, "audit.checkpoint").id
            runtime.dispatch()
            results.append(job(runtime.db, job_id).result)
        first, second = results
        assert first is not None
        assert second is not None
        assert (first["created"], first["seq"]) == (True, 1)
        assert (second["created"], second["checkpoint_id"]) == (False, first["checkpoint_id"])
        # Development mode makes the key on first use.
        assert runtime.settings.resolved_audit_signing_key.is_file()

    def test_production_without_a_key_is_a_permanent_failure(
        self, job_settings: Settings, db: Database
    ) -> None:
        production = job_settings.model_copy(update={"mode": "production"})
        runtime = build_runtime(production, db, consumers=[AuditLogConsumer()])
        with runtime.db.session() as session:
            job_id = enqueue(session, "audit.checkpoint").id
        runtime.dispatch()
        stored = job(runtime.db, job_id)
        assert stored.state == JobState.DEAD
        assert stored.attempts == 1
        assert "audit.key_missing" in (stored.last_error or "")
        assert "jingwang audit keygen" in (stored.last_error or "")
        assert not production.resolved_audit_signing_key.exists()


def test_every_built_in_kind_runs_the_contract() -> None:
    covered = {c.kind.name for c in JobKindContract.__subclasses__()}
    built_in = {k.name for k in load_job_modules() if k.__module__.startswith("jingwang.")}
    assert built_in <= covered
