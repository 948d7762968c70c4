"""CSL-JSON: what Zotero, Pandoc and citeproc processors read (an array of items).

``issued`` only from the publication date a source gave (as precise as it is); the
day the paper was added is ``accessed``. Names keep their structure (family/given)
where a source gave it and are ``literal`` otherwise. An arXiv preprint is an
``article`` with arXiv's number, DOI and abstract page, as Zotero writes one. Nothing
private: every field may be printed by some style, so status, rating, notes and tags
stay in the library (and its JSON backup).
"""

from __future__ import annotations

import json
from typing import Any, Final

from readinglist.core.exchange.bibtex_fields import arxiv_doi
from readinglist.core.exchange.bundle import ExportOptions, LibraryExport
from readinglist.core.exchange.keys import citation_keys
from readinglist.core.exchange.names import csl_name
from readinglist.core.exchange.text import doi_of, reference_url
from readinglist.core.metadata import Field, date_parts
from readinglist.core.models import Paper

# BibTeX entry types -> CSL types (what Zotero and citeproc-js map them to).
CSL_TYPES: Final = {  # the first BibTeX type of each CSL type is what a reader maps it back to
    "article": "article-journal",
    "inproceedings": "paper-conference",
    "conference": "paper-conference",
    "book": "book",
    "proceedings": "book",
    "manual": "book",
    "incollection": "chapter",
    "inbook": "chapter",
    "phdthesis": "thesis",
    "mastersthesis": "thesis",
    "thesis": "thesis",
    "techreport": "report",
    "report": "report",
    "unpublished": "manuscript",
    "online": "webpage",
    "misc": "article",  # Zotero: a preprint is an "article"
}
# Facts -> CSL variables, as they are.
_VARIABLES: Final = (
    (Field.PUBLISHER, "publisher"),
    (Field.VOLUME, "volume"),
    (Field.KEYWORDS, "keyword"),
    (Field.NOTE, "note"),  # a source's public note ("Accepted at ICLR"), never the user's
)


def csl_type(paper: Paper) -> str:
    return CSL_TYPES.get((paper.fact(Field.ENTRY_TYPE) or "misc").lower(), "article")


def item(paper: Paper, key: str) -> dict[str, Any]:
    data: dict[str, Any] = {"id": key, "type": csl_type(paper), "title": paper.title}
    if paper.authors:
        data["author"] = [csl_name(person) for person in paper.people]
    if paper.published is not None:
        data["issued"] = {"date-parts": [list(date_parts(paper.published))]}
    added = paper.added_at.date()
    data["accessed"] = {"date-parts": [[added.year, added.month, added.day]]}
    venue = paper.fact(Field.JOURNAL) or paper.fact(Field.BOOKTITLE)
    if venue is not None:
        data["container-title"] = venue
    for field, variable in _VARIABLES:
        value = paper.fact(field)
        if value is not None:
            data[variable] = value
    number = paper.fact(Field.NUMBER)
    if number is not None:  # a journal's issue; any other work's (report) number
        data["issue" if data["type"] == "article-journal" else "number"] = number
    pages = paper.fact(Field.PAGES)
    if pages is not None:
        data["page"] = pages.replace("--", "-")
    if paper.arxiv_id and data["type"] == "article":  # a preprint, as Zotero writes one
        data.setdefault("number", f"arXiv:{paper.arxiv_id}")
        data.setdefault("publisher", "arXiv")
    doi = doi_of(paper) or (arxiv_doi(paper.arxiv_id) if paper.arxiv_id else None)
    if doi is not None:
        data["DOI"] = doi
    url = reference_url(paper)
    if url is not None:
        data["URL"] = url
    if paper.abstract:
        data["abstract"] = paper.abstract
    return data


def render(data: LibraryExport, options: ExportOptions) -> str:
    keys = citation_keys(data.papers)
    items = [item(paper, keys[paper.id]) for paper in data.papers]
    return json.dumps(items, ensure_ascii=False, indent=2) + "\n"
