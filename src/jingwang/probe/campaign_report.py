"""What a campaign did: its progress while it runs, and its report when a round is over.

Both read a campaign's rows with set-based queries; the report also streams the round's
capture summaries once (``yield_per``) to count identifiers and discovered hosts, so memory
stays flat however many captures there are. Both are JSON-ready (the API returns them as they
are; the CLI prints them).
"""

from __future__ import annotations

import datetime as dt
import statistics
from collections import Counter
from typing import Any, Final

from pydantic import BaseModel
from sqlalchemy import ColumnElement, func, select
from sqlalchemy.orm import InstrumentedAttribute, Session

from jingwang.probe.frontier import counts_by_state
from jingwang.probe.models import Campaign, Capture, HostState, Target
from jingwang.store.base import utcnow

TOP: Final = 20  # the longest lists in a report (discovered hosts, hosts in back-off)


class CampaignProgress(BaseModel):
    """Where a campaign's current round stands."""

    campaign_id: int
    state: str
    round: int
    targets: dict[str, int]  # by state: queued, leased, done, failed
    total: int
    finished: int  # done + failed
    captures: dict[str, int]  # of this round, by outcome
    hosts: int  # distinct hosts among the targets
    hosts_in_backoff: int
    rate_per_minute: float | None  # captures of this round per minute since it started
    started_at: dt.datetime | None
    finished_at: dt.datetime | None
    next_run_at: dt.datetime | None


def _round_captures(campaign: Campaign, round: int) -> list[ColumnElement[bool]]:
    return [Capture.campaign_id == campaign.id, Capture.round == round]


def _grouped(
    session: Session, column: InstrumentedAttribute[Any], where: list[ColumnElement[bool]]
) -> dict[str, int]:
    rows = session.execute(
        select(column, func.count()).where(*where, column.is_not(None)).group_by(column)
    )
    return {str(key): int(count) for key, count in rows}


def _campaign_hosts(campaign_id: int) -> Any:
    return select(Target.host).where(Target.campaign_id == campaign_id).distinct()


def campaign_progress(
    session: Session, campaign: Campaign, *, now: dt.datetime | None = None
) -> CampaignProgress:
    now = now or utcnow()
    targets = counts_by_state(session, campaign.id)
    captures = _grouped(session, Capture.outcome, _round_captures(campaign, campaign.round))
    hosts = session.scalar(
        select(func.count()).select_from(_campaign_hosts(campaign.id).subquery())
    )
    backoff = session.scalar(
        select(func.count()).where(
            HostState.host.in_(_campaign_hosts(campaign.id)),
            HostState.backoff_seconds > 0,
            HostState.next_at > now,
        )
    )
    rate = None
    if campaign.started_at is not None:
        end = campaign.finished_at or now
        minutes = max((end - campaign.started_at).total_seconds() / 60, 1 / 60)
        rate = round(sum(captures.values()) / minutes, 2)
    return CampaignProgress(
        campaign_id=campaign.id,
        state=campaign.state,
        round=campaign.round,
        targets=targets,
        total=sum(targets.values()),
        finished=targets["done"] + targets["failed"],
        captures=captures,
        hosts=int(hosts or 0),
        hosts_in_backoff=int(backoff or 0),
        rate_per_minute=rate,
        started_at=campaign.started_at,
        finished_at=campaign.finished_at,
        next_run_at=campaign.next_run_at,
    )


def campaign_report(
    session: Session, campaign: Campaign, *, round: int | None = None
) -> dict[str, Any]:
    """The report of one round (default: the current one), JSON-ready.

    Keys: campaign, round, totals (targets by state, captures), outcomes, http_statuses,
    refused (by code), limits_hit, page_kinds, identifiers (by kind, with distinct values
    counted), discovered_hosts (the most seen, and how many in all), backoffs (hosts of the
    campaign in back-off), durations (seconds: mean, median, p95, max).
    """
    chosen = campaign.round if round is None else round
    where = _round_captures(campaign, chosen)
    identifiers, values, discovered, durations = _stream(session, where)
    return {
        "campaign": {
            "id": campaign.id,
            "name": campaign.name,
            "state": campaign.state,
            "profile": campaign.profile,
            "selection": campaign.selection,
            "discovery": campaign.discovery,
            "interval_hours": campaign.interval_hours,
        },
        "round": chosen,
        "totals": {
            "targets": counts_by_state(session, campaign.id),
            "captures": len(durations),
        },
        "outcomes": _grouped(session, Capture.outcome, where),
        "http_statuses": _grouped(session, Capture.http_status, where),
        "refused": _grouped(session, Capture.refused_code, where),
        "limits_hit": _grouped(session, Capture.limit_hit, where),
        "page_kinds": _grouped(session, Capture.page_kind, where),
        "identifiers": {
            kind: {"found": count, "distinct": len(values[kind])}
            for kind, count in sorted(identifiers.items())
        },
        "discovered_hosts": {
            "distinct": len(discovered),
            "top": [{"host": h, "seen": n} for h, n in discovered.most_common(TOP)],
        },
        "backoffs": _backoffs(session, campaign.id),
        "durations": _durations(durations),
    }


def _stream(
    session: Session, where: list[ColumnElement[bool]]
) -> tuple[Counter[str], dict[str, set[str]], Counter[str], list[float]]:
    identifiers: Counter[str] = Counter()
    values: dict[str, set[str]] = {}
    discovered: Counter[str] = Counter()
    durations: list[float] = []
    rows = session.execute(
        select(Capture.summary, Capture.started_at, Capture.finished_at)
        .where(*where)
        .execution_options(yield_per=1000)
    )
    for summary, started, finished in rows:
        durations.append((finished - started).total_seconds())
        for item in summary.get("identifiers") or ():
            identifiers[item["kind"]] += 1
            values.setdefault(item["kind"], set()).add(item["value"])
        discovered.update(summary.get("discovered_hosts") or ())
    return identifiers, values, discovered, durations


def _backoffs(session: Session, campaign_id: int) -> list[dict[str, Any]]:
    """Hosts whose targets needed more than one try this round (429/503 back-offs, expired
    leases), most first, with the host's back-off now."""
    retries = func.sum(Target.attempts - 1).label("retries")
    rows = session.execute(
        select(Target.host, retries, HostState.backoff_seconds, HostState.last_status)
        .join(HostState, HostState.host == Target.host)
        .where(Target.campaign_id == campaign_id, Target.attempts > 1)
        .group_by(Target.host, HostState.backoff_seconds, HostState.last_status)
        .order_by(retries.desc(), Target.host)
        .limit(TOP)
    )
    return [
        {
            "host": host,
            "retries": int(count),
            "backoff_seconds": backoff,
            "last_status": status,
        }
        for host, count, backoff, status in rows
    ]


def _durations(seconds: list[float]) -> dict[str, float | None]:
    if not seconds:
        return {"mean": None, "median": None, "p95": None, "max": None}
    ordered = sorted(seconds)
    p95 = ordered[min(len(ordered) - 1, int(len(ordered) * 0.95))]
    return {
        "mean": round(statistics.fmean(ordered), 4),
        "median": round(statistics.median(ordered), 4),
        "p95": round(p95, 4),
        "max": round(ordered[-1], 4),
    }


__all__ = ["CampaignProgress", "campaign_progress", "campaign_report"]
