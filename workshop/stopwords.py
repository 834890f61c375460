"""Common words left out of word clouds, per workshop language.

Short lists of function words: a cloud of "the", "and" and "my" says nothing about the room.
Languages without a list keep every word.
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
        """aber alle als am an auch auf aus bei bin bis da das dass dem den der des die doch du
        ein eine einem einen einer es für hat hatte ich ihr im in ist ja kann mein meine mich
        mir mit nach nicht noch nur oder sich sie sind so über um und uns von war was wie wir
        zu zum zur""".split()
    ),
    "fr": frozenset(
        """a au aux avec ce ces dans de des du elle en est et eux il je la le les leur lui ma
        mais me mes moi mon ne nos notre nous on ou par pas pour qu que qui sa se ses son sur
        ta te tes toi ton tu un une vos votre vous y""".split()
    ),
    "es": frozenset(
        """a al algo como con de del el ella en es esta este eso esto la las lo los me mi mis
        muy no nos o para pero por que se si sin su sus te tu un una y ya yo""".split()
    ),
    "nl": frozenset(
        """aan al als bij dat de der die dit een en er het hij ik in is je maar me met mijn niet
        nog of om ook op te tot van voor was wat we wij ze zij zijn""".split()
    ),
}


def stop_words(language: str) -> frozenset[str]:
    """The stop words of a language (empty for languages without a list)."""
    return STOP_WORDS.get(language, frozenset())
