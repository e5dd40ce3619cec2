"""Write ``datasets/dev.jsonl``, the development set of jingwang's text detector.

The set is made from templates and word pools written for it, filled by a seeded random
generator, plus the hand-written lines at the end of this file, followed by every line of
``dev-hand.jsonl`` (hand-written examples kept as data, checked on the way in). The same script
always writes the same file: run ``.venv/bin/python datasets/make_dev.py`` after changing it or
``dev-hand.jsonl``.

What it holds (see ``datasets/README.md``): porn-site and sex-service advertising lines as
mobile spam shows them, every evasion trick the normaliser must undo (traditional characters,
full-width letters, symbols between characters, pinyin, homophones, split characters, repeated
characters, leetspeak), ordinary mobile pages, and hard negatives that share words with porn
(medical, crackdown news, lingerie, adult education, sex education, English words that
contain "sex" or similar, art and biology). Short and non-graphic; nothing involves minors.
"""

from __future__ import annotations

import json
import random
import re
import sys
from collections.abc import Callable, Sequence
from pathlib import Path

import opencc

SEED = 20240606
OUT = Path(__file__).with_name("dev.jsonl")
# Hand-written examples kept as data (one JSON object a line, ids devh-NNNN); appended to the
# generated rows as they are.
HAND_FILE = Path(__file__).with_name("dev-hand.jsonl")
FIELDS = ("id", "text", "label", "kind", "lang", "source")

Slot = Sequence[str] | Callable[[random.Random], str]
Slots = dict[str, Slot]


# --- slot helpers ------------------------------------------------------------------------


def digits(rng: random.Random, n: int) -> str:
    return "".join(rng.choice("0123456789") for _ in range(n))


def qq(rng: random.Random) -> str:
    return str(rng.randint(1, 9)) + digits(rng, rng.randint(6, 9))


def mobile(rng: random.Random) -> str:
    return "1" + rng.choice("3578") + digits(rng, 9)


def wechat(rng: random.Random) -> str:
    return rng.choice(["mm", "vip", "love", "xx", "hot", "kk", "yy", "aa", "sweet"]) + digits(
        rng, rng.randint(3, 6)
    )


def landline(rng: random.Random) -> str:
    return (
        rng.choice(["010", "021", "020", "0755", "0571", "028", "027", "025"])
        + "-"
        + (digits(rng, 8))
    )


def en_phone(rng: random.Random) -> str:
    return f"({rng.randint(200, 989)}) {rng.randint(200, 989)}-{digits(rng, 4)}"


def porn_domain(rng: random.Random) -> str:
    stem = rng.choice(["av", "se", "xx", "hs", "yy", "sex", "69", "91", "porn", "hot", "mm"])
    return f"{rng.choice(['www.', 'm.', 'wap.', ''])}{stem}{digits(rng, rng.randint(1, 4))}.test"


def clean_domain(rng: random.Random) -> str:
    stem = rng.choice(["news", "sina", "sports", "weather", "shop", "game", "music", "book"])
    return f"{rng.choice(['m.', 'wap.', '3g.'])}{stem}{rng.choice(['', '', digits(rng, 2)])}.test"


def number(low: int, high: int) -> Callable[[random.Random], str]:
    return lambda rng: str(rng.randint(low, high))


# Word pools and templates are tables: one line holds many short entries.
# fmt: off
CITIES_ZH = [
    "北京", "上海", "广州", "深圳", "东莞", "杭州", "成都", "重庆", "武汉", "南京", "西安", "长沙",
    "郑州", "天津", "苏州", "厦门", "福州", "昆明", "沈阳", "青岛", "佛山", "合肥",
]
CITIES_EN = [
    "London", "Manchester", "Las Vegas", "Miami", "Toronto", "Sydney", "Berlin", "Dubai", "Houston",
    "Leeds", "Dallas", "Chicago", "Atlanta", "Vancouver", "Glasgow", "Phoenix",
]
PRICES = ["5", "9.9", "10", "15", "19", "20", "29", "30", "38", "50", "58", "88", "99", "128"]

# --- Chinese positives ----------------------------------------------------------------------

PORN_ZH = [
    "成人视频", "成人电影", "成人影院", "色情片", "色情视频", "色情网站", "黄色网站", "黄色视频",
    "黄片", "毛片", "三级片", "A片", "AV在线", "日韩AV", "欧美AV", "国产AV", "无码视频", "高清无码",
    "激情视频", "激情电影", "午夜影院", "午夜福利", "福利视频", "裸体写真", "裸照", "性爱视频",
    "做爱视频", "情色电影", "成人动漫", "成人小说", "色情小说", "自拍偷拍", "偷拍视频", "黄色直播",
    "成人直播", "裸体直播", "色情直播", "AV女优", "成人网站", "色站", "黄网", "一级片", "伦理片",
    "H动漫", "成人图片", "艳照", "情色图片", "激情图片", "成人影片",
]
SERVICES_ZH = [
    "同城约炮", "约炮", "一夜情", "裸聊", "美女裸聊", "视频裸聊", "上门服务", "楼凤", "全套服务",
    "包夜服务", "特殊服务", "外围女", "外围模特", "小姐上门", "找小姐", "兼职女", "一条龙服务",
    "桑拿会所", "莞式服务", "上门按摩", "品茶空降", "包养", "同城寂寞交友", "付费约会",
]
ACTORS_ZH = [
    "美女", "人妻", "熟女", "主播", "模特", "空姐", "性感美女", "寂寞人妻", "极品美女", "网红",
    "白领", "御姐", "女主播", "车模",
]
ADS_ZH = [
    "免费观看", "在线观看", "在线看", "免费下载", "高清", "无需注册", "无广告", "每日更新",
    "点击进入", "立即观看", "手机直接看", "不卡顿", "最新", "永久免费", "独家", "抢先看", "秒播",
    "全集", "极速播放", "无需下载", "中文字幕", "免费试看", "手机版",
]
TRAITS_ZH = [
    "身材好", "颜值高", "服务好", "真实照片", "24小时", "随叫随到", "可视频", "上门不加价",
    "包你满意", "先验后付", "安全私密", "新人到场",
]
SITES_ZH = [
    "夜色", "午夜", "桃花", "蜜桃", "色色", "快乐", "香蕉", "草莓", "樱桃", "爱爱", "激情", "夜夜",
    "成人", "男人", "狼友", "福利",
]
SITE_TAILS_ZH = ["网", "社区", "影院", "论坛", "在线", "导航", "吧", "天堂", "TV", "之家"]


def site_zh(rng: random.Random) -> str:
    return rng.choice(SITES_ZH) + rng.choice(SITE_TAILS_ZH)


def contact_zh(rng: random.Random) -> str:
    return rng.choice(
        [
            f"QQ：{qq(rng)}",
            f"加QQ{qq(rng)}",
            f"扣扣{qq(rng)}",
            f"微信：{wechat(rng)}",
            f"加微信{wechat(rng)}",
            f"V信{wechat(rng)}",
            f"薇信:{wechat(rng)}",
            f"电话{mobile(rng)}",
            f"热线{mobile(rng)}",
            f"Q群{qq(rng)}",
            f"联系{mobile(rng)}",
        ]
    )


def vip_zh(rng: random.Random) -> str:
    price = rng.choice(PRICES)
    return rng.choice(
        [
            "开通VIP会员",
            "VIP会员专区",
            f"充值{price}元看全部",
            f"包月{price}元",
            f"会员{price}元/月",
            "一次付费永久观看",
            f"短信订阅{price}元",
            f"发送{rng.randint(1, 9)}到1066{digits(rng, 4)}开通",
            f"钻石会员{price}元",
        ]
    )


