"""Small helpers shared by the account and administration pages.

Form pages follow post/redirect/get: a change that worked answers 303 to a page that shows the
result (``?done=…`` names the message); one that failed on its input re-shows the form with
the error in the page's language and the status of the error (422, 409 …). Refusals are not
caught here: they reach the handlers that record them.
"""

from __future__ import annotations

from typing import Annotated, Any, Final, TypeVar

from fastapi import Form
from pydantic import BaseModel, ValidationError
from starlette.requests import Request
from starlette.responses import HTMLResponse, RedirectResponse

from jingwang.accounts.errors import InvalidAccountData
from jingwang.errors import Conflict, InvalidInput, JingwangError, NotFound
from jingwang.web.auth.messages import error_text
from jingwang.web.errors import status_for
from jingwang.web.i18n import N_, Locale
from jingwang.web.pages import Pages

# Errors a form page shows next to the form instead of on an error page.
FORM_ERRORS: Final = (InvalidInput, Conflict, NotFound)

Text = Annotated[str, Form()]
OptionalText = Annotated[str, Form()]
Flag = Annotated[bool, Form()]
Many = Annotated[list[str], Form()]

DONE_MESSAGES: Final[dict[str, str]] = {
    "profile": N_("Your profile was saved."),
    "password": N_("Your password was changed. Your other sessions were ended."),
    "totp-on": N_("Two-step login is on. From now on, log in with a code from your app."),
    "totp-off": N_("Two-step login is off."),
    "session": N_("The session was ended."),
    "saved": N_("The changes were saved."),
    "created": N_("Created."),
    "totp-reset": N_("Two-step login was reset. The user can enrol again."),
    "sessions": N_("Every session of this user was ended."),
    "revoked": N_("The token was revoked."),
    "retried": N_("The job was queued to run again."),
    "cancelled": N_("The job was cancelled."),
}


def see_other(url: str) -> RedirectResponse:
    return RedirectResponse(url, status_code=303)


def done_message(locale: Locale, done: str | None) -> str | None:
    text = DONE_MESSAGES.get(done or "")
    return locale.gettext(text) if text else None


def error_context(locale: Locale, error: JingwangError) -> dict[str, Any]:
    return {"error": error_text(locale, error), "error_code": error.code}


def error_status(error: JingwangError) -> int:
    return status_for(error)


def render_form(
    request: Request,
    pages: Pages,
    locale: Locale,
    template: str,
    context: dict[str, Any],
    error: JingwangError | None,
) -> HTMLResponse:
    """A form page, with ``error`` (if any) shown on it and answered with its status."""
    if error is None:
        return pages.render(request, locale, template, context)
    context.update(error_context(locale, error))
    return pages.render(request, locale, template, context, status_code=error_status(error))


Model = TypeVar("Model", bound=BaseModel)


def parse(model: type[Model], values: dict[str, Any]) -> Model:
    """``values`` as ``model``; a field that does not fit is an ``InvalidAccountData``."""
    try:
        return model.model_validate(values)
    except ValidationError as exc:
        first = exc.errors()[0]
        field = ".".join(str(part) for part in first["loc"])
        raise InvalidAccountData(f"{field}: {first['msg']}", field=field) from exc


def blank_to_none(value: str | None) -> str | None:
    value = (value or "").strip()
    return value or None


__all__ = [
    "DONE_MESSAGES",
    "FORM_ERRORS",
    "Flag",
    "Many",
    "OptionalText",
    "Text",
    "blank_to_none",
    "done_message",
    "error_context",
    "error_status",
    "parse",
    "render_form",
    "see_other",
]
