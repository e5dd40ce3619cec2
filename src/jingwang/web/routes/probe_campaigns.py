"""``/probe/campaigns`` and ``/probe/candidates``: probing campaigns and the hosts they found.

Pages (``probe:read``; campaigns within the reader's reach, see
:mod:`jingwang.probe.campaigns`):

* ``/probe/campaigns``: the campaigns, newest first, with their progress, and (``probe:run``)
  a form to create one over a list of URLs or a registry selection (an access provider's sites,
  promotion channels, SP services, unfiled sites), with a profile, discovery and a schedule;
* ``/probe/campaigns/{id}``: progress (htmx refreshes it every few seconds while the campaign
  is queued or running), pause / resume / cancel (``POST …/{action}``, ``probe:run``), the
  report of the current round and its captures;
* ``/probe/candidates``: hosts seen in links and redirects that no campaign asked for.

The forms post with the CSRF token and follow post/redirect/get; a refused change (pausing a
finished campaign) is shown on the campaign's page with its status.
"""

from __future__ import annotations

from typing import Annotated, Any, Final

from fastapi import APIRouter, Depends, Form, Query, Request
from fastapi.responses import HTMLResponse
from sqlalchemy import func, select
from sqlalchemy.orm import Session
from starlette.responses import Response

from jingwang.accounts.models import Organisation
from jingwang.accounts.policy import Actor, scope_filter
from jingwang.errors import InvalidInput, JingwangError
from jingwang.probe.campaign_report import CampaignProgress, campaign_progress, campaign_report
from jingwang.probe.campaigns import (
    CANCELLABLE,
    PAUSABLE,
    cancel_campaign,
    create_campaign,
    get_campaign,
    list_campaigns,
    list_candidates,
    pause_campaign,
    resume_campaign,
)
from jingwang.probe.errors import CampaignStateError
from jingwang.probe.models import Campaign
from jingwang.probe.service import list_captures
from jingwang.registry.orgpick import MAX_TEXT, OrgPick, org_pick, resolve_org
from jingwang.settings import Settings
from jingwang.web.auth.decisions import require
from jingwang.web.auth.forms import FORM_ERRORS, render_form, see_other
from jingwang.web.deps import LocaleDep, PagesDep, SessionDep, SettingsDep
from jingwang.web.htmx import wants_fragment
from jingwang.web.i18n import N_, Locale
from jingwang.web.pages import Pages
from jingwang.web.routes import probe_view as view
from jingwang.web.routes.probe import profile_choices, profile_label

router = APIRouter(include_in_schema=False)

Reader = Annotated[Actor, Depends(require("probe:read"))]
CampaignReader = Annotated[Actor, Depends(require("probe:read", target="org"))]
Runner = Annotated[Actor, Depends(require("probe:run"))]
CampaignRunner = Annotated[Actor, Depends(require("probe:run", target="org"))]
PAGE_SIZE: Final = 50
CAPTURES_SHOWN: Final = 100
PROGRESS_ID: Final = "campaign-progress"
LIVE_STATES: Final = ("queued", "running")
MAX_URLS: Final = 10_000  # lines of the URL list a form takes
SELECTIONS: Final = {
    "list": N_("a list of URLs"),
    "provider_sites": N_("the sites of an access provider"),
    "channels": N_("promotion channels' landing pages"),
    "sp_services": N_("SP services' landing pages"),
    "unfiled_sites": N_("unfiled sites"),
    "findings": N_("domains named by open findings"),
}
STATE_WORDS: Final = {
    "queued": N_("queued"),
    "running": N_("running"),
    "paused": N_("paused"),
    "done": N_("done"),
    "cancelled": N_("cancelled"),
}
DONE: Final = {
    "created": N_("The campaign was created; its first round is queued."),
    "paused": N_("The campaign is paused."),
    "resumed": N_("The campaign goes on."),
    "cancelled": N_("The campaign was cancelled."),
}
ACTIONS: Final = {
    "pause": (pause_campaign, "paused"),
    "resume": (resume_campaign, "resumed"),
    "cancel": (cancel_campaign, "cancelled"),
}