ZH_POS: Slots = {
    "porn": PORN_ZH,
    "svc": SERVICES_ZH,
    "actor": ACTORS_ZH,
    "ad": ADS_ZH,
    "trait": TRAITS_ZH,
    "site": site_zh,
    "contact": contact_zh,
    "vip": vip_zh,
    "city": CITIES_ZH,
    "domain": porn_domain,
    "n": number(2, 98),
    "price": PRICES,
    "mb": number(12, 680),
}
ZH_PORN_TEMPLATES = [
    "{site}-{porn}{ad}",
    "{porn}{ad}|{porn}{ad}|{site}",
    "首页 | {porn} | {porn} | {porn} | {vip}",
    "{vip}，{porn}{ad}，{contact}",
    "{site}欢迎您！本站提供{porn}、{porn}、{porn}，{ad}。{vip}",
    "【{porn}】{actor}{ad}，点击进入>>",
    "{porn}下载 {ad} {mb}MB 立即下载",
    "{site} - {porn}_{porn}_{ad}",
    "{actor}{porn} 第{n}集 {ad}",
    "{site}最新地址：{domain}，请收藏，{porn}{ad}",
    "{porn}专区：{actor}、{actor}，{ad}，{vip}",
    "今日更新{n}部{porn}，{ad}，{domain}",
    "{ad}{porn}，{actor}{porn}，{contact}",
    "热门：{porn} {porn} {porn} 更多>>",
    "{actor}私密{porn}，{vip}，{ad}",
    "手机看{porn}就上{site}，{domain}",
]
ZH_SERVICE_TEMPLATES = [
    "{city}{svc}，{actor}{trait}，{contact}",
    "{svc}{price}0元/次，包夜另议，{city}可空降，{contact}",
    "寂寞了吗？{actor}在线{svc}，{contact}",
    "{city}同城交友：{svc}、{svc}，{trait}，{contact}",
    "{actor}{svc}，视频验证，{trait}，{contact}",
    "{city}{actor}{svc} {trait} {contact}",
    "高端{svc}，{actor}{trait}，{city}各区，{contact}",
    "{svc}｜{svc}｜{actor}在线等你｜{contact}",
    "晚上无聊？{svc}，{trait}，{contact}",
]


# --- Chinese evasions -----------------------------------------------------------------------

SEPARATORS = ["*", "-", ".", " ", "/", "★", "~", "_", "|", "·", "#", "♥", "…", "丶"]


def with_separators(rng: random.Random, term: str) -> str:
    sep = rng.choice(SEPARATORS)
    return sep.join(term)


PINYIN_ZH = [
    "chengren视频", "chengren shipin", "seqing网站", "seqing", "se情视频", "huangpian", "huang片",
    "maopian", "sanjipian", "luoliao", "裸liao", "yuepao", "约pao", "yiyeqing", "xingai视频",
    "zuoai视频", "jiqing视频", "shangmen服务", "loufeng", "waiwei女", "huangse网站", "av在线",
    "chengren dianying", "wuma高清", "qingse电影", "luoti直播", "tongcheng yuepao", "yp", "sq网",
]
HOMOPHONES_ZH = [
    "涩情视频", "瑟情网站", "色晴片", "涩情", "簧片", "黄骗", "城人视频", "成仁电影", "承人影院",
    "约泡", "约跑", "果聊", "裸撩", "倮聊", "一夜晴", "作爱视频", "性i视频", "激晴视频", "午夜扶利",
    "福莉视频", "诶片", "毛骗", "三级骗", "上门扶务", "楼风", "外为女", "情涩电影", "涩站", "黄站",
    "色请直播",
]
SPLITS_ZH = [
    "约火包", "同城约火包", "衤果聊", "美女衤果聊", "衤果体写真", "衤果照", "女票女昌", "女支女",
    "人妻女干情", "女干情视频", "扌臿入视频", "女昌女支上门", "衤果体直播", "火包友", "找火包友",
    "视频衤果聊", "口勿戏视频", "女票客之家",
]


def repeated(rng: random.Random, term: str) -> str:
    i = rng.randrange(len(term))
    return term[:i] + term[i] * rng.randint(3, 6) + term[i + 1 :]


def evaded(pool: Sequence[str], how: Callable[[random.Random, str], str]) -> Slot:
    return lambda rng: how(rng, rng.choice(pool))


def to_fullwidth(text: str) -> str:
    return "".join(chr(ord(c) + 0xFEE0) if "!" <= c <= "~" else c for c in text)


CONVERTERS = {name: opencc.OpenCC(name) for name in ("s2tw", "s2hk", "s2twp")}


def to_traditional(rng: random.Random, text: str) -> str:
    return CONVERTERS[rng.choice(sorted(CONVERTERS))].convert(text)


# --- English positives ----------------------------------------------------------------------

PORN_EN = [
    "porn videos", "free porn", "XXX videos", "sex videos", "adult videos", "porn tube", "sex tube",
    "HD porn", "XXX movies", "nude pics", "naked photos", "adult movies", "hardcore porn",
    "amateur porn", "erotic videos", "porn clips", "sex cams", "live sex", "nude webcams",
    "adult cams", "porn stars", "MILF videos", "xxx clips", "sex chat", "naughty pics",
    "nsfw videos", "full-length porn", "uncensored porn", "nude selfies", "porn site", "adult site",
    "xxx pics", "erotic photos", "sex shows",
]
SERVICES_EN = [
    "escort service", "local escorts", "outcall escorts", "adult dating", "hookups tonight",
    "sex chat line", "phone sex", "erotic massage", "happy ending massage", "one night stands",
    "naughty meetups", "casual sex", "no-strings hookups", "VIP escorts", "incall and outcall",
]
ACTORS_EN = [
    "hot babes", "MILFs", "amateurs", "cam models", "horny housewives", "sexy women",
    "busty models", "pornstars", "lonely wives", "local singles", "hot singles", "naughty wives",
]
ADS_EN = [
    "watch free", "watch online", "no signup", "no registration", "updated daily", "click here",
    "download now", "stream in HD", "100% free", "instant access", "on your phone",
    "mobile friendly", "unlimited", "members area", "new every day", "no credit card",
]
SITES_EN = [
    "xHot", "PornHut", "SexyTube", "NaughtyZone", "RedLight", "XXXHub", "HotCams", "NudeBay",
    "SinCity", "AdultZone", "LustLand", "TubeXXX",
]


def vip_en(rng: random.Random) -> str:
    price = rng.choice(["4.99", "9.99", "14.95", "19.99", "29.99", "1"])
    return rng.choice(
        [
            f"Join VIP for ${price}/month",
            "Premium members get full access",
            f"Unlock all videos for ${price}",
            f"Text SEX to {rng.randint(60000, 89999)}, ${price}/msg",
            "Lifetime membership - pay once",
            f"Free trial, then ${price}",
        ]
    )


def contact_en(rng: random.Random) -> str:
    return rng.choice(
        [
            f"call {en_phone(rng)}",
            f"text {en_phone(rng)}",
            f"WhatsApp {en_phone(rng)}",
            f"Kik: {wechat(rng)}",
            f"Snap: {wechat(rng)}",
            f"DM @{wechat(rng)}",
        ]
    )


