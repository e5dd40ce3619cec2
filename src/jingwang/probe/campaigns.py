"""Campaigns: create one over a list or a registry selection, pause, resume, cancel, re-run.

A campaign's life::

    queued ──(runner starts)──▶ running ──(frontier empty)──▶ done ──(next round, scheduled)─┐
      │  ▲                        │  ▲                                                      │
      │  └──────── resume ────────┼──┘◀────────────────────────────────────────────────────┘
      └────── pause ──▶ paused ◀──┘
    queued | running | paused | done ──cancel──▶ cancelled (final)

Creating a campaign writes its targets (the frontier, :mod:`.frontier`) and, unless asked not
to, enqueues the ``probe.campaign`` job that runs its first round, all in the caller's
transaction. Resuming enqueues a new runner job. A campaign with ``interval_hours`` is probed
again every so many hours: ``probe.schedule`` calls :func:`next_round` for each campaign whose
``next_run_at`` passed and whose last round is done.

Every change emits its event (:mod:`.campaign_events`) in the same transaction. A campaign
belongs to the organisation of whoever created it; reading needs ``probe:read`` and reach over
that organisation, changing it ``probe:run``.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from typing import Any, Final

from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from jingwang.accounts.errors import AccessDenied
from jingwang.accounts.policy import Actor, authorize, deny, load_org_scope, scope_filter
from jingwang.core.domains import DomainError, registrable_domain, to_ascii
from jingwang.errors import InvalidInput, NotFound
from jingwang.probe.campaign_events import (
    CampaignCreated,
    CampaignFinished,
    CampaignRoundStarted,
    CampaignStateChanged,
)
from jingwang.probe.errors import CampaignStateError
from jingwang.probe.frontier import AddReport, add_sourced, counts_by_state, remaining
from jingwang.probe.models import Campaign, Candidate, Capture, Target
from jingwang.probe.profiles import get_profile
from jingwang.probe.selections import check_selection, select_urls
from jingwang.store.base import utcnow
from jingwang.store.outbox import emit

READ: Final = "probe:read"
RUN: Final = "probe:run"
NAME_MAX: Final = 200
DEFAULT_SLICE_SECONDS: Final = 300
# state -> the states an operator may move it to
PAUSABLE: Final = ("queued", "running")
CANCELLABLE: Final = ("queued", "running", "paused", "done")


class CampaignNotFound(NotFound):
    code = "probe.campaign_not_found"


def create_campaign(
    session: Session,
    actor: Actor,
    *,
    name: str,
    profile: str,
    selection: dict[str, Any],
    urls: Iterable[str] | None = None,
    discovery: bool = False,
    interval_hours: int | None = None,
    org_id: int | None = None,
    start: bool = True,
    now: dt.datetime | None = None,
) -> tuple[Campaign, AddReport]:
    """Create a campaign with its targets; return it and what adding its URLs found.

    ``org_id`` names the owning organisation for the system actor (others own what they
    create). With ``start`` the runner job of round 1 is enqueued too.
    """
    authorize(actor, RUN)
    now = now or utcnow()
    owner = _owner(session, actor, org_id)
    spec = check_selection(selection)
    get_profile(profile)  # UnknownProfile names the known ones
    if not name.strip():
        raise InvalidInput("a campaign needs a name", field="name")
    if interval_hours is not None and interval_hours < 1:
        raise InvalidInput("interval_hours must be at least 1", field="interval_hours")
    campaign = Campaign(
        name=name.strip()[:NAME_MAX],
        org_id=owner,
        created_by=actor.name[:200],
        created_at=now,
        profile=profile,
        selection=spec,
        state="queued",
        discovery=discovery,
        interval_hours=interval_hours,
        round=1,
        next_run_at=now + dt.timedelta(hours=interval_hours) if interval_hours else None,
    )
    session.add(campaign)
    session.flush()
    items = [(url, "list") for url in urls or ()]
    items += [(s.url, s.source) for s in select_urls(session, actor, spec)]
    report = add_sourced(session, campaign.id, items, now=now)
    if report.added == 0:
        raise InvalidInput(
            "the campaign has no URL to probe: give URLs or a selection that finds some"
            + (
                f" ({len(report.rejected)} refused, first: {report.rejected[0].reason})"
                if report.rejected
                else ""
            ),
            field="urls",
        )
    if start:
        campaign.job_id = enqueue_runner(session, campaign)
    emit(
        session,
        CampaignCreated(
            object_id=str(campaign.id),
            actor=actor.event_actor(),
            request_id=actor.request_id,
            campaign_name=campaign.name,
            org_id=owner,
            profile=profile,
            selection=spec,
            targets=report.added,
            rejected=len(report.rejected),
            discovery=discovery,
            interval_hours=interval_hours,
        ),
    )
    return campaign, report


def _owner(session: Session, actor: Actor, org_id: int | None) -> int:
    if org_id is None:
        if actor.org_id is None:
            raise InvalidInput("name the organisation that owns the campaign", field="org_id")
        return actor.org_id
    authorize(actor, RUN, load_org_scope(session, org_id))
    return org_id


def enqueue_runner(session: Session, campaign: Campaign, *, key: str | None = None) -> int:
    """Enqueue the ``probe.campaign`` job of the campaign's current round; return its id."""
    from jingwang.jobs.service import enqueue

    job = enqueue(
        session,
        "probe.campaign",
        {"campaign_id": campaign.id, "round": campaign.round, "slice": 0},
        idempotency_key=key or runner_key(campaign.id, campaign.round, 0),
    )
    return job.id


