"""Typed domain events: what happened, to which object, done by whom.

Services describe each change they make as a :class:`DomainEvent` and write it to the outbox
(:func:`jingwang.store.outbox.emit`) in the same transaction as the change. The sequencer later
hands stored events, in order, to their consumers (the audit log first).

Every event class has a stable class-level ``name`` (a dotted string, never reused for another
meaning) and ``object_type``; subclassing registers the class under its name so a stored event
loads back with :func:`load_event`. Stored events are data that outlives the code: a new field
needs a default, and a field is never renamed or given another meaning. Old saved payloads must
keep loading (each event module's tests load a saved example).

Events are plain values: no I/O happens here.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any, ClassVar

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from jingwang.errors import ConfigError, InvalidInput

# Modules that declare event classes. The sequencer imports them all before loading stored
# events, so every stored name resolves. A domain that adds events adds its module here.
EVENT_MODULES: tuple[str, ...] = (
    "jingwang.accounts.events",
    "jingwang.audit.events",
    "jingwang.classify.events",
    "jingwang.decisions.events",
    "jingwang.jobs.events",
    "jingwang.probe.events",
    "jingwang.probe.campaign_events",
    "jingwang.registry.events",
)

_BASE_FIELDS = frozenset({"occurred_at", "actor", "request_id", "object_id"})


class UnknownEvent(InvalidInput):
    """A stored event whose name no loaded class declares."""

    code = "events.unknown"


def _now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


class EventActor(BaseModel):
    """Who caused an event. Accounts come later; until then ``type`` says what kind of caller."""

    model_config = ConfigDict(frozen=True, extra="ignore")

    type: str = Field("system", description="system | cli | user | api_token …")
    id: str | None = Field(None, description="The actor's id within its type (a user name …).")
    org_id: str | None = Field(None, description="The organisation the actor acted for.")


SYSTEM_ACTOR = EventActor()


class DomainEvent(BaseModel):
    """Base of every event. Subclasses set ``name`` and ``object_type`` and add their fields."""

    model_config = ConfigDict(frozen=True, extra="ignore")

    name: ClassVar[str]
    object_type: ClassVar[str]

    object_id: str
    occurred_at: dt.datetime = Field(default_factory=_now)
    actor: EventActor = SYSTEM_ACTOR
    request_id: str | None = None

    @classmethod
    def __pydantic_init_subclass__(cls, **kwargs: Any) -> None:
        super().__pydantic_init_subclass__(**kwargs)
        if "name" in cls.__dict__:
            _register(cls)

    def summary(self) -> dict[str, Any]:
        """The event's own fields (what changed), JSON-safe: the audit entry's summary."""
        return self.model_dump(mode="json", exclude=set(_BASE_FIELDS))

    def to_payload(self) -> dict[str, Any]:
        """The stored shape: every field, JSON-safe."""
        return self.model_dump(mode="json")


_REGISTRY: dict[str, type[DomainEvent]] = {}


def _register(cls: type[DomainEvent]) -> None:
    known = _REGISTRY.get(cls.name)
    if known is not None and known.__qualname__ != cls.__qualname__:
        raise ConfigError(
            f"event name {cls.name!r} is declared twice ({known.__module__}.{known.__qualname__} "
            f"and {cls.__module__}.{cls.__qualname__}); event names must be unique"
        )
    if not getattr(cls, "object_type", None):
        raise ConfigError(f"event {cls.name!r} must set a class-level object_type")
    _REGISTRY[cls.name] = cls


def event_class(name: str) -> type[DomainEvent]:
    try:
        return _REGISTRY[name]
    except KeyError:
        raise UnknownEvent(
            f"no event class is named {name!r}; import the module that declares it "
            "(add it to jingwang.core.events.EVENT_MODULES)",
            event=name,
        ) from None


def event_names() -> list[str]:
    return sorted(_REGISTRY)


def load_event(name: str, payload: Mapping[str, Any]) -> DomainEvent:
    """Rebuild a stored event. Unknown names raise :class:`UnknownEvent`."""
    cls = event_class(name)
    try:
        return cls.model_validate(dict(payload))
    except ValidationError as exc:
        first = exc.errors()[0]
        field = ".".join(str(p) for p in first["loc"])
        raise InvalidInput(
            f"stored event {name!r} does not load: {field}: {first['msg']}", event=name, field=field
        ) from exc


__all__ = [
    "EVENT_MODULES",
    "SYSTEM_ACTOR",
    "DomainEvent",
    "EventActor",
    "UnknownEvent",
    "event_class",
    "event_names",
    "load_event",
]
