"""Small text helpers the export formats share: names, years, links by kind."""

from __future__ import annotations

import re

from readinglist.core.models import LinkKind, Paper

_WORD = re.compile(r"[^\W_]+")
_STOP = frozenset(
    {"a", "an", "the", "of", "on", "in", "for", "and", "to", "with", "via", "from", "by", "is"}
)


def split_name(name: str) -> tuple[str, str]:
    """(given, family): "Geoffrey E. Hinton" -> ("Geoffrey E.", "Hinton")."""
    if "," in name:
        family, _, given = name.partition(",")
        return given.strip(), family.strip()
    parts = name.split()
    if len(parts) <= 1:
        return "", name.strip()
    return " ".join(parts[:-1]), parts[-1]


def year_of(paper: Paper) -> int:
    """The arXiv id's year when there is one (YYMM.NNNNN), else the year it was added."""
    arxiv = paper.arxiv_id or ""
    if len(arxiv) >= 4 and arxiv[:4].isdigit() and "." in arxiv:
        return 2000 + int(arxiv[:2])
    return paper.added_at.year


def urls_of(paper: Paper, kind: LinkKind) -> list[str]:
    return [link.url for link in paper.links if link.kind is kind]


def first_word(title: str) -> str:
    """The first word of a title that is not a stop word, lower case ASCII letters/digits."""
    for word in _WORD.findall(title.lower()):
        ascii_word = "".join(ch for ch in word if ch.isascii() and ch.isalnum())
        if ascii_word and word not in _STOP:
            return ascii_word
    return "paper"


def one_line(text: str) -> str:
    return " ".join(text.split())
