"""What the detection pages show of a verdict: label and score, reasons in the page's language,
the matched phrases highlighted in the page text, and the images with their scores.

A verdict row keeps its reasons, its text score and its image scores as JSON (see
:mod:`jingwang.classify.models`); these helpers turn them into small typed views, so templates
never dig through dicts. The page text is the captured site's text: :func:`highlight` escapes
every character of it and wraps only the stored spans of matched phrases in ``<mark>``, built
here and not in the template, so no byte of the captured page is ever interpreted as markup.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Final

from markupsafe import Markup, escape

from jingwang.classify.models import VerdictRow
from jingwang.classify.types import CATEGORIES
from jingwang.web.i18n import N_

MAX_TEXT: Final = 200_000  # characters of page text shown (and highlighted) at most
LABELS: Final = ("porn", "suspect", "clean", "unknown")
LABEL_WORDS: Final[dict[str, str]] = {
    "porn": N_("porn"),
    "suspect": N_("suspect"),
    "clean": N_("clean"),
    "unknown": N_("unknown"),
}
SUBJECT_WORDS: Final[dict[str, str]] = {"capture": N_("page"), "site": N_("site")}
CATEGORY_WORDS: Final[dict[str, str]] = {
    "porn": N_("pornography"),
    "sex_services": N_("sex services"),
    "gambling": N_("gambling"),
    "drugs": N_("drugs"),
    "fraud": N_("fraud"),
    "good": N_("benign context"),
}
FORM_WORDS: Final[dict[str, str]] = {"text": N_("text"), "pinyin": N_("pinyin")}
RUN_STATE_WORDS: Final[dict[str, str]] = {
    "queued": N_("queued"),
    "running": N_("running"),
    "done": N_("done"),
    "cancelled": N_("cancelled"),
    "failed": N_("failed"),
}
VERSION_WORDS: Final[dict[str, str]] = {
    "normalizer": N_("text normaliser"),
    "lexicon": N_("lexicon"),
    "text_model": N_("text model"),
    "image_model": N_("image model"),
    "verdict": N_("verdict rules"),
}


@dataclass(frozen=True)
class ReasonView:
    code: str
    text: str  # in the page's language
    contribution: float
    evidence: Mapping[str, Any]


@dataclass(frozen=True)
class HitView:
    phrase: str
    category: str
    weight: int
    count: int
    form: str
    matched: tuple[str, ...]
    source: str


@dataclass(frozen=True)
class KnownView:
    hash_id: int
    label: str
    source: str
    distance: int


@dataclass(frozen=True)
class ImageView:
    url: str
    digest: str
    media_type: str | None
    width: int | None
    height: int | None
    nsfw: float | None
    over_threshold: bool  # its nsfw score alone is at or above the porn threshold
    pdq: str | None
    pdq_quality: int | None
    known: KnownView | None
    thumbnail: bool
    error: str | None

    @property
    def shown(self) -> bool:
        """Whether the page can show it (decoded once, so the image route can re-encode it)."""
        return self.error is None and len(self.digest) == 64


@dataclass(frozen=True)
class VerdictView:
    id: int
    subject: str
    capture_id: int | None
    domain: str | None
    host: str | None
    org_id: int | None
    label: str
    score: float
    porn_threshold: float
    suspect_threshold: float
    reasons: tuple[ReasonView, ...]
    hits: tuple[HitView, ...]
    images: tuple[ImageView, ...]
    versions: tuple[tuple[str, str], ...]
    current: bool
    previous_label: str | None
    run_id: int | None
    captures: tuple[int, ...]
    created_at: Any  # datetime; the template formats it

    @property
    def headline(self) -> str:
        """The strongest reason, for one-line lists."""
        return self.reasons[0].text if self.reasons else ""


def _float(value: Any, default: float = 0.0) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float):
        return default
    return float(value)


def _int(value: Any) -> int | None:
    return value if isinstance(value, int) and not isinstance(value, bool) else None


def _dicts(value: Any) -> list[Mapping[str, Any]]:
    return [item for item in value or [] if isinstance(item, Mapping)]


def reasons(stored: Sequence[Mapping[str, Any]], language: str) -> tuple[ReasonView, ...]:
    """The stored reasons, each said in ``language`` (Chinese for zh-*, else English)."""
    zh = language.startswith("zh")
    return tuple(
        ReasonView(
            code=str(item.get("code", "")),
            text=str(item.get("zh" if zh else "en") or item.get("en") or item.get("zh") or ""),
            contribution=_float(item.get("contribution")),
            evidence=dict(item.get("evidence") or {}),
        )
        for item in _dicts(stored)
    )


def hits(text_score: Mapping[str, Any] | None) -> tuple[HitView, ...]:
    """The lexicon entries that matched, strongest first (as stored)."""
    return tuple(
        HitView(
            phrase=str(hit.get("phrase", "")),
            category=str(hit.get("category", "")),
            weight=_int(hit.get("weight")) or 0,
            count=_int(hit.get("count")) or 0,
            form=str(hit.get("form") or "text"),
            matched=tuple(str(text) for text in hit.get("matched") or ()),
            source=str(hit.get("source") or ""),
        )
        for hit in _dicts((text_score or {}).get("hits"))
    )


def images(stored: Sequence[Mapping[str, Any]], porn_threshold: float) -> tuple[ImageView, ...]:
    """The scored images of a verdict, in page order."""
    views = []
    for item in _dicts(stored):
        known = item.get("known")
        nsfw = item.get("nsfw")
        score = _float(nsfw) if nsfw is not None else None
        views.append(
            ImageView(
                url=str(item.get("url", "")),
                digest=str(item.get("digest") or ""),
                media_type=item.get("media_type"),
                width=_int(item.get("width")),
                height=_int(item.get("height")),
                nsfw=score,
                over_threshold=score is not None and score >= porn_threshold,
                pdq=item.get("pdq"),
                pdq_quality=_int(item.get("pdq_quality")),
                known=KnownView(
                    hash_id=_int(known.get("hash_id")) or 0,
                    label=str(known.get("label", "")),
                    source=str(known.get("source", "")),
                    distance=_int(known.get("distance")) or 0,
                )
                if isinstance(known, Mapping)
                else None,
                thumbnail=bool(item.get("thumbnail")),
                error=item.get("error"),
            )
        )
    return tuple(views)


def verdict_view(row: VerdictRow, language: str) -> VerdictView:
    """A stored verdict as the pages show it, its reasons in ``language``."""
    thresholds = row.thresholds or {}
    porn = _float(thresholds.get("porn"), 1.0)
    return VerdictView(
        id=row.id,
        subject=row.subject,
        capture_id=row.capture_id,
        domain=row.domain,
        host=row.host,
        org_id=row.org_id,
        label=row.label,
        score=row.score,
        porn_threshold=porn,
        suspect_threshold=_float(thresholds.get("suspect"), porn),
        reasons=reasons(row.reasons or [], language),
        hits=hits(row.text),
        images=images(row.images or [], porn),
        versions=tuple(sorted((row.versions or {}).items())),
        current=row.current,
        previous_label=row.previous_label,
        run_id=row.run_id,
        captures=tuple(c for c in row.captures or [] if isinstance(c, int)),
        created_at=row.created_at,
    )


def spans_of(text_score: Mapping[str, Any] | None) -> list[tuple[int, int, str, str]]:
    """Every stored span of every matched phrase: (start, end, category, phrase)."""
    found = []
    for hit in _dicts((text_score or {}).get("hits")):
        category = str(hit.get("category", ""))
        phrase = str(hit.get("phrase", ""))
        for span in hit.get("spans") or ():
            if isinstance(span, Sequence) and len(span) == 2:
                start, end = _int(span[0]), _int(span[1])
                if start is not None and end is not None:
                    found.append((start, end, category, phrase))
    return found


def _merged(
    spans: Sequence[tuple[int, int, str, str]], length: int
) -> list[tuple[int, int, str, str]]:
    """Spans inside ``[0, length)``, in order, overlapping ones merged (the first one's
    category and phrase name the merged mark)."""
    merged: list[tuple[int, int, str, str]] = []
    for start, end, category, phrase in sorted(spans, key=lambda s: (s[0], -s[1])):
        if not 0 <= start < end <= length:
            continue  # a span the text does not have (the page text changed): never guessed
        if merged and start < merged[-1][1]:
            first = merged[-1]
            merged[-1] = (first[0], max(first[1], end), first[2], first[3])
        else:
            merged.append((start, end, category, phrase))
    return merged


def highlight(text: str, spans: Sequence[tuple[int, int, str, str]]) -> Markup:
    """``text`` escaped, with each span wrapped in ``<mark>`` (its category as a class, its
    lexicon phrase as a title). Text past :data:`MAX_TEXT` characters is cut off."""
    shown = text[:MAX_TEXT]
    parts: list[str] = []
    at = 0
    for start, end, category, phrase in _merged(spans, len(shown)):
        kind = category if category in CATEGORIES else "other"
        parts.append(str(escape(shown[at:start])))
        parts.append(
            f'<mark class="hit hit-{kind}" data-category="{kind}" title="{escape(phrase)}">'
            f"{escape(shown[start:end])}</mark>"
        )
        at = end
    parts.append(str(escape(shown[at:])))
    return Markup("".join(parts))  # noqa: S704 - every piece above is escaped


def share(done: int, total: int) -> float:
    """How much of a re-scoring run is done, 0..1 (0 while the total is unknown)."""
    return min(1.0, done / total) if total > 0 else 0.0


__all__ = [
    "CATEGORY_WORDS",
    "FORM_WORDS",
    "LABELS",
    "LABEL_WORDS",
    "MAX_TEXT",
    "RUN_STATE_WORDS",
    "SUBJECT_WORDS",
    "VERSION_WORDS",
    "HitView",
    "ImageView",
    "KnownView",
    "ReasonView",
    "VerdictView",
    "highlight",
    "hits",
    "images",
    "reasons",
    "share",
    "spans_of",
    "verdict_view",
]
