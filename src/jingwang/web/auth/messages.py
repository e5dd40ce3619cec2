"""Error messages the account pages show, in the page's language, chosen by error code.

Domain errors carry an English message for the API and the logs; pages show the translated
text registered here for the error's code (a weak password has one per rule), or a
translated lead followed by the English detail when no text is registered.
"""

from __future__ import annotations

from typing import Final

from jingwang.errors import JingwangError
from jingwang.web.i18n import N_, Locale

ERROR_TEXT: Final[dict[str, str]] = {
    "auth.invalid_credentials": N_("The user name or password is wrong."),
    "auth.locked": N_("Too many failed attempts. Try again in a few minutes."),
    "auth.totp_invalid": N_("That code is not valid. Enter the code your app shows now."),
    "auth.csrf_failed": N_("The form has expired. Reload the page and try again."),
    "auth.session_expired": N_("The login took too long. Log in again."),
    "accounts.weak_password.min_length": N_(
        "The password must have at least %(min_length)s characters."
    ),
    "accounts.weak_password.max": N_("The password is too long."),
    "accounts.weak_password.username": N_("The password must not contain the user name."),
    "accounts.weak_password.distinct": N_("The password must use at least 5 different characters."),
    "accounts.weak_password.common": N_("This password is too common. Choose another one."),
    "accounts.wrong_password": N_("The password is wrong."),
    "accounts.name_taken": N_("That name is taken. Choose another one."),
    "accounts.state_conflict": N_("This cannot be done in the current state."),
}
GENERIC_LEAD: Final = N_("Please check what you entered:")


def error_text(locale: Locale, error: JingwangError) -> str:
    """What a page says about ``error``, in ``locale``'s language."""
    code = error.code
    rule = error.details.get("rule")
    if rule and f"{code}.{rule}" in ERROR_TEXT:
        code = f"{code}.{rule}"
    text = ERROR_TEXT.get(code)
    if text is None:
        return f"{locale.gettext(GENERIC_LEAD)} {error.message}"
    translated = locale.gettext(text)
    if "%(" in translated:
        return translated % {k: v for k, v in error.details.items() if isinstance(v, int | str)}
    return translated


__all__ = ["ERROR_TEXT", "error_text"]
