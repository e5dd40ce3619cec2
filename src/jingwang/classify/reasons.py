"""The words of a verdict: each reason said in Chinese and English, with its evidence.

:mod:`jingwang.classify.verdict` decides *how much* each piece of evidence moved a score; this
module says *what* it was, specifically enough for a reviewer to check it against the page:
which phrases (as the lexicon writes them, as the page wrote them, how often, in which
category), which images (URL, score, size), which known image (its id, source and the PDQ
distance), which identifiers (QQ numbers, phones, SP codes, payment links… as evidence for
attribution, not for the score). Pure functions, no I/O; each returns a :class:`Reason` whose
``evidence`` holds the same facts as data (spans into the page text, image digests, capture
ids) so pages can highlight and link them.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any, Final

from jingwang.classify.types import ImageScore, Label, PhraseHit, Reason

PHRASES_SHOWN: Final = 6  # phrases named in one reason; the rest are counted
IMAGES_SHOWN: Final = 3
IDENTIFIERS_SHOWN: Final = 5

CATEGORY_WORDS: Final[dict[str, tuple[str, str]]] = {
    "porn": ("色情", "porn"),
    "sex_services": ("色情服务", "sex services"),
    "gambling": ("赌博", "gambling"),
    "drugs": ("毒品", "drugs"),
    "fraud": ("诈骗", "fraud"),
    "good": ("正当语境", "good context"),
}
IDENTIFIER_WORDS: Final[dict[str, tuple[str, str]]] = {
    "qq": ("QQ 号", "QQ numbers"),
    "phone": ("电话号码", "phone numbers"),
    "sp_code": ("SP 服务代码", "SP service codes"),
    "channel_code": ("渠道代码", "channel codes"),
    "payment": ("支付链接", "payment links"),
    "analytics": ("统计代码", "analytics ids"),
    "icp": ("ICP 备案号", "ICP numbers"),
    "email": ("电子邮箱", "e-mail addresses"),
}
LABEL_WORDS: Final[dict[str, tuple[str, str]]] = {
    Label.PORN: ("色情", "porn"),
    Label.SUSPECT: ("疑似", "suspect"),
    Label.CLEAN: ("正常", "clean"),
    Label.UNKNOWN: ("无法判定", "unknown"),
}


def _upper_first(text: str) -> str:
    """ "QQ numbers" stays as it is ("capitalize" would lower the rest)."""
    return text[:1].upper() + text[1:]


def _phrase_word(hit: PhraseHit, zh: bool) -> str:
    shown = f"“{hit.phrase}”"
    # The page's own spelling, when it is not just the phrase (or one part of a combination).
    seen = next((text for text in hit.matched if text and text not in hit.phrase), None)
    if seen is not None:
        shown += f"（原文“{seen}”）" if zh else f" (as “{seen}”)"
    if hit.form == "pinyin":
        shown += "[拼音]" if zh else " [pinyin]"
    return f"{shown}×{hit.count}" if zh else f"{shown} ×{hit.count}"


def _phrase_list(hits: Sequence[PhraseHit], zh: bool) -> str:
    words = [_phrase_word(hit, zh) for hit in hits[:PHRASES_SHOWN]]
    rest = len(hits) - len(words)
    joined = ("、" if zh else ", ").join(words)
    if rest > 0:
        joined += f" 等另外 {rest} 个" if zh else f" and {rest} more"
    return joined


def hit_json(hit: PhraseHit) -> dict[str, Any]:
    return hit.to_json()


def lexicon_reason(
    category: str, hits: Sequence[PhraseHit], score: float, contribution: float, counted: bool
) -> Reason:
    """The phrases of one lexicon category that matched (strongest first)."""
    zh_name, en_name = CATEGORY_WORDS.get(category, (category, category))
    zh_list, en_list = _phrase_list(hits, True), _phrase_list(hits, False)
    if category == "good":
        zh = f"正当语境词语降低了分数（医疗、教育、新闻等）：{zh_list}"
        en = f"Good-context phrases (health, education, news…) lowered the score: {en_list}"
    elif counted:
        zh = f"命中{zh_name}类词语：{zh_list}"
        en = f"{_upper_first(en_name)} phrases matched: {en_list}"
    else:
        zh = f"命中{zh_name}类词语（仅作记录，不计入色情分数）：{zh_list}"
        en = (
            f"{_upper_first(en_name)} phrases matched (recorded, not counted towards porn): "
            f"{en_list}"
        )
    evidence = {
        "category": category,
        "score": score,
        "phrases": [hit_json(hit) for hit in hits],
    }
    return Reason(f"lexicon.{category}", zh, en, contribution, evidence)


def model_reason(logit: float | None, contribution: float, probability: float) -> Reason:
    """What the text model (and the calibration that combines it with the lexicon) added."""
    lean_zh = "倾向色情" if contribution > 0 else "倾向正常"
    lean_en = "towards porn" if contribution > 0 else "towards clean"
    if logit is None:
        zh = f"文本总体判定概率 {probability:.2f}（无文本模型，仅词库与校准）"
        en = f"Text probability {probability:.2f} overall (no text model: lexicon and calibration)"
        return Reason("text.base", zh, en, contribution, {"probability": probability})
    zh = f"文本模型（字符 n-gram）{lean_zh}，文本总体判定概率 {probability:.2f}"
    en = f"The text model (character n-grams) leans {lean_en}; text probability {probability:.2f}"
    return Reason(
        "model.text", zh, en, contribution, {"model_logit": logit, "probability": probability}
    )


def no_text_reason(contribution: float, prior: float) -> Reason:
    zh = f"页面几乎没有文字，仅依据图片判定（起点概率 {prior:.2f}）"
    en = f"The page has almost no text; it is judged on its images (starting at {prior:.2f})"
    return Reason("text.none", zh, en, contribution, {"prior": prior})


def _image_evidence(image: ImageScore) -> dict[str, Any]:
    return {
        "url": image.url,
        "digest": image.digest,
        "nsfw": image.nsfw,
        "width": image.width,
        "height": image.height,
        "thumbnail": image.thumbnail,
    }


def _size(image: ImageScore) -> str:
    return f"{image.width}×{image.height}" if image.width and image.height else "?"


def _image_words(images: Sequence[ImageScore]) -> tuple[str, str]:
    shown = images[:IMAGES_SHOWN]
    zh = "、".join(f"{i.url}（得分 {i.nsfw or 0:.2f}，{_size(i)}）" for i in shown)
    en = ", ".join(f"{i.url} (score {i.nsfw or 0:.2f}, {_size(i)})" for i in shown)
    rest = len(images) - len(shown)
    if rest > 0:
        zh += f" 等另外 {rest} 张"
        en += f" and {rest} more"
    return zh, en


def nsfw_reason(images: Sequence[ImageScore], contribution: float) -> Reason:
    """The page's large images that the open_nsfw model scored highest."""
    zh_list, en_list = _image_words(images)
    zh = f"图片经 open_nsfw 模型评分偏高：{zh_list}"
    en = f"Images scored high by the open_nsfw model: {en_list}"
    evidence = {"images": [_image_evidence(image) for image in images[:IMAGES_SHOWN]]}
    return Reason("image.nsfw", zh, en, contribution, evidence)