def runner_key(campaign_id: int, round: int, slice: int | str) -> str:
    return f"probe.campaign:{campaign_id}:r{round}:s{slice}"


# Reading ---------------------------------------------------------------------------------------


def get_campaign(session: Session, actor: Actor, campaign_id: int) -> Campaign:
    """The campaign, when ``actor`` may read it; else :class:`CampaignNotFound`."""
    authorize(actor, READ)
    campaign = session.get(Campaign, campaign_id)
    if campaign is None:
        raise CampaignNotFound(f"no campaign has id {campaign_id}", campaign_id=campaign_id)
    try:
        authorize(actor, READ, load_org_scope(session, campaign.org_id))
    except AccessDenied:
        raise CampaignNotFound(
            f"no campaign has id {campaign_id}", campaign_id=campaign_id
        ) from None
    return campaign


def list_campaigns(
    session: Session,
    actor: Actor,
    *,
    state: str | None = None,
    limit: int = 100,
    before: int | None = None,
) -> list[Campaign]:
    """Campaigns within reach, newest first (``before``: ids below it)."""
    authorize(actor, READ)
    query = (
        select(Campaign)
        .where(scope_filter(session, actor, Campaign.org_id))
        .order_by(Campaign.id.desc())
        .limit(max(1, min(limit, 1000)))
    )
    if state is not None:
        query = query.where(Campaign.state == state)
    if before is not None:
        query = query.where(Campaign.id < before)
    return list(session.scalars(query))


# Changing the state ------------------------------------------------------------------------------


def _change(
    session: Session,
    actor: Actor,
    campaign_id: int,
    target: str,
    allowed: Sequence[str],
    advice: str,
) -> Campaign:
    campaign = get_campaign(session, actor, campaign_id)
    try:
        authorize(actor, RUN, load_org_scope(session, campaign.org_id))
    except AccessDenied:
        raise deny(actor, RUN, "out_of_scope") from None
    session.refresh(campaign, with_for_update=True)
    if campaign.state not in allowed:
        raise CampaignStateError(
            f"campaign {campaign.id} is {campaign.state}; {advice}",
            campaign_id=campaign.id,
            state=campaign.state,
        )
    previous, campaign.state = campaign.state, target
    emit(
        session,
        CampaignStateChanged(
            object_id=str(campaign.id),
            actor=actor.event_actor(),
            request_id=actor.request_id,
            state=target,
            previous=previous,
            round=campaign.round,
        ),
    )
    return campaign


def pause_campaign(session: Session, actor: Actor, campaign_id: int) -> Campaign:
    """Pause: runners stop claiming at their next batch (probes in flight still finish)."""
    return _change(
        session,
        actor,
        campaign_id,
        "paused",
        PAUSABLE,
        "only a queued or running campaign can be paused",
    )


def resume_campaign(session: Session, actor: Actor, campaign_id: int) -> Campaign:
    """Resume a paused campaign: a new runner job continues where it stopped."""
    campaign = _change(
        session,
        actor,
        campaign_id,
        "running",
        ("paused",),
        "only a paused campaign can be resumed (a done one runs again on its schedule)",
    )
    stamp = f"resume-{utcnow().strftime('%Y%m%dT%H%M%S%f')}"
    campaign.job_id = enqueue_runner(
        session, campaign, key=runner_key(campaign.id, campaign.round, stamp)
    )
    return campaign


def cancel_campaign(session: Session, actor: Actor, campaign_id: int) -> Campaign:
    """Cancel for good: no more claims, no more rounds. Captures made so far stay."""
    campaign = _change(
        session,
        actor,
        campaign_id,
        "cancelled",
        CANCELLABLE,
        "it is already cancelled",
    )
    campaign.finished_at = campaign.finished_at or utcnow()
    campaign.next_run_at = None
    return campaign


def mark_running(session: Session, campaign_id: int, now: dt.datetime) -> bool:
    """A runner starts: a queued campaign becomes running. False unless it may run now."""
    session.execute(
        update(Campaign)
        .where(Campaign.id == campaign_id, Campaign.state == "queued")
        .values(state="running", started_at=now)
        .execution_options(synchronize_session=False)
    )
    return session.scalar(select(Campaign.state).where(Campaign.id == campaign_id)) == "running"


