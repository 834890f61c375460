"""Common words left out of word clouds, per workshop language.

Lists of function words (articles, pronouns, prepositions, forms of "be" and "have") and the
fillers of a feelings answer ("I feel", "ich fühle mich", "je me sens", "me siento", "أشعر"): a
cloud of "the", "and" and "my" says nothing about the room. Languages without a list keep every
word.

A word ending in an apostrophe (French "l'", "qu'") is an elided article or pronoun: the cloud
counts "l'amour" as "amour" (see `workshop.results.words_of`).
"""

STOP_WORDS: dict[str, frozenset[str]] = {
    "en": frozenset(
        """a about above after again all also am an and any are as at be because been before
        being below between both but by can could did do does doing down during each few for
        from further had has have having he her here hers herself him himself his how i if in
        into is it its itself just me more most my myself no nor not now of off on once only
        or other our ours ourselves out over own same she should so some such than that the
        their theirs them themselves then there these they this those through to too under
        until up very was we were what when where which while who whom why will with would
        you your yours yourself yourselves i'm it's that's don't feel feeling like really""".split()
    ),
    "de": frozenset(
        """aber alle allem allen aller alles als also am an andere anderen auch auf aus bei
        beim bin bis bisschen bist da dabei damit dann darauf das dass dein deine deinem
        deinen dem den denn der des dich die dies diese diesem diesen dieser dieses dir doch
        dort du durch eben eher ein eine einem einen einer eines einfach er es etwas euch
        euer eure für ganz gar gerade gewesen hab habe haben halt hat hatte hatten hier ich
        ihm ihn ihnen ihr ihre ihrem ihren im in ins irgendwie ist ja jetzt kann kein keine
        man mal mehr mein meine meinem meinen meiner mich mir mit nach nicht nichts noch nun
        nur ob oder ohne schon sehr sein seine seinem seinen sich sie sind so über um und uns
        unser unsere viel vom von vor war waren was weil wenn werde werden wie wieder wir
        wird wirklich wo zu zum zur fühle fühlen fühlt fühl echt ziemlich""".split()
    ),
    "fr": frozenset(
        """a à ai as au aussi aux avec avoir c ça ce ceci cela ces cet cette chez comme d dans de là
        des du elle elles en encore es est et étais était être eu eux il ils j je l la le les
        leur leurs lui m ma mais me même mes moi mon n ne ni nos notre nous on ont ou où par
        pas peu plus pour qu que quel quelle qui s sa sans se ses si soit sois son sont suis
        sur t ta te tes toi ton tout toute tous toutes très tu un une vos votre vous y sens
        sent sentir vraiment assez plutôt
        c' d' j' l' m' n' qu' s' t' jusqu' lorsqu' puisqu'""".split()
    ),
    "es": frozenset(
        """a al algo como con contra cual cuando de del desde donde e el él ella ellas ellos
        en entre era es esa esas ese eso esos esta está estaba estamos están estar estas este
        esto estos estoy fue ha hay he la las le les lo los me mi mí mis mucho muy ni no nos
        o os otra otro para pero poco por porque que qué se sea ser si sí sin sobre soy su
        sus también tan te tengo tiene ti todo toda tu tú tus un una uno unos unas y ya yo
        siento siente sentir sentimos realmente bastante""".split()
    ),
    # Arabic as people type it: with and without hamza (أنا and انا), and a few everyday
    # dialect words (اللي، مش). Prefixed forms (بالهدوء: "with calm") stay whole.
    "ar": frozenset(
        """في من إلى الى على عن مع هذا هذه ذلك تلك هؤلاء التي الذي الذين اللي أنا انا أنت انت
        نحن هو هي هم هن كان كانت يكون تكون لا لم لن ما ماذا هل و أو او ثم بل لكن إن ان أن
        كل بعض قد لقد عند كما مثل أي اي غير بين حتى إذا اذا لو منذ عندما كيف أين اين متى جدا
        جداً أيضا ايضا أيضاً فقط الآن الان هنا هناك ليس لي لك له لها لنا بي بك به بها فيه
        فيها منه منها عليه عليها مش ده دي كده يا أشعر اشعر أحس احس نشعر""".split()
    ),
    "nl": frozenset(
        """aan al als bij dat de der die dit een en er het hij ik in is je maar me met mijn niet
        nog of om ook op te tot van voor was wat we wij ze zij zijn""".split()
    ),
}


def stop_words(language: str) -> frozenset[str]:
    """The stop words of a language (empty for languages without a list)."""
    return STOP_WORDS.get(language, frozenset())
