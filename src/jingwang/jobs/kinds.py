"""Job kinds: what a job does, behind one short interface with a stable name.

A kind is a small class::

    class VerifyBlobs(JobKind[VerifyBlobsPayload]):
        name = "blobs.verify"                 # stable: stored in every job row
        payload_model = VerifyBlobsPayload    # pydantic; checked when the job is enqueued
        example_payload = {}                  # valid example, used by the contract tests

        def run(self, ctx: JobContext, payload: VerifyBlobsPayload) -> BaseModel | None:
            ...

Defining the class registers it. Built-in kinds live in :mod:`jingwang.jobs.builtin`; other
modules are imported by name from the ``job_modules`` setting (:func:`load_job_modules`).

**The handler contract.** ``run`` may be called more than once for the same job: a worker can
die after the work but before recording success, or lose its lease in a long pause while
another worker re-runs the job. So a handler must be idempotent: doing the work twice must
leave the same result as doing it once (write rows keyed by the job or by a natural key,
content-address files, check before sending). Long handlers call ``ctx.heartbeat()`` now and
then; it raises :class:`~jingwang.jobs.errors.LeaseLost` when the job was cancelled or taken
over, and the handler should let it propagate. Raise
:class:`~jingwang.jobs.errors.PermanentFailure` when retrying cannot help; any other exception
is retried with back-off until the attempts run out. The return value (a pydantic model or
``None``) is stored as the job's result summary: keep it small.
"""

from __future__ import annotations

import importlib
from abc import ABC, abstractmethod
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, ClassVar, Generic, TypeVar

from pydantic import BaseModel, ValidationError

from jingwang.errors import ConfigError
from jingwang.jobs.errors import InvalidPayload, UnknownJobKind
from jingwang.settings import Settings
from jingwang.store import BlobStore, Database

if TYPE_CHECKING:
    from jingwang.jobs.sequencer import Sequencer

PayloadT = TypeVar("PayloadT", bound=BaseModel)

BUILTIN_MODULES = (
    "jingwang.jobs.builtin",
    "jingwang.audit.job",
    "jingwang.registry.audits.job",
    "jingwang.probe.jobs",
    "jingwang.classify.jobs",
)


@dataclass(frozen=True)
class JobContext:
    """What a handler receives besides its payload."""

    settings: Settings
    db: Database
    blobs: BlobStore
    sequencer: Sequencer
    job_id: int
    kind: str
    attempt: int  # 1 for the first run
    max_attempts: int
    beat: Callable[[], None]

    def heartbeat(self) -> None:
        """Renew this job's lease (rate-limited); raises ``LeaseLost`` when it is gone."""
        self.beat()


class JobKind(ABC, Generic[PayloadT]):
    """Base of every job kind. Subclasses set ``name`` and ``payload_model`` and write ``run``."""

    name: ClassVar[str]
    payload_model: type[PayloadT]
    description: ClassVar[str] = ""
    example_payload: ClassVar[Mapping[str, Any]] = {}
    # None: the `jobs_max_attempts` setting decides.
    max_attempts: ClassVar[int | None] = None

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        if "name" in cls.__dict__:
            JOB_KINDS.add(cls)

    @abstractmethod
    def run(self, ctx: JobContext, payload: PayloadT) -> BaseModel | None:
        """Do the work. Must be idempotent (see the module docstring)."""

    @classmethod
    def parse(cls, raw: Mapping[str, Any] | BaseModel) -> PayloadT:
        """Validate a payload; :class:`InvalidPayload` names the first bad field."""
        data = raw.model_dump(mode="json") if isinstance(raw, BaseModel) else dict(raw)
        try:
            return cls.payload_model.model_validate(data)
        except ValidationError as exc:
            first = exc.errors()[0]
            field = ".".join(str(p) for p in first["loc"]) or "(payload)"
            raise InvalidPayload(
                f"payload of job kind {cls.name!r} is invalid: {field}: {first['msg']}",
                kind=cls.name,
                field=field,
            ) from exc


class JobKindRegistry:
    """Kinds by name. Re-defining a name from another class is a configuration error."""

    def __init__(self) -> None:
        self._kinds: dict[str, type[JobKind[Any]]] = {}

    def add(self, kind: type[JobKind[Any]]) -> None:
        known = self._kinds.get(kind.name)
        if known is not None and known.__qualname__ != kind.__qualname__:
            raise ConfigError(
                f"job kind {kind.name!r} is defined twice ({known.__module__}.{known.__qualname__}"
                f" and {kind.__module__}.{kind.__qualname__}); kind names must be unique"
            )
        self._kinds[kind.name] = kind

    def get(self, name: str) -> type[JobKind[Any]]:
        try:
            return self._kinds[name]
        except KeyError:
            raise UnknownJobKind(
                f"no job kind is named {name!r}; known kinds: {', '.join(self.names())} "
                "(a kind from a plugin needs its module in the job_modules setting)",
                kind=name,
            ) from None

    def names(self) -> list[str]:
        return sorted(self._kinds)

    def __iter__(self) -> Iterator[type[JobKind[Any]]]:
        return iter([self._kinds[n] for n in self.names()])


JOB_KINDS = JobKindRegistry()


def load_job_modules(names: Iterable[str] = ()) -> JobKindRegistry:
    """Import the built-in kinds and the modules ``names``; return the registry."""
    for module in (*BUILTIN_MODULES, *names):
        try:
            importlib.import_module(module)
        except ImportError as exc:
            raise ConfigError(
                f"job module {module!r} cannot be imported ({exc}); fix the job_modules setting "
                "or install the package that provides it",
                module=module,
            ) from exc
    return JOB_KINDS


__all__ = [
    "JOB_KINDS",
    "JobContext",
    "JobKind",
    "JobKindRegistry",
    "PayloadT",
    "load_job_modules",
]
