"""Recording probes as captures with their evidence, probing one URL now, reading captures.

:func:`record_probe` is the one way a probe result becomes a record, for the campaign runner
and for :func:`probe_now` alike: the WARC (with the screenshot and the WML view as resource
records) goes into the blob store, the screenshot and the WML view also as blobs of their own
(so pages can show them), then in the caller's transaction the capture row, one evidence row
per artefact, the hosts it saw as discovery candidates (when its campaign has discovery on) and
the ``probe.captured`` event. A capture for a campaign target is recorded once
per (target, round): recording it again returns the first one, so a runner killed after it
recorded a capture never records it twice.

A refused probe is recorded too (outcome ``refused``, with the guard's code): :func:`probe_now`
records it and then raises the refusal, so the CLI exits with ``REFUSED`` and the API answers
422, while the refusal stays on record.

Reading needs ``probe:read``; a capture belongs to the organisation of whoever asked for it
(or of its campaign). The reporting centre (global reach) sees every capture; others see those
of their organisation's subtree (and their province, for regulators). A capture out of reach is
answered as not found.
"""

from __future__ import annotations

import asyncio
from typing import Final

from sqlalchemy import select
from sqlalchemy.orm import Session

from jingwang.accounts.policy import Actor, authorize, has_global_reach, visible_org_ids
from jingwang.core.events import EventActor
from jingwang.errors import InvalidInput
from jingwang.probe import errors
from jingwang.probe.guard import AddressPolicy
from jingwang.probe.models import Campaign, Capture, Evidence
from jingwang.probe.prepare import prepare, store
from jingwang.probe.probe import probe_url
from jingwang.probe.profiles import get_profile
from jingwang.probe.recording import (
    Entry,
    emit_captured,
    enqueue_classification,
    insert_captures,
    recorded_already,
)
from jingwang.probe.resolver import Resolver
from jingwang.probe.rows import host_and_domain
from jingwang.probe.types import Outcome, ProbeResult
from jingwang.settings import Settings
from jingwang.store import BlobStore, Database

READ: Final = "probe:read"
RUN: Final = "probe:run"
EXPORT: Final = "evidence:export"
LIST_LIMIT: Final = 100
LIST_MAX: Final = 1000

_REFUSALS: Final[dict[str, type[errors.ProbeRefused]]] = {
    kind.code: kind
    for kind in (
        errors.SchemeForbidden,
        errors.PortForbidden,
        errors.AddressForbidden,
        errors.Unresolvable,
        errors.URLForbidden,
    )
}


def record_probe(
    session: Session,
    blobs: BlobStore,
    result: ProbeResult,
    *,
    actor_name: str,
    org_id: int | None,
    campaign_id: int | None = None,
    target_id: int | None = None,
    round: int | None = None,
    screenshot: bytes | None = None,
    event_actor: EventActor | None = None,
    request_id: str | None = None,
    settings: Settings | None = None,
) -> Capture:
    """Store ``result`` as a capture with its evidence and emit ``probe.captured``.

    Idempotent on (``target_id``, ``round``): the capture already recorded is returned as is.
    ``event_actor`` says who caused the event (default: the system, named ``actor_name``);
    ``settings``, when given, are described in the WARC's warcinfo record (the limits applied)
    and decide whether a ``classify.captures`` job judges the new capture
    (``classify_after_probe``; without settings, none is enqueued).
    The campaign runner records whole batches the same way (:mod:`jingwang.probe.recording`).
    """
    if target_id is not None and round is not None:
        known = recorded_already(session, [(target_id, round)]).get((target_id, round))
        if known is not None:
            return _capture(session, known.id)
    prepared = prepare(result, screenshot=screenshot, settings=settings)
    store(blobs, [prepared])
    entry = Entry(
        prepared,
        actor_name=actor_name,
        org_id=org_id,
        campaign_id=campaign_id,
        target_id=target_id,
        round=round,
        event_actor=event_actor,
        request_id=request_id,
    )
    discovery = False
    if campaign_id is not None and result.discovered_hosts:
        campaign = session.get(Campaign, campaign_id)
        discovery = campaign is not None and campaign.discovery
    recorded = insert_captures(session, [entry], discovery=discovery)
    enqueue_classification(session, settings, recorded)
    emit_captured(session, [entry], recorded)
    return _capture(session, recorded[0].id)


def _capture(session: Session, capture_id: int) -> Capture:
    capture = session.get(Capture, capture_id)
    assert capture is not None  # inserted or found in this transaction
    return capture


async def probe_and_shoot(
    settings: Settings, url: str, profile: str | None
) -> tuple[ProbeResult, bytes | None]:
    """Probe one URL and, when screenshots are on and it was not refused, shoot it (for
    :func:`probe_now` and the ``probe.url`` job; campaigns share one browser instead)."""
    from jingwang.probe.screenshot import take_screenshot  # Playwright: only when used

    resolver = Resolver.from_settings(settings)
    result = await probe_url(url, settings=settings, profile=profile, resolver=resolver)
    shot = None
    if settings.probe_screenshots and result.outcome is not Outcome.REFUSED:
        policy = AddressPolicy.from_settings(settings)
        shot = await take_screenshot(result, settings=settings, policy=policy, resolver=resolver)
    return result, shot


