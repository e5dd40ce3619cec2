"""``/registry``: the registry's views for access providers and regulators.

Pages (all need ``registry:read``; what they list is within the reader's reach, see
:mod:`jingwang.registry.findings`, :mod:`~jingwang.registry.inventory`):

* ``/registry``: compliance figures (share filed, providers, open findings by rule and age);
* ``/registry/connections``, ``/registry/filings``, ``/registry/channels``,
  ``/registry/sp-services``: inventories on a date, with filters and paging;
* ``/registry/sublets``: the sublet tree, drawn as nested lists (to a node budget: over it, the
  tops of the chains only, each linking to its own tree);
* ``/registry/orgs/suggest``: organisations within reach matching what was typed in an
  organisation filter, as ``<option>`` elements for its ``<datalist>`` (an htmx fragment);
* ``/registry/findings`` and ``/registry/findings/{id}``: findings, one finding's evidence and
  history, and a form to change its state (``POST …/state``, CSRF-checked; with htmx only the
  state panel is swapped, without JavaScript the form posts and redirects back).

Regulators get a province selector (``province``): the national office and the reporting centre
may pick any province, a provincial regulator sees its own. Filter forms and pagers carry htmx
attributes (``HX-Target: registry-results`` gets the results fragment) and work as plain GET
without JavaScript. An organisation filter is a dropdown when the reader reaches few
organisations, else a text field (name or id) with suggestions (:mod:`jingwang.registry.orgpick`).
Landing URLs are shown as text, never as links: a reviewer's browser must never open a suspect
site.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable
from typing import Annotated, Any, Final
from urllib.parse import urlencode

from fastapi import APIRouter, Depends, Form, Query, Request
from fastapi.responses import HTMLResponse
from sqlalchemy import select
from sqlalchemy.orm import Session
from starlette.responses import Response

from jingwang.accounts.catalog import NATIONAL, ORG_KINDS, PROVINCES, province_label
from jingwang.accounts.policy import REGULATOR, Actor, has_global_reach
from jingwang.errors import InvalidInput, JingwangError
from jingwang.registry.compliance import AGE_BUCKETS, compliance
from jingwang.registry.findings import (
    SEVERITIES,
    STATES,
    FindingFilters,
    finding_history,
    get_finding,
    list_findings,
    may_set,
    rule_title,
    set_state,
)
from jingwang.registry.inventory import (
    list_channels,
    list_connections,
    list_filings,
    list_sp_services,
    provider_choices,
)
from jingwang.registry.models import Finding
from jingwang.registry.orgpick import MAX_TEXT, OrgPick, org_pick, suggest_orgs
from jingwang.registry.tree import flatten, sublet_tree
from jingwang.store.base import utcnow
from jingwang.web.auth.decisions import require
from jingwang.web.auth.forms import FORM_ERRORS, error_context, error_status, see_other
from jingwang.web.deps import LocaleDep, PagesDep, SessionDep
from jingwang.web.htmx import wants_fragment
from jingwang.web.i18n import N_, Locale
from jingwang.web.pages import Pages

router = APIRouter(include_in_schema=False)

Reader = Annotated[Actor, Depends(require("registry:read"))]
FindingReader = Annotated[Actor, Depends(require("registry:read", target="org"))]
Manager = Annotated[Actor, Depends(require("registry:manage", target="org"))]
PAGE_SIZE: Final = 50
RESULTS_ID: Final = "registry-results"
STATE_ID: Final = "finding-state"
# Forms send empty fields ("on=&org="): these are text, parsed by _day and _id.
DateQuery = Annotated[str | None, Query(max_length=10)]
OrgQuery = Annotated[str | None, Query(max_length=MAX_TEXT)]  # a name or an id
ProvinceQuery = Annotated[str | None, Query(max_length=8)]
OffsetQuery = Annotated[int, Query(ge=0)]
STATE_DONE: Final = {
    "acknowledged": N_("The finding is acknowledged."),
    "fixed": N_("The finding is marked fixed. The next audit reopens it if it is still found."),
    "false_positive": N_("The finding is marked a false positive."),
    "open": N_("The finding is open again."),
}
STATE_LABELS: Final = {
    "open": N_("open"),
    "acknowledged": N_("acknowledged"),
    "fixed": N_("fixed (claimed)"),
    "false_positive": N_("false positive"),
}
SEVERITY_LABELS: Final = {
    "critical": N_("critical"),
    "high": N_("high"),
    "medium": N_("medium"),
    "low": N_("low"),
}
AGE_LABELS: Final = {
    "lt_7d": N_("under 7 days"),
    "d7_30": N_("7 to 30 days"),
    "d30_90": N_("30 to 90 days"),
    "gt_90d": N_("over 90 days"),
}


def today() -> dt.date:
    return utcnow().date()


def province_choices(actor: Actor) -> list[str] | None:
    """The provinces a regulator may pick (``None``: no selector for this actor)."""
    if has_global_reach(actor, "read") or (
        actor.org is not None and actor.org.kind == REGULATOR and actor.org.province == NATIONAL
    ):
        return [code for code in PROVINCES if code != NATIONAL]
    if actor.org is not None and actor.org.kind == REGULATOR:
        return [actor.org.province]
    return None


def kind_labeller(language: str) -> Callable[[str], str]:
    """The label of an organisation kind in ``language`` (the kind's name if unknown)."""
    labels = {k.name: k.label_zh if language.startswith("zh") else k.label_en for k in ORG_KINDS}
    return lambda kind: labels.get(kind, kind)


def pick_province(actor: Actor, asked: str | None) -> str | None:
    """The province to narrow to: the asked one if the actor may pick it, else none (or a
    provincial regulator's own)."""
    choices = province_choices(actor)
    asked = (asked or "").strip().upper() or None
    if choices is None:
        return None
    if len(choices) == 1:
        return choices[0]
    if asked is not None and asked not in choices:
        raise InvalidInput(f"province: no province {asked!r}", field="province")
    return asked


def _day(value: str | None) -> dt.date | None:
    """A date field as typed: blank means none; else it must be YYYY-MM-DD."""
    value = (value or "").strip()
    if not value:
        return None
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise InvalidInput(f"on: {value!r} is not a date (YYYY-MM-DD)", field="on") from None


def _filed(value: str | None) -> bool | None:
    value = (value or "").strip()
    if value in ("", "any"):
        return None
    if value in ("yes", "no"):
        return value == "yes"
    raise InvalidInput("filed: use yes, no or leave it empty", field="filed")


def _provider_pick(session: Session, actor: Actor, typed: str | None) -> OrgPick:
    """The provider filter: a dropdown of the providers within reach when few, else a field."""
    pick = org_pick(session, actor, typed, "provider")
    if pick.options is None:
        return pick
    return OrgPick(options=provider_choices(session, actor), chosen=pick.chosen, text=pick.text)


def _render(
    request: Request,
    pages: Pages,
    locale: Locale,
    template: str,
    fragment: str | None,
    context: dict[str, Any],
    path: str,
) -> HTMLResponse:
    """The page, or (asked by htmx) its results fragment with the address bar updated."""
    base = {
        "results_id": RESULTS_ID,
        "state_labels": STATE_LABELS,
        "severity_labels": SEVERITY_LABELS,
        "province_label": lambda code: province_label(code, locale.language) if code else "",
    }
    context = {**base, **context}
    if fragment is None or not wants_fragment(request, RESULTS_ID):
        response = pages.render(request, locale, template, context)
    else:
        response = pages.render(request, locale, fragment, context)
        query = context.get("query", "")
        response.headers["HX-Push-Url"] = path + (f"?{query}" if query else "")
    response.headers["Vary"] += ", HX-Request, HX-Target"
    return response


def _paging(values: dict[str, Any], total: int, offset: int) -> dict[str, Any]:
    given = {k: v for k, v in values.items() if v not in (None, "")}
    newer = max(0, offset - PAGE_SIZE)
    return {
        "values": given,
        "query": urlencode({**given, "offset": offset} if offset else given),
        "previous": urlencode({**given, "offset": newer}) if offset > 0 else None,
        "next": urlencode({**given, "offset": offset + PAGE_SIZE})
        if offset + PAGE_SIZE < total
        else None,
        "total": total,
        "offset": offset,
    }


@router.get("/registry", response_class=HTMLResponse)
def registry_home(
    request: Request,
    actor: Reader,
    session: SessionDep,
    pages: PagesDep,
    locale: LocaleDep,
    on: DateQuery = None,
    province: ProvinceQuery = None,
    org: OrgQuery = None,
) -> HTMLResponse:
    picked, day = pick_province(actor, province), _day(on)
    pick = org_pick(session, actor, org, "org")
    figures = compliance(
        session,
        actor,
        on=day or today(),
        org_id=pick.chosen,
        province=picked,
        language=locale.language,
    )
    context = {
        "figures": figures,
        "age_buckets": [(key, AGE_LABELS[key]) for key in AGE_BUCKETS],
        "provinces": province_choices(actor),
        "org_pick": pick,
        "values": {"on": day, "province": picked, "org": pick.chosen},
        "max_age": max(figures.open_by_age.values(), default=0) or 1,
    }
    return _render(request, pages, locale, "registry/home.html", None, context, "/registry")


@router.get("/registry/connections", response_class=HTMLResponse)
def registry_connections(
    request: Request,
    actor: Reader,
    session: SessionDep,
    pages: PagesDep,
    locale: LocaleDep,
    on: DateQuery = None,
    provider: OrgQuery = None,
    domain: Annotated[str | None, Query(max_length=253)] = None,
    filed: Annotated[str | None, Query(max_length=8)] = None,
    province: ProvinceQuery = None,
    offset: OffsetQuery = 0,
) -> HTMLResponse:
    picked, day = pick_province(actor, province), _day(on)
    pick = _provider_pick(session, actor, provider)
    provider_id = pick.chosen
    domain = (domain or "").strip() or None
    page = list_connections(
        session,
        actor,
        on=day or today(),
        provider=provider_id,
        domain=domain,
        filed=_filed(filed),
        province=picked,
        limit=PAGE_SIZE,
        offset=offset,
    )
    values = {"on": day, "provider": provider_id, "domain": domain, "filed": filed}
    context = {
        "page": page,
        "provider_pick": pick,
        "provinces": province_choices(actor),
        **_paging({**values, "province": picked}, page.total, offset),
    }
    return _render(
        request,
        pages,
        locale,
        "registry/connections.html",
        "registry/_connections.html",
        context,
        "/registry/connections",
    )


@router.get("/registry/filings", response_class=HTMLResponse)
def registry_filings(
    request: Request,
    actor: Reader,
    session: SessionDep,
    pages: PagesDep,
    locale: LocaleDep,
    on: DateQuery = None,
    number: Annotated[str | None, Query(max_length=64)] = None,
    domain: Annotated[str | None, Query(max_length=253)] = None,
    status: Annotated[str | None, Query(max_length=16)] = None,
    province: ProvinceQuery = None,
    offset: OffsetQuery = 0,
) -> HTMLResponse:
    picked, day = pick_province(actor, province), _day(on)
    number, domain, status = ((value or "").strip() or None for value in (number, domain, status))
    page = list_filings(
        session,
        actor,
        on=day or today(),
        number=number,
        domain=domain,
        status=status,
        province=picked,
        limit=PAGE_SIZE,
        offset=offset,
    )
    values = {"on": day, "number": number, "domain": domain, "status": status}
    context = {
        "page": page,
        "provinces": province_choices(actor),
        **_paging({**values, "province": picked}, page.total, offset),
    }
    return _render(
        request,
        pages,
        locale,
        "registry/filings.html",
        "registry/_filings.html",
        context,
        "/registry/filings",
    )


@router.get("/registry/channels", response_class=HTMLResponse)
@router.get("/registry/sp-services", response_class=HTMLResponse)
def registry_offers(
    request: Request,
    actor: Reader,
    session: SessionDep,
    pages: PagesDep,
    locale: LocaleDep,
    on: DateQuery = None,
    province: ProvinceQuery = None,
    offset: OffsetQuery = 0,
) -> HTMLResponse:
    """Promotion channels or SP services (one page serves both, by its path)."""
    channels = request.url.path.endswith("/registry/channels")
    kind, lister = ("channels", list_channels) if channels else ("sp-services", list_sp_services)
    picked, day = pick_province(actor, province), _day(on)
    page = lister(
        session, actor, on=day or today(), province=picked, limit=PAGE_SIZE, offset=offset
    )
    context = {
        "page": page,
        "kind": kind,
        "provinces": province_choices(actor),
        **_paging({"on": day, "province": picked}, page.total, offset),
    }
    return _render(
        request,
        pages,
        locale,
        "registry/offers.html",
        "registry/_offers.html",
        context,
        f"/registry/{kind}",
    )


@router.get("/registry/sublets", response_class=HTMLResponse)
def registry_sublets(
    request: Request,
    actor: Reader,
    session: SessionDep,
    pages: PagesDep,
    locale: LocaleDep,
    on: DateQuery = None,
    org: OrgQuery = None,
) -> HTMLResponse:
    day, pick = _day(on) or today(), org_pick(session, actor, org, "org")
    trees = sublet_tree(session, actor, on=day, root_org_id=pick.chosen)
    context = {
        "trees": trees,
        "collapsed": any(tree.collapsed for tree in trees),
        "truncated": any(node.truncated for _, node in flatten(trees)),
        "org_pick": pick,
        "values": {"on": _day(on), "org": pick.chosen},
        "on": day,
        "kind_label": kind_labeller(locale.language),
    }
    return _render(
        request, pages, locale, "registry/sublets.html", None, context, "/registry/sublets"
    )


@router.get("/registry/findings", response_class=HTMLResponse)
def registry_findings(
    request: Request,
    actor: Reader,
    session: SessionDep,
    pages: PagesDep,
    locale: LocaleDep,
    state: Annotated[str | None, Query(max_length=16)] = None,
    rule: Annotated[str | None, Query(max_length=48)] = None,
    severity: Annotated[str | None, Query(max_length=16)] = None,
    addressee: OrgQuery = None,
    domain: Annotated[str | None, Query(max_length=253)] = None,
    province: ProvinceQuery = None,
    offset: OffsetQuery = 0,
) -> HTMLResponse:
    picked = pick_province(actor, province)
    pick = org_pick(session, actor, addressee, "addressee")
    filters = FindingFilters(
        state=(state or "").strip() or None,
        rule=(rule or "").strip() or None,
        severity=(severity or "").strip() or None,
        addressee=pick.chosen,
        province=picked,
        domain=(domain or "").strip() or None,
    )
    page = list_findings(
        session, actor, filters, limit=PAGE_SIZE, offset=offset, language=locale.language
    )
    names = set(session.scalars(select(Finding.rule).distinct())) | {filters.rule or ""}
    rules = [(name, rule_title(name, locale.language)) for name in sorted(names - {""})]
    values = {
        "state": filters.state,
        "rule": filters.rule,
        "severity": filters.severity,
        "addressee": filters.addressee,
        "domain": filters.domain,
        "province": picked,
    }
    context = {
        "page": page,
        "states": STATES,
        "severities": SEVERITIES,
        "rules": rules,
        "addressee_pick": pick,
        "provinces": province_choices(actor),
        **_paging(values, page.total, offset),
    }
    return _render(
        request,
        pages,
        locale,
        "registry/findings.html",
        "registry/_findings.html",
        context,
        "/registry/findings",
    )


@router.get("/registry/orgs/suggest", response_class=HTMLResponse)
def registry_org_suggestions(
    request: Request,
    actor: Reader,
    session: SessionDep,
    pages: PagesDep,
    locale: LocaleDep,
    q: OrgQuery = None,
    org: OrgQuery = None,
    provider: OrgQuery = None,
    addressee: OrgQuery = None,
) -> HTMLResponse:
    """Organisations within reach matching what was typed, as ``<option>`` elements for an
    organisation filter's ``<datalist>``. The text comes as ``q`` or, sent by htmx from the field
    itself, under the field's name."""
    typed = next((text for text in (q, org, provider, addressee) if text), "")
    context = {"suggestions": suggest_orgs(session, actor, typed)}
    return pages.render(request, locale, "registry/_org_suggestions.html", context)


def _finding_context(
    session: Session,
    actor: Actor,
    locale: Locale,
    finding_id: int,
) -> dict[str, Any]:
    finding = get_finding(session, actor, finding_id, language=locale.language)
    return {
        "finding": finding,
        "history": finding_history(session, actor, finding_id),
        "choices": [s for s in STATES if may_set(session, actor, finding, s)],
        "state_labels": STATE_LABELS,
        "severity_labels": SEVERITY_LABELS,
        "state_id": STATE_ID,
        "show": _show,
        "province_label": lambda code: province_label(code, locale.language) if code else "",
    }


def _show(value: Any) -> str:
    return value if isinstance(value, str) else json.dumps(value, ensure_ascii=False)


@router.get("/registry/findings/{finding_id}", response_class=HTMLResponse)
def registry_finding(
    request: Request,
    actor: FindingReader,
    session: SessionDep,
    pages: PagesDep,
    locale: LocaleDep,
    finding_id: int,
    done: Annotated[str | None, Query(max_length=20)] = None,
) -> HTMLResponse:
    context = _finding_context(session, actor, locale, finding_id)
    text = STATE_DONE.get(done or "")
    context["done"] = locale.gettext(text) if text else None
    return pages.render(request, locale, "registry/finding.html", context)


@router.post("/registry/findings/{finding_id}/state", response_class=HTMLResponse)
def registry_finding_state(
    request: Request,
    actor: Manager,
    session: SessionDep,
    pages: PagesDep,
    locale: LocaleDep,
    finding_id: int,
    state: Annotated[str, Form(max_length=16)],
    note: Annotated[str, Form(max_length=1000)] = "",
) -> Response:
    error: JingwangError | None = None
    try:
        with session.begin_nested():
            set_state(session, actor, finding_id, state, note)
    except FORM_ERRORS as exc:
        error = exc
    fragment = wants_fragment(request, STATE_ID)
    if error is None and not fragment:
        return see_other(f"/registry/findings/{finding_id}?done={state}")
    context = _finding_context(session, actor, locale, finding_id)
    text = STATE_DONE.get(state) if error is None else None
    context["done"] = locale.gettext(text) if text else None
    if error is not None:
        context.update(error_context(locale, error))
    template = "registry/_finding_state.html" if fragment else "registry/finding.html"
    status = error_status(error) if error is not None else 200
    return pages.render(request, locale, template, context, status_code=status)


__all__ = ["PAGE_SIZE", "pick_province", "province_choices", "router"]
