"""British spellings folded to American ones, so that either finds both.

Papers are written in both: "quantisation" and "quantization", "colour" and "color",
"normalise" and "normalize". The search index folds every word with :func:`american`
before stemming it, and so does every query, so the two spellings become one index term
(a rebuildable index may fold as it likes: the texts themselves are never changed).

The rules are a small table, not a general converter: the -ise/-yse verbs and their
nouns (with the words that only look like them left alone: "promise", "pairwise",
"denoise", "supervise"), the -our words, -re words and a few single words common in
papers. Folding a word that has no American twin is harmless (both sides fold it the
same way); merging two different words would not be, hence the exceptions.

Pure Python: the search layer imports it, and "did you mean" uses it to recognise a
spelling variant, which is not a typo.
"""

from __future__ import annotations

import re
from typing import Final

__all__ = ["american", "american_prefixes", "same_spelling"]


def _words(text: str) -> tuple[str, ...]:
    return tuple(text.split())


# -ise -> -ize: the verb, its inflections and its nouns ("optimisation", "optimiser").
_ISE: Final = re.compile(r"([a-z]{3,})is(e|es|ed|ing|ation|ations|ational|er|ers|able)")
# Roots (the part before "is") whose -ise is not a British -ize.
_ISE_KEPT: Final = frozenset(
    _words(
        "prom prem dem comprom chem surpr enterpr compr appr repr upr sunr ar pr expert "
        "treat merchand parad franch disenfranch desp mort an advert exerc exorc prec "
        "conc exc inc circumc chast val cer reprom mis otherw likew"
    )
)
# Letters before "is" that mean the word is not an -ise verb: advise, revise, pairwise,
# denoise, raise, disguise, exercise, concise.
_ISE_KEPT_BEFORE: Final = frozenset("vwaeiouyc")

# -yse -> -yze: analyse, paralyse, catalyse, hydrolyse.
_YSE: Final = re.compile(r"([a-z]{2,})ys(e|es|ed|ing|er|ers)")

# -our -> -or: the word and everything built on it ("colourful", "behavioural").
_OUR_ROOTS: Final = _words(
    "ardour armour behaviour candour clamour colour endeavour favour fervour "
    "flavour harbour honour humour labour neighbour odour parlour rigour rumour "
    "savour saviour splendour tumour valour vapour vigour"
)
_OUR: Final = re.compile("(" + "|".join(root[:-3] for root in _OUR_ROOTS) + ")our")

# -re -> -er: centre, centres, centred, centring (and the others alike).
_RE_ROOTS: Final = _words("calib cent fib lit lust meag met sab somb spect theat")
_RE: Final = re.compile("(" + "|".join(_RE_ROOTS) + r")r(e|es|ed|ing)")
_RE_ENDINGS: Final = {"e": "er", "es": "ers", "ed": "ered", "ing": "ering"}

# Greek ae/oe spellings of medical words (imaging papers use them): the word's start.
_GREEK: Final = {
    "anaem": "anem",
    "anaesth": "anesth",
    "aetiolog": "etiolog",
    "archaeolog": "archeolog",
    "encyclopaed": "encycloped",
    "foet": "fet",
    "haem": "hem",
    "leukaem": "leukem",
    "oedem": "edem",
    "oesophag": "esophag",
    "oestr": "estr",
    "orthopaed": "orthoped",
    "paediatr": "pediatr",
}
_GREEK_RE: Final = re.compile("(" + "|".join(sorted(_GREEK, key=len, reverse=True)) + ")")

# Whole words.
_WORDS: Final = {
    "acknowledgement": "acknowledgment",
    "acknowledgements": "acknowledgments",
    "ageing": "aging",
    "aluminium": "aluminum",
    "analogue": "analog",
    "analogues": "analogs",
    "artefact": "artifact",
    "artefacts": "artifacts",
    "catalogue": "catalog",
    "catalogues": "catalogs",
    "defence": "defense",
    "defences": "defenses",
    "dialogue": "dialog",
    "dialogues": "dialogs",
    "distil": "distill",
    "enrolment": "enrollment",
    "fulfil": "fulfill",
    "grey": "gray",
    "greyscale": "grayscale",
    "judgement": "judgment",
    "judgements": "judgments",
    "licence": "license",
    "manoeuvre": "maneuver",
    "mould": "mold",
    "offence": "offense",
    "programme": "program",
    "programmes": "programs",
    "sceptical": "skeptical",
    "skilful": "skillful",
}


def american(word: str) -> str:
    """The American spelling of a lower-case word (the word itself when it has none)."""
    found = _WORDS.get(word)
    if found is not None:
        return found
    if match := _ISE.fullmatch(word):
        root = match.group(1)
        if root not in _ISE_KEPT and root[-1] not in _ISE_KEPT_BEFORE:
            return f"{root}iz{match.group(2)}"
        return word
    if match := _YSE.fullmatch(word):
        return f"{match.group(1)}yz{match.group(2)}"
    if match := _OUR.match(word):
        return f"{match.group(1)}or{word[match.end() :]}"
    if match := _RE.fullmatch(word):
        return f"{match.group(1)}{_RE_ENDINGS[match.group(2)]}"
    if match := _GREEK_RE.match(word):
        return _GREEK[match.group(1)] + word[match.end() :]
    return word


def same_spelling(first: str, second: str) -> bool:
    """Whether two words are one word spelt the British and the American way (or alike)."""
    return american(first.lower()) == american(second.lower())


# A word being typed ("quantis", "optimisa", "analys", "colou"): where its American
# spelling may differ from what is typed so far.
_ISE_TYPED: Final = re.compile(r"([a-z]{3,})is([a-z]{0,5})")
_YSE_TYPED: Final = re.compile(r"([a-z]{2,})ys([a-z]{0,3})")


def american_prefixes(prefix: str) -> set[str]:
    """How the words that start with a lower-case ``prefix`` may start once folded by
    :func:`american`: the prefix, and its American form when it may have one. A word
    being typed has no ending yet, so the rules are guessed from its start; a guess
    too many only widens a prefix search."""
    found = {prefix, american(prefix)}
    match = _ISE_TYPED.fullmatch(prefix)
    if match and match.group(1)[-1] not in _ISE_KEPT_BEFORE and match.group(1) not in _ISE_KEPT:
        found.add(f"{match.group(1)}iz{match.group(2)}")
    if match := _YSE_TYPED.fullmatch(prefix):
        found.add(f"{match.group(1)}yz{match.group(2)}")
    if match := _OUR.match(prefix):
        found.add(f"{match.group(1)}or{prefix[match.end() :]}")
    elif prefix.endswith("ou") and any(root.startswith(prefix) for root in _OUR_ROOTS):
        found.add(prefix[:-1])  # "colou": colour, color
    return found