def share(progress: CampaignProgress) -> float:
    return progress.finished / progress.total if progress.total else 0.0


def _labels(locale: Locale) -> dict[str, Any]:
    return {
        "selection_words": SELECTIONS,
        "campaign_state_words": STATE_WORDS,
        "outcome_words": view.OUTCOME_WORDS,
        "share": share,
        "progress_id": PROGRESS_ID,
        "live_states": LIVE_STATES,
        "profile_label": lambda name: profile_label(name, locale),
    }


def _provider_pick(session: Session, actor: Actor, typed: str | None) -> OrgPick | None:
    """The access-provider picker of the form: the registry's (dropdown, or a field with
    suggestions) for registry readers; others type a name or an id in a plain field."""
    if actor.can("registry:read"):
        return org_pick(session, actor, typed, "org")
    return None


def provider_id(session: Session, actor: Actor, typed: str) -> int:
    """The organisation named by ``typed`` (an id, or a name within reach)."""
    text = typed.strip()
    if not text:
        raise InvalidInput("org: pick the access provider whose sites to probe", field="org")
    if actor.can("registry:read"):
        chosen = resolve_org(session, actor, text, "org").chosen
        if chosen is not None:
            return chosen
    if text.isdigit():
        return int(text)
    found = session.scalars(
        select(Organisation.id).where(
            func.lower(Organisation.name) == text.lower(),
            scope_filter(session, actor, Organisation.id),
        )
    ).first()
    if found is None:
        raise InvalidInput(f"org: no organisation called {text!r} within reach", field="org")
    return found


def _list_page(
    request: Request,
    pages: Pages,
    locale: Locale,
    session: Session,
    actor: Actor,
    settings: Settings,
    *,
    values: dict[str, Any] | None = None,
    done: str | None = None,
    error: JingwangError | None = None,
) -> HTMLResponse:
    campaigns = list_campaigns(session, actor, limit=PAGE_SIZE)
    values = values or {}
    message = DONE.get(done or "")
    context: dict[str, Any] = {
        **_labels(locale),
        "rows": [(c, campaign_progress(session, c)) for c in campaigns],
        "can_run": actor.can("probe:run"),
        "profiles": profile_choices(locale),
        "default_profile": values.get("profile") or settings.probe_default_profile,
        "values": values,
        "provider_pick": _provider_pick(session, actor, None),
        "done": locale.gettext(message) if message else None,
        "error": None,
    }
    return render_form(request, pages, locale, "probe/campaigns.html", context, error)


@router.get("/probe/campaigns", response_class=HTMLResponse)
def campaign_list(
    request: Request,
    actor: Reader,
    session: SessionDep,
    settings: SettingsDep,
    pages: PagesDep,
    locale: LocaleDep,
    done: Annotated[str | None, Query(max_length=20)] = None,
) -> HTMLResponse:
    return _list_page(request, pages, locale, session, actor, settings, done=done)


def _selection(session: Session, actor: Actor, kind: str, org: str) -> dict[str, Any]:
    if kind not in SELECTIONS or kind == "findings":
        raise InvalidInput(f"selection: no selection kind {kind!r}", field="selection")
    selection: dict[str, Any] = {"kind": kind}
    if kind == "provider_sites":
        selection["org_id"] = provider_id(session, actor, org)
    return selection


def _hours(text: str) -> int | None:
    text = text.strip()
    if not text:
        return None
    if not text.isdigit() or int(text) < 1:
        raise InvalidInput("every: a whole number of hours, at least 1", field="interval_hours")
    return int(text)


