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
