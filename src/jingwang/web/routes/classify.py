"""``/classify``: the machine's verdicts, one verdict, and checking a text by hand.

Pages (``classify:read``; what they list is within the reader's reach, see
:mod:`jingwang.classify.service`):

* ``/classify``: verdicts, highest score first, filtered by label, subject (pages or sites),
  domain and minimum score, paged; htmx swaps the list when a filter changes.
* ``/classify/verdicts/{id}``: one verdict: label, score, thresholds, reasons in the page's
  language, matched phrases, the page text with them marked and the images (a page verdict),
  or the pages it was made from (a site verdict), the classifier versions, and the earlier
  verdicts on the same capture.
* ``/classify/check``: a form that judges a pasted text (nothing is stored) and shows its
  verdict with the matched phrases marked in it.

Re-scoring runs and known images are in :mod:`jingwang.web.routes.classify_admin`; the verdict
panel of the capture page in :mod:`jingwang.web.routes.classify_capture`.
"""

from __future__ import annotations

from typing import Annotated, Any, Final
from urllib.parse import urlencode

from fastapi import APIRouter, Depends, Form, Query, Request
from fastapi.responses import HTMLResponse
from sqlalchemy.orm import Session

from jingwang.accounts.policy import Actor
from jingwang.classify import service
from jingwang.classify.classifier import Classifier
from jingwang.classify.models import VerdictRow
from jingwang.classify.types import Verdict
from jingwang.errors import InvalidInput
from jingwang.probe.models import Capture
from jingwang.web.auth.decisions import require
from jingwang.web.auth.forms import FORM_ERRORS, render_form
from jingwang.web.deps import LocaleDep, PagesDep, SessionDep, SettingsDep
from jingwang.web.htmx import wants_fragment
from jingwang.web.i18n import Locale
from jingwang.web.routes import classify_view as view
from jingwang.web.routes.classify_capture import panel_words

router = APIRouter(include_in_schema=False)

Reader = Annotated[Actor, Depends(require("classify:read"))]
VerdictReader = Annotated[Actor, Depends(require("classify:read", target="org"))]
PAGE_SIZE: Final = 50
RESULTS_ID: Final = "verdict-results"
CHECK_MAX_CHARS: Final = 100_000  # characters a pasted text may have


def _score(value: str | None) -> float | None:
    text = (value or "").strip()
    if not text:
        return None
    try:
        score = float(text)
    except ValueError:
        score = -1.0
    if not 0.0 <= score <= 1.0:
        raise InvalidInput(f"min_score: {text!r} is not a number from 0 to 1", field="min_score")
    return score


def _choice(value: str | None, choices: tuple[str, ...], field: str) -> str | None:
    text = (value or "").strip()
    if not text:
        return None
    if text not in choices:
        raise InvalidInput(f"{field}: {text!r} is not one of {', '.join(choices)}", field=field)
    return text


def _list_context(
    session: Session, actor: Actor, locale: Locale, values: dict[str, Any], offset: int
) -> dict[str, Any]:
    rows, total = service.list_verdicts(
        session,
        actor,
        subject=values.get("subject") or "capture",
        label=values.get("label"),
        domain=values.get("domain"),
        min_score=values.get("min_score"),
        limit=PAGE_SIZE,
        offset=offset,
    )
    given = {k: v for k, v in values.items() if v not in (None, "")}
    after = offset + len(rows)
    return {
        "verdicts": [view.verdict_view(row, locale.language) for row in rows],
        "values": given,
        "results_id": RESULTS_ID,
        "labels": view.LABELS,
        "subject_words": view.SUBJECT_WORDS,
        "total": total,
        "first": offset + 1 if rows else 0,
        "last": after,
        "previous_page": urlencode({**given, "offset": max(0, offset - PAGE_SIZE)})
        if offset > 0
        else None,
        "next_page": urlencode({**given, "offset": after}) if after < total else None,
        "query": urlencode({**given, "offset": offset} if offset else given),
        **panel_words(),
    }