EN_POS: Slots = {
    "porn": PORN_EN,
    "svc": SERVICES_EN,
    "actor": ACTORS_EN,
    "ad": ADS_EN,
    "site": SITES_EN,
    "vip": vip_en,
    "contact": contact_en,
    "city": CITIES_EN,
    "domain": porn_domain,
    "n": number(20, 9800),
}
EN_PORN_TEMPLATES = [
    "{site} - {porn}, {ad}",
    "{porn} | {porn} | {porn} | {vip}",
    "Watch {porn} {ad}. {actor} waiting for you. {vip}",
    "{actor} live on cam now - {ad}",
    "{vip}: unlimited {porn}, {ad}",
    "Best {porn} on the web: {n} new clips, {ad}",
    "{site}: {porn} and {porn}, {ad} at {domain}",
    "Top {porn} sites 2024 - {ad}",
    "Home > {porn} > {actor} > page {n}",
    "{actor} {porn} - {ad}, {domain}",
    "Tired of searching? {porn}, {ad}, {vip}",
    "{n} {porn} {ad} - {site}",
]
EN_SERVICE_TEMPLATES = [
    "{city} {svc}: {actor}, {contact}",
    "Lonely tonight? {svc} with {actor}, {contact}",
    "{svc} 24/7, discreet, {contact}",
    "{actor} near you want {svc} - {contact}",
    "{city} {svc} - real photos, no fakes, {contact}",
    "Find {svc} in {city} tonight, {contact}",
    "{svc} | {svc} | {actor} | {contact}",
]

SYMBOLS_EN = [
    "p.o.r.n", "p-o-r-n", "s.e.x", "s e x", "s*x", "x.x.x", "n-u-d-e", "p_o_r_n", "s-e-x-y",
    "p o r n", "e.s.c.o.r.t", "n*u*d*e", "s/e/x", "x x x",
]
LEET_EN = [
    "p0rn", "pr0n", "s3x", "s3xy", "nud3", "n00dz", "pr0n vids", "s3x cams", "p0rn tube",
    "fr33 p0rn", "xxx v1deos", "3scorts", "h0t s3x", "pornhvb", "s3x ch4t", "nak3d pics",
]
REPEATS_EN = [
    "pooorn", "porrrn", "sexxxx", "seeex", "xxxxxx videos", "nuuude", "freeee porn", "hottt sex",
    "porn porn porn", "sexxxy cams", "escorrrts", "pornnnn",
]


# --- ordinary Chinese pages -----------------------------------------------------------------

CLEAN_ZH: dict[str, tuple[list[str], Slots]] = {
    "clean:news": (
        [
            "{city}地铁{n}号线今日开通运营，全长{n}公里",
            "国务院常务会议部署{policy}",
            "央行：下调存款准备金率0.{d}个百分点",
            "{city}发布{policy}实施细则，{date}起执行",
            "{city}今年前{d}个月GDP同比增长{d}.{d}%",
            "外交部发言人就{topic}答记者问",
            "{city}举办第{n}届国际{expo}博览会，客商超{n}万人次",
            "新闻早知道：{topic}、{policy}、{city}暴雨",
        ],
        {
            "policy": [
                "稳就业措施", "农村医保改革", "老旧小区改造", "新能源汽车下乡", "减税降费政策",
                "数字经济发展", "养老服务体系建设", "粮食安全工作",
            ],
            "topic": ["中美经贸磋商", "气候变化合作", "一带一路论坛", "南海问题", "国际油价"],
            "expo": ["汽车", "茶叶", "家电", "服装", "农业", "动漫", "旅游"],
        },
    ),
    "clean:novel": (
        [
            "《{book}》第{n}章 {chapter} 最新章节 免费阅读",
            "{book}txt全集下载 作者：{author} 状态：连载中",
            "都市言情小说《{book}》全文免费阅读，更新至第{n}章",
            "小说排行榜：{book}、{book}、{book}",
            "{author}新书《{book}》上线，书友群{qq}",
            "玄幻 | 仙侠 | 都市 | 历史 | 科幻 | 书架 | 排行",
        ],
        {
            "book": [
                "斗破苍穹", "盗墓笔记", "星辰变", "凡人修仙传", "鬼吹灯", "雪中悍刀行", "庆余年",
                "琅琊榜", "全职高手", "诛仙", "甄嬛传", "何以笙箫默",
            ],
            "chapter": [
                "初入江湖", "风起云涌", "夜探古墓", "重逢", "决战之巅", "暗流", "故人归来",
                "大结局",
            ],
            "author": ["天蚕土豆", "南派三叔", "我吃西红柿", "忘语", "猫腻", "唐家三少"],
        },
    ),
    "clean:weather": (
        [
            "{city}今天{weather}，{t}~{t}℃，{wind}，{advice}",
            "{city}天气预报：明天{weather}，后天{weather}",
            "{city}气象台发布{color}预警，{advice}",
            "未来一周{city}以{weather}为主，最高气温{t}℃",
            "今日穿衣指数：{advice}。空气质量：良",
        ],
        {
            "weather": ["晴", "多云", "阴", "小雨", "中雨", "雷阵雨", "小雪", "晴转多云", "大雾"],
            "wind": ["北风3级", "东南风2级", "微风", "西北风4-5级"],
            "advice": [
                "出门记得带伞", "注意防暑降温", "早晚温差大注意添衣", "适宜户外运动",
                "驾车注意安全",
            ],
            "color": ["暴雨蓝色", "高温橙色", "大风黄色", "寒潮蓝色", "大雾黄色"],
            "t": number(-5, 36),
        },
    ),
    "clean:shopping": (
        [
            "{product}限时特价{price}元，包邮，{promo}",
            "{brand}官方旗舰店：{product}{promo}",
            "今日秒杀：{product} 原价{n}0元 现价{price}元",
            "{product}热卖榜 | 好评率9{d}% | {promo}",
            "领券立减{d}0元，{product}、{product}全场包邮，客服QQ{qq}",
            "手机充值 话费{n}元 {promo}",
        ],
        {
            "product": [
                "手机壳", "运动鞋", "充电宝", "羽绒服", "保温杯", "蓝牙耳机", "电饭煲", "洗发水",
                "智能手表", "双肩包", "茶叶礼盒", "牛仔裤",
            ],
            "brand": ["小米", "华为", "李宁", "安踏", "美的", "格力", "海尔", "波司登"],
            "promo": [
                "满99减20", "买一送一", "免费领取优惠券", "七天无理由退换", "货到付款",
                "新人专享价", "第二件半价",
            ],
        },
    ),
    "clean:games": (
        [
            "{game}手游免费下载，{feature}，{n}万玩家在线",
            "{game}新版本上线：{feature}",
            "热门游戏：{game} {game} {game} 免费下载>>",
            "{game}攻略：{tip}",
            "{game}礼包领取，激活码每日更新，玩家QQ群{qq}",
        ],
        {
            "game": [
                "王者荣耀", "和平精英", "开心消消乐", "原神", "植物大战僵尸", "斗地主", "天天酷跑",
                "贪吃蛇", "象棋", "俄罗斯方块", "梦幻西游",
            ],
            "feature": [
                "全新英雄登场", "跨服对战", "无需流量", "单机离线也能玩", "排位赛开启", "充值返利",
            ],
            "tip": ["新手如何快速升级", "最强阵容推荐", "隐藏关卡通关技巧", "金币获取方法"],
        },
    ),
    "clean:ringtones": (
        [
            "{song}手机铃声免费下载 MP3 {n}KB",
            "热门彩铃：{song}、{song}，发送{d}到{sp}订购",
            "{singer} - {song} 高品质MP3 在线试听",
            "铃声排行榜 | 流行 | 经典老歌 | DJ | 短信铃声",
            "{song}（{singer}）歌词 + 铃声下载",
        ],
        {
            "song": [
                "小苹果", "青花瓷", "稻香", "最炫民族风", "月亮代表我的心", "后来", "平凡之路",
                "光年之外", "传奇", "告白气球", "成都",
            ],
            "singer": ["周杰伦", "邓紫棋", "凤凰传奇", "王菲", "朴树", "刘若英", "赵雷"],
            "sp": lambda rng: "1066" + digits(rng, 4),
        },
    ),
    "clean:sports": (
        [
            "{team}{d}:{d}{team}，{player}梅开二度",
            "NBA季后赛：{nba}加时险胜{nba}",
            "{player}当选本轮最佳球员",
            "中超第{r}轮：{team}主场迎战{team}，{time}在线直播",
            "体育新闻 | 足球 | 篮球 | 网球 | 乒乓球 | 比分直播",
            "全运会{sport}决赛：{city}队夺冠",
        ],
        {
            "team": [
                "上海海港", "山东泰山", "北京国安", "成都蓉城", "广州队", "浙江队", "武汉三镇",
            ],
            "nba": ["湖人", "勇士", "凯尔特人", "掘金", "热火", "雄鹿"],
            "player": ["武磊", "张玉宁", "王楚钦", "孙颖莎", "谷爱凌", "苏炳添"],
            "sport": ["乒乓球", "羽毛球", "游泳", "排球", "田径"],
            "time": ["19:35", "20:00", "15:30"],
            "r": number(1, 30),
        },
    ),
}

