# Drugs sold or advertised online. Reported in the verdict as its own category. News names
# drugs too, so the bare names weigh little and selling words more.
@category drugs
@lang zh

50  冰毒
50  海洛因
50  摇头丸
50  <k粉>
50  麻古
40  可卡因
25  大麻
40  大麻种子
40  购买大麻
50  迷药
40  迷幻药
60  听话水
30  笑气
30  麻黄碱
20  吗啡
20  鸦片
20  毒品
20  吸毒
20  贩毒
40  出售 + 冰毒
40  出售 + 迷药

@lang en
40  <cocaine>
40  <heroin>
40  <meth>
40  <methamphetamine>
30  <ecstasy pills>
30  <mdma>
30  <lsd>
40  <ghb>
20  <cannabis>
40  <buy weed>
