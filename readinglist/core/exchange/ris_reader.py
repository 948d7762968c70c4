"""Read RIS (Zotero, EndNote, Mendeley, Reference Manager): records, each a paper.

A record is ``TAG  - value`` lines from ``TY`` to ``ER``; a line without a tag goes
on the value before it. It keeps what the BibTeX reader keeps: the type, the date
(``DA``, else ``PY``, as precise as given), venue, publisher, volume, issue, pages
(``SP``/``EP``), DOI, keywords, abstract, ``AU`` names (``Family, Given[, Suffix]``
structured; a name without a comma stays as written) and ``ID`` as the cite key.
"""

from __future__ import annotations

import re
from typing import Final

from readinglist.core.arxiv import normalize_arxiv_id
from readinglist.core.exchange.bibtex_fields import arxiv_doi, record_paper
from readinglist.core.exchange.dates import published
from readinglist.core.exchange.errors import ImportFormatError
from readinglist.core.exchange.names import display_name
from readinglist.core.exchange.ris import RIS_TYPES
from readinglist.core.metadata import Field, PersonName
from readinglist.core.models import ParsedPaper, ParseResult, ParseWarning
from readinglist.core.normalize import clean_text
from readinglist.core.text_lines import iter_lines

_TAG: Final = re.compile(r"^([A-Z][A-Z0-9])  -(?: (.*))?$")
_START: Final = re.compile(r"\A\s*TY  - \S")
_ENTRY_TYPES: Final = {ris: bib for bib, ris in reversed(RIS_TYPES.items())} | {"GEN": "misc"}
_IN_A_BOOK: Final = frozenset({"CPAPER", "CHAP", "CONF"})
_SIMPLE: Final = (("PB", Field.PUBLISHER), ("VL", Field.VOLUME), ("IS", Field.NUMBER))


def looks_like_ris(text: str) -> bool:
    return _START.match(text) is not None


def _records(text: str) -> list[tuple[int, dict[str, list[str]]]]:
    """(line of its TY, tag -> values) of every record."""
    records: list[tuple[int, dict[str, list[str]]]] = []
    current: dict[str, list[str]] | None = None
    last: str | None = None
    for number, raw in enumerate(iter_lines(text), start=1):
        line = raw.rstrip("\r\n")
        found = _TAG.match(line)
        if found is None:
            if current is not None and last is not None and line.strip():
                current[last][-1] += " " + line.strip()  # a value wrapped onto the next line
            continue
        tag, value = found.group(1), found.group(2) or ""
        if tag == "TY":
            current, last = {}, None
            records.append((number, current))
        if current is None:
            continue
        if tag == "ER":
            current, last = None, None
            continue
        current.setdefault(tag, []).append(value.strip())
        last = tag
    return records


def _first(record: dict[str, list[str]], *tags: str) -> str:
    for tag in tags:
        for value in record.get(tag, []):
            if value.strip():
                return clean_text(value)
    return ""


def _name(value: str) -> PersonName | None:
    text = clean_text(value)
    if not text:
        return None
    if "," not in text:
        return PersonName(text)  # as written: nobody said which part is the family
    family, _, rest = (part.strip() for part in text.partition(","))
    given, _, suffix = (part.strip() for part in rest.partition(","))
    return PersonName(
        display_name(given or None, family, suffix or None), family, given or None, suffix or None
    )


def _date(record: dict[str, list[str]]) -> str | None:
    """``DA`` (``2017/06/08/``) when it says more than ``PY`` (``2017``, ``2017///``)."""
    dates = [published(*(value.split("/")[:3])) for value in record.get("DA", [])]
    dates += [published(*(value.split("/")[:3])) for value in record.get("PY", [])]
    dates += [published(*(value.split("/")[:3])) for value in record.get("Y1", [])]
    found = [date for date in dates if date is not None]
    return max(found, key=len) if found else None


def _paper(record: dict[str, list[str]], line: int) -> ParsedPaper | None:
    title = _first(record, "TI", "T1", "CT")
    if not title:
        return None
    kind = _first(record, "TY")
    url = _first(record, "UR")
    doi = _first(record, "DO") or None
    arxiv_id = normalize_arxiv_id(url)
    if arxiv_id is None and doi is not None and doi.lower().startswith("10.48550/arxiv."):
        arxiv_id = normalize_arxiv_id(doi[len("10.48550/arxiv.") :])
    if arxiv_id is not None and doi is not None and doi.lower() == arxiv_doi(arxiv_id).lower():
        doi = None
    facts: dict[Field, str] = {}
    if date := _date(record):
        facts[Field.PUBLISHED] = date
    if entry_type := _ENTRY_TYPES.get(kind):
        facts[Field.ENTRY_TYPE] = entry_type
    if venue := _first(record, "T2", "JO", "JF", "BT", "J2"):
        facts[Field.BOOKTITLE if kind in _IN_A_BOOK else Field.JOURNAL] = venue
    for tag, field in _SIMPLE:
        if value := _first(record, tag):
            facts[field] = value
    start, end = _first(record, "SP"), _first(record, "EP")
    if start or end:
        facts[Field.PAGES] = f"{start}--{end}" if start and end else start or end
    keywords = [clean_text(word) for word in record.get("KW", []) if word.strip()]
    if keywords:
        facts[Field.KEYWORDS] = ", ".join(keywords)
    if doi is not None:
        facts[Field.DOI] = doi
    names = tuple(
        name
        for name in (_name(value) for tag in ("AU", "A1") for value in record.get(tag, []))
        if name is not None
    )
    key = _first(record, "ID")
    urls = tuple(u for u in (url, f"https://doi.org/{doi}" if doi else "") if u)
    return record_paper(title, _first(record, "AB", "N2"), line, names, arxiv_id, urls, facts, key)


def read_ris(text: str, source_name: str) -> ParseResult:
    papers: list[ParsedPaper] = []
    warnings: list[ParseWarning] = []
    for line, record in _records(text):
        paper = _paper(record, line)
        if paper is None:
            warnings.append(ParseWarning(line, "a record without a title skipped"))
        else:
            papers.append(paper)
    if not papers:
        raise ImportFormatError(f"{source_name}: no RIS record with a title found")
    return ParseResult(tuple(papers), tuple(warnings))
