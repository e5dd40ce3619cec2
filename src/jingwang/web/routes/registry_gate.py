"""The "file before connect" gate on the web: ``POST /api/registry/connect-check`` and the page
``/registry/connect-check``.

Both need ``registry:read`` reaching the provider asked about (an access provider asks for
itself and the resellers below it; a regulator for its province; the reporting centre for
anyone), and answer with :func:`~jingwang.registry.gate.connect_check`. A domain that names no
registrable domain is ``domain.invalid`` (422, as everywhere in the API), an unknown provider
``accounts.not_found`` (404). Checks are not written to the audit log: the gate is asked for
every proposed connection, and it changes nothing.

The page is a GET form (nothing changes, so no CSRF token is needed and the answer can be
linked to); with htmx only the answer (``HX-Target: connect-check-answer``) is swapped in, and
an input error is shown in that fragment with status 200 so that htmx swaps it.
"""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any, Final

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import HTMLResponse
from pydantic import BaseModel, Field
from sqlalchemy.orm import Session

from jingwang.accounts.models import Organisation
from jingwang.accounts.policy import Actor
from jingwang.errors import InvalidInput, JingwangError, NotFound
from jingwang.registry.gate import GateAnswer, connect_check
from jingwang.web.auth.decisions import require
from jingwang.web.auth.forms import error_context, error_status
from jingwang.web.deps import LocaleDep, PagesDep, SessionDep
from jingwang.web.errors import ErrorResponse
from jingwang.web.htmx import wants_fragment
from jingwang.web.i18n import Locale
from jingwang.web.pages import Pages

ANSWER_ID: Final = "connect-check-answer"
PAGE_ERRORS: Final = (InvalidInput, NotFound)

router = APIRouter(include_in_schema=False)
ERRORS = {
    401: {"model": ErrorResponse, "description": "No valid token or session."},
    403: {"model": ErrorResponse, "description": "registry:read does not reach the provider."},
    404: {"model": ErrorResponse, "description": "No organisation is that provider."},
    422: {"model": ErrorResponse, "description": "Not a domain, or a malformed field."},
}
api_router = APIRouter(prefix="/api", tags=["registry"], responses=ERRORS)  # type: ignore[arg-type]

Reader = Annotated[Actor, Depends(require("registry:read"))]


class ConnectCheck(BaseModel):
    """A proposed connection: a domain (host or URL) to be connected by a provider."""

    domain: str = Field(max_length=2000, description="The domain, host or URL to connect.")
    provider: int | str | None = Field(
        None, description="The access provider: organisation id or name; default the caller's."
    )
    customer: str | None = Field(
        None, max_length=300, description="The customer the contract names (checked against "
        "the filing holder: a difference is a warning)."
    )  # fmt: skip
    on: dt.date | None = Field(None, description="The date of the connection; default today.")


@api_router.post(
    "/registry/connect-check",
    summary="May this provider connect this domain? (file before connect)",
)
def connect_check_api(actor: Reader, session: SessionDep, body: ConnectCheck) -> GateAnswer:
    return connect_check(
        session, actor, body.domain, body.provider, customer=body.customer, on=body.on
    )


def _date(text: str) -> dt.date | None:
    if not text.strip():
        return None
    try:
        return dt.date.fromisoformat(text.strip())
    except ValueError:
        raise InvalidInput(f"{text!r} is not a date: write it as YYYY-MM-DD", field="on") from None


def _default_provider(session: Session, actor: Actor) -> str:
    org = session.get(Organisation, actor.org_id) if actor.org_id else None
    return org.name if org else ""


@router.get("/registry/connect-check", response_class=HTMLResponse)
def connect_check_page(
    request: Request,
    actor: Reader,
    session: SessionDep,
    pages: PagesDep,
    locale: LocaleDep,
    domain: Annotated[str, Query(max_length=2000)] = "",
    provider: Annotated[str | None, Query(max_length=300)] = None,
    customer: Annotated[str, Query(max_length=300)] = "",
    on: Annotated[str, Query(max_length=20)] = "",
) -> HTMLResponse:
    values = {
        "domain": domain,
        "provider": _default_provider(session, actor) if provider is None else provider,
        "customer": customer,
        "on": on,
    }
    context: dict[str, Any] = {"values": values, "answer": None, "error": None}
    context.update(language=locale.language, answer_id=ANSWER_ID)
    error: JingwangError | None = None
    if domain.strip():
        try:
            context["answer"] = connect_check(
                session,
                actor,
                domain,
                values["provider"] or None,
                customer=customer or None,
                on=_date(on),
            )
        except PAGE_ERRORS as exc:
            error = exc
            context.update(error_context(locale, exc))
    return _render(request, pages, locale, context, error)


def _render(
    request: Request,
    pages: Pages,
    locale: Locale,
    context: dict[str, Any],
    error: JingwangError | None,
) -> HTMLResponse:
    if wants_fragment(request, ANSWER_ID):
        template, status = "registry/connect_check_answer.html", 200
    else:
        template = "registry/connect_check.html"
        status = error_status(error) if error else 200
    response = pages.render(request, locale, template, context, status_code=status)
    response.headers["Vary"] += ", HX-Request, HX-Target"
    return response


__all__ = ["ConnectCheck", "api_router", "router"]