def finish_round(session: Session, campaign_id: int, now: dt.datetime) -> bool:
    """Mark a running campaign done when its frontier is empty; emit the event once."""
    campaign = session.get(Campaign, campaign_id, with_for_update=True)
    if campaign is None or campaign.state != "running" or remaining(session, campaign_id):
        return False
    counts = counts_by_state(session, campaign_id)
    campaign.state, campaign.finished_at = "done", now
    emit(
        session,
        CampaignFinished(
            object_id=str(campaign.id),
            round=campaign.round,
            done=counts["done"],
            failed=counts["failed"],
            next_run_at=campaign.next_run_at.isoformat() if campaign.next_run_at else None,
        ),
    )
    return True


def next_round(session: Session, campaign: Campaign, now: dt.datetime) -> bool:
    """Start the next round of a scheduled campaign whose round is done: every target is
    queued again for round + 1 and ``next_run_at`` moves to ``now + interval``. False (nothing
    changed) unless the campaign is done, scheduled and due."""
    if campaign.interval_hours is None or campaign.state != "done":
        return False
    if campaign.next_run_at is not None and campaign.next_run_at > now:
        return False
    moved = session.execute(
        update(Campaign)
        .where(Campaign.id == campaign.id, Campaign.round == campaign.round)
        .where(Campaign.state == "done")
        .values(
            round=campaign.round + 1,
            state="running",
            started_at=now,
            finished_at=None,
            next_run_at=now + dt.timedelta(hours=campaign.interval_hours),
        )
        .execution_options(synchronize_session=False)
    )
    if moved.rowcount != 1:  # type: ignore[attr-defined]
        return False
    session.refresh(campaign)
    queued = session.execute(
        update(Target)
        .where(Target.campaign_id == campaign.id)
        .values(
            state="queued",
            round=campaign.round,
            attempts=0,
            not_before=now,
            leased_until=None,
            lease_token=None,
            capture_id=None,
            outcome=None,
            error=None,
            updated_at=now,
        )
        .execution_options(synchronize_session=False)
    )
    campaign.job_id = enqueue_runner(session, campaign)
    emit(
        session,
        CampaignRoundStarted(
            object_id=str(campaign.id),
            round=campaign.round,
            targets=queued.rowcount,  # type: ignore[attr-defined]
        ),
    )
    return True


def due_for_next_round(session: Session, now: dt.datetime, limit: int = 100) -> list[Campaign]:
    """Scheduled campaigns whose last round is done and whose next round is due."""
    return list(
        session.scalars(
            select(Campaign)
            .where(
                Campaign.interval_hours.is_not(None),
                Campaign.state == "done",
                Campaign.next_run_at <= now,
            )
            .order_by(Campaign.next_run_at, Campaign.id)
            .limit(limit)
        )
    )


# Discovery -------------------------------------------------------------------------------------


def record_candidates(
    session: Session, capture: Capture, hosts: Iterable[str], *, now: dt.datetime | None = None
) -> int:
    """Record the hosts a capture saw that no campaign asks for; return how many were new.

    A host seen again has its count and ``last_seen_at`` moved (upsert by host).
    """
    now = now or utcnow()
    names = sorted({h.strip().lower().rstrip(".") for h in hosts if h and h.strip()})
    if not names:
        return 0
    asked = set(session.scalars(select(Target.host).where(Target.host.in_(names)).distinct()))
    new = 0
    for host in names:
        if host in asked:
            continue
        found = session.scalars(select(Candidate).where(Candidate.host == host)).first()
        if found is not None:
            found.seen_count += 1
            found.last_seen_at = now
            continue
        try:
            with session.begin_nested():
                session.add(_candidate(host, capture, now))
            new += 1
        except IntegrityError:  # another runner recorded it at the same moment
            continue
    return new


def _candidate(host: str, capture: Capture, now: dt.datetime) -> Candidate:
    try:
        domain = registrable_domain(to_ascii(host))
    except DomainError:
        domain = None
    return Candidate(
        host=host[:253],
        domain=domain,
        first_seen_at=now,
        last_seen_at=now,
        seen_count=1,
        first_capture_id=capture.id,
        campaign_id=capture.campaign_id,
        source_url=(capture.final_url or capture.url)[:2000],
        state="new",
    )


def list_candidates(
    session: Session, actor: Actor, *, campaign_id: int | None = None, limit: int = 100
) -> list[Candidate]:
    """Candidates of campaigns within reach (of one campaign, if named), most seen first."""
    authorize(actor, READ)
    visible = select(Campaign.id).where(scope_filter(session, actor, Campaign.org_id))
    query = select(Candidate).where(Candidate.campaign_id.in_(visible))
    if campaign_id is not None:
        get_campaign(session, actor, campaign_id)
        query = query.where(Candidate.campaign_id == campaign_id)
    query = query.order_by(Candidate.seen_count.desc(), Candidate.host)
    return list(session.scalars(query.limit(max(1, min(limit, 1000)))))


__all__ = [
    "CampaignNotFound",
    "cancel_campaign",
    "create_campaign",
    "due_for_next_round",
    "enqueue_runner",
    "finish_round",
    "get_campaign",
    "list_campaigns",
    "list_candidates",
    "mark_running",
    "next_round",
    "pause_campaign",
    "record_candidates",
    "resume_campaign",
    "runner_key",
]
