"""Semantic Scholar's title match: the last resort of a title search.

``GET /graph/v1/paper/search/match?query=...&fields=...`` answers the one paper whose
title is closest to the query, as ``{"data": [{"paperId", "title", "matchScore",
...}]}``, or 404 ("Title match not found"). Its closest title may still be another
paper's: the caller applies ``core.identity.same_title`` to it like to any candidate.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Final

from readinglist.core.arxiv import normalize_arxiv_id
from readinglist.core.identity import Found
from readinglist.core.metadata import PersonName, Source, partial_date
from readinglist.remote.http import BadReplyError, Fetcher, Service, json_body

FIELDS: Final = "title,externalIds,authors,publicationDate,year"
_ARXIV_DOI_PREFIX: Final = "10.48550/"


def _text(value: object) -> str | None:
    if not isinstance(value, str):
        return None
    return " ".join(value.split()) or None


def _published(record: Mapping[str, object]) -> str | None:
    date = _text(record.get("publicationDate"))
    if date and partial_date(date[:10]):
        return date[:10]
    year = record.get("year")
    if isinstance(year, int) and not isinstance(year, bool):
        return partial_date(str(year))
    return None


def parse_record(record: object) -> Found | None:
    """One paper of the ``data`` list; None without a title."""
    if not isinstance(record, Mapping):
        return None
    title = _text(record.get("title"))
    if title is None:
        return None
    ids = record.get("externalIds")
    ids = ids if isinstance(ids, Mapping) else {}
    arxiv = _text(ids.get("ArXiv"))
    doi = _text(ids.get("DOI"))
    authors = record.get("authors")
    names = (
        _text(author.get("name"))
        for author in (authors if isinstance(authors, list) else [])
        if isinstance(author, Mapping)
    )
    return Found(
        source=Source.SEMANTIC_SCHOLAR,
        title=title,
        arxiv_id=normalize_arxiv_id(arxiv) if arxiv else None,
        authors=tuple(PersonName(name) for name in names if name),
        published=_published(record),
        doi=doi if doi and not doi.startswith(_ARXIV_DOI_PREFIX) else None,
    )


def parse_match(body: bytes) -> list[Found]:
    value = json_body(body)
    data = value.get("data") if isinstance(value, Mapping) else None
    if not isinstance(data, list):
        raise BadReplyError("a reply without a data list")
    return [found for found in map(parse_record, data) if found is not None]


def match_query(title: str) -> str:
    """The title as the match endpoint reads it: it has no query syntax, but Semantic
    Scholar's search documentation says a hyphenated term matches nothing and to use
    spaces instead, so hyphens become spaces."""
    return " ".join(title.replace("-", " ").split())


class SemanticScholarClient:
    def __init__(self, fetcher: Fetcher, service: Service, endpoint: str) -> None:
        self._fetcher = fetcher
        self._service = service
        self._url = f"{endpoint}/graph/v1/paper/search/match"

    def match(self, title: str) -> list[Found]:
        """The closest title Semantic Scholar knows, as a list of zero or one paper."""
        query = match_query(title)
        if not query:
            return []
        params = {"query": query, "fields": FIELDS}
        return self._fetcher.get(self._service, self._url, params, parse_match) or []
