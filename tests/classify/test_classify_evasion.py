"""The bundled lexicon against filter evasion, and against the pages it must leave alone.

Every evasion trick pages use must still be found, with a span that highlights exactly what the
page shows; every class of hard negative (sexual health, crackdown news, lingerie shops, adult
education, sex education, English words that contain a porn word) must stay at a porn score of
at most zero, far below what a porn advert scores.
"""

from __future__ import annotations

import pytest

from jingwang.classify.text.lexicon import Lexicon, load_lexicon
from jingwang.classify.types import LexiconScore, PhraseHit


@pytest.fixture(scope="module")
def lexicon() -> Lexicon:
    return load_lexicon()


def find(score: LexiconScore, phrase: str) -> PhraseHit:
    for hit in score.hits:
        if hit.phrase == phrase:
            return hit
    raise AssertionError(f"{phrase!r} not among {[hit.phrase for hit in score.hits]}")


@pytest.mark.parametrize(
    ("trick", "text", "phrase", "snippet", "form"),
    [
        ("traditional", "最新色情電影免費看", "色情电影", "色情電影", "text"),
        ("traditional", "成人影片線上看", "成人视频", "成人影片", "text"),
        ("hong kong", "旺角一樓一鳳", "一楼一凤", "一樓一鳳", "text"),
        ("full-width", "免费ｓｅｘ视频", "<sex>", "ｓｅｘ", "text"),
        ("full-width", "Ｐｏｒｎ ｖｉｄｅｏｓ", "<porn videos>", "Ｐｏｒｎ ｖｉｄｅｏｓ", "text"),
        ("mathematical letters", "𝐟𝐫𝐞𝐞 𝐩𝐨𝐫𝐧", "<free porn>", "𝐟𝐫𝐞𝐞 𝐩𝐨𝐫𝐧", "text"),
        ("inserted symbols", "看色.情网", "色情", "色.情", "text"),
        ("inserted spaces", "色 情 小 说", "色情小说", "色 情 小 说", "text"),
        ("inserted hyphens", "free s-e-x cams", "<sex>", "s-e-x", "text"),
        ("inserted stars", "色*情*视*频", "色情视频", "色*情*视*频", "text"),
        ("inserted emoji", "约😘炮", "约炮", "约😘炮", "text"),
        ("pinyin", "seqing dianying", "色情", "seqing", "pinyin"),
        ("pinyin", "免费 se qing 网站", "色情", "se qing", "pinyin"),
        ("pinyin", "av nv you 合集", "<av女优>", "av nv you", "pinyin"),
        ("pinyin", "同城 yue pao", "约炮", "yue pao", "pinyin"),
        ("homophone", "涩情图片", "色情", "涩情", "pinyin"),
        ("homophone", "瑟情直播", "色情", "瑟情", "pinyin"),
        ("homophone", "裸撩交友", "裸聊", "裸撩", "pinyin"),
        ("split characters", "强女干", "强奸", "强女干", "text"),
        ("split characters", "约火包", "约炮", "约火包", "text"),
        ("repeated characters", "色色色色情网站", "色情网站", "色情网站", "text"),
        ("repeated characters", "黄黄黄片", "黄片", "黄片", "text"),
        ("mixed", "免 費 成 人 視 頻", "成人视频", "成 人 視 頻", "text"),
    ],
)
def test_evasion_is_found_and_highlighted_exactly(
    lexicon: Lexicon, trick: str, text: str, phrase: str, snippet: str, form: str
) -> None:
    hit = find(lexicon.scan_text(text), phrase)
    assert hit.form == form, trick
    assert snippet in hit.matched, trick
    assert all(
        text[start:end] == seen for (start, end), seen in zip(hit.spans, hit.matched, strict=True)
    )


ADVERTS = [
    "免费成人视频在线看，高清无码，色情电影每日更新，av女优合集",
    "同城约炮 一夜情 上门服务 美女包夜 QQ 12345678",
    "裸聊直播间 激情视频 午夜福利 宅男福利 黄片网站",
    "Free porn videos, xxx sex cams, hot milf and hentai updated daily",
]


@pytest.mark.parametrize("advert", ADVERTS)
def test_porn_adverts_score_high(lexicon: Lexicon, advert: str) -> None:
    assert lexicon.scan_text(advert).porn_score >= 150


HARD_NEGATIVES = {
    "sexual health": "性病防治中心提醒：预防艾滋病，定期妇科检查和乳腺癌筛查，避孕咨询请到门诊。",
    "sexual health en": "Sexual health clinic: STI testing, contraception, HIV prevention.",
    "medical en": "Breast cancer screening: book a mammogram with your doctor.",
    "crackdown": "严厉打击色情网站",
    "crackdown news": "公安机关开展净网行动，严厉打击色情网站，依法查处传播淫秽物品的犯罪嫌疑人。",
    "crackdown news 2": "扫黄打非办公室通报：打击淫秽色情信息，举报电话12390。",
    "crackdown en": "Police crackdown on illegal porn sites: three arrested, prosecutors say.",
    "lingerie shop": "新款蕾丝文胸 性感内衣 无钢圈 聚拢 尺码表 包邮 加入购物车",
    "lingerie shop en": "Lace lingerie, bras in every cup size. Size guide, free shipping.",
    "adult education": "2025年成人高考报名入口：成人教育、自考、专升本招生简章",
    "adult education en": "Adult education: evening classes for adult learners, enrol now.",
    "sex education": "开展性教育，普及生殖健康和两性健康知识，倡导两性交往中的相互尊重",
    "sex education en": "Sex education and sexual health resources for adults.",
    "ordinary words": "红色情怀 一起做爱心公益 个性爱好 进出口交易会 路口交通",
    "english words": "Sussex Essex Middlesex sextant therapist analysis cocktail Scunthorpe",
}


@pytest.mark.parametrize(("kind", "text"), sorted(HARD_NEGATIVES.items()))
def test_hard_negatives_stay_at_or_below_zero(lexicon: Lexicon, kind: str, text: str) -> None:
    score = lexicon.scan_text(text)
    assert score.porn_score <= 0, (kind, [(hit.phrase, hit.weight) for hit in score.hits])


def test_hard_negatives_score_far_below_adverts(lexicon: Lexicon) -> None:
    worst = max(lexicon.scan_text(text).porn_score for text in HARD_NEGATIVES.values())
    least = min(lexicon.scan_text(text).porn_score for text in ADVERTS)
    assert least - worst >= 150


def test_english_words_containing_porn_words_find_nothing(lexicon: Lexicon) -> None:
    assert lexicon.scan_text(HARD_NEGATIVES["english words"]).hits == ()


def test_split_characters_never_rewrite_ordinary_words(lexicon: Lexicon) -> None:
    assert lexicon.scan_text("女干部 身寸 女支持者").porn_score == 0
