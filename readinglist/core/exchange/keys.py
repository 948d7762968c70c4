"""Citation keys: readable (``hinton2024capsule``), unique within an export, stable.

A key depends only on the paper (first author's family name, year, first real title
word). Papers whose keys would clash all get a suffix from a hash of their title, which
also depends only on the paper, so exporting the same papers again gives the same keys.
"""

from __future__ import annotations

import hashlib
import unicodedata
from collections import defaultdict
from collections.abc import Sequence

from readinglist.core.exchange.text import first_word, split_name, year_of
from readinglist.core.models import Paper
from readinglist.core.normalize import title_key


def _ascii(text: str) -> str:
    folded = unicodedata.normalize("NFKD", text)
    return "".join(ch for ch in folded.lower() if ch.isascii() and ch.isalnum())


def base_key(paper: Paper) -> str:
    family = _ascii(split_name(paper.authors[0])[1]) if paper.authors else ""
    year = year_of(paper)
    return f"{family or 'paper'}{'' if year is None else year}{first_word(paper.title)}"


def citation_keys(papers: Sequence[Paper]) -> dict[int, str]:
    """paper id -> key, unique among ``papers``."""
    groups: dict[str, list[Paper]] = defaultdict(list)
    for paper in papers:
        groups[base_key(paper)].append(paper)
    keys: dict[int, str] = {}
    for base, members in groups.items():
        if len(members) == 1:
            keys[members[0].id] = base
            continue
        for paper in members:
            digest = hashlib.sha1(title_key(paper.title).encode(), usedforsecurity=False)
            keys[paper.id] = f"{base}-{digest.hexdigest()[:6]}"
    taken: dict[str, int] = {}
    for paper in papers:  # identical hashes (practically never): the id decides
        key = keys[paper.id]
        if key in taken:
            keys[paper.id] = f"{key}-{paper.id}"
        taken[keys[paper.id]] = paper.id
    return keys
