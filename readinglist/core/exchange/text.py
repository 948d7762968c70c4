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


_NEW_ARXIV = re.compile(r"^(\d{2})(\d{2})\.\d{4,5}(v\d+)?$")  # 2403.13043 (April 2007 on)
_OLD_ARXIV = re.compile(r"^[a-z-]+(\.[A-Z]{2})?/(\d{2})(\d{2})\d{3}(v\d+)?$")  # hep-th/9901001


def year_of(paper: Paper) -> int | None:
    """The year the paper appeared, when the library knows it: an arXiv id says when it
    was first submitted (2403.13043: 2024). None otherwise; never the day it was added
    (a digest lists papers of any age), which exports give as an access date."""
    arxiv = paper.arxiv_id or ""
    if found := _NEW_ARXIV.match(arxiv):
        return 2000 + int(found.group(1))
    if found := _OLD_ARXIV.match(arxiv):
        year = int(found.group(2))
        return (1900 if year >= 91 else 2000) + year
    return None


def abstract_page(paper: Paper) -> str | None:
    """The page a reference points to: the arXiv abstract page, else the project page;
    never a code repository (it is not the paper)."""
    if paper.arxiv_id:
        return f"https://arxiv.org/abs/{paper.arxiv_id}"
    pages = urls_of(paper, LinkKind.PROJECT)
    return pages[0] if pages else None


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
