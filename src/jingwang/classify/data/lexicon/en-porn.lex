# English pornography vocabulary. Almost everything is a whole word (<...>): normalisation
# removes spaces, so a bare "sex" would match Sussex, Essex, sextant and "olives extra", and a
# bare "anal" analysis. Site names distinctive enough to stand anywhere are bare.
@category porn
@lang en

# Porn named
40  <porn>
50  <porno>
50  <pornstar>
50  <pornstars>
20  <pornography>
60  <free porn>
60  <porn videos>
60  <porn video>
60  <porn movies>
60  <porn tube>
50  <porn site>
50  <hd porn>
40  <xxx>
60  <xxx videos>
30  <free> + <xxx>
50  <adult videos>
50  <adult video>
50  <adult movies>
40  <adult site>
20  <adult content>
30  <adults only>
30  <nsfw>
40  <jav>
15  <uncensored>

# Sites
80  pornhub
80  xvideos
80  xhamster
80  youporn
80  redtube
70  porntube
60  onlyfans leaks

# Sex named
25  <sex>
50  <sex videos>
50  <sex video>
40  <sex chat>
50  <sex cam>
50  <sex cams>
50  <free sex>
40  <hot sex>
50  <live sex>
50  <sex tape>
60  <webcam sex>
10  <sexy>
10  <sex toys>

# Nudity and shows
30  <nude>
40  <nudes>
20  <naked>
50  <naked women>
50  <nude women>
40  <cam models>
40  <cam shows>
30  <striptease>
20  <stripper>
20  <erotic>
25  <erotica>
20  <playboy>

# Acts and bodies (title words of porn sites)
50  <milf>
50  <hentai>
60  <blowjob>
60  <handjob>
40  <anal>
60  <anal sex>
60  <creampie>
60  <cumshot>
15  <cum>
60  <gangbang>
40  <orgy>
40  <threesome>
15  <hardcore>
30  <cock>
15  <dick>
35  <pussy>
40  <cunt>
40  <tits>
30  <boobs>
20  <fuck>
15  <fucking>
50  <incest>
30  <bdsm>
20  <fetish>
25  <bondage>
20  <masturbation>
15  <orgasm>
40  <horny>
50  <slut>
40  <whore>

# More porn named, as tube and leak sites title it
60  <porn clips>
60  <porn pics>
50  <porn sites>
60  <porn comics>
60  <xxx tube>
60  <sex tube>
60  <xxx movies>
60  <xxx pics>
60  <xxx scenes>
50  <xxx passwords>
60  <lesbian porn>
60  <amateur porn>
60  <homemade porn>
50  <mobile porn>
50  <porn pass>
50  <sex tapes>
40  <explicit videos>
50  <sex pics>
50  <sex stories>
40  <erotic stories>
60  <big tits>
50  <18 usc 2257>

# Sites, cams and leaks
80  xnxx
80  spankbang
80  brazzers
80  chaturbate
80  stripchat
80  bongacams
80  livejasmin
80  myfreecams
80  camsoda
80  nhentai
50  <rule34>
60  <tube8>
20  <onlyfans>
20  <fansly>
50  <onlyfans leaks>
50  <leaked nudes>
50  <nude leaks>
40  <snap leaks>
20  <leaked> + <nudes>
20  <leaked> + <onlyfans>
50  <nude pics>
50  <nude photos>
50  <naked pics>
50  <naked photos>
40  <naughty pics>
40  <naughty photos>
50  <adult webcam>
50  <adult webcams>
50  <adult cams>
40  <webcam models>
15  <live cams>
20  <private shows>
20  <private show>
50  <cam2cam>
40  <cam to cam>
50  <live sex show>
50  <sex show>
50  <sex shows>
20  <cam> + <tokens>

# Common leetspeak and misspellings (the normaliser does not undo them)
60  <p0rn>
60  <pr0n>
20  <pron>
40  <s3x>
40  <n00ds>
40  <n00dz>
40  <nudez>
40  <xxx> + <vids>
40  <live on cam>
15  <on cam>

# More acts, genres and slang of porn titles
50  <milfs>
40  <titties>
30  <busty>
50  <lesbian sex>
40  <bbw>
40  <adult chat>
40  <x rated>
60  <gloryhole>
70  <bukkake>
60  <deepthroat>
50  <squirting>
60  <fisting>
40  <cuckold>
40  <dogging>
60  <upskirt>
30  <voyeur>
40  <hidden cam>
60  <downblouse>
60  <camwhore>
30  <lap dance>
30  <lap dances>
