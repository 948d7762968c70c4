"""What a BibTeX entry says, as a paper: its facts, structured names and reader state.

Every value is kept as the entry gives it (decoded from LaTeX), with three exceptions
where the entry only restates what another value already says, so keeping it would
make a fact out of a derivation: an arXiv paper's own DOI (``10.48550/arXiv.ID``) and
report number (``arXiv:ID``), and Google Scholar's ``journal = {arXiv preprint
arXiv:ID}``, which names no journal (the id is kept; the entry type it forced,
``@article``, is not).
"""

from __future__ import annotations

import re
from typing import Final

from readinglist.core.arxiv import normalize_arxiv_id
from readinglist.core.errors import InvalidValueError
from readinglist.core.exchange.dates import iso_date, month_of, published, year_of
from readinglist.core.exchange.latex import decode_latex
from readinglist.core.exchange.names import parse_names
from readinglist.core.metadata import Field, PersonName
from readinglist.core.models import ParsedPaper, Priority, ReaderState, ReadStatus
from readinglist.core.normalize import clean_text
from readinglist.core.tags import normalize_tag

# Fields kept as they are (decoded), in the order an exporter writes them.
TEXT_FIELDS: Final = (
    ("journal", Field.JOURNAL),
    ("booktitle", Field.BOOKTITLE),
    ("publisher", Field.PUBLISHER),
    ("volume", Field.VOLUME),
    ("number", Field.NUMBER),
    ("pages", Field.PAGES),
    ("primaryclass", Field.PRIMARY_CATEGORY),
    ("keywords", Field.KEYWORDS),
    ("note", Field.NOTE),
)
# Other names of the same field: biblatex's journaltitle; who publishes a report
# (institution) or a thesis (school).
_ALIASES: Final = {"journal": ("journaltitle",), "publisher": ("institution", "school")}
# Google Scholar: journal = {arXiv preprint arXiv:2403.13043}; ADS: {arXiv e-prints}.
_SCHOLAR_ARXIV: Final = re.compile(r"(?i)\s*arxiv(?:\s+preprint)?(?:\s+e-prints)?(?:\s+(\S+))?\s*")
_ABS_VOLUME: Final = re.compile(r"(?i)\s*abs/(\S+)\s*")  # Semantic Scholar: volume = {abs/ID}
_DOI: Final = re.compile(r"(?i)^(?:https?://(?:dx\.)?doi\.org/|doi:\s*)?(10\.\d{4,9}/\S+)$")
# A key every BibTeX reads: printable ASCII without what ends or splits a key.
_CITE_KEY: Final = re.compile(r"[!-~]{1,200}")
_NOT_IN_KEY: Final = frozenset(',{}()="#%\\~')
_READSTATUS: Final = {"read": ReadStatus.READ, "skimmed": ReadStatus.SKIMMED}
_PRIORITY: Final = {"prio1": Priority.HIGH, "prio2": Priority.MEDIUM, "prio3": Priority.LOW}
_RANKING: Final = re.compile(r"(?i)\s*rank([1-5])\s*")


def arxiv_doi(arxiv_id: str) -> str:
    """The DOI arXiv gives every paper (DataCite, since 2022)."""
    return f"10.48550/arXiv.{arxiv_id}"


def entry_paper(kind: str, key: str, fields: dict[str, str], line: int) -> ParsedPaper | None:
    """One entry (field names lower case, values raw) as a paper; None without a title."""
    title = decode_latex(fields.get("title", ""))
    if not title:
        return None
    arxiv_id = _arxiv_id(fields)
    scholar = _scholar_arxiv(fields.get("journal", ""))
    volume = _ABS_VOLUME.fullmatch(decode_latex(fields.get("volume", "")))
    if scholar is not None:
        arxiv_id = arxiv_id or scholar or normalize_arxiv_id(volume.group(1) if volume else "")
    facts: dict[Field, str] = {}
    date = _published(fields)
    if date is not None:
        facts[Field.PUBLISHED] = date
    if scholar is None:  # Scholar's "article" only means "it has a journal field"
        facts[Field.ENTRY_TYPE] = kind
    for name, field in TEXT_FIELDS:
        given_as = (name, *_ALIASES.get(name, ()))
        value = decode_latex(next((fields[n] for n in given_as if n in fields), ""))
        derived = scholar is not None and (name == "journal" or (name == "volume" and volume))
        if value and not derived:
            facts[field] = value
    doi = _doi(fields.get("doi", ""))
    if arxiv_id is not None:
        if doi is not None and doi.lower() == arxiv_doi(arxiv_id).lower():
            doi = None
        if facts.get(Field.NUMBER, "").lower() == f"arxiv:{arxiv_id}".lower():
            del facts[Field.NUMBER]
    if doi is not None:
        facts[Field.DOI] = doi
    names = parse_names(fields.get("author", ""))
    return ParsedPaper(
        title=title,
        abstract=decode_latex(fields.get("abstract", "")),
        line=line,
        authors=tuple(name.name for name in names),
        arxiv_id=arxiv_id,
        urls=_urls(fields, doi),
        author_names=names,
        facts=tuple(facts.items()),
        cite_key=key if valid_cite_key(key) else None,
        reader=_reader_state(fields),
    )