def thumbnails_reason(
    thumbnails: Sequence[ImageScore], high: Sequence[ImageScore], grid: bool, contribution: float
) -> Reason:
    """Small images: a thumbnail grid (many of them) or a few thumbnails."""
    if grid:
        zh = f"缩略图墙：{len(thumbnails)} 张缩略图中 {len(high)} 张得分偏高（需文字佐证）"
        en = (
            f"Thumbnail grid: {len(high)} of {len(thumbnails)} thumbnails score high "
            "(needs support from the text)"
        )
    else:
        zh_list, en_list = _image_words(high)
        zh = f"缩略图得分偏高：{zh_list}"
        en = f"Thumbnails scored high: {en_list}"
    evidence = {
        "grid": grid,
        "thumbnails": len(thumbnails),
        "high": len(high),
        "images": [_image_evidence(image) for image in high[:IMAGES_SHOWN]],
    }
    return Reason("image.grid" if grid else "image.thumbnails", zh, en, contribution, evidence)


def known_reason(image: ImageScore, contribution: float, counted: bool) -> Reason:
    """An image whose PDQ hash is within the distance of a known image's."""
    known = image.known
    assert known is not None
    zh = (
        f"图片 {image.url} 与已知图片 #{known.hash_id}（来源 {known.source}，标签 {known.label}）"
        f"匹配，PDQ 距离 {known.distance}"
    )
    en = (
        f"Image {image.url} matches known image #{known.hash_id} (source {known.source}, "
        f"label {known.label}) at PDQ distance {known.distance}"
    )
    if not counted:
        zh += "（该标签不计入色情分数）"
        en += " (that label does not count towards porn)"
    evidence = {**_image_evidence(image), "known": known.to_json(), "pdq": image.pdq}
    return Reason("image.known", zh, en, contribution, evidence)


def needs_text_reason(contribution: float, grid_only: bool) -> Reason:
    """The cap: images (other than a known one) cannot make a page porn without its text."""
    if grid_only:
        zh = "缩略图不能单独将页面判为色情：文字未达到疑似水平，分数保持在色情阈值之下"
        en = (
            "Thumbnails alone cannot make the page porn: the text is not suspect, so the "
            "score stays below the porn threshold"
        )
    else:
        zh = "仅凭图片模型不能将页面判为色情：文字未提供佐证，分数保持在色情阈值之下"
        en = (
            "The image model alone cannot make the page porn: the text does not support it, "
            "so the score stays below the porn threshold"
        )
    return Reason("rule.needs_text", zh, en, contribution, {"grid_only": grid_only})


