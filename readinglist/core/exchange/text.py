"""Small text helpers the export formats share: the reference URL, links by kind."""

from __future__ import annotations

import re
import unicodedata

from readinglist.core.metadata import Field
from readinglist.core.models import LinkKind, Paper

_WORD = re.compile(r"[^\W_]+")
_STOP = frozenset(
    {"a", "an", "the", "of", "on", "in", "for", "and", "to", "with", "via", "from", "by", "is"}
)


def doi_of(paper: Paper) -> str | None:
    """The paper's own DOI, when a source gave one (not arXiv's, which exports derive)."""
    return paper.fact(Field.DOI)


def reference_url(paper: Paper) -> str | None:
    """The page a reference points to: the arXiv abstract page, else the DOI's page;
    never a code repository or a project page (neither is the paper)."""
    if paper.arxiv_id:
        return f"https://arxiv.org/abs/{paper.arxiv_id}"
    doi = doi_of(paper)
    return f"https://doi.org/{doi}" if doi else None


def urls_of(paper: Paper, kind: LinkKind) -> list[str]:
    return [link.url for link in paper.links if link.kind is kind]


def title_words(title: str, count: int) -> list[str]:
    """The first ``count`` words of a title that are not stop words, as lower case
    ASCII letters and digits, accents dropped (a word with none is skipped)."""
    words: list[str] = []
    for word in _WORD.findall(title.lower()):
        folded = unicodedata.normalize("NFKD", word)  # "Ünïcode" -> "unicode"
        ascii_word = "".join(ch for ch in folded if ch.isascii() and ch.isalnum())
        if ascii_word and word not in _STOP:
            words.append(ascii_word)
            if len(words) == count:
                break
    return words


def first_word(title: str) -> str:
    """The first word of a title that is not a stop word ("paper" when there is none)."""
    return (title_words(title, 1) or ["paper"])[0]


def one_line(text: str) -> str:
    return " ".join(text.split())
