"""Citation keys: readable (``hinton2024capsule``), unique in the library, never changed.

A paper's key is stored the first time it is needed (an export, or the key of the
BibTeX entry it was imported from) and used ever after, so a document citing
``\\cite{vaswani2017attention}`` keeps working whatever the user exports next: the
library, a list, one search. A new key is made from the paper alone (first author's
family name, the year a source gave, the first real title word; without an author,
title words) and must be free: papers whose key would be taken, or would clash with
another new key, get a suffix from a hash of their title, which also depends only
on the paper. BibTeX compares keys without regard to case, and so does this module.
"""

from __future__ import annotations

import hashlib
import unicodedata
from collections import defaultdict
from collections.abc import Collection, Sequence

from readinglist.core.exchange.names import key_family
from readinglist.core.exchange.text import title_words
from readinglist.core.models import Paper
from readinglist.core.normalize import title_key


def _ascii(text: str) -> str:
    folded = unicodedata.normalize("NFKD", text)
    return "".join(ch for ch in folded.lower() if ch.isascii() and ch.isalnum())


def base_key(paper: Paper) -> str:
    """``family + year + word``; the year only when a source gave one; without an
    author, the first title word takes the family's place and the next one its own."""
    year = paper.year or ""
    people = paper.people
    family = _ascii(key_family(people[0])) if people else ""
    words = title_words(paper.title, 2) or ["paper"]
    if family:
        return f"{family}{year}{words[0]}"
    return f"{words[0]}{year}{''.join(words[1:])}"


def _suffix(paper: Paper) -> str:
    return hashlib.sha1(title_key(paper.title).encode(), usedforsecurity=False).hexdigest()[:6]


def new_keys(papers: Sequence[Paper], taken: Collection[str]) -> dict[int, str]:
    """paper id -> a new key for each of ``papers``, unique among them and against
    ``taken`` (every key already stored: those are never given to another paper)."""
    used = {key.casefold() for key in taken}
    groups: dict[str, list[Paper]] = defaultdict(list)
    for paper in papers:
        groups[base_key(paper)].append(paper)
    keys: dict[int, str] = {}
    for base, members in sorted(groups.items()):
        if len(members) == 1 and base.casefold() not in used:
            keys[members[0].id] = base
            used.add(base.casefold())
            continue
        for paper in sorted(members, key=lambda p: p.id):
            key = f"{base}-{_suffix(paper)}"
            if key.casefold() in used:  # the same title hash (practically never)
                key = f"{key}-{paper.id}"
                while key.casefold() in used:
                    key += "x"
            keys[paper.id] = key
            used.add(key.casefold())
    return keys


def citation_keys(papers: Sequence[Paper]) -> dict[int, str]:
    """paper id -> key: a paper's stored key, else a new one (unique in ``papers``).

    The export use case stores every exported paper's key first, so in a file the
    keys are the stored ones; a new key here serves exports built without a library."""
    stored = {paper.id: paper.cite_key for paper in papers if paper.cite_key}
    fresh = new_keys([p for p in papers if not p.cite_key], stored.values())
    return {**stored, **fresh}
