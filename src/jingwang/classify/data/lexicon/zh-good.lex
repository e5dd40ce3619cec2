# Good context (Chinese): words of pages that talk about sex or bodies without being
# pornographic: medicine and sexual health, sex education, news of crackdowns, court cases and
# scam warnings, lingerie, swimwear and clothing shops, adult education, cosmetics and fitness,
# matchmaking, art and biology. Negative weights pull the porn score down, so
# that "严厉打击色情网站" or a breast-cancer page stays clean. A pornographic page rarely
# carries many of these; one that does to hide is still caught by its own words and the text
# model.
@category good
@lang zh

# Medicine and sexual health
-50 性健康
-60 性病防治
-20 性病
-50 性传播疾病
-30 艾滋病
-50 预防艾滋病
-50 艾滋病防治
-40 妇科
-40 妇科疾病
-30 男科
-30 泌尿外科
-60 乳腺癌
-40 乳腺增生
-50 宫颈癌
-40 避孕
-40 避孕药
-40 紧急避孕
-20 安全套
-40 计划生育
-50 生殖健康
-40 生殖系统
-30 性功能障碍
-30 前列腺
-20 月经
-15 怀孕
-20 孕妇
-20 产后
-40 母乳喂养
-30 哺乳
-10 医生
-10 医院
-15 门诊
-15 症状
-10 治疗
-15 患者
-15 诊断
-20 临床
-15 医学
-20 挂号

# Sex education and relationships
-50 性教育
-20 性知识
-40 生理卫生
-40 两性健康
-30 两性关系
-40 两性交往
-40 两性交流
-40 异性交往
-30 性别平等
-30 性骚扰
-40 防范性侵
-20 性侵害

# News of crackdowns, police and courts
-80 扫黄打非
-40 扫黄
-80 打击色情
-80 打击淫秽色情
-60 淫秽色情信息
-80 打击卖淫嫖娼
-60 净网行动
-30 净网
-40 依法查处
-50 依法打击
-40 严厉打击
-30 专项行动
-30 专项整治
-40 公安机关
-30 警方
-20 派出所
-40 犯罪嫌疑人
-20 涉嫌
-40 立案侦查
-40 刑事拘留
-30 行政拘留
-40 抓获
-30 捣毁
-20 取缔
-20 查获
-30 判处
-40 有期徒刑
-20 法院
-30 检察院
-40 传播淫秽物品
-15 举报
-20 举报电话
-30 违法和不良信息举报
-20 不良信息
-40 网信办
-30 新华社
-20 人民网
-15 记者

# Ordinary words that contain a porn word (红色情怀 holds 色情, 做爱心 holds 做爱, 个性爱好
# holds 性爱, 出口交易 holds 口交)
-45 色情怀
-45 色情调
-40 色情景
-40 色情感
-50 做爱心
-50 个性爱
-25 出口交易
-25 进出口交
-25 路口交通
-25 路口交警
-40 性交配
-40 彩色片

# Lingerie and clothing shops
-20 内衣
-30 文胸
-20 胸罩
-15 内裤
-30 尺码
-30 尺码表
-20 码数
-20 罩杯
-25 无钢圈
-25 面料
-20 棉质
-15 睡衣
-20 家居服
-15 泳衣
-15 女装
-15 男装
-20 包邮
-30 七天无理由退货
-30 无理由退换
-30 加入购物车
-20 购物车
-20 立即购买
-20 退换货
-10 发货
-15 月销
-20 旗舰店
-15 淘宝
-15 天猫
-15 京东

# Adult education (成人 here means grown-up learners)
-60 成人教育
-70 成人高考
-50 成人本科
-50 成人大专
-50 成人学历
-40 成考
-40 自考
-50 自学考试
-40 继续教育
-40 函授
-30 夜大
-30 网络教育
-40 开放大学
-40 专升本
-40 学历提升
-30 报名条件
-30 考试大纲
-40 招生简章
-40 录取分数线
-40 成人礼
-40 成人网校