# --- hard negatives, Chinese ----------------------------------------------------------------

HARD_ZH: dict[str, tuple[list[str], Slots]] = {
    "hard_negative:medical": (
        [
            "{hospital}{dept}：{cond}的早期症状与治疗方法，专家在线解答，预约电话{land}",
            "{cond}能治好吗？{hospital}{dept}主任医师为您解答",
            "{cond}的病因、症状和预防，{hospital}健康科普",
            "{hospital}{dept}门诊时间：周一至周日，{cond}专科，挂号{land}",
            "{city}疾控中心：艾滋病自愿咨询检测免费，{cond}早发现早治疗",
            "{dept}常见病：{cond}、{cond}、{cond}",
        ],
        {
            "hospital": [
                "市人民医院", "妇产医院", "中医院", "附属第一医院", "协和医院", "肿瘤医院",
                "社区卫生服务中心",
            ],
            "dept": ["男科", "妇科", "泌尿外科", "乳腺外科", "皮肤性病科", "生殖医学科", "肛肠科"],
            "cond": [
                "前列腺炎", "阳痿早泄", "阴道炎", "宫颈糜烂", "乳腺增生", "乳腺癌", "梅毒", "淋病",
                "尖锐湿疣", "艾滋病", "HPV感染", "性功能障碍", "不孕不育", "月经不调", "包皮过长",
                "盆腔炎", "宫颈癌", "性病",
            ],
        },
    ),
    "hard_negative:crackdown": (
        [
            "{city}警方破获一起利用网络传播淫秽色情视频案，抓获犯罪嫌疑人{n}名",
            "“净网{year}”专项行动：{city}关闭涉黄网站{n}家",
            "警惕“裸聊”敲诈：{city}一男子被骗{n}万元",
            "扫黄打非办公布举报电话12390，欢迎群众举报色情低俗信息",
            "网信办集中整治直播平台色情低俗内容，下架{n}个违规账号",
            "{city}警方捣毁一个卖淫嫖娼窝点，{n}人被行政拘留",
            "提醒：网上“约炮”“同城交友”骗局多，切勿轻信陌生人",
            "违法和不良信息举报中心：发现淫秽色情网站请拨打12377举报",
            "{city}开展扫黄打非专项整治，查处{porn}传播案件{n}起",
            "法院判决：传播{porn}牟利，被告人获刑{d}年",
        ],
        {
            "year": ["2019", "2020", "2021", "2022", "2023", "2024"],
            "porn": ["淫秽视频", "色情小说", "黄色网站", "色情直播", "淫秽物品"],
        },
    ),
    "hard_negative:lingerie": (
        [
            "{brand}内衣旗舰店：{item}{promo}",
            "{item} {material} 舒适透气 {promo}",
            "内衣怎么选？{item}尺码对照表",
            "女士内衣 | 文胸 | 内裤 | 睡衣 | 塑身衣 | 袜子",
            "{item}新品上市，{material}，{price}元起",
            "夏季{item}推荐：{material}，{promo}",
        ],
        {
            "brand": ["爱慕", "曼妮芬", "都市丽人", "猫人", "南极人", "古今", "黛安芬"],
            "item": [
                "无钢圈文胸", "蕾丝内裤", "聚拢文胸", "真丝睡衣", "性感睡裙", "塑身衣", "运动内衣",
                "哺乳文胸", "丝袜", "连裤袜", "保暖内衣", "吊带背心", "蕾丝文胸套装", "情侣睡衣",
            ],
            "material": ["纯棉", "冰丝", "莫代尔", "真丝", "蕾丝"],
            "promo": ["满99包邮", "第二件半价", "买二送一", "七天无理由退换", "新人券立减10元"],
        },
    ),
    "hard_negative:adult_education": (
        [
            "{year}年成人高考报名时间公布，{city}考生{m}月{d}日起网上报名",
            "成人教育学院{major}专业招生：函授、业余，学历国家承认",
            "自学考试《{course}》真题及答案",
            "成人本科学历提升，最快{d}年毕业，咨询电话{land}",
            "成人高考（{level}）{course}复习资料免费下载",
            "{city}开放大学成人学历教育春季招生简章",
            "成考、自考、网络教育有什么区别？",
            "成人高考分数线公布：{level}{score}分",
        ],
        {
            "year": ["2022", "2023", "2024", "2025"],
            "major": ["会计", "护理", "工商管理", "计算机", "法学", "土木工程", "汉语言文学"],
            "course": ["大学语文", "高等数学", "英语", "政治", "马克思主义基本原理", "管理学"],
            "level": ["高起专", "专升本", "高起本"],
            "m": number(1, 12),
            "score": number(100, 250),
        },
    ),
    "hard_negative:sex_education": (
        [
            "性教育不是洪水猛兽：{topic}",
            "正确使用安全套可有效预防性传播疾病和意外怀孕",
            "婚前性教育讲座：{topic}",
            "{city}计生协开展生殖健康知识进社区活动",
            "性健康课程第{d}讲：{topic}",
            "紧急避孕药的正确用法与副作用",
            "性健康问答：{topic}",
            "夫妻生活与生殖健康：{topic}",
        ],
        {
            "topic": [
                "什么是知情同意", "避孕方法知多少", "科学认识身体与界限", "如何预防性传播疾病",
                "尊重与平等的亲密关系", "性别平等从认识开始", "孕前检查要做哪些", "常见避孕误区",
                "艾滋病的传播途径",
            ],
        },
    ),
    "hard_negative:art_biology": (
        [
            "米开朗基罗的《大卫》：文艺复兴时期的裸体雕塑",
            "{museum}馆藏：{art}",
            "人体素描课：如何画好人体比例", "生物必修二：减数分裂与有性生殖",
            "精子与卵子结合形成受精卵，{fact}",
            "{courtship}吸引雌性交配",
            "{zoo}大熊猫繁育：人工授精成功",
            "花的结构：雌蕊、雄蕊与传粉",
            "人类性染色体XY决定性别，{fact}",
            "美术史：{art}",
        ],
        {
            "museum": ["卢浮宫", "故宫博物院", "大英博物馆", "乌菲兹美术馆", "国家博物馆"],
            "art": [
                "断臂维纳斯", "维纳斯的诞生", "罗丹《吻》", "古希腊人体雕塑", "敦煌壁画中的飞天",
                "鲁本斯的人体油画", "戈雅《裸体的马哈》",
            ],
            "fact": ["这是有性生殖的基础", "受精卵经过分裂发育成胚胎", "生物学的基本事实"],
            "courtship": [
                "孔雀的繁殖季节：雄性通过开屏", "丹顶鹤求偶：雄鹤通过舞蹈",
                "萤火虫的繁殖：雄虫通过闪光", "座头鲸的繁殖季节：雄鲸通过歌声",
                "麋鹿的发情期：雄鹿通过争斗", "青蛙的繁殖季节：雄蛙通过鸣叫",
            ],
            "zoo": ["成都大熊猫基地", "卧龙保护区", "北京动物园"],
        },
    ),
}

