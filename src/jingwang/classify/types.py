"""The value types of detection: normalised text, lexicon hits, image scores, verdicts.

Plain frozen dataclasses with no I/O, shared by the text, image and verdict modules, the
service that stores verdicts and the views that show them. ``to_json`` gives the stored shape
(the ``classify_verdicts`` JSON columns); stored shapes only ever gain fields with defaults.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

Span = tuple[int, int]  # [start, end) into the original text


class Label(StrEnum):
    """What the machine thinks of a page or site. It only ranks and proposes; people decide."""

    PORN = "porn"  # score at or above the porn threshold
    SUSPECT = "suspect"  # between the suspect and the porn threshold: a person should look
    CLEAN = "clean"  # below the suspect threshold
    UNKNOWN = "unknown"  # nothing to judge (refused, failed, empty page, no text and no images)


# Lexicon categories. "good" holds negative weights (medical, education, news of crackdowns).
CATEGORIES = ("porn", "sex_services", "gambling", "drugs", "fraud", "good")
# The categories whose weights count towards the porn score (the others are reported only).
PORN_CATEGORIES = ("porn", "sex_services", "good")


@dataclass(frozen=True, slots=True)
class Thresholds:
    porn: float
    suspect: float

    def label(self, score: float) -> Label:
        if score >= self.porn:
            return Label.PORN
        if score >= self.suspect:
            return Label.SUSPECT
        return Label.CLEAN

    def to_json(self) -> dict[str, float]:
        return {"porn": self.porn, "suspect": self.suspect}


@dataclass(frozen=True, slots=True)
class PhraseHit:
    """One lexicon entry that matched a text, with where (in the original text) it matched."""

    phrase: str  # the entry as written in the lexicon (e.g. "色情", "<sex>", "裸聊+视频")
    category: str  # one of CATEGORIES
    weight: int  # the entry's weight (negative for good context)
    count: int  # occurrences counted (all of them, even beyond the spans kept)
    spans: tuple[Span, ...]  # up to a few occurrences, into the original text
    form: str = "text"  # "text": matched the normalised text; "pinyin": its pinyin form
    matched: tuple[str, ...] = ()  # the original text of each span, as the page shows it
    source: str = ""  # lexicon file it came from (e.g. "bundled:zh-porn.lex")

    def to_json(self) -> dict[str, Any]:
        return {
            "phrase": self.phrase,
            "category": self.category,
            "weight": self.weight,
            "count": self.count,
            "spans": [list(span) for span in self.spans],
            "form": self.form,
            "matched": list(self.matched),
            "source": self.source,
        }


@dataclass(frozen=True, slots=True)
class LexiconScore:
    """What the weighted lexicon found in one text."""

    categories: dict[str, float]  # category -> summed contribution (0 when nothing matched)
    hits: tuple[PhraseHit, ...]  # strongest first
    version: str  # the compiled lexicon's version (content hash)

    @property
    def porn_score(self) -> float:
        """The summed weight of the porn-related categories, good context included (negative)."""
        return sum(self.categories.get(name, 0.0) for name in PORN_CATEGORIES)


@dataclass(frozen=True, slots=True)
class TextScore:
    """The calibrated verdict of the text of one page (lexicon and text model combined)."""

    probability: float  # calibrated P(porn | text), 0..1
    lexicon: LexiconScore
    model_logit: float | None  # the n-gram model's raw logit; None without a model
    length: int  # characters of text judged
    versions: dict[str, str]  # {"lexicon": …, "text_model": …}

    def to_json(self) -> dict[str, Any]:
        return {
            "probability": self.probability,
            "categories": dict(self.lexicon.categories),
            "porn_score": self.lexicon.porn_score,
            "hits": [hit.to_json() for hit in self.lexicon.hits],
            "model_logit": self.model_logit,
            "length": self.length,
            "versions": dict(self.versions),
        }


@dataclass(frozen=True, slots=True)
class KnownMatch:
    """A captured image whose PDQ hash is within the distance of a known image's hash."""

    hash_id: int
    label: str
    source: str
    distance: int  # Hamming distance in bits (0..256)

    def to_json(self) -> dict[str, Any]:
        return dataclasses.asdict(self)


@dataclass(frozen=True, slots=True)
class ImageScore:
    """One image of a capture: the model's score, its PDQ hash, and a known-image match."""

    url: str
    digest: str  # SHA-256 of the image bytes as captured
    media_type: str | None = None
    width: int | None = None
    height: int | None = None
    nsfw: float | None = None  # open_nsfw P(nsfw); None when not scored
    pdq: str | None = None  # 64 hex digits
    pdq_quality: int | None = None  # 0..100; hashes under the minimum quality are not matched
    known: KnownMatch | None = None
    thumbnail: bool = False  # small enough to be one tile of a thumbnail grid
    error: str | None = None  # why it could not be decoded or scored
    # The hashes of the picture's rotations and mirror images (pdq first), matched against the
    # known images too; kept with the scored image, left out of the verdict's JSON.
    variants: tuple[str, ...] = ()

    def to_json(self) -> dict[str, Any]:
        data = {f.name: getattr(self, f.name) for f in dataclasses.fields(self)}
        data["known"] = self.known.to_json() if self.known is not None else None
        del data["variants"]
        return data

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> ImageScore:
        names = {f.name for f in dataclasses.fields(cls)}
        values = {key: value for key, value in data.items() if key in names}
        known = values.get("known")
        values["known"] = KnownMatch(**known) if isinstance(known, dict) else None
        return cls(**values)


@dataclass(frozen=True, slots=True)
class Reason:
    """One reason for a verdict, said in Chinese and English, with its evidence."""

    code: str  # stable: lexicon.porn, lexicon.good, model.text, image.nsfw, image.known, …
    zh: str
    en: str
    contribution: float = 0.0  # how much it moved the score (signed, in log-odds)
    evidence: dict[str, Any] = field(default_factory=dict)  # phrase/spans, image url/score, …

    def text(self, language: str) -> str:
        return self.zh if language.startswith("zh") else self.en

    def to_json(self) -> dict[str, Any]:
        return {
            "code": self.code,
            "zh": self.zh,
            "en": self.en,
            "contribution": self.contribution,
            "evidence": self.evidence,
        }

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Reason:
        return cls(
            code=str(data.get("code", "")),
            zh=str(data.get("zh", "")),
            en=str(data.get("en", "")),
            contribution=float(data.get("contribution", 0.0)),
            evidence=dict(data.get("evidence") or {}),
        )


@dataclass(frozen=True, slots=True)
class Verdict:
    """The machine's opinion of one page (a capture) or one site (its captures together)."""

    label: Label
    score: float  # calibrated P(porn), 0..1
    thresholds: Thresholds
    reasons: tuple[Reason, ...]  # strongest first
    versions: dict[str, str]  # {"lexicon", "text_model", "image_model", "verdict"}
    text: TextScore | None = None
    images: tuple[ImageScore, ...] = ()

    def to_json(self) -> dict[str, Any]:
        return {
            "label": str(self.label),
            "score": self.score,
            "thresholds": self.thresholds.to_json(),
            "reasons": [reason.to_json() for reason in self.reasons],
            "versions": dict(self.versions),
            "text": self.text.to_json() if self.text is not None else None,
            "images": [image.to_json() for image in self.images],
        }


__all__ = [
    "CATEGORIES",
    "PORN_CATEGORIES",
    "ImageScore",
    "KnownMatch",
    "Label",
    "LexiconScore",
    "PhraseHit",
    "Reason",
    "Span",
    "TextScore",
    "Thresholds",
    "Verdict",
]
