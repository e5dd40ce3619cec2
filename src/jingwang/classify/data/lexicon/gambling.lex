# Online gambling: casinos, lotteries run abroad, betting sites. Reported in the verdict as
# its own category (it does not add to the porn score); gambling ads often share pages and
# hosts with porn ones.
@category gambling
@lang zh

60  网上赌场
60  在线赌场
50  网络赌博
50  赌博网站
30  博彩
40  博彩公司
40  真人娱乐
60  真人荷官            ; pinyin
50  百家乐              ; pinyin
50  时时彩              ; pinyin
50  六合彩              ; pinyin
50  北京赛车 + <pk10>
40  <pk10>
50  赌球
40  足球投注
30  体育投注
20  投注
20  下注
20  押注
30  彩金
60  注册送彩金
40  首存送
50  洗码
40  返水
40  老虎机
40  澳门赌场
50  澳门新葡京
50  皇冠体育
50  开元棋牌
40  炸金花
20  德州扑克
10  棋牌

@lang en
60  <online casino>
50  <casino bonus>
40  <sports betting>
40  <free spins>
30  <slot machines>
30  <roulette>
30  <blackjack>
20  <poker>