@router.post("/probe/campaigns", response_class=HTMLResponse)
def campaign_create(
    request: Request,
    actor: Runner,
    session: SessionDep,
    settings: SettingsDep,
    pages: PagesDep,
    locale: LocaleDep,
    name: Annotated[str, Form(max_length=200)] = "",
    selection: Annotated[str, Form(max_length=20)] = "list",
    urls: Annotated[str, Form(max_length=2_000_000)] = "",
    org: Annotated[str, Form(max_length=MAX_TEXT)] = "",
    profile: Annotated[str, Form(max_length=40)] = "",
    discovery: Annotated[bool, Form()] = False,
    interval_hours: Annotated[str, Form(max_length=6)] = "",
) -> Response:
    lines = [line.strip() for line in urls.splitlines() if line.strip()]
    values = {
        "name": name,
        "selection": selection,
        "urls": urls,
        "org": org,
        "profile": profile,
        "discovery": discovery,
        "interval_hours": interval_hours,
    }
    try:
        with session.begin_nested():
            if len(lines) > MAX_URLS:
                raise InvalidInput(f"urls: at most {MAX_URLS} lines in one form", field="urls")
            campaign, _ = create_campaign(
                session,
                actor,
                name=name,
                profile=profile.strip() or settings.probe_default_profile,
                selection=_selection(session, actor, selection, org),
                urls=lines if selection == "list" else None,
                discovery=discovery,
                interval_hours=_hours(interval_hours),
            )
    except FORM_ERRORS as exc:
        return _list_page(
            request, pages, locale, session, actor, settings, values=values, error=exc
        )
    return see_other(f"/probe/campaigns/{campaign.id}?done=created")


def _campaign_context(
    session: Session, actor: Actor, locale: Locale, campaign: Campaign
) -> dict[str, Any]:
    progress = campaign_progress(session, campaign)
    return {
        **_labels(locale),
        "campaign": campaign,
        "progress": progress,
        "can_run": actor.can("probe:run"),
        "can_pause": campaign.state in PAUSABLE,
        "can_resume": campaign.state == "paused",
        "can_cancel": campaign.state in CANCELLABLE,
    }


@router.get("/probe/campaigns/{campaign_id}", response_class=HTMLResponse)
def campaign_detail(
    request: Request,
    actor: CampaignReader,
    session: SessionDep,
    pages: PagesDep,
    locale: LocaleDep,
    campaign_id: int,
    done: Annotated[str | None, Query(max_length=20)] = None,
) -> HTMLResponse:
    campaign = get_campaign(session, actor, campaign_id)
    context = _campaign_context(session, actor, locale, campaign)
    if wants_fragment(request, PROGRESS_ID):
        return pages.render(request, locale, "probe/_progress.html", context)
    message = DONE.get(done or "")
    context.update(
        {
            "report": campaign_report(session, campaign),
            "captures": list_captures(
                session, actor, campaign_id=campaign.id, limit=CAPTURES_SHOWN
            ),
            "candidates": list_candidates(session, actor, campaign_id=campaign.id, limit=20),
            "done": locale.gettext(message) if message else None,
        }
    )
    return pages.render(request, locale, "probe/campaign.html", context)


@router.post("/probe/campaigns/{campaign_id}/{action}", response_class=HTMLResponse)
def campaign_change(
    request: Request,
    actor: CampaignRunner,
    session: SessionDep,
    pages: PagesDep,
    locale: LocaleDep,
    campaign_id: int,
    action: str,
) -> Response:
    """Pause, resume or cancel the campaign."""
    if action not in ACTIONS:
        raise InvalidInput(f"no campaign action {action!r}: pause, resume or cancel")
    change, done = ACTIONS[action]
    try:
        with session.begin_nested():
            change(session, actor, campaign_id)
    except (*FORM_ERRORS, CampaignStateError) as exc:
        campaign = get_campaign(session, actor, campaign_id)
        context = _campaign_context(session, actor, locale, campaign)
        context.update(
            report=campaign_report(session, campaign),
            captures=list_captures(session, actor, campaign_id=campaign.id, limit=CAPTURES_SHOWN),
            candidates=list_candidates(session, actor, campaign_id=campaign.id, limit=20),
        )
        return render_form(request, pages, locale, "probe/campaign.html", context, exc)
    return see_other(f"/probe/campaigns/{campaign_id}?done={done}")


@router.get("/probe/candidates", response_class=HTMLResponse)
def candidate_list(
    request: Request,
    actor: Reader,
    session: SessionDep,
    pages: PagesDep,
    locale: LocaleDep,
) -> HTMLResponse:
    context = {"candidates": list_candidates(session, actor, limit=500)}
    return pages.render(request, locale, "probe/candidates.html", context)


__all__ = ["PAGE_SIZE", "provider_id", "router", "share"]
