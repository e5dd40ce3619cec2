# Chinese pornography vocabulary, as pornographic sites and their spam advertise it.
#
# Weights (see docs/lexicon.md): 60-80 unambiguous on any page; 40-55 strong, though news or
# medical pages use them too (good-context entries pull those pages down again); 10-30
# suggestive only, for words with ordinary meanings. An entry counts up to three times, and
# overlapping entries both count (色情 and 色情视频 on 色情视频), so compounds carry a little
# less than their weight alone would suggest.
#
# "pinyin" marks entries whose sound is distinctive enough to match homophones (涩情) and
# written-out pinyin (seqing); it stays off where a common word shares the sound (女优/女友,
# 情色/青色, 换妻/换气, 艳照/燕赵, 口交/口角, 冰毒/病毒). Split-character variants (强女干)
# come from data/splits.tsv.
@category porn
@lang zh

# 色情 and its compounds
40  色情                ; pinyin
60  色情片              ; pinyin
50  色情视频            ; pinyin
50  色情电影            ; pinyin
50  色情网站            ; pinyin
40  色情小说            ; pinyin
45  色情图片            ; pinyin
60  色情直播            ; pinyin
50  色情漫画
50  色情动漫
40  色情游戏
50  色情论坛
50  色情表演
40  色情聊天
40  色情影院

# 黄色 (only in compounds: alone it is the colour yellow)
60  黄色网站            ; pinyin
60  黄色视频            ; pinyin
60  黄色电影            ; pinyin
50  黄色小说
50  黄色图片
60  黄色直播
50  黄色漫画
60  黄片                ; pinyin
50  黄网
50  黄站
50  黄播
50  黄漫
40  黄图
30  看黄

# 成人 (only in compounds: 成人高考, 成人教育 are ordinary)
60  成人视频            ; pinyin
60  成人电影            ; pinyin
60  成人影院            ; pinyin
60  成人片
50  成人网站            ; pinyin
50  成人小说            ; pinyin
50  成人图片
60  成人直播            ; pinyin
50  成人论坛
50  成人社区
50  成人动漫
50  成人动画
50  成人漫画
40  成人游戏
40  成人文学
50  成人站

# AV and its trade terms
60  <a片>
60  <av女优>            ; pinyin
30  女优
60  <日本av>
60  <国产av>
60  <欧美av>
60  <日韩av>
50  <av在线>
50  <av电影>
50  <av视频>
60  <av网站>
50  <av下载>
40  <av> + 在线观看
40  <av> + 番号
20  番号
40  番号 + 女优
60  东京热
30  一本道
30  苍井空
30  波多野结衣

# 三级, 无码 and other film labels
60  三级片              ; pinyin
50  三级电影
50  三级视频
40  伦理片
30  伦理电影
40  韩国伦理
40  日本伦理
50  毛片
50  无码
60  无码视频            ; pinyin
60  高清无码            ; pinyin
60  无码高清            ; pinyin
50  无码中字
30  有码
40  无修正
40  <18禁>
40  十八禁
40  <r18>
30  限制级
25  禁片

# Live shows, photos, voyeurism
60  裸聊                ; pinyin
60  裸播
70  裸体直播
60  裸体视频
50  裸体图片
50  裸体美女
40  裸体写真
25  裸体
40  裸照                ; pinyin
40  裸舞
40  裸模
50  裸女
30  裸身
40  全裸
20  半裸
20  人体艺术
30  人体写真
25  私房照
40  艳照
40  艳舞
40  脱衣舞              ; pinyin
60  自拍偷拍            ; pinyin
25  偷拍
40  偷拍视频
30  偷窥
20  走光
15  露点
30  漏点
40  激凸
40  裙底
50  露奶
50  露乳
50  露阴
40  露毛
80  露逼
50  女主播 + 裸
40  美女主播 + 福利
30  美女 + 裸

# Slang of porn sites
40  福利视频            ; pinyin
60  福利姬
50  宅男福利
60  午夜福利            ; pinyin
50  深夜福利
50  午夜影院
50  午夜激情
20  午夜剧场
50  看片神器
25  看片
50  撸管
50  撸片
60  草榴
60  色中色
50  色站                ; pinyin
40  色图
40  涩图
40  色小说
40  色诱
30  色欲
20  色狼
20  啪啪
30  嘿咻
30  滚床单
20  开房
50  里番
40  肉番
40  工口
40  <h漫>
50  <h动漫>
40  <h游戏>
40  <h小说>
50  春宫
50  春宫图

# 激情 (alone: passion, sports, ads) only in compounds
40  激情视频
40  激情图片
40  激情小说
40  激情聊天
40  激情电影
50  激情直播
50  激情影院
50  激情网站
40  激情 + 裸

# 情色, 艳情
40  情色
50  情色电影
50  情色小说
40  艳情
50  艳情小说

# Sex acts (kept to the words spam uses in titles)
45  性爱                ; pinyin
60  性爱视频
50  性爱图片
50  性爱小说
45  做爱                ; pinyin
60  做爱视频
35  性交
70  性交视频
20  口交
40  肛交
60  乳交
60  足交
70  抽插                ; pinyin
70  内射
70  颜射
70  口爆
70  吞精
50  中出
60  潮吹
25  性高潮
30  自慰
30  手淫
25  打飞机
40  <3p>
40  <群p>
60  爆菊
30  意淫