SHARED_ZH: Slots = {
    "city": CITIES_ZH,
    "n": number(2, 98),
    "d": number(1, 9),
    "price": PRICES,
    "qq": qq,
    "land": landline,
    "date": ["1月1日", "3月1日", "6月1日", "7月1日", "10月1日"],
}

# --- ordinary and hard negatives, English ---------------------------------------------------

CLEAN_EN: dict[str, tuple[list[str], Slots]] = {
    "clean:news": (
        [
            "{city} council approves new {thing} plan",
            "Markets: stocks {move} as {topic}",
            "Breaking: {topic}, officials say",
            "{city} to open new {thing} next {month}",
            "Top stories: {topic} | {thing} | weather",
        ],
        {
            "thing": ["bus lane", "library", "bridge", "housing", "recycling", "bike-share"],
            "move": ["rise", "fall", "edge higher", "slip"],
            "topic": [
                "oil prices climb", "the central bank holds rates", "inflation cools",
                "talks resume on trade", "a storm hits the coast", "elections near",
            ],
            "month": ["month", "spring", "year", "week"],
        },
    ),
    "clean:weather": (
        [
            "{city} weather: {sky}, high {t}°F, low {t}°F",
            "{city} forecast for tomorrow: {sky} with {wind}",
            "Weather alert: {alert} for {city} until 9pm",
            "7-day forecast: {sky} turning {sky} by the weekend",
        ],
        {
            "sky": ["sunny", "partly cloudy", "light rain", "showers", "overcast", "snow flurries"],
            "wind": ["light winds", "gusts up to 40 mph", "a cool breeze"],
            "alert": ["flood watch", "heat advisory", "frost warning", "high wind warning"],
            "t": number(20, 99),
        },
    ),
    "clean:sports": (
        [
            "{team} {d}-{d} {team}: late goal seals it",
            "{player} scores twice as {team} go top",
            "Live scores | Football | Basketball | Tennis | Cricket",
            "Transfer news: {team} agree fee for {player}",
        ],
        {
            "team": ["Arsenal", "Leeds", "Celtic", "Chelsea", "Lakers", "Celtics", "Everton"],
            "player": ["Saka", "Kane", "Salah", "Curry", "Haaland", "Foden"],
        },
    ),
    "clean:shopping": (
        [
            "{item} - ${price}, free delivery, {promo}",
            "Deal of the day: {item} {d}0% off",
            "Shop {item}, {item} and more | {promo}",
            "Customer reviews: {item} (4.{d} stars)",
        ],
        {
            "item": [
                "wireless earbuds", "running shoes", "phone case", "power bank", "rain jacket",
                "coffee maker", "backpack", "smart watch", "desk lamp",
            ],
            "promo": ["free returns", "2 for 1", "members save more", "sale ends Sunday"],
            "price": ["9.99", "19.99", "24.50", "49.00", "99.95"],
        },
    ),
    "clean:games": (
        [
            "{game} - free download for Android, {feature}",
            "Top free games: {game}, {game}, {game}",
            "{game} tips: {tip}",
        ],
        {
            "game": [
                "Snake Classic", "Chess Master", "Candy Match", "Tetris Blocks", "Solitaire",
                "Space Shooter", "Sudoku Daily",
            ],
            "feature": ["play offline", "no ads", "new levels weekly", "multiplayer mode"],
            "tip": ["how to beat level 30", "best opening moves", "earn coins faster"],
        },
    ),
    "clean:ringtones": (
        [
            "Free ringtones: {song} MP3 ({n} KB)",
            "Top 10 ringtones this week: {song}, {song}, {song}",
            "{song} ringtone - download to your phone",
        ],
        {
            "song": [
                "Nokia Tune", "Marimba", "Shape of You", "Despacito", "Crazy Frog", "Old Phone",
                "Happy", "Bad Guy",
            ],
        },
    ),
    "clean:recipes": (
        [
            "Easy {dish} recipe: ready in {n} minutes",
            "How to make {dish} at home",
            "{dish} with {side} - serves {d}",
        ],
        {
            "dish": [
                "banana bread", "tomato soup", "beef stew", "pancakes", "fried rice", "lemon tart",
                "veggie curry",
            ],
            "side": ["garlic bread", "green salad", "rice", "roast potatoes"],
        },
    ),
}

