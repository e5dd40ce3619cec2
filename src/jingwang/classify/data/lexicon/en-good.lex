# Good context (English): sexual health and medicine, sex education, news of crackdowns and
# court cases, lingerie, swimwear and clothing shops, adult education, beauty and massage
# therapy, marriage-minded dating, art and biology, and names that hold a porn word (Ford
# Escort, great tits, Moby Dick). Negative weights; whole words.
@category good
@lang en

# Sexual health and medicine
-50 <sexual health>
-60 <sexual and reproductive health>
-50 <reproductive health>
-50 <sexually transmitted>
-40 <std testing>
-40 <sti testing>
-30 <hiv>
-50 <hiv prevention>
-40 <contraception>
-40 <birth control>
-30 <safe sex>
-60 <breast cancer>
-40 <mammogram>
-50 <cervical cancer>
-40 <gynecology>
-40 <gynaecology>
-40 <obstetrics>
-30 <urology>
-15 <clinic>
-10 <doctor>
-15 <patients>
-15 <symptoms>
-10 <treatment>
-15 <diagnosis>
-10 <medical>
-20 <nhs>

# Sex education
-50 <sex education>
-50 <sexuality education>
-20 <consent>

# News of crackdowns, police and courts
-40 <crackdown>
-30 <arrested>
-20 <police>
-30 <charged with>
-30 <prosecutors>
-20 <court>
-30 <sentenced>
-30 <illegal content>
-30 <law enforcement>
-15 <investigation>
-15 <report abuse>
-30 <reuters>
-30 <associated press>
-20 <obscenity>
-30 <content moderation>

# Lingerie and clothing shops
-15 <lingerie>
-20 <bra>
-20 <bras>
-40 <bra size>
-40 <bra sizes>
-30 <cup size>
-40 <size guide>
-40 <size chart>
-25 <free shipping>
-30 <add to cart>
-30 <add to bag>
-15 <checkout>
-15 <in stock>
-10 <returns>
-15 <underwear>
-20 <nightwear>
-20 <sleepwear>
-30 <underwire>
-30 <shapewear>

# Adult education
-60 <adult education>
-50 <adult learners>
-50 <continuing education>
-40 <community college>
-40 <evening classes>
-20 <enrol>
-20 <enroll>
-20 <enrollment>
-15 <courses>
-20 <curriculum>
-20 <tuition>
-30 <ged>
-40 <lifelong learning>
-50 <adult literacy>

# More news of crackdowns, scams and platform safety
-20 <fbi>
-20 <seizes>
-20 <seized>
-30 <jailed>
-30 <convicted>
-20 <arrest>
-50 <human trafficking>
-30 <trafficking>
-40 <without consent>
-30 <intimate images>
-50 <age checks>
-30 <age verification>
-50 <online safety>
-20 <regulator>
-20 <fined>
-30 <safety centre>
-30 <safety center>
-30 <sextortion>

# More medicine
-50 <erectile dysfunction>
-30 <menopause>
-20 <gp>
-20 <cancer>
-30 <testicular>
-30 <self examination>
-30 <peyronie>
-15 <condoms>

# More sex education
-40 <sexual orientation>
-40 <gender identity>

# Beauty, spas and massage therapy
-50 <nude lipstick>
-40 <nude heels>
-40 <nude shades>
-40 <nude makeup>
-30 <nude colour>
-30 <nude color>
-20 <lipstick>
-20 <makeup>
-20 <skin tone>
-30 <day spa>
-30 <hot stone>
-40 <massage therapists>
-40 <massage therapist>
-40 <licensed massage>
-40 <sports massage>
-20 <back pain>

# Fitness, swimwear and tickets
-30 <hot yoga>
-20 <workout>
-20 <glutes>
-30 <swimwear>
-20 <swim shorts>
-40 <adult tickets>
-40 <adult ticket>
-40 <adult swimming>
-30 <adult ballet>
-40 <adult coloring>
-40 <adult colouring>
-30 <flu jab>
-30 <flu vaccine>
-20 <pharmacy>

# Marriage-minded dating
-20 <marriage>
-40 <serious relationships>
-30 <speed dating>
-30 <matchmaking>
-20 <companionship>
-40 <christian singles>

# Art and biology
-40 <figure painting>
-40 <life drawing>
-30 <gallery talk>
-20 <museum>
-30 <sculpture>
-20 <renaissance>
-30 <courtship>
-30 <pollination>

# Ordinary words and names that hold a porn word
-60 <ford escort>
-60 <great tits>
-60 <blue tits>
-60 <moby dick>
-60 <dick van dyke>
-40 <hardcore punk>
-50 <super bowl>
-30 <hot tub>
-40 <webcam drivers>
-30 <jails>
-20 <illegal>
-20 <raid>
-15 <shut down>
-15 <notorious>

# Psychology, research and commentary about porn
-50 <addiction>
-50 <porn literacy>
-30 <lecture>
-30 <painting>
-40 <community rules>
-40 <community guidelines>
-30 <no explicit>
-20 <research>
