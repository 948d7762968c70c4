"""What an import writes on each paper beyond its title and abstract (``enrich``).

A richer source (BibTeX, CSL-JSON, RIS, Hugging Face daily papers) says more than a
digest: authors with their structure, an arXiv id, upvotes, bibliographic facts, the
citation key, and (BibTeX from JabRef or from us) the reader's own state. Each is
written with ``Source.IMPORT`` and the import's time, under three rules:

- a paper already in the library gets only what it lacks, or what
  :func:`~readinglist.core.metadata.may_replace` allows: a value the user typed is never
  replaced, and an unchanged value is not written again;
- the reader's state (status, rating, priority, tags) goes to new papers only; notes
  also fill an existing paper's empty notes, never replacing the user's;
- a cite key is stored only on a paper that has none, and only when no other paper
  has it (BibTeX tells keys apart without case): a stored key is never changed.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from datetime import datetime
from typing import Protocol

from readinglist.core.errors import InvalidValueError
from readinglist.core.exchange.names import same_person
from readinglist.core.links import classify_url, extract_links, is_openable_url
from readinglist.core.metadata import Field, MetaField, PersonName, Source, may_replace
from readinglist.core.models import Link, LinkKind, Paper, PaperQuery, ParsedPaper, ReaderState
from readinglist.core.ports import FactStore, ImportWrites, PaperEdits, PaperReads
from readinglist.core.tags import normalize_tag


class ImportTarget(ImportWrites, FactStore, PaperEdits, Protocol):
    """What :func:`enrich` writes through (the unit of work of an import)."""


def source_links(paper: ParsedPaper) -> tuple[Link, ...]:
    """The abstract's links, then the source's own (a declared project page is one)."""
    links = list(extract_links(paper.abstract))
    seen = {link.url.rstrip("/").lower() for link in links}
    for url, project in [(u, False) for u in paper.urls] + [(u, True) for u in paper.project_urls]:
        if not is_openable_url(url) or url.rstrip("/").lower() in seen:
            continue
        link = classify_url(url)
        if project and link.kind is LinkKind.OTHER:
            link = replace(link, kind=LinkKind.PROJECT)
        seen.add(url.rstrip("/").lower())
        links.append(link)
    return tuple(links)


def match_by_arxiv(
    uow: PaperReads, papers: Sequence[ParsedPaper], keys: Sequence[str], known: dict[str, Paper]
) -> dict[str, Paper]:
    """Papers not matched by title that the library has under the same arXiv id."""
    wanted = {
        paper.arxiv_id: key
        for paper, key in zip(papers, keys, strict=True)
        if paper.arxiv_id and key not in known
    }
    if not wanted:
        return {}
    found = uow.papers_by_arxiv(list(wanted))
    if not found:
        return {}
    by_id = {p.id: p for p in uow.papers(PaperQuery(ids=tuple(found.values())))}
    return {
        wanted[arxiv]: by_id[paper_id] for arxiv, paper_id in found.items() if paper_id in by_id
    }


def enrich(
    uow: ImportTarget, paper_id: int, paper: ParsedPaper, old: Paper | None, now: datetime
) -> bool:
    """Store what a richer source says about a paper (see the module docstring).

    Returns whether anything changed on a paper that was already in the library (a
    new paper is not "enriched").
    """
    facts = _facts(paper, old, now)
    names = _names(paper, old)
    if names is not None:
        uow.set_author_names(paper_id, names, now)
        facts.append(MetaField(Field.AUTHORS, str(len(names)), Source.IMPORT, now))
    if paper.arxiv_id and (old is None or not old.arxiv_id):  # an id is never replaced
        uow.set_arxiv_id(paper_id, paper.arxiv_id, now)
        facts.append(MetaField(Field.ARXIV_ID, paper.arxiv_id, Source.IMPORT, now))
    if paper.upvotes is not None and (old is None or old.upvotes != paper.upvotes):
        uow.set_upvotes(paper_id, paper.upvotes, now)  # a count: the newest is right
        facts.append(MetaField(Field.UPVOTES, str(paper.upvotes), Source.IMPORT, now))
    if facts:
        uow.put_facts(paper_id, facts, now)
    noted = _reader_state(uow, paper_id, paper.reader, old, now)
    keyed = _cite_key(uow, paper_id, paper.cite_key, old)
    return old is not None and bool(facts or noted or keyed)


def _facts(paper: ParsedPaper, old: Paper | None, now: datetime) -> list[MetaField]:
    have = {fact.name: fact for fact in old.meta} if old is not None else {}
    wanted = dict(paper.facts)  # one value a name (the last one given)
    out: list[MetaField] = []
    for name, value in wanted.items():
        current = have.get(name)
        if current is not None and (
            current.value == value or not may_replace(current.source, Source.IMPORT)
        ):
            continue
        out.append(MetaField(name, value, Source.IMPORT, now))
    return out


def _incoming_names(paper: ParsedPaper) -> tuple[PersonName, ...]:
    if paper.author_names and len(paper.author_names) == len(paper.authors):
        return paper.author_names
    return tuple(PersonName(name) for name in paper.authors)


def _names(paper: ParsedPaper, old: Paper | None) -> tuple[PersonName, ...] | None:
    """The authors to store, or None to keep the paper's.

    The same people (however spelt) keep their names, each gaining the structure the
    source gives where it had none; different people replace them unless the user
    typed them (authors without a provenance came with an import).
    """
    new = _incoming_names(paper)
    if not new:
        return None
    if old is None or not old.authors:
        return new
    current = old.people
    same = len(current) == len(new) and all(
        same_person(a.name, b.name) for a, b in zip(current, new, strict=True)
    )
    if same:
        merged = tuple(
            b if b.structured and not a.structured else a for a, b in zip(current, new, strict=True)
        )
        return merged if merged != current else None
    provenance = next((f for f in old.meta if f.name is Field.AUTHORS), None)
    owner = provenance.source if provenance is not None else Source.IMPORT
    return new if may_replace(owner, Source.IMPORT) else None


def _reader_state(
    uow: ImportTarget, paper_id: int, state: ReaderState | None, old: Paper | None, now: datetime
) -> bool:
    """The file's reader state: all of it on a new paper; only notes, and only into
    empty ones, on a paper the user already has."""
    if state is None:
        return False
    if old is None:
        uow.set_reader_state(paper_id, replace(state, tags=_tags(state.tags)), now)
        return False
    if state.notes and not old.notes.strip():
        uow.set_notes(paper_id, state.notes, now)
        return True
    return False


def _tags(names: Sequence[str]) -> tuple[str, ...]:
    tags: list[str] = []
    for name in names:
        try:
            tags.append(normalize_tag(name))
        except InvalidValueError:
            continue
    return tuple(dict.fromkeys(tags))


def _cite_key(uow: ImportTarget, paper_id: int, key: str | None, old: Paper | None) -> bool:
    if not key or (old is not None and old.cite_key):
        return False
    if uow.cite_key_owner(key) is not None:  # another paper's (or this one's already)
        return False
    uow.store_cite_keys({paper_id: key})
    return True
