"""Keys that decide whether two titles are the same paper."""

from __future__ import annotations

import unicodedata


def _fold_char(ch: str) -> str:
    # Punctuation (P*) and symbols (S*) become spaces, so "3D-Gaussians" and
    # "3D Gaussians" or curly and straight quotes fold to the same key.
    return " " if unicodedata.category(ch)[0] in "PSZC" else ch


def title_key(title: str) -> str:
    """The unique key of a paper: NFKC, casefolded, punctuation and spacing folded."""
    text = unicodedata.normalize("NFKC", title).casefold()
    folded = "".join(_fold_char(ch) for ch in text)
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
