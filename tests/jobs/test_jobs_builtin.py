"""Built-in job kinds: ``blobs.verify`` and ``system.sequence_outbox``."""

from __future__ import annotations

from jobhelpers import event_names, job
from kind_contract import JobKindContract

from jingwang.audit import latest_entries
from jingwang.jobs import JobRuntime, JobState, enqueue, load_job_modules
from jingwang.jobs.builtin import SequenceOutbox, VerifyBlobs
from jingwang.store import FileBlobStore


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


def test_every_built_in_kind_runs_the_contract() -> None:
    covered = {c.kind.name for c in JobKindContract.__subclasses__()}
    built_in = {k.name for k in load_job_modules() if k.__module__.startswith("jingwang.")}
    assert built_in <= covered