# Vulgar words for bodies and people
80  操逼                ; pinyin
80  插逼
80  肏逼
70  日逼
80  骚逼
80  骚穴
60  屄
60  肏
70  鸡巴
60  鸡吧
50  几吧
50  大屌
40  阳具
60  肉棒
70  肉穴
50  小穴
40  阴唇
40  阴蒂
40  阴毛
25  阴部
25  私处
20  阴茎
15  阴道
35  龟头
25  精液
30  射精
60  爆乳
50  巨乳
50  豪乳
40  美乳
50  大奶
50  奶子
40  奶头
40  酥胸
30  肥臀
20  美臀
20  乳沟
50  骚女
60  骚货
60  骚妇
60  荡妇
50  浪货
30  浪女
30  贱货
60  淫荡              ; pinyin
50  淫乱
30  淫秽
10  淫秽色情
60  淫妇
60  淫女
60  淫娃
70  淫妻
80  淫穴
70  淫水
70  淫液
60  淫照
60  淫图
60  淫片
50  淫书
30  淫欲
50  淫秽视频

# Roles and scenes in titles
30  人妻
30  熟女
15  少妇
40  寂寞少妇
20  性感美女
10  性感
40  丝袜诱惑
25  丝袜美腿
15  黑丝
80  乱伦                ; pinyin
70  换妻
60  夫妻交换
40  交换伴侣
60  性奴
50  性虐
50  <sm调教>
50  捆绑调教
30  恋足

# Sexual violence (news also names it: good context offsets those pages)
30  强奸
60  迷奸
50  轮奸
50  奸淫
40  诱奸

# Toys and stimulants (shops are legal; low weights)
40  春药                ; pinyin
40  催情
50  催情药
40  跳蛋
40  震动棒
40  自慰器
40  飞机杯
40  充气娃娃
30  性玩具
15  性用品
10  情趣用品
10  情趣内衣
10  成人用品

# Resource and channel words of porn sites, apps and link pages (2008 WAP to today)
50  成人频道
50  成人专区
60  成人影视            ; pinyin
60  成人影音
50  成人资源
30  成人版
50  成人app
40  成人直播间
40  仅供成年人
60  <av种子>
60  <av资源>
50  <av合集>
50  <av番号>
40  <av> + 种子
40  <av> + 磁力
30  影音先锋
50  黄色资源
50  黄色软件
50  黄色app
40  看黄app
50  色情资源
50  色情app
50  看片网
50  看片软件
50  看片app
40  免费看片
40  手机看片
50  看片网站
40  午夜影视
25  午夜电影
10  午夜档
40  夜间福利
30  午夜 + 福利
10  禁播
# "一区二区三区" and "日韩精品" are how porn titles file their videos
20  一区二区三区
40  无码一区
30  日韩精品
40  日韩 + 无码
40  欧美 + 无码
30  国产 + 无码
30  精品 + 无码
50  国产自拍
40  原创自拍
40  自拍区
50  夫妻自拍
40  情侣自拍
50  激情自拍
30  真实流出
30  视频流出
50  不雅视频
40  不雅照
60  艳照门
20  私拍
40  私密视频
40  私密直播
40  私密房
20  私密相册
20  大尺度
15  尺度大
40  尺度全开
15  无删减
15  未删减
50  未打码
40  不打码
40  无遮挡
50  无圣光
50  私房写真
50  大尺度写真
50  港台三级
50  经典三级
50  激情文学
50  激情区
50  激情专区
50  激情影视
30  情欲
30  艳遇
20  春宵
40  人妻系列
40  熟女系列
40  <h漫画>

# 福利 (alone: welfare, benefits) only in the compounds porn pages use
50  福利导航
40  福利站
40  福利网
40  福利图
40  福利资源
50  福利直播
30  福利群
15  福利社
40  福利app
20  看福利

# Slang of link lists and forums
40  老司机福利
30  老司机带路
30  老司机资源
30  老司机专用
20  老司机 + 上车
20  你懂的
10  懂的都懂
30  宅男必备
40  宅男神器
30  宅男专属
40  男人都懂
40  男人的天堂
50  男人天堂
30  男人的加油站
50  撸友
60  夜夜撸
60  天天撸
40  车震
30  主播 + 大秀
30  主播 + 大尺度
50  情趣直播
30  裸聊室
# App names porn spam uses (fruit and vegetable "视频" apps)
40  黄瓜视频
40  香蕉视频
30  草莓视频
40  丝瓜视频
30  秋葵视频
30  向日葵视频
30  芭乐视频
30  榴莲视频

# Written evasions common enough to list as they are
60  艹榴
40  诶片
40  情涩
50  果聊
20  涩涩
50  成人有声

# More titles, genres and studio names of porn sites
40  偷拍自拍
50  小黄书
40  理论片
30  <r级>
30  色片
40  色色网
40  肉文
20  床戏
20  露骨
40  香艳
50  艳星
30  尤物
30  销魂
30  一丝不挂
40  露胸
40  露臀
30  黄段子
60  网黄
60  反差婊
30  <ntr>
40  网红福利
40  主播福利
30  开车群
60  麻豆传媒
50  果冻传媒
50  蜜桃传媒
50  精东影业
30  <p站>
