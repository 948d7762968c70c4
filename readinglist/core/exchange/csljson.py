"""CSL-JSON: what Zotero, Pandoc and citeproc processors read (an array of items)."""

from __future__ import annotations

import json
from typing import Any

from readinglist.core.exchange.bundle import ExportOptions, LibraryExport
from readinglist.core.exchange.keys import citation_keys
from readinglist.core.exchange.text import split_name, year_of
from readinglist.core.models import Paper


def _name(name: str) -> dict[str, str]:
    given, family = split_name(name)
    return {"family": family, "given": given} if given else {"literal": family}


def item(paper: Paper, key: str) -> dict[str, Any]:
    data: dict[str, Any] = {
        "id": key,
        "type": "article",
        "title": paper.title,
        "issued": {"date-parts": [[year_of(paper)]]},
    }
    if paper.authors:
        data["author"] = [_name(author) for author in paper.authors]
    if paper.abstract:
        data["abstract"] = paper.abstract
    if paper.arxiv_id:
        data["number"] = paper.arxiv_id
        data["publisher"] = "arXiv"
        data["URL"] = f"https://arxiv.org/abs/{paper.arxiv_id}"
    elif paper.links:
        data["URL"] = paper.links[0].url
    if paper.tags:
        data["keyword"] = ", ".join(paper.tags)
    note = f"status: {paper.status.value}"
    data["note"] = note + (f"\n{paper.notes}" if paper.notes.strip() else "")
    return data


def render(data: LibraryExport, options: ExportOptions) -> str:
    keys = citation_keys(data.papers)
    items = [item(paper, keys[paper.id]) for paper in data.papers]
    return json.dumps(items, ensure_ascii=False, indent=2) + "\n"