HARD_EN: dict[str, tuple[list[str], Slots]] = {
    "hard_negative:medical": (
        [
            "Sexual health clinic: free, confidential {test}, walk-in {day}",
            "{cond}: symptoms, causes and treatment",
            "Book your {screen} - {city} women's health centre, {contact}",
            "Ask a doctor: is {cond} treatable?",
            "{cond} and {cond}: what every adult should know",
        ],
        {
            "test": ["STI testing", "HIV testing", "chlamydia tests", "STD screening"],
            "day": ["Tuesdays", "weekdays", "Saturday mornings"],
            "cond": [
                "Erectile dysfunction", "Breast cancer", "Syphilis", "Genital herpes",
                "Prostatitis", "HPV", "Vaginal thrush", "Gonorrhea", "Infertility",
                "Testicular cancer",
            ],
            "screen": ["mammogram", "cervical screening", "breast exam", "prostate check"],
            "contact": en_phone,
        },
    ),
    "hard_negative:crackdown": (
        [
            "Police shut down {n} illegal porn websites in {city} raid",
            "Sextortion warning: never pay, report it to police",
            "Regulator fines app for failing to remove pornographic ads",
            "{city} police crack down on escort ads posted online",
            "Report illegal sexual content online - call the hotline",
            "Court jails man who ran pirate porn site",
        ],
        {},
    ),
    "hard_negative:lingerie": (
        [
            "Lingerie sale: {item} up to {d}0% off",
            "Sexy lingerie for Valentine's Day - free shipping over $50",
            "Bra fitting guide: find your size in {d} steps",
            "{item} in {material}, sizes XS-XXL",
            "New in: {item} and {item}",
        ],
        {
            "item": [
                "lace bras", "cotton briefs", "silk nightwear", "shapewear", "sports bras",
                "thongs", "stockings", "bralettes", "pajama sets",
            ],
            "material": ["lace", "silk", "cotton", "satin"],
        },
    ),
    "hard_negative:adult_education": (
        [
            "Adult education centre: evening classes in {course}",
            "Adult learners: {course} course starts {month}",
            "Continuing education for adults - enrol now",
            "Free adult literacy classes at {city} library",
        ],
        {
            "course": ["English", "IT skills", "bookkeeping", "GED prep", "Spanish", "welding"],
            "month": ["in September", "next Monday", "this spring"],
        },
    ),
    "hard_negative:sex_education": (
        [
            "Sex education for adults: {topic}",
            "How to use a condom correctly",
            "Consent, contraception and healthy relationships: {topic}",
            "Sexual health week: {topic}",
        ],
        {
            "topic": [
                "myths and facts", "a guide to contraception", "what consent means",
                "preventing STIs", "talking to your partner", "emergency contraception",
            ],
        },
    ),
    "hard_negative:english_words": (
        [
            "{place} Police report delays on the A27",
            "{place} weather: sunny spells and light winds",
            "Navigating by sextant: a beginner's guide", "Find a licensed therapist near you",
            "Data analysis with spreadsheets: pivot tables explained",
            "Classic cocktail recipes: the {cocktail}",
            "Scunthorpe United {d}-{d} Grimsby Town",
            "Breast-stroke technique tips for swimmers",
            "{n} chicken breast recipes for weeknights",
            "Charles Dickens: Great Expectations, chapter {n}",
            "Cocker spaniel care guide",
            "Brahms: String Sextet No. {d}",
            "Analyst report: quarterly earnings beat forecasts",
            "The hooker throws in at the lineout", "Blue-footed booby spotted off the coast",
            "{place} County Cricket Club fixtures",
            "Essex and {place}: best coastal walks",
            "Assassin's Creed walkthrough, part {d}",
            "Shuttlecocks and badminton rackets on sale",
            "Matsushita Electric annual report", "Pussy willow branches for spring arrangements",
            "Hot weather warning: drink plenty of water", "XXL hoodies now in stock",
            "The sexton rang the church bell at noon",
            "Sexagesimal numbers in Babylonian mathematics", "Cockpit checklist for private pilots",
        ],
        {
            "place": ["Sussex", "Essex", "Middlesex", "Wessex"],
            "cocktail": ["mojito", "margarita", "old fashioned", "negroni"],
        },
    ),
    "hard_negative:art_biology": (
        [
            "Botticelli's The Birth of Venus: the goddess shown nude",
            "Life drawing class: {art}",
            "Sexual reproduction in flowering plants",
            "Mating behaviour of {animal}",
            "Sperm whales can dive to 2,000 metres", "Meiosis halves the chromosome number",
            "The human reproductive system: an overview",
            "Museum guide: {art}",
        ],
        {
            "art": [
                "Rodin's The Kiss", "Greek nude statues", "Michelangelo's David",
                "the female nude in Renaissance painting", "figure drawing basics",
            ],
            "animal": ["emperor penguins", "red deer", "peacocks", "fireflies", "bowerbirds"],
        },
    ),
}

SHARED_EN: Slots = {
    "city": CITIES_EN,
    "n": number(2, 98),
    "d": number(1, 9),
}


# --- hand-written lines ---------------------------------------------------------------------

