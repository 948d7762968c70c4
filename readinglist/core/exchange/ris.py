"""RIS (Reference Manager, Zotero, EndNote): one record per paper.

RIS is line based, so every value is written on one line (line breaks become spaces).
``PY``/``DA`` only when a source gave the publication date, ``Y2`` is the day the
paper was added (the access date); ``AU`` is ``Family, Given`` where the structure is
known and the name as written otherwise. Nothing private: a reference manager may
print any field, so status, rating, notes and tags stay in the library.
"""

from __future__ import annotations

from typing import Final

from readinglist.core.exchange.bibtex_fields import arxiv_doi
from readinglist.core.exchange.bundle import ExportOptions, LibraryExport
from readinglist.core.exchange.keys import citation_keys
from readinglist.core.exchange.names import ris_name
from readinglist.core.exchange.text import doi_of, one_line, reference_url
from readinglist.core.metadata import Field
from readinglist.core.models import Paper

# BibTeX entry types -> RIS types (what Zotero writes); everything else is GEN.
RIS_TYPES: Final = {
    "article": "JOUR",
    "inproceedings": "CPAPER",
    "conference": "CPAPER",
    "proceedings": "CONF",
    "book": "BOOK",
    "inbook": "CHAP",
    "incollection": "CHAP",
    "phdthesis": "THES",
    "mastersthesis": "THES",
    "thesis": "THES",
    "techreport": "RPRT",
    "report": "RPRT",
    "unpublished": "UNPB",
    "online": "ELEC",
}


def _line(tag: str, value: str) -> str:
    return f"{tag}  - {one_line(value)}"


def ris_type(paper: Paper) -> str:
    return RIS_TYPES.get((paper.fact(Field.ENTRY_TYPE) or "").lower(), "GEN")


def _date(published: str) -> list[str]:
    """``PY`` the year; ``DA`` as precise as known, in RIS's ``YYYY/MM/DD/`` form."""
    parts = published.split("-")
    lines = [_line("PY", parts[0])]
    if len(parts) > 1:
        lines.append(_line("DA", "/".join(parts + [""] * (3 - len(parts))) + "/"))
    return lines


def _pages(pages: str) -> list[str]:
    start, _, end = pages.replace("--", "-").partition("-")
    lines = [_line("SP", start.strip())] if start.strip() else []
    return lines + ([_line("EP", end.strip())] if end.strip() else [])


def record(paper: Paper, key: str) -> list[str]:
    lines = [_line("TY", ris_type(paper)), _line("ID", key), _line("TI", paper.title)]
    lines += [_line("AU", ris_name(person)) for person in paper.people]
    if paper.published is not None:
        lines += _date(paper.published)
    added = paper.added_at.date()
    lines.append(_line("Y2", f"{added.year}/{added.month:02d}/{added.day:02d}"))  # accessed
    venue = paper.fact(Field.JOURNAL) or paper.fact(Field.BOOKTITLE)
    if venue is not None:
        lines.append(_line("T2", venue))
    for field, tag in ((Field.PUBLISHER, "PB"), (Field.VOLUME, "VL"), (Field.NUMBER, "IS")):
        value = paper.fact(field)
        if value is not None:
            lines.append(_line(tag, value))
    pages = paper.fact(Field.PAGES)
    if pages is not None:
        lines += _pages(pages)
    if paper.abstract:
        lines.append(_line("AB", paper.abstract))
    keywords = paper.fact(Field.KEYWORDS)
    if keywords is not None:  # a source's keywords; tags are the reader's own
        lines += [_line("KW", word) for word in keywords.split(",") if word.strip()]
    doi = doi_of(paper) or (arxiv_doi(paper.arxiv_id) if paper.arxiv_id else None)
    if doi is not None:
        lines.append(_line("DO", doi))
    url = reference_url(paper)
    if url is not None:
        lines.append(_line("UR", url))
    lines.append("ER  - ")
    return lines


def render(data: LibraryExport, options: ExportOptions) -> str:
    keys = citation_keys(data.papers)
    out: list[str] = []
    for paper in data.papers:
        out += record(paper, keys[paper.id])
        out.append("")
    return "\r\n".join(out)
