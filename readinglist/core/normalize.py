"""Keys that decide whether two titles are the same paper."""

from __future__ import annotations

import unicodedata

# Mathematical symbols that titles use as punctuation: a typographic minus for a
# hyphen ("Self−Attention"), slashes, a ratio sign for a colon, bars and tildes.
_MATH_AS_PUNCTUATION = frozenset("|~\u2212\u2044\u2215\u2236\u2223\u223c")


def _fold_char(ch: str) -> str:
    category = unicodedata.category(ch)
    if category == "Cf":
        # Format characters are invisible (zero-width space and joiner, soft hyphen,
        # direction marks): "Dif\u200bfusion" is "Diffusion", not "dif fusion".
        return ""
    if category == "Sm" and ch not in _MATH_AS_PUNCTUATION:
        # Mathematical symbols carry meaning: "Attention = Explanation" is not
        # "Attention ≠ Explanation". Each is a word of its own, so spacing around it
        # does not matter ("a=b" and "a = b").
        return f" {ch} "
    # Punctuation (P*), other symbols (S*), spaces and controls become spaces, so
    # "3D-Gaussians" and "3D Gaussians" or curly and straight quotes fold to one key.
    return " " if category[0] in "PSZC" else ch


class _Folded(dict[int, str]):
    """``str.translate``'s table of :func:`_fold_char`, filled as characters are met:
    a title folds in C, not with a Python call per character (a 100k-paper index
    rebuild folds every title)."""

    def __missing__(self, code: int) -> str:
        if len(self) >= 20_000:  # bounded whatever the titles (a library of noise)
            self.clear()
        folded = self[code] = _fold_char(chr(code))
        return folded


_FOLDED = _Folded()


def title_key(title: str) -> str:
    """The unique key of a paper: NFKC, casefolded, punctuation and spacing folded,
    invisible format characters dropped, mathematical symbols kept.

    Changing this changes the keys stored with every paper: a migration must
    recompute them, as storage/migrations/versions/0005_title_keys.py did when
    mathematical symbols and format characters got their own rules."""
    text = unicodedata.normalize("NFKC", title).casefold()
    folded = text.translate(_FOLDED)
    return " ".join(folded.split())


def clean_text(text: str) -> str:
    """Collapse runs of whitespace and strip: what a title or abstract is stored as."""
    return " ".join(text.split())


def edit_distance(a: str, b: str) -> int:
    """Levenshtein distance (short words only: suggestions are ranked with it)."""
    previous = list(range(len(b) + 1))
    for i, char_a in enumerate(a, start=1):
        current = [i]
        for j, char_b in enumerate(b, start=1):
            current.append(
                min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (char_a != char_b))
            )
        previous = current
    return previous[-1]