def identifier_reasons(identifiers: Sequence[Mapping[str, Any]]) -> list[Reason]:
    """One informational reason per identifier kind (values, how many, where)."""
    by_kind: dict[str, list[Mapping[str, Any]]] = {}
    for item in identifiers:
        kind = str(item.get("kind", ""))
        if kind:
            by_kind.setdefault(kind, []).append(item)
    reasons = []
    order = list(IDENTIFIER_WORDS)
    for kind in sorted(by_kind, key=lambda k: order.index(k) if k in order else len(order)):
        items = by_kind[kind]
        values = list(dict.fromkeys(str(item.get("value", "")) for item in items))
        shown = values[:IDENTIFIERS_SHOWN]
        zh_name, en_name = IDENTIFIER_WORDS.get(kind, (kind, kind))
        more_zh = f" 等共 {len(values)} 个" if len(values) > len(shown) else ""
        more_en = f" ({len(values)} in all)" if len(values) > len(shown) else ""
        zh = f"页面上的{zh_name}：{'、'.join(shown)}{more_zh}（供溯源参考）"
        en = f"{_upper_first(en_name)} on the page: {', '.join(shown)}{more_en} (for attribution)"
        spans = [
            [item["start"], item["end"]]
            for item in items
            if isinstance(item.get("start"), int) and isinstance(item.get("end"), int)
        ]
        evidence = {"kind": kind, "values": values, "count": len(items), "spans": spans}
        reasons.append(Reason(f"identifiers.{kind}", zh, en, 0.0, evidence))
    return reasons


def unknown_reason(outcome: str, detail: str | None = None) -> Reason:
    """Why there was nothing to judge."""
    if outcome == "refused":
        zh, en = (
            "拨测被地址守卫拒绝，没有可判定的内容",
            "The probe was refused; there is nothing to judge",
        )
    elif outcome == "error":
        zh, en = "拨测失败，未取得页面", "The probe failed; no page was fetched"
    else:
        zh, en = "页面没有可判定的文字或图片", "The page has no text or images to judge"
    code = f"outcome.{outcome}" if outcome in ("refused", "error") else "text.empty"
    evidence = {"outcome": outcome, "detail": detail} if detail else {"outcome": outcome}
    return Reason(code, zh, en, 0.0, evidence)


def site_summary_reason(counts: Mapping[str, int], pages: int) -> Reason:
    """How many of the site's pages are porn, suspect, clean."""
    porn, suspect = counts.get(Label.PORN, 0), counts.get(Label.SUSPECT, 0)
    clean, unknown = counts.get(Label.CLEAN, 0), counts.get(Label.UNKNOWN, 0)
    zh = f"该站点 {pages} 个页面中：{porn} 个色情、{suspect} 个疑似、{clean} 个正常"
    en = f"Of the site's {pages} pages: {porn} porn, {suspect} suspect, {clean} clean"
    if unknown:
        zh += f"、{unknown} 个无法判定"
        en += f", {unknown} unknown"
    evidence = {"pages": pages, "counts": dict(counts)}
    return Reason("site.pages", zh, en, 0.0, evidence)


def site_page_reason(
    capture_id: int | None, label: str, score: float, top: Reason | None, contribution: float
) -> Reason:
    """One of the site's worst pages, with that page's strongest reason."""
    zh_label, en_label = LABEL_WORDS.get(label, (label, label))
    name_zh = f"采集 #{capture_id}" if capture_id is not None else "一个页面"
    name_en = f"capture #{capture_id}" if capture_id is not None else "a page"
    zh = f"{name_zh}判定为{zh_label}（分数 {score:.2f}）"
    en = f"{_upper_first(name_en)} is {en_label} (score {score:.2f})"
    if top is not None:
        zh += f"：{top.zh}"
        en += f": {top.en}"
    evidence: dict[str, Any] = {"capture_id": capture_id, "label": label, "score": score}
    if top is not None:
        evidence["reason"] = top.code
    return Reason("site.page", zh, en, contribution, evidence)


__all__ = [
    "CATEGORY_WORDS",
    "IDENTIFIER_WORDS",
    "LABEL_WORDS",
    "identifier_reasons",
    "known_reason",
    "lexicon_reason",
    "model_reason",
    "needs_text_reason",
    "no_text_reason",
    "nsfw_reason",
    "site_page_reason",
    "site_summary_reason",
    "thumbnails_reason",
    "unknown_reason",
]
