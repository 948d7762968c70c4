"""Hugging Face daily papers: the JSON its API returns for a day's papers.

A list of ``{"paper": {"id", "title", "summary", "authors": [{"name"}], "githubRepo",
"projectPage", "upvotes", ...}, "publishedAt", ...}``. The arXiv id, authors, upvotes,
repository and project page are kept; unknown keys are ignored, wrong types are not.
"""

from __future__ import annotations

from typing import Any

from readinglist.core.arxiv import normalize_arxiv_id
from readinglist.core.exchange.errors import ImportFormatError
from readinglist.core.models import ParsedPaper, ParseResult, ParseWarning
from readinglist.core.normalize import clean_text


def looks_like_hf_daily(value: object) -> bool:
    """A list whose objects hold a ``paper`` object (or a ``{"papers": [...]}`` wrapper)."""
    items = _items(value)
    return (
        items is not None
        and bool(items)
        and all(isinstance(item, dict) and isinstance(item.get("paper"), dict) for item in items)
    )


def _items(value: object) -> list[Any] | None:
    if isinstance(value, dict) and isinstance(value.get("papers"), list):
        value = value["papers"]
    return value if isinstance(value, list) else None


def _text(obj: dict[str, Any], key: str, where: str, source_name: str) -> str:
    value = obj.get(key)
    if value is None:
        return ""
    if not isinstance(value, str):
        raise ImportFormatError(
            f"{source_name}: not Hugging Face daily papers: {where}.{key}: expected a string"
        )
    return value


def read_hf_daily(value: object, source_name: str) -> ParseResult:
    items = _items(value)
    if items is None or not looks_like_hf_daily(value):
        raise ImportFormatError(
            f"{source_name}: not Hugging Face daily papers: expected a list of"
            ' {"paper": {...}} objects'
        )
    papers: list[ParsedPaper] = []
    warnings: list[ParseWarning] = []
    for index, item in enumerate(items):
        where = f"[{index}].paper"
        paper: dict[str, Any] = item["paper"]
        title = clean_text(_text(paper, "title", where, source_name) or str(item.get("title", "")))
        if not title:
            warnings.append(ParseWarning(0, f"{where} has no title; skipped"))
            continue
        raw_authors = paper.get("authors", [])
        if not isinstance(raw_authors, list):
            raise ImportFormatError(
                f"{source_name}: not Hugging Face daily papers: {where}.authors: expected a list"
            )
        authors = tuple(
            clean_text(author["name"])
            for author in raw_authors
            if isinstance(author, dict)
            and isinstance(author.get("name"), str)
            and author["name"].strip()
        )
        upvotes = paper.get("upvotes")
        if upvotes is not None and (not isinstance(upvotes, int) or isinstance(upvotes, bool)):
            raise ImportFormatError(
                f"{source_name}: not Hugging Face daily papers: {where}.upvotes:"
                " expected a whole number"
            )
        repo = _text(paper, "githubRepo", where, source_name).strip()
        project = _text(paper, "projectPage", where, source_name).strip()
        papers.append(
            ParsedPaper(
                title=title,
                abstract=clean_text(_text(paper, "summary", where, source_name)),
                line=0,
                authors=authors,
                arxiv_id=normalize_arxiv_id(_text(paper, "id", where, source_name)),
                upvotes=upvotes if upvotes is None or upvotes >= 0 else None,
                urls=(repo,) if repo else (),
                project_urls=(project,) if project else (),
            )
        )
    return ParseResult(tuple(papers), tuple(warnings))
