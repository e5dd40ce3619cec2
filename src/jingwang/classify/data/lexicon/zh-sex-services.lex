# Chinese sex-service advertising: hook-ups, escorts, "massage" with extras, door-to-door
# "services". These pages sell contact (QQ, WeChat, phone numbers: the identifiers module
# extracts them) more than they show anything, so the words of the offer carry the weight.
# Words that legitimate businesses use too (上门服务: repairs, cleaning; 按摩; 同城) count only
# in combinations.
@category sex_services
@lang zh

# Hook-ups
60  约炮                ; pinyin
40  约p
40  一夜情              ; pinyin
15  同城约会
15  同城交友
30  附近约
50  约 + 裸聊
40  寂寞 + 约炮

# Escorts and compensated dating
60  援交                ; pinyin
60  援助交际
60  楼凤                ; pinyin
70  一楼一凤
50  外围女              ; pinyin
40  外围模特
50  空降服务
50  全国空降
50  陪睡
20  陪聊
30  包养
15  二奶
50  找小姐
40  鸭店
20  红灯区

# Massage parlours and saunas
50  大保健              ; pinyin
60  莞式
60  莞式服务
50  特殊服务
40  特殊按摩
40  全套服务
30  丝足
30  推油
50  洗浴 + 全套
50  桑拿 + 全套
50  会所 + 全套
40  按摩 + 包夜

# Door-to-door offers (the service words alone are ordinary)
50  上门服务 + 美女
50  上门服务 + 全套
50  上门服务 + 包夜
40  上门 + 小姐
15  包夜
40  包夜 + 美女

# The trade named
60  色情服务
40  性服务
40  性交易
40  卖淫
40  嫖娼
50  招嫖
20  开房 + 美女

# Hook-ups, in the words of dating apps and QQ groups
60  约啪
60  炮友
50  打炮
25  同城约
40  同城速约
30  秒约
10  约吗
40  一夜情 + 交友
30  寂寞少妇
30  寂寞熟女
30  寂寞人妻
20  寂寞 + 约
20  附近 + 寂寞

# Escorts and compensated dating
50  外围资源
30  外围 + 空降
50  全城空降
40  可空降
10  空降
30  伴游
50  商务伴游
50  高端伴游
50  包养网
20  陪酒
50  陪酒 + 出台
20  兼职女
60  小姐上门
50  美女上门
40  叫鸡
30  嫖客
30  妓女
30  娼妓
20  凤姐
20  声讯台
40  激情声讯

# Tea slang (品茶, 约茶, 新茶: girls offered as "tea")
40  约茶
70  外送茶
30  新茶 + 品茶
20  新茶到店
40  品茶 + 空降
30  品茶 + 上门
20  品茶 + 微信
20  茶友 + 新茶

# Massage with extras
30  半套
30  技师 + 全套
40  技师 + 包夜
20  技师 + 特殊
50  上门按摩 + 美女
40  按摩 + 特殊服务
30  足疗 + 特殊
20  不满意换人
20  看照片选人