def valid_cite_key(key: str) -> bool:
    return _CITE_KEY.fullmatch(key) is not None and not (_NOT_IN_KEY & set(key))


def _arxiv_id(fields: dict[str, str]) -> str | None:
    eprint = decode_latex(fields.get("eprint", ""))
    prefix = decode_latex(fields.get("archiveprefix") or fields.get("eprinttype") or "")
    if prefix.lower() in ("", "arxiv") and (found := normalize_arxiv_id(eprint)):
        return found
    if found := normalize_arxiv_id(_url(fields.get("url", ""))):
        return found
    doi = _doi(fields.get("doi", "")) or ""
    if doi.lower().startswith("10.48550/arxiv."):
        return normalize_arxiv_id(doi[len("10.48550/arxiv.") :])
    return None


def _scholar_arxiv(journal: str) -> str | None:
    """The arXiv id of Scholar's "arXiv preprint arXiv:ID" journal ('' when it names
    none: "arXiv e-prints"); None when the journal is a journal."""
    found = _SCHOLAR_ARXIV.fullmatch(decode_latex(journal))
    if found is None:
        return None
    return normalize_arxiv_id(found.group(1) or "") or ""


def _published(fields: dict[str, str]) -> str | None:
    """``date`` when it is a date, else ``year`` with ``month`` (a month macro is already
    its number here)."""
    if date := iso_date(decode_latex(fields.get("date", ""))):
        return date
    year = year_of(decode_latex(fields.get("year", "")))
    if year is None:
        return None
    return published(year, month_of(decode_latex(fields.get("month", ""))))


def _doi(raw: str) -> str | None:
    found = _DOI.match(decode_latex(raw).replace(" ", ""))
    return found.group(1) if found else None


def _url(raw: str) -> str:
    return clean_text(raw).replace("\\_", "_").replace("\\%", "%").replace("\\#", "#")


def _urls(fields: dict[str, str], doi: str | None) -> tuple[str, ...]:
    """The entry's links: its url, our own ``code`` field, and its DOI's page."""
    urls = [url for url in (_url(fields.get("url", "")), _url(fields.get("code", ""))) if url]
    if doi is not None:
        urls.append(f"https://doi.org/{doi}")
    return tuple(urls)


def _reader_state(fields: dict[str, str]) -> ReaderState | None:
    """JabRef's special fields and groups, and ``annote``: the reader's own."""
    status = _READSTATUS.get(decode_latex(fields.get("readstatus", "")).lower())
    ranking = _RANKING.fullmatch(decode_latex(fields.get("ranking", "")))
    priority = _PRIORITY.get(decode_latex(fields.get("priority", "")).lower())
    tags = _tags(fields.get("groups", ""))
    notes = annote_text(fields.get("annote", ""))
    if status is None and ranking is None and priority is None and not tags and not notes:
        return None
    return ReaderState(
        status=status,
        rating=int(ranking.group(1)) if ranking else None,
        priority=priority,
        tags=tags,
        notes=notes,
    )


def _tags(raw: str) -> tuple[str, ...]:
    """JabRef's ``groups``: names separated by commas (a braced comma is part of one)."""
    tags: list[str] = []
    depth, start = 0, 0
    pieces: list[str] = []
    for i, ch in enumerate(raw):
        depth += 1 if ch == "{" else -1 if ch == "}" else 0
        if ch == "," and depth == 0:
            pieces.append(raw[start:i])
            start = i + 1
    pieces.append(raw[start:])
    for piece in pieces:
        try:
            tag = normalize_tag(decode_latex(piece))
        except InvalidValueError:
            continue
        if tag not in tags:
            tags.append(tag)
    return tuple(tags)


def annote_text(raw: str) -> str:
    """Notes from ``annote``, line by line (the writer keeps a note's lines)."""
    lines = (decode_latex(line) for line in raw.splitlines())
    return "\n".join(line for line in lines if line)


def record_paper(
    title: str,
    abstract: str,
    line: int,
    names: tuple[PersonName, ...],
    arxiv_id: str | None,
    urls: tuple[str, ...],
    facts: dict[Field, str],
    key: str,
) -> ParsedPaper:
    """A reference record (CSL-JSON item, RIS record) as a paper: its names whole and
    structured, its facts, and its key when BibTeX could use it."""
    return ParsedPaper(
        title=title,
        abstract=abstract,
        line=line,
        authors=tuple(name.name for name in names),
        arxiv_id=arxiv_id,
        urls=urls,
        author_names=names,
        facts=tuple(facts.items()),
        cite_key=key if valid_cite_key(key) else None,
    )
