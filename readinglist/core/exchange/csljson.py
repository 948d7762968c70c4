"""CSL-JSON: what Zotero, Pandoc and citeproc processors read (an array of items)."""

from __future__ import annotations

import json
from typing import Any

from readinglist.core.exchange.bundle import ExportOptions, LibraryExport
from readinglist.core.exchange.keys import citation_keys
from readinglist.core.exchange.text import abstract_page, split_name, year_of
from readinglist.core.models import Paper


def _name(name: str) -> dict[str, str]:
    given, family = split_name(name)
    return {"family": family, "given": given} if given else {"literal": family}


def item(paper: Paper, key: str) -> dict[str, Any]:
    data: dict[str, Any] = {
        "id": key,
        "type": "article",
        "title": paper.title,
        # The day it was added is when it was read online, not when it appeared.
        "accessed": {"date-parts": [_date_parts(paper)]},
    }
    year = year_of(paper)
    if year is not None:
        data["issued"] = {"date-parts": [[year]]}
    if paper.authors:
        data["author"] = [_name(author) for author in paper.authors]
    if paper.abstract:
        data["abstract"] = paper.abstract
    if paper.arxiv_id:
        data["number"] = f"arXiv:{paper.arxiv_id}"
        data["publisher"] = "arXiv"
        data["DOI"] = f"10.48550/arXiv.{paper.arxiv_id}"
    page = abstract_page(paper)
    if page is not None:
        data["URL"] = page
    if paper.tags:
        data["keyword"] = ", ".join(paper.tags)
    # Nothing private: every CSL style may print "note"; status, rating and notes
    # stay in the library (and its JSON backup).
    return data


def _date_parts(paper: Paper) -> list[int]:
    added = paper.added_at.date()
    return [added.year, added.month, added.day]


def render(data: LibraryExport, options: ExportOptions) -> str:
    keys = citation_keys(data.papers)
    items = [item(paper, keys[paper.id]) for paper in data.papers]
    return json.dumps(items, ensure_ascii=False, indent=2) + "\n"