@router.get("/classify", response_class=HTMLResponse)
def classify_home(
    request: Request,
    actor: Reader,
    session: SessionDep,
    pages: PagesDep,
    locale: LocaleDep,
    label: Annotated[str | None, Query(max_length=16)] = None,
    subject: Annotated[str | None, Query(max_length=16)] = None,
    domain: Annotated[str | None, Query(max_length=253)] = None,
    min_score: Annotated[str | None, Query(max_length=20)] = None,
    offset: Annotated[int, Query(ge=0, le=1_000_000)] = 0,
) -> HTMLResponse:
    """The verdicts within reach, highest score first, filtered and paged."""
    raw = {"label": label, "subject": subject, "domain": domain, "min_score": min_score}
    try:
        values: dict[str, Any] = {
            "label": _choice(label, view.LABELS, "label"),
            "subject": _choice(subject, ("capture", "site"), "subject"),
            "domain": (domain or "").strip() or None,
            "min_score": _score(min_score),
        }
        context = _list_context(session, actor, locale, values, offset)
    except FORM_ERRORS as exc:
        context = _list_context(session, actor, locale, {}, 0)
        context["values"] = {k: v for k, v in raw.items() if v}
        return render_form(request, pages, locale, "classify/home.html", context, exc)
    if not wants_fragment(request, RESULTS_ID):
        response = pages.render(request, locale, "classify/home.html", context)
    else:
        response = pages.render(request, locale, "classify/_verdicts.html", context)
        query = context["query"]
        response.headers["HX-Push-Url"] = "/classify" + (f"?{query}" if query else "")
    response.headers["Vary"] += ", HX-Request, HX-Target"
    return response


def _capture_of(session: Session, row: VerdictRow) -> Capture | None:
    """The capture a page verdict judged (within reach: the verdict was)."""
    return session.get(Capture, row.capture_id) if row.capture_id is not None else None


@router.get("/classify/verdicts/{verdict_id}", response_class=HTMLResponse)
def classify_verdict(
    request: Request,
    actor: VerdictReader,
    session: SessionDep,
    pages: PagesDep,
    locale: LocaleDep,
    verdict_id: int,
) -> HTMLResponse:
    """One verdict with everything that explains it."""
    row = service.get_verdict(session, actor, verdict_id)
    verdict = view.verdict_view(row, locale.language)
    capture = _capture_of(session, row)
    text = service.page_text(capture.summary or {}) if capture is not None else ""
    history = (
        [
            view.verdict_view(r, locale.language)
            for r in service.verdict_history(session, actor, capture.id)
        ]
        if capture is not None
        else []
    )
    context = {
        "verdict": verdict,
        "capture": capture,
        "text": view.highlight(text, view.spans_of(row.text)),
        "has_text": bool(text.strip()),
        "text_cut": len(text) > view.MAX_TEXT,
        "history": history,
        "subject_words": view.SUBJECT_WORDS,
        **panel_words(),
    }
    return pages.render(request, locale, "classify/verdict.html", context)


def _checked(verdict: Verdict, text: str, language: str) -> dict[str, Any]:
    """A verdict on a pasted text, as the check page shows it."""
    data = verdict.to_json()
    return {
        "label": str(verdict.label),
        "score": verdict.score,
        "porn_threshold": verdict.thresholds.porn,
        "suspect_threshold": verdict.thresholds.suspect,
        "reasons": view.reasons(data["reasons"], language),
        "hits": view.hits(data["text"]),
        "text": view.highlight(text, view.spans_of(data["text"])),
        "versions": tuple(sorted(verdict.versions.items())),
    }


@router.get("/classify/check", response_class=HTMLResponse)
def classify_check_form(
    request: Request, actor: Reader, pages: PagesDep, locale: LocaleDep
) -> HTMLResponse:
    """The "check a text" form."""
    context = {"checked": None, "values": {}, "max_chars": CHECK_MAX_CHARS, **panel_words()}
    return pages.render(request, locale, "classify/check.html", context)


@router.post("/classify/check", response_class=HTMLResponse)
def classify_check(
    request: Request,
    actor: Reader,
    settings: SettingsDep,
    pages: PagesDep,
    locale: LocaleDep,
    text: Annotated[str, Form(max_length=CHECK_MAX_CHARS)] = "",
) -> HTMLResponse:
    """Judge the pasted text now; nothing is stored."""
    context: dict[str, Any] = {
        "checked": None,
        "values": {"text": text},
        "max_chars": CHECK_MAX_CHARS,
        **panel_words(),
    }
    if not text.strip():
        error = InvalidInput("text: paste the text to check", field="text")
        return render_form(request, pages, locale, "classify/check.html", context, error)
    verdict = Classifier.from_settings(settings).judge_text(text)
    context["checked"] = _checked(verdict, text, locale.language)
    template = "classify/_checked.html" if request.headers.get("HX-Request") == "true" else None
    return pages.render(request, locale, template or "classify/check.html", context)


__all__ = ["CHECK_MAX_CHARS", "PAGE_SIZE", "router"]