HAND: list[tuple[str, int, str, str]] = [
    # (text, label, kind, lang)
    ("免費成人影片線上看，無碼高畫質，每日更新", 1, "porn:evasion:traditional", "zh"),
    ("同城約砲，寂寞人妻等你來撩，加賴私聊", 1, "porn:evasion:traditional", "zh"),
    ("裸聊直播間，真人視訊一對一，儲值即看", 1, "porn:evasion:traditional", "zh"),
    ("ＡＶ女優　無碼　線上觀看　ＶＩＰ", 1, "porn:evasion:fullwidth", "zh"),
    ("ＱＱ：８８６６２２１　裸聊　視頻", 1, "porn:evasion:fullwidth", "zh"),
    ("色*情*视*频*在*线*观*看", 1, "porn:evasion:symbols", "zh"),
    ("成 人 影 院 免 费 看", 1, "porn:evasion:symbols", "zh"),
    ("约♥炮♥神♥器，同城秒约", 1, "porn:evasion:symbols", "zh"),
    ("seqing dianying mianfei kan", 1, "porn:evasion:pinyin", "zh"),
    ("tongcheng yuepao jia wx", 1, "porn:evasion:pinyin", "zh"),
    ("涩涩的视频都在这里，看片神器", 1, "porn:evasion:homophone", "zh"),
    ("果聊加V，一对一，不满意不收费", 1, "porn:evasion:homophone", "zh"),
    ("约火包软件下载，附近的人秒回", 1, "porn:evasion:split", "zh"),
    ("色色色色色情网站大全", 1, "porn:evasion:repeat", "zh"),
    ("午夜看片神器，安装后什么都能看", 1, "porn", "zh"),
    ("男人都懂的网站，收藏不迷路", 1, "porn", "zh"),
    ("宅男福利，你懂的，点我进入", 1, "porn", "zh"),
    ("成人用品不是重点，重点是附赠的激情影片", 1, "porn", "zh"),
    ("免费看黄的app，下载即送会员", 1, "porn", "zh"),
    ("三分钟一个小视频，全是真人实拍不打码", 1, "porn", "zh"),
    ("附近约见，按摩加特殊服务，保密", 1, "sex_services", "zh"),
    ("会所新到技师，莞式全套，电话预约", 1, "sex_services", "zh"),
    ("free porn, no ads, no bullsh*t", 1, "porn", "en"),
    ("Hot wives want to chat with you - 100% discreet", 1, "sex_services", "en"),
    ("f r e e   p o r n   h e r e", 1, "porn:evasion:symbols", "en"),
    ("ＸＸＸ　ＶＩＤＥＯＳ　ＦＲＥＥ", 1, "porn:evasion:fullwidth", "en"),
    ("Adult content ahead: nude models, explicit videos", 1, "porn", "en"),
    ("扫黄打非：坚决遏制网络淫秽色情信息传播", 0, "hard_negative:crackdown", "zh"),
    ("警方提示：“果聊”“裸聊”都是敲诈陷阱", 0, "hard_negative:crackdown", "zh"),
    ("成人用品店不得向公众展示色情图片，违者罚款", 0, "hard_negative:crackdown", "zh"),
    ("哺乳期乳房胀痛怎么办？乳腺科医生建议", 0, "hard_negative:medical", "zh"),
    ("男性生殖健康：阴茎大小与生育能力无关", 0, "hard_negative:medical", "zh"),
    ("成人高考免试入学条件有哪些", 0, "hard_negative:adult_education", "zh"),
    ("性别教育与家庭：如何谈论身体与隐私", 0, "hard_negative:sex_education", "zh"),
    ("内衣洗涤小窍门：文胸手洗不变形", 0, "hard_negative:lingerie", "zh"),
    ("生物学：蜜蜂的交配飞行与蜂王产卵", 0, "hard_negative:art_biology", "zh"),
    ("Sussex University open day: book a campus tour", 0, "hard_negative:english_words", "en"),
    ("The therapist will see you now", 0, "hard_negative:english_words", "en"),
    ("Middlesex Hospital visiting hours", 0, "hard_negative:english_words", "en"),
    ("Lake Titicaca boat tours from Puno", 0, "hard_negative:english_words", "en"),
    ("Moby-Dick and the sperm whale fishery", 0, "hard_negative:english_words", "en"),
    ("Cumulus clouds build over the hills", 0, "hard_negative:english_words", "en"),
    ("今天天气不错，适合去公园散步", 0, "clean:weather", "zh"),
    ("有什么好看的电视剧推荐吗？", 0, "clean:novel", "zh"),
    # more hand-written lines: wording no template produces
    ("影音先锋资源站，日更五百部，手机秒开", 1, "porn", "zh"),
    ("两性私密影片合集，仅限成年人观看", 1, "porn", "zh"),
    ("精品推荐：今夜不设防，点开有惊喜", 1, "porn", "zh"),
    ("成人有声小说，夜晚听更带感", 1, "porn", "zh"),
    ("美女写真无圣光，完整版请进群", 1, "porn", "zh"),
    ("全网最全的福利姬合集，持续更新", 1, "porn", "zh"),
    ("直播间尺度大，进来看看不吃亏", 1, "porn", "zh"),
    ("激情小说连载：办公室的秘密（成人版）", 1, "porn", "zh"),
    ("私人影院资源，无删减未打码版本", 1, "porn", "zh"),
    ("AV种子下载，磁力链接每日分享", 1, "porn", "zh"),
    ("微信摇一摇附近寂寞女，约了就走", 1, "sex_services", "zh"),
    ("加手机号私聊，上门服务，不满意不要钱", 1, "sex_services", "zh"),
    ("夜總會佳麗陪酒，包廂服務，歡迎預約", 1, "porn:evasion:traditional", "zh"),
    ("線上成人頻道，無需註冊即可觀看", 1, "porn:evasion:traditional", "zh"),
    ("裸 体 美 女 在 线 视 频", 1, "porn:evasion:symbols", "zh"),
    ("n a k e d   w o m e n", 1, "porn:evasion:symbols", "en"),
    ("扫黄打非办：集中清理网络有害信息", 0, "hard_negative:crackdown", "zh"),
    ("警方通报：一淫秽网站运营团伙落网", 0, "hard_negative:crackdown", "zh"),
    ("某地查处一家提供色情服务的足浴店", 0, "hard_negative:crackdown", "zh"),
    ("专家解读：网络黄色信息的危害与防范", 0, "hard_negative:crackdown", "zh"),
    ("乳腺纤维瘤需要手术吗", 0, "hard_negative:medical", "zh"),
    ("早泄的中医调理方法", 0, "hard_negative:medical", "zh"),
    ("孕前优生检查项目一览", 0, "hard_negative:medical", "zh"),
    ("性生活后出血要警惕宫颈病变", 0, "hard_negative:medical", "zh"),
    ("夏季女士睡裙清凉上市", 0, "hard_negative:lingerie", "zh"),
    ("无痕内裤女冰丝一片式，三条装", 0, "hard_negative:lingerie", "zh"),
    ("成人继续教育学分查询", 0, "hard_negative:adult_education", "zh"),
    ("成人学历和全日制学历有什么区别", 0, "hard_negative:adult_education", "zh"),
    ("如何与伴侣讨论避孕问题", 0, "hard_negative:sex_education", "zh"),
    ("了解自己的身体：女性生理周期", 0, "hard_negative:sex_education", "zh"),
    ("罗丹雕塑展在京开幕，展出人体作品百余件", 0, "hard_negative:art_biology", "zh"),
    ("青蛙的体外受精过程", 0, "hard_negative:art_biology", "zh"),
    ("海洋馆的海豚怀孕十二个月后分娩", 0, "hard_negative:art_biology", "zh"),
    ("周末去哪儿？城郊露营地推荐", 0, "clean:news", "zh"),
    ("手机流量包每月十元，免费试用七天", 0, "clean:shopping", "zh"),
    ("在线翻译，免费，支持一百种语言", 0, "clean:games", "zh"),
    ("免费在线观看新闻联播", 0, "clean:news", "zh"),
    ("高清电影在线观看：流浪地球、长津湖", 0, "clean:novel", "zh"),
    ("Sexual harassment policy for employees", 0, "hard_negative:sex_education", "en"),
    ("Breast pumps and nursing pads, free shipping", 0, "hard_negative:medical", "en"),
    ("Silk robes and slips, new season", 0, "hard_negative:lingerie", "en"),
    ("Degas and the nude: exhibition tickets", 0, "hard_negative:art_biology", "en"),
    ("How sperm and egg meet: a biology explainer", 0, "hard_negative:art_biology", "en"),
    ("Sussex cricket scores", 0, "hard_negative:english_words", "en"),
    ("Psychotherapist and analyst directory", 0, "hard_negative:english_words", "en"),
    ("Cocktail dresses on sale", 0, "hard_negative:english_words", "en"),
    ("Watch free movies online: classic westerns", 0, "clean:news", "en"),
    ("Hot new phones of the year, reviewed", 0, "clean:shopping", "en"),
]


# fmt: on

# --- the plan -------------------------------------------------------------------------------

Transform = Callable[[random.Random, str], str]


def fill(rng: random.Random, template: str, slots: Slots) -> str:
    """Fill ``{name}`` slots; each occurrence draws on its own, avoiding repeats."""

    used: set[str] = set()

    def draw(match: re.Match[str]) -> str:
        slot = slots[match.group(1)]
        for _ in range(6):  # a second draw from the same pool avoids repeating the first
            value = slot(rng) if callable(slot) else rng.choice(slot)
            if value not in used:
                break
        used.add(value)
        return value

    return re.sub(r"\{(\w+)\}", draw, template)


def keep(rng: random.Random, text: str) -> str:
    return text


def needs_ascii(rng: random.Random, text: str) -> str:
    return to_fullwidth(text) if re.search(r"[A-Za-z0-9]", text) else ""


def override(base: Slots, **changes: Slot) -> Slots:
    return {**base, **changes}


Plan = list[tuple[str, int, str, int, list[str], Slots, Transform]]


