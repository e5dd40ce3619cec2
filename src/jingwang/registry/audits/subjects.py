"""A finding's subject in the reader's language, written from its rule and evidence.

The rules store each finding's ``subject`` in English (``x.test: page shows 粤ICP备…``): the
column the API returns as ``subject`` and people search by. The views show :func:`subject_text`
instead: the same facts written in Chinese (``zh``, the UI's default) or English (``en``), from
the evidence every rule stores with its findings. The English text is the rule's own subject,
so a fresh finding reads the same in both places.

A finding whose evidence lacks a fact the text needs (one stored by an older rule, or of a rule
no longer known) shows its stored subject: old findings always render.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any, Final, Literal

Language = Literal["zh", "en"]
LANGUAGES: Final[tuple[Language, ...]] = ("zh", "en")
SUBJECT_CHARS: Final = 300  # as long as the stored column

# A filing's status in Chinese (the rules name revoked, expired and cancelled filings).
STATUS_ZH: Final = {"revoked": "吊销", "expired": "过期", "cancelled": "注销", "active": "有效"}


class _Missing(Exception):
    """A fact the text needs is not in the evidence: the stored subject is shown."""


def _text(evidence: Mapping[str, Any], key: str) -> str:
    """``evidence[key]`` as text; :class:`_Missing` when it is absent or empty."""
    value = evidence.get(key)
    if value is None or value == "":
        raise _Missing(key)
    return str(value)


def _items(evidence: Mapping[str, Any], key: str) -> list[Any]:
    """``evidence[key]`` when it is a list (possibly empty); :class:`_Missing` otherwise."""
    value = evidence.get(key)
    if not isinstance(value, list):
        raise _Missing(key)
    return value


def language_of(language: str) -> Language:
    """``zh`` for any Chinese locale (``zh``, ``zh-CN``, ``zh_CN``), ``en`` for anything else."""
    return "zh" if language.lower().startswith("zh") else "en"


# One writer per rule: (evidence, stored subject, language) → the text ----------------------


def _unfiled(evidence: Mapping[str, Any], stored: str, lang: Language) -> str:
    domain, provider = _text(evidence, "domain"), _text(evidence, "provider")
    return f"{domain} ← {provider}"


def _dead_filing(evidence: Mapping[str, Any], stored: str, lang: Language) -> str:
    domain = _text(evidence, "domain")
    statuses = sorted(
        {str(f["status"]) for f in _items(evidence, "filings") if isinstance(f, dict)}
    )
    if not statuses:
        raise _Missing("filings")
    if lang == "en":
        return f"{domain}: {'/'.join(statuses)}"
    return f"{domain}：备案已{'/'.join(STATUS_ZH.get(s, s) for s in statuses)}"


def _not_in_filing(evidence: Mapping[str, Any], stored: str, lang: Language) -> str:
    domain = _text(evidence, "domain")
    page_filings = evidence.get("page_filings")
    if isinstance(page_filings, list) and page_filings:
        number = str(page_filings[0])
        if lang == "en":
            return f"{domain}: not listed in {number}"
        return f"{domain}：未列入备案 {number} 的域名"
    if "site" not in evidence:
        raise _Missing("site")
    site = evidence["site"]
    if lang == "en":
        return f"{domain}: not in the filing of {site or 'its site'}"
    return f"{domain}：不在{site or '所属网站'}的备案中"


def _holder_mismatch(evidence: Mapping[str, Any], stored: str, lang: Language) -> str:
    domain, customer = _text(evidence, "domain"), _text(evidence, "customer")
    filings = [f for f in _items(evidence, "filings") if isinstance(f, dict) and f.get("holder")]
    if not filings:
        raise _Missing("filings")
    holder = str(filings[0]["holder"])
    if lang == "en":
        return f"{domain}: {customer} ≠ {holder}"
    return f"{domain}：接入客户 {customer} ≠ 备案主体 {holder}"


def _page_number(evidence: Mapping[str, Any], stored: str, lang: Language) -> str:
    domain = _text(evidence, "domain")
    printed = _printed(evidence)
    if lang == "en":
        return f"{domain}: page shows {printed}"
    return f"{domain}：页面显示 {printed}"


def _printed(evidence: Mapping[str, Any]) -> str:
    """What the page showed: as the rule recorded it, else (older findings) the first number,
    else the first text the evidence lists."""
    printed = evidence.get("printed")
    if isinstance(printed, str) and printed:
        return printed
    for key in ("shown_numbers", "shown_text"):
        shown = evidence.get(key)
        if isinstance(shown, list) and shown:
            return str(shown[0])
    raise _Missing("printed")


def _too_deep(evidence: Mapping[str, Any], stored: str, lang: Language) -> str:
    chain = _items(evidence, "chain")
    if not chain:
        raise _Missing("chain")
    return " → ".join(str(name) for name in chain)


def _unlicensed(evidence: Mapping[str, Any], stored: str, lang: Language) -> str:
    return f"{_text(evidence, 'org')} ← {_text(evidence, 'let_by')}"


def _undeclared(evidence: Mapping[str, Any], stored: str, lang: Language) -> str:
    domain, provider = _text(evidence, "domain"), _text(evidence, "provider")
    ip_range = _text(evidence, "ip_range")
    if lang == "en":
        return f"{domain}: {ip_range} not let to {provider}"
    return f"{domain}：{ip_range} 未分配给{provider}"


def _landing(evidence: Mapping[str, Any], stored: str, lang: Language) -> str:
    code, domain = _text(evidence, "code"), _text(evidence, "landing_domain")
    partner = evidence.get("partner") or evidence.get("sp")
    if not partner:
        raise _Missing("partner")
    if lang == "en":
        return f"{code} ({partner}) → {domain}"
    return f"{code}（{partner}）→ {domain}"


Writer = Callable[[Mapping[str, Any], str, Language], str]
WRITERS: Final[dict[str, Writer]] = {
    "unfiled_site_connected": _unfiled,
    "filing_revoked_or_expired": _dead_filing,
    "domain_not_in_filing": _not_in_filing,
    "holder_mismatch": _holder_mismatch,
    "page_number_mismatch": _page_number,
    "sublet_too_deep": _too_deep,
    "unlicensed_reseller": _unlicensed,
    "undeclared_ip_range": _undeclared,
    "landing_on_illegal_site": _landing,
}


def subject_text(
    rule: str, evidence: Mapping[str, Any] | None, stored: str, language: str = "zh"
) -> str:
    """The subject of a finding of ``rule`` in ``language`` (``zh``/``zh-CN`` or ``en``).

    Written from ``evidence``; the ``stored`` subject when the rule is unknown or the evidence
    lacks what the text needs.
    """
    writer = WRITERS.get(rule)
    if writer is None or not isinstance(evidence, Mapping):
        return stored
    try:
        return writer(evidence, stored, language_of(language))[:SUBJECT_CHARS]
    except (_Missing, KeyError, TypeError):
        return stored


def subjects(rule: str, evidence: Mapping[str, Any] | None, stored: str) -> dict[str, str]:
    """The subject of a finding in every language the UI has: ``{"zh": …, "en": …}``."""
    return {lang: subject_text(rule, evidence, stored, lang) for lang in LANGUAGES}


__all__ = [
    "LANGUAGES",
    "STATUS_ZH",
    "WRITERS",
    "Language",
    "language_of",
    "subject_text",
    "subjects",
]
