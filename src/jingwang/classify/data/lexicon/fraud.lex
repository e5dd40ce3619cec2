# Fraud and scam offers: fake jobs, cash-out, loans, counterfeit papers, prize and police
# impersonation scams. Reported in the verdict as its own category.
@category fraud
@lang zh

40  刷单
60  兼职刷单
40  高额返利
30  代办信用卡
50  信用卡套现
30  套现
30  无抵押贷款
60  裸贷
30  办证
50  代开发票
40  假证
40  恭喜您中奖
20  领取奖金
50  安全账户
50  出售银行卡
50  收购银行卡
30  银行卡四件套
20  洗钱
30  代考
20  高仿

@lang en
40  <wire transfer> + <lottery winner>
40  <claim your prize>
30  <guaranteed loan>
30  <fake passport>
