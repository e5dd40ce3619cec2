"""The contract every job kind meets. A kind's tests subclass :class:`JobKindContract`."""

from __future__ import annotations

import re
from typing import Any, ClassVar

from jobhelpers import job

from jingwang.jobs import JobKind, JobRuntime, JobState, enqueue, load_job_modules

NAME = re.compile(r"^[a-z][a-z0-9_]*(\.[a-z][a-z0-9_]*)+$")


class JobKindContract:
    kind: ClassVar[type[JobKind[Any]]]

    def test_name_is_stable_dotted_lowercase(self) -> None:
        assert NAME.match(self.kind.name), self.kind.name
        assert load_job_modules().get(self.kind.name) is self.kind

    def test_is_described(self) -> None:
        assert self.kind.description.strip()

    def test_example_payload_validates_and_round_trips(self) -> None:
        payload = self.kind.parse(self.kind.example_payload)
        assert self.kind.parse(payload.model_dump(mode="json")) == payload

    def test_running_twice_is_harmless(self, runtime: JobRuntime) -> None:
        """Handlers must be idempotent: a second run of the same work succeeds as well."""
        with runtime.db.session() as session:
            ids = [enqueue(session, self.kind, self.kind.example_payload).id for _ in range(2)]
        runtime.dispatch()
        for job_id in ids:
            stored = job(runtime.db, job_id)
            assert stored.state == JobState.SUCCEEDED, stored.last_error