# More news of crackdowns, scams and platform enforcement (these pages quote the porn words
# they report on: 色情直播, 裸聊, 约炮软件, 福利视频)
-40 公安部
-20 公安
-40 网警
-40 破获
-40 判刑
-30 被判
-40 获刑
-20 案件
-30 团伙
-40 央视曝光
-40 灰色产业链
-15 产业链
-40 约谈
-30 下架
-30 封禁
-30 违规账号
-20 违规
-30 低俗
-30 整治
-30 关停
-40 涉黄
-50 净化网络
-50 有偿陪侍
-30 法制
-15 揭秘
-50 反诈
-40 敲诈
-40 诈骗
-30 骗局
-40 警惕
-10 提醒
-30 木马
-30 切勿
-30 淫秽物品
-20 网信

# Welfare, benefits and the welfare lottery (福利 in porn slang)
-40 员工福利
-50 社会福利
-50 福利彩票
-40 福利待遇

# 成人 as grown-up in shops, tickets and classes
-60 成人纸尿裤
-30 纸尿裤
-40 成人自行车
-40 成人票
-50 成人英语
-40 成人钢琴
-40 成人培训
-40 成人游泳
-30 培训班
-40 老年大学

# Beauty and cosmetics (美女, 性感 and 私密 in their advertising)
-30 护肤
-30 护肤品
-30 面膜
-30 化妆品
-30 美妆
-30 口红
-30 色号
-30 妆容
-30 美容院
-30 美甲
-30 美发
-20 美白
-20 补水
-20 保湿
-30 祛痘
-20 睫毛
-30 私密护理

# Fitness
-20 健身
-30 健身房
-30 私教
-30 瑜伽
-30 普拉提
-30 减脂
-20 减肥
-20 塑形
-30 马甲线
-30 深蹲
-20 腹肌

# Marriage and matchmaking (相亲, not hook-ups)
-50 婚恋
-40 相亲
-40 红娘
-40 征婚
-40 婚介
-50 以结婚为目的
-40 找对象
-20 实名认证
-20 婚姻
-30 读书会

# Swimwear and beachwear
-20 泳装
-20 泳裤
-20 比基尼
-10 度假

# More medicine and health
-30 疫苗
-30 <hpv>
-40 无痛人流
-30 人流
-20 术后
-30 更年期
-30 包皮
-40 阴道镜
-30 不育
-30 糖尿病
-40 正规医院
-30 乳腺
-40 乳腺外科
-20 炎症
-15 医师
-30 梅毒
-30 尖锐湿疣
-30 淋病
-20 按摩椅
-30 颈椎

# More sex education
-30 科普
-40 性取向
-50 安全性行为
-20 亲密关系
-40 婚前检查
-30 避孕套

# Art and biology
-30 雕像
-30 雕塑
-30 油画
-40 美术馆
-30 博物馆
-30 解剖
-40 文艺复兴
-30 古希腊
-40 有性生殖
-30 摄影艺术

# Court, police and scam-warning wording (added with the second round of crackdown examples)
-50 传播淫秽
-50 传播色情
-40 牟利
-50 被告人
-40 判决
-30 违者
-30 罚款
-20 不得
-40 窝点
-40 查处
-40 被骗
-30 陷阱
-20 一男子
-30 违法
-30 线索
-15 小心
-40 举报中心
-60 <12377>
-60 <12390>

# Psychology, research and commentary about porn (成瘾, 误区, 艺术还是色情)
-40 成瘾
-40 心理咨询
-15 研究
-40 医学研究
-30 综述
-30 误区
-40 专家解读
-10 专家
-20 大脑
-15 艺术
-20 边界
-20 声明
-20 正规

# Romance novels (言情) share 激情, 一夜, 情人 with porn fiction
-30 言情小说
-20 言情
