# English sex-service advertising: escorts, hook-up and "adult dating" offers, erotic massage,
# phone sex. Like the Chinese file, these pages sell contact (phone, WhatsApp, Kik, Snap) more
# than they show anything, so the words of the offer carry the weight. Whole words throughout
# (normalisation removes spaces). Words with an everyday meaning stay low or need company:
# an escort is also a Ford and a naval ship, a hookup also a caravan's mains lead, a happy
# ending also a story's, and massage parlours and dating sites are mostly legitimate.
@category sex_services
@lang en

# Escorts
20  <escort>
30  <escorts>
60  <escort service>
60  <escort services>
60  <escort agency>
50  <local escorts>
50  <vip escorts>
40  <independent escort>
40  <outcall>
40  <incall>
50  <incall and outcall>
50  <gfe>
40  <full service> + <escort>
20  <companion> + <outcall>

# Massage with extras
60  <happy ending massage>
30  <happy ending>
30  <massage> + <happy ending>
60  <erotic massage>
50  <sensual massage>
60  <nuru massage>
50  <nuru>
40  <body rub>
40  <body rubs>
30  <tantric massage>

# Hook-ups and "adult dating"
50  <adult dating>
20  <hookup>
20  <hookups>
40  <hook up tonight>
40  <hookups tonight>
40  <hookup app>
60  <fuck buddy>
50  <booty call>
50  <casual sex>
50  <nsa fun>
30  <no strings attached>
40  <no-strings hookups>
40  <casual encounters>
40  <one night stand>
40  <one night stands>
40  <hot singles>
10  <local singles>
50  <lonely housewives>
60  <horny housewives>
50  <naughty wives>
40  <hot wives>
40  <lonely wives>
50  <local milfs>
40  <discreet affairs>
30  <sugar dating>
20  <sugar daddy>
50  <adult classifieds>
15  <personals>
40  <naughty meetups>
30  <naughty chat>

# Phone and text sex
60  <phone sex>
40  <sexting>
40  <sex line>
30  <swingers>
50  <sex dating>
50  <sex contacts>
70  <meet and fuck>
40  <get laid>
60  <horny singles>