def refusal_of(capture: Capture) -> errors.ProbeRefused:
    """The refusal a refused capture records, as the error with its stable code."""
    kind = _REFUSALS.get(capture.refused_code or "", errors.ProbeRefused)
    return kind(
        capture.refused or "the address guard refused this URL",
        url=capture.url,
        capture_id=capture.id,
    )


def probe_now(
    settings: Settings,
    db: Database,
    blobs: BlobStore,
    actor: Actor,
    url: str,
    *,
    profile: str | None = None,
) -> Capture:
    """Probe ``url`` now (with a screenshot when enabled) and record it as ``actor``'s capture.

    A refused URL is recorded, committed, and then raised as its :class:`ProbeRefused`.
    """
    authorize(actor, RUN)
    if not url.strip():
        raise InvalidInput("the URL is empty: give an http:// or https:// URL", field="url")
    if profile is not None:
        get_profile(profile)  # an unknown name is refused before anything is fetched
    result, shot = asyncio.run(probe_and_shoot(settings, url.strip(), profile))
    with db.session() as session:
        capture = record_probe(
            session,
            blobs,
            result,
            actor_name=actor.name,
            org_id=actor.org_id,
            screenshot=shot,
            event_actor=actor.event_actor(),
            request_id=actor.request_id,
            settings=settings,
        )
    if capture.outcome == Outcome.REFUSED:
        raise refusal_of(capture)
    return capture


def _visible(session: Session, actor: Actor) -> frozenset[int] | None:
    """The organisations whose captures ``actor`` sees; None for all of them."""
    if has_global_reach(actor, "read"):
        return None
    return visible_org_ids(session, actor, "read")


def capture_reach(session: Session, actor: Actor) -> frozenset[int] | None:
    """The organisations whose captures ``actor`` sees (None: all), for what is read with a
    capture's reach (its verdicts); the permission itself is the caller's to check."""
    return _visible(session, actor)


def list_captures(
    session: Session,
    actor: Actor,
    *,
    domain: str | None = None,
    campaign_id: int | None = None,
    outcome: str | None = None,
    limit: int = LIST_LIMIT,
    before_id: int | None = None,
) -> list[Capture]:
    """Captures within reach, newest first; ``before_id`` pages back from a capture id."""
    authorize(actor, READ)
    query = select(Capture)
    visible = _visible(session, actor)
    if visible is not None:
        query = query.where(Capture.org_id.in_(sorted(visible)))
    if domain is not None and domain.strip():
        query = query.where(Capture.domain == domain_of(domain))
    if campaign_id is not None:
        query = query.where(Capture.campaign_id == campaign_id)
    if outcome is not None and outcome.strip():
        query = query.where(Capture.outcome == _outcome(outcome))
    if before_id is not None:
        query = query.where(Capture.id < before_id)
    size = max(1, min(limit, LIST_MAX))
    return list(session.scalars(query.order_by(Capture.id.desc()).limit(size)))


def domain_of(text: str) -> str:
    """The registrable domain a user typed (a host, a domain or a URL); says what to fix."""
    raw = text.strip()
    _, domain = host_and_domain(raw if "//" in raw else f"http://{raw}/")
    if domain is None:
        raise InvalidInput(
            f"{text!r} names no registrable domain: give a host such as wap.example.com.cn",
            field="domain",
        )
    return domain


def _outcome(text: str) -> str:
    wanted = text.strip().lower()
    if wanted not in {item.value for item in Outcome}:
        choices = ", ".join(item.value for item in Outcome)
        raise InvalidInput(f"{text!r} is not an outcome: use one of {choices}", field="outcome")
    return wanted


def get_capture(session: Session, actor: Actor, capture_id: int) -> Capture:
    """The capture ``capture_id`` if ``actor`` may see it; else :class:`CaptureNotFound`."""
    authorize(actor, READ)
    capture = session.get(Capture, capture_id)
    visible = _visible(session, actor) if capture is not None else None
    if capture is None or (visible is not None and capture.org_id not in visible):
        raise errors.CaptureNotFound(f"no capture has id {capture_id}", capture_id=capture_id)
    return capture


def evidence_of(session: Session, capture: Capture) -> list[Evidence]:
    """The evidence rows of ``capture`` (the WARC first, then screenshot and WML view)."""
    order = {"warc": 0, "screenshot": 1, "wml_view": 2}
    rows = session.scalars(select(Evidence).where(Evidence.capture_id == capture.id))
    return sorted(rows, key=lambda row: (order.get(row.kind, 9), row.id))


def evidence_bytes(
    session: Session, blobs: BlobStore, actor: Actor, capture_id: int, kind: str
) -> tuple[Evidence, bytes]:
    """One artefact of a capture and its bytes; the WARC needs ``evidence:export`` too."""
    capture = get_capture(session, actor, capture_id)
    if kind == "warc":
        authorize(actor, EXPORT)
    for row in evidence_of(session, capture):
        if row.kind == kind:
            return row, blobs.get(row.digest)
    raise errors.EvidenceNotFound(
        f"capture {capture_id} has no {kind} evidence", capture_id=capture_id, kind=kind
    )


__all__ = [
    "EXPORT",
    "LIST_LIMIT",
    "READ",
    "RUN",
    "capture_reach",
    "domain_of",
    "evidence_bytes",
    "evidence_of",
    "get_capture",
    "list_captures",
    "probe_and_shoot",
    "probe_now",
    "record_probe",
    "refusal_of",
]
