"""Word tables for the sample web: mild porn-like, benign and hard-negative topics, zh and en.

The porn-like tables are *words*, never explicit material, and nothing anywhere refers to
minors: :data:`FORBIDDEN_WORDS` lists what must never appear, and the tests scan every
generated page for it. Simplified tables are GB2312-safe; :data:`TRADITIONAL` is Big5-safe.

Hard negatives (sexual health, a lingerie shop, crackdown news) share words with the
porn-like tables on purpose: later detection work needs pages that look close but are benign.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum


class Topic(StrEnum):
    """What a page is about; the ground truth of its text."""

    PORN = "porn"
    NEWS = "news"
    WEATHER = "weather"
    NOVELS = "novels"
    RINGTONES = "ringtones"
    GAMES = "games"
    HEALTH = "health"  # hard negative: sexual health
    LINGERIE = "lingerie"  # hard negative: an underwear shop
    CRACKDOWN = "crackdown"  # hard negative: news about closing porn sites


BENIGN_TOPICS = (Topic.NEWS, Topic.WEATHER, Topic.NOVELS, Topic.RINGTONES, Topic.GAMES)
HARD_NEGATIVE_TOPICS = (Topic.HEALTH, Topic.LINGERIE, Topic.CRACKDOWN)


@dataclass(frozen=True)
class TopicWords:
    """One topic in one language: site titles, slugs, headlines, sentences and link labels."""

    titles: tuple[str, ...]
    slugs: tuple[str, ...]  # ASCII words for host names and paths
    headlines: tuple[str, ...]
    sentences: tuple[str, ...]
    links: tuple[str, ...]


ZH: dict[Topic, TopicWords] = {
    Topic.PORN: TopicWords(
        ("美女图片", "性感写真", "激情视频", "成人影院", "火辣美女"),
        ("meinv", "xiezhen", "jiqing", "chengren", "meitu"),
        ("性感美女写真", "激情视频免费看", "成人专区每日更新", "火辣美腿图片", "私房写真合集"),
        (
            "最新性感美女写真，高清大图每日更新。",
            "成人专区，激情视频在线观看，无需注册。",
            "火辣美腿丝袜图片，点击进入。",
            "诱惑写真，仅限成人浏览。",
            "美女私房照合集，手机看图更方便。",
        ),
        ("美女图片", "性感写真", "激情视频", "成人专区", "丝袜美腿", "下一页"),
    ),
    Topic.NEWS: TopicWords(
        ("手机新闻", "掌上资讯", "新闻快报"),
        ("xinwen", "zixun", "kuaibao"),
        ("国内要闻", "国际新闻", "财经快讯", "体育赛事", "科技动态"),
        (
            "今日国内要闻摘要，随时随地掌握最新消息。",
            "财经频道：股市收盘，沪指小幅上涨。",
            "体育频道：足球联赛第二十轮战报。",
            "科技频道：新款手机发布，支持无线上网。",
        ),
        ("国内", "国际", "财经", "体育", "科技", "更多新闻"),
    ),
    Topic.WEATHER: TopicWords(
        ("天气预报", "掌上天气"),
        ("tianqi", "yubao"),
        ("今日天气", "未来三天预报", "空气质量"),
        (
            "广州：多云转小雨，气温十八到二十四度。",
            "北京：晴，北风三级，气温零下二度到六度。",
            "上海：阴，有小雨，出门请带伞。",
        ),
        ("广州", "北京", "上海", "深圳", "城市列表"),
    ),
    Topic.NOVELS: TopicWords(
        ("免费小说", "手机书城", "小说连载"),
        ("xiaoshuo", "shucheng", "lianzai"),
        ("武侠小说", "玄幻小说", "都市言情", "历史军事", "最新章节"),
        (
            "第一章 风起云涌，江湖再起波澜。",
            "本书连载中，每日更新两章。",
            "热门推荐：都市言情小说排行榜。",
        ),
        ("上一章", "下一章", "目录", "书架", "排行榜"),
    ),
    Topic.RINGTONES: TopicWords(
        ("手机铃声", "彩铃下载"),
        ("lingsheng", "cailing"),
        ("流行铃声", "经典老歌", "搞笑铃声"),
        ("最新流行歌曲铃声免费下载。", "彩铃设置方法：回复数字选择。", "经典老歌铃声排行。"),
        ("流行", "经典", "搞笑", "下载", "排行"),
    ),
    Topic.GAMES: TopicWords(
        ("手机游戏", "游戏天地"),
        ("youxi", "wanle"),
        ("热门游戏", "单机游戏", "游戏攻略"),
        (
            "斗地主、象棋、贪吃蛇，经典游戏免费玩。",
            "游戏攻略：第三关通关技巧。",
            "新游上线，下载即玩。",
        ),
        ("斗地主", "象棋", "贪吃蛇", "攻略", "下载"),
    ),
    Topic.HEALTH: TopicWords(
        ("两性健康", "健康咨询"),
        ("jiankang", "yisheng"),
        ("性健康知识", "避孕常识", "性病防治"),
        (
            "性健康知识讲座：正确认识两性健康。",
            "避孕常识问答，由医院专家解答。",
            "性病防治指南，请到正规医院就诊。",
        ),
        ("健康知识", "专家问答", "医院查询"),
    ),
    Topic.LINGERIE: TopicWords(
        ("内衣商城", "时尚内衣"),
        ("neiyi", "shangcheng"),
        ("新款文胸", "丝袜特卖", "睡衣专区"),
        ("时尚内衣新品上市，全场包邮。", "丝袜特卖，满百元减二十。", "舒适睡衣，多种颜色可选。"),
        ("文胸", "丝袜", "睡衣", "购物车"),
    ),
    Topic.CRACKDOWN: TopicWords(
        ("扫黄打非", "整治快讯"),
        ("saohuang", "zhengzhi"),
        ("整治手机淫秽色情专项行动", "关闭违法网站", "通报典型案例"),
        (
            "整治手机淫秽色情专项行动取得阶段性成果。",
            "公安机关依法关闭一批传播色情内容的网站。",
            "举报淫秽色情信息，请拨打举报电话。",
        ),
        ("通知公告", "举报中心", "典型案例"),
    ),
}

EN: dict[Topic, TopicWords] = {
    Topic.PORN: TopicWords(
        ("Hot Models", "Adult Videos", "Sexy Photos"),
        ("hotmodels", "adultvid", "sexypics"),
        ("Hot models gallery", "Adult videos updated daily", "Sexy photo sets"),
        (
            "Hot models and sexy photo sets, updated every day.",
            "Adult videos for adults only, watch on your phone.",
            "Erotic gallery: click to enter, 18+ only.",
        ),
        ("Hot models", "Adult videos", "Sexy photos", "Next page"),
    ),
    Topic.NEWS: TopicWords(
        ("Mobile News",),
        ("news",),
        ("Top stories", "Business", "Sport"),
        ("Top stories of the day on your phone.", "Markets closed slightly higher."),
        ("Home", "World", "Business", "Sport"),
    ),
    Topic.WEATHER: TopicWords(
        ("Weather Now",),
        ("weather",),
        ("Today", "Three-day forecast"),
        ("Cloudy with light rain, 18 to 24 degrees.", "Sunny, light wind."),
        ("Cities", "Forecast"),
    ),
    Topic.HEALTH: TopicWords(
        ("Sexual Health Clinic",),
        ("clinic",),
        ("Sexual health advice", "Contraception questions"),
        ("Sexual health advice from doctors.", "Answers about contraception and safe sex."),
        ("Advice", "Find a clinic"),
    ),
}

# Big5 pages (Taiwan and Hong Kong style sites): traditional characters, sentences per topic.
TRADITIONAL: dict[Topic, tuple[str, ...]] = {
    Topic.PORN: (
        "性感美女寫真，每日更新。",
        "成人專區，激情影片線上看。",
        "火辣美腿圖片，點擊進入。",
    ),
    Topic.NEWS: ("今日新聞摘要。", "財經頻道：股市收盤小幅上漲。", "體育頻道：足球聯賽戰報。"),
    Topic.WEATHER: ("台北：多雲，氣溫二十度。", "香港：晴，天氣炎熱。"),
    Topic.NOVELS: ("武俠小說連載中。", "第一章 風起雲湧。"),
    Topic.RINGTONES: ("流行鈴聲免費下載。",),
    Topic.GAMES: ("手機遊戲免費玩。",),
    Topic.HEALTH: ("兩性健康知識講座。",),
    Topic.LINGERIE: ("時尚內衣新品上市。",),
    Topic.CRACKDOWN: ("警方依法關閉色情網站。",),
}
TRADITIONAL_TITLES: dict[Topic, str] = {
    Topic.PORN: "美女寫真",
    Topic.NEWS: "手機新聞",
    Topic.WEATHER: "天氣預報",
    Topic.NOVELS: "小說天地",
    Topic.RINGTONES: "手機鈴聲",
    Topic.GAMES: "手機遊戲",
    Topic.HEALTH: "兩性健康",
    Topic.LINGERIE: "內衣商城",
    Topic.CRACKDOWN: "掃黃快訊",
}

# SP (value-added service) billing lines: "send XX to 1066xxxx" and the fee.
SP_LINES = (
    "发送 {word} 到 {code} 订阅，信息费2元/条。",
    "编辑短信 {word} 发送至 {code}，包月5元，不含通信费。",
    "回复 {word} 到 {code} 即可下载，资费1元/次。",
)
SP_WORDS = ("MM", "TP", "KK", "A8", "LS", "88")

# Words that must never appear on any generated page (checked by the tests). Lower-case.
FORBIDDEN_WORDS = (
    "少女",
    "幼",
    "童",
    "萝莉",
    "蘿莉",
    "学生",
    "學生",
    "校园",
    "校園",
    "校花",
    "女生",
    "学妹",
    "學妹",
    "未成年",
    "小学",
    "中学",
    "初中",
    "高中",
    "嫩",
    "teen",
    "school",
    "student",
    "loli",
    "child",
    "kid",
    "minor",
    "underage",
    "young",
    "youth",
    "girl",
    "baby",
)

__all__ = [
    "BENIGN_TOPICS",
    "EN",
    "FORBIDDEN_WORDS",
    "HARD_NEGATIVE_TOPICS",
    "SP_LINES",
    "SP_WORDS",
    "TRADITIONAL",
    "TRADITIONAL_TITLES",
    "ZH",
    "Topic",
    "TopicWords",
]