def plan() -> Plan:
    """(kind, label, lang, how many, templates, slots, transform of the whole line)."""
    zh_pos = ZH_PORN_TEMPLATES + ZH_SERVICE_TEMPLATES
    en_pos = EN_PORN_TEMPLATES + EN_SERVICE_TEMPLATES
    both_zh = (PORN_ZH, SERVICES_ZH)
    items: Plan = [
        ("porn", 1, "zh", 100, ZH_PORN_TEMPLATES, ZH_POS, keep),
        ("sex_services", 1, "zh", 55, ZH_SERVICE_TEMPLATES, ZH_POS, keep),
        ("porn:evasion:traditional", 1, "zh", 26, zh_pos, ZH_POS, to_traditional),
        ("porn:evasion:fullwidth", 1, "zh", 20, zh_pos, ZH_POS, needs_ascii),
        (
            "porn:evasion:symbols",
            1,
            "zh",
            26,
            zh_pos,
            override(
                ZH_POS,
                porn=evaded(both_zh[0], with_separators),
                svc=evaded(both_zh[1], with_separators),
            ),
            keep,
        ),
        (
            "porn:evasion:pinyin",
            1,
            "zh",
            26,
            zh_pos,
            override(ZH_POS, porn=PINYIN_ZH, svc=PINYIN_ZH),
            keep,
        ),
        (
            "porn:evasion:homophone",
            1,
            "zh",
            26,
            zh_pos,
            override(ZH_POS, porn=HOMOPHONES_ZH, svc=HOMOPHONES_ZH),
            keep,
        ),
        (
            "porn:evasion:split",
            1,
            "zh",
            22,
            zh_pos,
            override(ZH_POS, porn=SPLITS_ZH, svc=SPLITS_ZH),
            keep,
        ),
        (
            "porn:evasion:repeat",
            1,
            "zh",
            16,
            zh_pos,
            override(ZH_POS, porn=evaded(both_zh[0], repeated), svc=evaded(both_zh[1], repeated)),
            keep,
        ),
        ("porn", 1, "en", 62, EN_PORN_TEMPLATES, EN_POS, keep),
        ("sex_services", 1, "en", 36, EN_SERVICE_TEMPLATES, EN_POS, keep),
        (
            "porn:evasion:symbols",
            1,
            "en",
            18,
            en_pos,
            override(EN_POS, porn=SYMBOLS_EN, svc=SYMBOLS_EN),
            keep,
        ),
        (
            "porn:evasion:leet",
            1,
            "en",
            16,
            en_pos,
            override(EN_POS, porn=LEET_EN, svc=LEET_EN),
            keep,
        ),
        ("porn:evasion:fullwidth", 1, "en", 12, en_pos, EN_POS, needs_ascii),
        (
            "porn:evasion:repeat",
            1,
            "en",
            12,
            en_pos,
            override(EN_POS, porn=REPEATS_EN, svc=REPEATS_EN),
            keep,
        ),
    ]
    counts_zh = {
        "clean:news": 24,
        "clean:novel": 22,
        "clean:weather": 20,
        "clean:shopping": 22,
        "clean:games": 20,
        "clean:ringtones": 18,
        "clean:sports": 20,
    }
    for kind, (templates, slots) in CLEAN_ZH.items():
        items.append((kind, 0, "zh", counts_zh[kind], templates, {**SHARED_ZH, **slots}, keep))
    counts_hard_zh = {
        "hard_negative:medical": 36,
        "hard_negative:crackdown": 36,
        "hard_negative:lingerie": 26,
        "hard_negative:adult_education": 30,
        "hard_negative:sex_education": 22,
        "hard_negative:art_biology": 24,
    }
    for kind, (templates, slots) in HARD_ZH.items():
        slots = {**SHARED_ZH, **slots}
        items.append((kind, 0, "zh", counts_hard_zh[kind], templates, slots, keep))
    counts_en = {
        "clean:news": 16,
        "clean:weather": 14,
        "clean:sports": 14,
        "clean:shopping": 16,
        "clean:games": 12,
        "clean:ringtones": 10,
        "clean:recipes": 12,
    }
    for kind, (templates, slots) in CLEAN_EN.items():
        items.append((kind, 0, "en", counts_en[kind], templates, {**SHARED_EN, **slots}, keep))
    counts_hard_en = {
        "hard_negative:medical": 20,
        "hard_negative:crackdown": 10,
        "hard_negative:lingerie": 16,
        "hard_negative:adult_education": 12,
        "hard_negative:sex_education": 12,
        "hard_negative:english_words": 46,
        "hard_negative:art_biology": 14,
    }
    for kind, (templates, slots) in HARD_EN.items():
        slots = {**SHARED_EN, **slots}
        items.append((kind, 0, "en", counts_hard_en[kind], templates, slots, keep))
    return items


# Real pages of every kind end in a footer of contact lines and a filing number: porn sites
# and spam print QQ numbers and phones, but so do news portals, shops and game sites. The same
# share of porn and clean lines gets a page footer, so contact lines carry no label (a model
# trained without this learned "客服QQ" as a porn word and flagged benign portals).
FOOTER_SHARE = 0.3
ICP_PROVINCES = "京沪粤浙苏鲁川鄂湘闽"


def footer_zh(rng: random.Random) -> str:
    lines = [
        f"客服QQ:{qq(rng)}",
        f"Tel: {landline(rng)}",
        f"电话：{mobile(rng)}",
        f"{rng.choice(ICP_PROVINCES)}ICP备{digits(rng, 8)}号",
        f"kefu@{clean_domain(rng)}",
        f"版权所有 © {rng.randint(2005, 2012)}",
    ]
    return "\n".join(rng.sample(lines, rng.randint(2, 4)))


def generate(rng: random.Random) -> list[dict[str, object]]:
    seen: set[str] = set()
    rows: list[dict[str, object]] = []

    def add(text: str, label: int, kind: str, lang: str, source: str) -> bool:
        text = text.strip()
        if not text or text in seen:
            return False
        seen.add(text)
        rows.append({"text": text, "label": label, "kind": kind, "lang": lang, "source": source})
        return True

    for text, label, kind, lang in HAND:
        add(text, label, kind, lang, "hand")
    for kind, label, lang, count, templates, slots, transform in plan():
        made = tries = 0
        while made < count and tries < count * 40:
            tries += 1
            line = transform(rng, fill(rng, rng.choice(templates), slots))
            made += add(line, label, kind, lang, "template")
    footed = [row for row in rows if row["source"] == "template" and row["lang"] == "zh"]
    for row in footed:
        if rng.random() < FOOTER_SHARE:
            add(
                f"{row['text']}\n{footer_zh(rng)}",
                int(row["label"]),
                str(row["kind"]),
                "zh",
                "template",
            )
    for number_, row in enumerate(rows, start=1):
        row["id"] = f"dev-{number_:04d}"
    rows.extend(hand_file_rows(HAND_FILE, seen))
    return rows


def hand_file_rows(path: Path, seen: set[str]) -> list[dict[str, object]]:
    """The rows of ``dev-hand.jsonl``, checked: every field present, ids ``devh-NNNN`` and
    unique, the label agreeing with the kind, source ``hand``, no text already in the set.

    A mistake stops the script (rather than dropping the line), so the file and ``dev.jsonl``
    never disagree silently."""
    rows: list[dict[str, object]] = []
    ids: set[str] = set()
    for number_, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        if not line.strip():
            continue
        where = f"{path.name}:{number_}"
        row = json.loads(line)
        if set(row) != set(FIELDS):
            raise SystemExit(f"{where}: the fields must be exactly {', '.join(FIELDS)}")
        text, kind, ident = row["text"], row["kind"], row["id"]
        if not re.fullmatch(r"devh-\d{4}", ident) or ident in ids:
            raise SystemExit(f"{where}: id {ident!r} is not a new devh-NNNN id")
        if row["label"] != int(kind.startswith(("porn", "sex_services"))):
            raise SystemExit(f"{where}: label {row['label']} does not fit the kind {kind!r}")
        if row["source"] != "hand" or row["lang"] not in ("zh", "en"):
            raise SystemExit(f"{where}: source must be 'hand' and lang 'zh' or 'en'")
        if not text or text != text.strip() or text in seen:
            raise SystemExit(f"{where}: the text is empty, padded, or already in the set")
        ids.add(ident)
        seen.add(text)
        rows.append({key: row[key] for key in FIELDS})
    return rows


def main() -> None:
    rows = generate(random.Random(SEED))
    with OUT.open("w", encoding="utf-8", newline="\n") as handle:
        for row in rows:
            ordered = {key: row[key] for key in FIELDS}
            handle.write(json.dumps(ordered, ensure_ascii=False) + "\n")
    sys.stdout.write(f"wrote {len(rows)} examples to {OUT}\n")


if __name__ == "__main__":
    main()
