"""The verdict rules on hand-made scores: no model, no database.

Each test builds the text score and image scores a page would get and checks one rule of
:mod:`jingwang.classify.verdict`; the property tests check the rules that must hold whatever
the thresholds are. The last tests judge texts through the :class:`Classifier` facade: on a
small lexicon written for the tests (no text or image model), and once with the bundled
lexicon and text model.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

import pytest
from hypothesis import given
from hypothesis import strategies as st
from verdictkit import lexicon_classifier

from jingwang.classify.classifier import IMAGES_OFF, Classifier, thresholds_from, versions_key
from jingwang.classify.types import (
    ImageScore,
    KnownMatch,
    Label,
    LexiconScore,
    PhraseHit,
    TextScore,
    Thresholds,
    Verdict,
)
from jingwang.classify.verdict import (
    VERDICT_VERSION,
    decide_page,
    decide_site,
    logit,
)
from jingwang.errors import ConfigError
from jingwang.settings import Settings

THRESHOLDS = Thresholds(porn=0.7, suspect=0.3)
VERSIONS = {"lexicon": "lex-test", "text_model": "txt-test", "image_model": "img-test"}
QQ = {"kind": "qq", "value": "12345678", "raw": "QQ 12345678", "start": 20, "end": 31}
PHONE = {"kind": "phone", "value": "13800138000", "raw": "13800138000", "start": 40, "end": 51}


def hit(phrase: str, category: str, weight: int, count: int = 1, matched: str = "") -> PhraseHit:
    return PhraseHit(
        phrase=phrase,
        category=category,
        weight=weight,
        count=count,
        spans=((0, len(phrase)),),
        matched=(matched or phrase,),
        source="test.lex",
    )


def text(probability: float, *hits: PhraseHit, length: int = 200) -> TextScore:
    categories: dict[str, float] = {}
    for one in hits:
        categories[one.category] = categories.get(one.category, 0.0) + one.weight * one.count
    lexicon = LexiconScore(categories=categories, hits=tuple(hits), version="lex-test")
    return TextScore(
        probability=probability,
        lexicon=lexicon,
        model_logit=logit(probability),
        length=length,
        versions={"lexicon": "lex-test", "text_model": "txt-test"},
    )


def image(
    nsfw: float | None,
    *,
    side: int = 600,
    url: str = "http://m.hot.test/a.jpg",
    known: KnownMatch | None = None,
    error: str | None = None,
) -> ImageScore:
    return ImageScore(
        url=url,
        digest=f"{hash(url) & 0xFFFFFFFF:064x}",
        media_type="image/jpeg",
        width=side,
        height=side,
        nsfw=nsfw,
        pdq="0" * 64,
        pdq_quality=100,
        known=known,
        thumbnail=side <= 200,
        error=error,
    )


def grid(count: int, nsfw: float) -> list[ImageScore]:
    return [image(nsfw, side=120, url=f"http://m.hot.test/t{i}.jpg") for i in range(count)]


def page(
    score: TextScore | None,
    images: Sequence[ImageScore] = (),
    *,
    outcome: str = "ok",
    thresholds: Thresholds = THRESHOLDS,
    identifiers: Sequence[dict[str, object]] = (),
) -> Verdict:
    return decide_page(
        text=score,
        images=images,
        identifiers=identifiers,
        thresholds=thresholds,
        versions=VERSIONS,
        grid_min_images=6,
        outcome=outcome,
    )


def codes(verdict: Verdict) -> list[str]:
    return [reason.code for reason in verdict.reasons]


def contributions_add_up(verdict: Verdict) -> bool:
    total = sum(reason.contribution for reason in verdict.reasons)
    return math.isclose(total, logit(verdict.score), abs_tol=1e-6)


PORN_TEXT = text(
    0.97, hit("成人视频", "porn", 120, 3, matched="成人視頻"), hit("约炮", "sex_services", 100)
)


def test_a_clear_porn_text_alone_is_porn_and_names_its_phrases() -> None:
    verdict = page(PORN_TEXT, identifiers=[QQ])
    assert verdict.label is Label.PORN
    assert verdict.score >= THRESHOLDS.porn
    first = verdict.reasons[0]
    assert first.code == "lexicon.porn"
    assert "“成人视频”" in first.zh
    assert "×3" in first.zh
    assert "成人視頻" in first.zh
    assert "“成人视频”" in first.en
    assert "×3" in first.en
    assert first.contribution > 0
    assert first.evidence["phrases"][0]["phrase"] == "成人视频"
    assert "lexicon.sex_services" in codes(verdict)
    assert verdict.versions["verdict"] == VERDICT_VERSION
    assert verdict.versions["lexicon"] == "lex-test"
    assert contributions_add_up(verdict)


def test_a_hard_negative_is_clean_and_good_context_lowers_the_score() -> None:
    health = text(0.04, hit("色情", "porn", 60), hit("性健康", "good", -80, 2))
    verdict = page(health)
    assert verdict.label is Label.CLEAN
    good = next(r for r in verdict.reasons if r.code == "lexicon.good")
    assert good.contribution < 0
    assert "“性健康”×2" in good.zh
    assert "lowered" in good.en
    assert contributions_add_up(verdict)


def test_a_single_large_nsfw_image_lifts_a_neutral_page_to_suspect_not_porn() -> None:
    neutral = text(0.05)
    for nsfw in (0.85, 0.95, 0.9999):
        verdict = page(neutral, [image(nsfw)])
        assert verdict.label is Label.SUSPECT, nsfw
        assert "image.nsfw" in codes(verdict)
        assert contributions_add_up(verdict)
    capped = page(neutral, [image(0.9999)])
    rule = next(r for r in capped.reasons if r.code == "rule.needs_text")
    assert rule.contribution < 0
    assert not rule.evidence["grid_only"]
    assert page(neutral, [image(0.2)]).label is Label.CLEAN  # a harmless picture adds nothing


def test_a_large_nsfw_image_with_weakly_supportive_text_is_porn() -> None:
    weak = text(0.2, hit("性感", "porn", 20))  # under the suspect threshold, over half of it
    assert page(weak).label is Label.CLEAN
    verdict = page(weak, [image(0.9)])
    assert verdict.label is Label.PORN
    nsfw = next(r for r in verdict.reasons if r.code == "image.nsfw")
    assert nsfw.evidence["images"][0]["url"] == "http://m.hot.test/a.jpg"
    assert "0.90" in nsfw.zh
    assert "600×600" in nsfw.en
    assert "rule.needs_text" not in codes(verdict)
    assert contributions_add_up(verdict)


def test_a_thumbnail_grid_alone_never_makes_a_page_porn() -> None:
    for score in (None, text(0.1), text(0.25)):
        verdict = page(score, grid(12, 0.99))
        assert verdict.label is not Label.PORN
        assert "image.grid" in codes(verdict)
    capped = page(text(0.25), grid(12, 0.99))
    assert capped.label is Label.SUSPECT
    assert next(r for r in capped.reasons if r.code == "rule.needs_text").evidence["grid_only"]
    assert contributions_add_up(capped)


def test_a_thumbnail_grid_with_suspect_text_may_be_porn() -> None:
    suspect = text(0.5, hit("激情", "porn", 40))
    assert page(suspect).label is Label.SUSPECT
    verdict = page(suspect, grid(12, 0.99))
    assert verdict.label is Label.PORN
    grid_reason = next(r for r in verdict.reasons if r.code == "image.grid")
    assert grid_reason.evidence == {**grid_reason.evidence, "thumbnails": 12, "high": 12}
    assert "12" in grid_reason.zh
    assert "Thumbnail grid" in grid_reason.en


def test_a_known_image_makes_the_page_porn_by_itself() -> None:
    match = KnownMatch(hash_id=7, label="porn", source="hotline-list", distance=4)
    verdict = page(None, [image(0.1, known=match)])
    assert verdict.label is Label.PORN
    assert verdict.score >= 0.99
    first = verdict.reasons[0]
    assert first.code == "image.known"
    assert "#7" in first.zh
    assert "hotline-list" in first.en
    assert "distance 4" in first.en
    assert first.evidence["known"]["hash_id"] == 7
    assert contributions_add_up(verdict)


def test_a_known_image_of_another_label_is_only_reported() -> None:
    match = KnownMatch(hash_id=8, label="logo", source="brands", distance=0)
    verdict = page(text(0.05), [image(0.1, known=match)])
    assert verdict.label is Label.CLEAN
    known = next(r for r in verdict.reasons if r.code == "image.known")
    assert known.contribution == 0.0


def test_nothing_to_judge_is_unknown_with_score_zero() -> None:
    for outcome in ("refused", "error"):
        verdict = page(PORN_TEXT, [image(0.99)], outcome=outcome)
        assert (verdict.label, verdict.score) == (Label.UNKNOWN, 0.0)
        assert codes(verdict) == [f"outcome.{outcome}"]
    empty = page(text(0.5, length=3), [image(None, error="not an image")])
    assert (empty.label, empty.score, codes(empty)) == (Label.UNKNOWN, 0.0, ["text.empty"])
    assert page(None).label is Label.UNKNOWN
    short_hit = page(text(0.9, hit("色情", "porn", 100), length=4))  # short, but it says a lot
    assert short_hit.label is Label.PORN


def test_an_image_only_page_is_judged_on_its_images() -> None:
    verdict = page(None, [image(0.95)])
    assert verdict.label is Label.SUSPECT
    assert "text.none" in codes(verdict)


def test_reasons_are_in_both_languages_strongest_first_identifiers_last() -> None:
    verdict = page(PORN_TEXT, [image(0.9)], identifiers=[QQ, PHONE, dict(QQ)])
    assert all(reason.zh and reason.en for reason in verdict.reasons)
    scored = [r for r in verdict.reasons if not r.code.startswith("identifiers.")]
    strengths = [abs(r.contribution) for r in scored]
    assert strengths == sorted(strengths, reverse=True)
    assert codes(verdict)[-2:] == ["identifiers.qq", "identifiers.phone"]
    qq = verdict.reasons[-2]
    assert qq.contribution == 0.0
    assert qq.evidence["values"] == ["12345678"]
    assert qq.evidence["count"] == 2
    assert "12345678" in qq.zh
    assert "QQ numbers" in qq.en
    assert qq.evidence["spans"][0] == [20, 31]


def test_other_categories_are_recorded_without_counting() -> None:
    gambling = text(0.05, hit("百家乐", "gambling", 100, 4))
    verdict = page(gambling)
    reason = next(r for r in verdict.reasons if r.code == "lexicon.gambling")
    assert reason.contribution == 0.0
    assert "不计入" in reason.zh
    assert "not counted" in reason.en
    assert verdict.label is Label.CLEAN


def test_an_attribution_decides_each_categorys_share() -> None:
    verdict = decide_page(
        text=PORN_TEXT,
        images=(),
        identifiers=(),
        thresholds=THRESHOLDS,
        versions=VERSIONS,
        grid_min_images=6,
        attribution={"porn": 2.5, "sex_services": 1.0},
    )
    shares = {r.code: r.contribution for r in verdict.reasons}
    assert shares["lexicon.porn"] == 2.5
    assert shares["lexicon.sex_services"] == 1.0
    assert math.isclose(shares["model.text"], logit(0.97) - 3.5)
    assert verdict.to_json()["reasons"][0]["code"] == "lexicon.porn"


@given(
    suspect=st.floats(0.05, 0.6),
    gap=st.floats(0.05, 0.35),
    p=st.floats(0.0, 1.0),
    nsfw=st.floats(0.8, 1.0),
)
def test_the_image_rules_hold_whatever_the_thresholds(
    suspect: float, gap: float, p: float, nsfw: float
) -> None:
    thresholds = Thresholds(porn=min(suspect + gap, 0.95), suspect=suspect)
    score = text(p)
    with_image = page(score, [image(nsfw)], thresholds=thresholds)
    assert with_image.label in (Label.SUSPECT, Label.PORN)
    if p >= 0.5 * suspect:
        assert with_image.label is Label.PORN
    with_grid = page(score, grid(10, nsfw), thresholds=thresholds)
    if p < suspect:
        assert with_grid.label is not Label.PORN
    match = KnownMatch(hash_id=1, label="porn", source="list", distance=0)
    assert page(score, [image(0.0, known=match)], thresholds=thresholds).label is Label.PORN
    assert 0.0 <= with_image.score <= 1.0
    assert contributions_add_up(with_image)
    assert contributions_add_up(with_grid)


def _verdict(label: Label, score: float) -> Verdict:
    return Verdict(label, score, THRESHOLDS, (), {})


def test_a_site_is_as_bad_as_its_worst_page() -> None:
    pages = [page(text(0.05)), page(PORN_TEXT), page(text(0.5)), page(None, outcome="refused")]
    site = decide_site(pages, thresholds=THRESHOLDS, versions=VERSIONS, page_ids=[11, 12, 13, 14])
    assert site.label is Label.PORN
    assert site.score == pages[1].score
    assert site.reasons[0].code == "site.page"
    assert site.reasons[0].evidence["capture_id"] == 12
    assert [r.evidence.get("capture_id") for r in site.reasons if r.code == "site.page"] == [
        12,
        13,
        11,
    ]
    summary = next(r for r in site.reasons if r.code == "site.pages")
    assert summary.evidence["counts"] == {"clean": 1, "porn": 1, "suspect": 1, "unknown": 1}
    assert "1 个色情" in summary.zh
    assert "1 porn" in summary.en
    assert "#12" in site.reasons[0].zh
    assert site.versions["verdict"] == VERDICT_VERSION


def test_a_site_of_unknown_pages_is_unknown() -> None:
    site = decide_site(
        [_verdict(Label.UNKNOWN, 0.0)], thresholds=THRESHOLDS, versions=VERSIONS, page_ids=[1]
    )
    assert (site.label, site.score) == (Label.UNKNOWN, 0.0)
    assert decide_site([], thresholds=THRESHOLDS, versions=VERSIONS).label is Label.UNKNOWN


# The classifier facade on a small lexicon (no text model, no image model, no database) -------


def test_the_classifier_judges_a_text_with_its_identifiers() -> None:
    classifier = lexicon_classifier()
    verdict = classifier.judge_text("免费成人視頻在线看，同城約炮，加 QQ 12345678")
    assert verdict.label is Label.PORN
    codes_seen = codes(verdict)
    assert codes_seen[0].startswith("lexicon.")
    assert "identifiers.qq" in codes_seen
    phrases = next(r for r in verdict.reasons if r.code == "lexicon.porn").evidence["phrases"]
    assert phrases[0]["matched"] == ["成人視頻"]  # the traditional spelling, as written
    assert verdict.versions == classifier.versions
    assert (
        classifier.judge_text("今天多云转晴，气温十八到二十五度，适合出行。").label is Label.CLEAN
    )
    assert classifier.judge_text("？！ …").label is Label.UNKNOWN
    assert classifier.judge_text("好的").label is Label.UNKNOWN  # too short, no hit


def test_the_attribution_is_what_each_category_adds() -> None:
    classifier = lexicon_classifier()
    health = "性健康讲座介绍查处色情网站的案例，提醒市民防范。"
    score = classifier.text(health)
    shares = classifier.text_attribution(score)
    assert shares["good"] < 0 < shares["porn"]
    verdict = classifier.judge_text(health)
    assert verdict.label is Label.CLEAN
    assert contributions_add_up(verdict)


def test_versions_name_the_classifier() -> None:
    classifier = lexicon_classifier()
    assert set(classifier.versions) == {
        "normalizer",
        "lexicon",
        "text_model",
        "image_model",
        "verdict",
    }
    assert classifier.versions["image_model"] == IMAGES_OFF
    assert classifier.versions["verdict"] == VERDICT_VERSION
    assert len(classifier.versions_key) == 16
    assert versions_key(dict(reversed(classifier.versions.items()))) == classifier.versions_key
    assert versions_key({**classifier.versions, "lexicon": "lex-other"}) != classifier.versions_key


def test_settings_thresholds_override_the_models_own(settings: Settings) -> None:
    own = Thresholds(porn=0.8, suspect=0.3)
    assert thresholds_from(settings, own) == own
    tighter = settings.model_copy(update={"classify_porn_threshold": 0.9})
    assert thresholds_from(tighter, own) == Thresholds(porn=0.9, suspect=0.3)
    crossed = settings.model_copy(update={"classify_suspect_threshold": 0.95})
    with pytest.raises(ConfigError) as refused:
        thresholds_from(crossed, own)
    assert "classify_suspect_threshold" in refused.value.message


def test_the_bundled_classifier_explains_a_verdict_with_exact_shares(settings: Settings) -> None:
    classifier = Classifier.from_settings(settings)
    verdict = classifier.judge_text("免费成人视频在线看，同城约炮，裸聊视频。加 QQ 12345678")
    assert verdict.label is Label.PORN
    assert contributions_add_up(verdict)
    shares = {r.code: r.contribution for r in verdict.reasons}
    assert shares["lexicon.porn"] > 0
    assert shares["lexicon.sex_services"] > 0
    health = classifier.judge_text("区卫生院举办性健康讲座，介绍扫黄打非行动中查处的色情网站案例。")
    assert health.label is Label.CLEAN
    assert next(r for r in health.reasons if r.code == "lexicon.good").contribution < 0
    assert contributions_add_up(health)
