"""Read CSL-JSON (Zotero, Pandoc, citeproc): an array of items, each a paper.

It keeps what the BibTeX reader keeps: the item's type, date (``issued``, as precise
as its ``date-parts``), venue, publisher, volume, issue or number, pages, DOI,
keywords, note, the names with their structure (``family``/``given``, particles
included in the family; a ``literal`` stays one unsplit name) and the item's ``id``
as the cite key. As in BibTeX, what an arXiv id already says (arXiv's DOI, the number
``arXiv:ID``, the publisher "arXiv" of a preprint) is not kept as a fact of its own.
"""

from __future__ import annotations

from typing import Any, Final

from readinglist.core.arxiv import normalize_arxiv_id
from readinglist.core.exchange.bibtex_fields import arxiv_doi, record_paper
from readinglist.core.exchange.csljson import CSL_TYPES
from readinglist.core.exchange.dates import iso_date, published
from readinglist.core.exchange.errors import ImportFormatError
from readinglist.core.exchange.names import display_name
from readinglist.core.metadata import Field, PersonName
from readinglist.core.models import ParsedPaper, ParseResult, ParseWarning
from readinglist.core.normalize import clean_text

# CSL types -> BibTeX entry types: the first BibTeX type of each CSL type (misc for a
# preprint's "article", as CSL_TYPES maps it).
_ENTRY_TYPES: Final = {csl: bib for bib, csl in reversed(CSL_TYPES.items())}
_IN_A_BOOK: Final = frozenset({"paper-conference", "chapter", "entry-encyclopedia"})
_VARIABLES: Final = (
    ("publisher", Field.PUBLISHER),
    ("volume", Field.VOLUME),
    ("issue", Field.NUMBER),
    ("number", Field.NUMBER),
    ("page", Field.PAGES),
    ("keyword", Field.KEYWORDS),
    ("note", Field.NOTE),
)


def looks_like_csljson(value: object) -> bool:
    """A non-empty array of objects, each with a string ``type``, one at least a title."""
    return (
        isinstance(value, list)
        and bool(value)
        and all(isinstance(item, dict) and isinstance(item.get("type"), str) for item in value)
        and any(isinstance(item.get("title"), str) for item in value)
    )


def _text(item: dict[str, Any], key: str) -> str:
    value = item.get(key)
    if isinstance(value, int | float) and not isinstance(value, bool):
        return str(value)
    return clean_text(value) if isinstance(value, str) else ""


def _name(value: object) -> PersonName | None:
    if not isinstance(value, dict):
        return None
    literal = value.get("literal")
    if isinstance(literal, str) and literal.strip():
        return PersonName(clean_text(literal))
    parts = {key: _text(value, key) for key in value}
    particles = (parts.get("dropping-particle", ""), parts.get("non-dropping-particle", ""))
    family = clean_text(" ".join((*particles, parts.get("family", ""))))
    given = parts.get("given") or None
    suffix = parts.get("suffix") or None
    if not family:
        return PersonName(given) if given else None
    return PersonName(display_name(given, family, suffix), family, given, suffix)


def _issued(value: object) -> str | None:
    if not isinstance(value, dict):
        return None
    parts = value.get("date-parts")
    if isinstance(parts, list) and parts and isinstance(parts[0], list) and parts[0]:
        return published(*parts[0][:3])
    raw = value.get("raw")
    return iso_date(raw) if isinstance(raw, str) else None


def _arxiv_id(item: dict[str, Any]) -> str | None:
    for candidate in (_text(item, "URL"), _text(item, "number")):
        if found := normalize_arxiv_id(candidate):
            return found
    doi = _text(item, "DOI")
    if doi.lower().startswith("10.48550/arxiv."):
        return normalize_arxiv_id(doi[len("10.48550/arxiv.") :])
    return None


def _paper(item: dict[str, Any]) -> ParsedPaper | None:
    title = _text(item, "title")
    if not title:
        return None
    kind = _text(item, "type")
    arxiv_id = _arxiv_id(item)
    facts: dict[Field, str] = {}
    if date := _issued(item.get("issued")):
        facts[Field.PUBLISHED] = date
    if entry_type := _ENTRY_TYPES.get(kind):
        facts[Field.ENTRY_TYPE] = entry_type
    if venue := _text(item, "container-title"):
        facts[Field.BOOKTITLE if kind in _IN_A_BOOK else Field.JOURNAL] = venue
    for key, field in _VARIABLES:
        if (value := _text(item, key)) and field not in facts:
            facts[field] = value
    doi = _text(item, "DOI") or None
    if arxiv_id is not None:
        if doi is not None and doi.lower() == arxiv_doi(arxiv_id).lower():
            doi = None
        if facts.get(Field.NUMBER, "").lower() == f"arxiv:{arxiv_id}".lower():
            del facts[Field.NUMBER]
        if kind == "article" and facts.get(Field.PUBLISHER) == "arXiv":
            del facts[Field.PUBLISHER]
    if doi is not None:
        facts[Field.DOI] = doi
    raw_names = item.get("author")
    names = tuple(
        name
        for name in (_name(value) for value in (raw_names if isinstance(raw_names, list) else []))
        if name is not None
    )
    key = _text(item, "id")
    url = _text(item, "URL")
    urls = tuple(u for u in (url, f"https://doi.org/{doi}" if doi else "") if u)
    return record_paper(title, _text(item, "abstract"), 0, names, arxiv_id, urls, facts, key)


def read_csljson(value: object, source_name: str) -> ParseResult:
    if not looks_like_csljson(value):
        raise ImportFormatError(f"{source_name}: not CSL-JSON: expected an array of items")
    assert isinstance(value, list)
    papers: list[ParsedPaper] = []
    warnings: list[ParseWarning] = []
    for index, item in enumerate(value):
        paper = _paper(item)
        if paper is None:
            warnings.append(ParseWarning(0, f"item [{index}] has no title; skipped"))
        else:
            papers.append(paper)
    return ParseResult(tuple(papers), tuple(warnings))
