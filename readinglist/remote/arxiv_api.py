"""arXiv's API (``/api/query``): papers by id list, and a title search.

The reply is an Atom feed (namespaces atom, arxiv, opensearch), read with the standard
library's ElementTree. Each ``<entry>`` is one paper: ``id`` (an abs URL with a version,
reduced by :func:`normalize_arxiv_id`), ``title`` and ``summary`` (wrapped lines,
collapsed to one), ``published`` and ``updated`` (timestamps; the date part is kept),
``author/name`` (one string each: kept whole, never split into family and given),
``arxiv:primary_category/@term`` and ``arxiv:doi`` (a journal's DOI, when the authors
gave one). An id arXiv cannot read comes back as an entry titled "Error" whose id is an
``api/errors`` URL: that id is unknown, not a paper called "Error".
"""

from __future__ import annotations

import re
import unicodedata
import xml.etree.ElementTree as ET
from collections.abc import Sequence
from typing import Final

from readinglist.core.arxiv import normalize_arxiv_id
from readinglist.core.identity import Found
from readinglist.core.metadata import PersonName, Source, partial_date
from readinglist.remote.http import BadReplyError, Fetcher, Service

ATOM: Final = "{http://www.w3.org/2005/Atom}"
ARXIV: Final = "{http://arxiv.org/schemas/atom}"
OPENSEARCH: Final = "{http://a9.com/-/spec/opensearch/1.1/}"

# arXiv's own DOIs (DataCite, 10.48550/arXiv.ID) are not a journal's.
_ARXIV_DOI_PREFIX: Final = "10.48550/"
_MATH: Final = re.compile(r"\$[^$]*\$")
_TEX_COMMAND: Final = re.compile(r"\\[A-Za-z]+\*?|\\.")
# What may stay in a quoted title phrase: letters, digits, and an apostrophe inside a
# word. Quotes, colons, parentheses, brackets, braces, backslashes and the query
# syntax's operators (+ - ! ^ ~ * ?) would end the phrase or make a syntax error.
_WORD: Final = re.compile(r"[^\W_]+(?:'[^\W_]+)*")


def _text(element: ET.Element | None) -> str | None:
    if element is None or element.text is None:
        return None
    return " ".join(element.text.split()) or None


def _date(element: ET.Element | None) -> str | None:
    value = _text(element)
    return partial_date(value[:10]) if value else None


def _entry(entry: ET.Element) -> Found | None:
    """One ``<entry>``; None for arXiv's "Error" entries and entries without a title."""
    raw_id = _text(entry.find(f"{ATOM}id")) or ""
    title = _text(entry.find(f"{ATOM}title"))
    if "/api/errors" in raw_id or title is None or (title == "Error" and "/abs/" not in raw_id):
        return None
    arxiv_id = normalize_arxiv_id(raw_id)
    if arxiv_id is None:
        return None
    authors = (_text(author.find(f"{ATOM}name")) for author in entry.iter(f"{ATOM}author"))
    category = entry.find(f"{ARXIV}primary_category")
    doi = _text(entry.find(f"{ARXIV}doi"))
    return Found(
        source=Source.ARXIV,
        title=title,
        arxiv_id=arxiv_id,
        authors=tuple(PersonName(name) for name in authors if name),
        published=_date(entry.find(f"{ATOM}published")),
        updated=_date(entry.find(f"{ATOM}updated")),
        primary_category=(category.get("term") or None) if category is not None else None,
        abstract=_text(entry.find(f"{ATOM}summary")),
        doi=doi if doi and not doi.startswith(_ARXIV_DOI_PREFIX) else None,
    )


def parse_feed(body: bytes) -> list[Found]:
    """The papers of an Atom reply of ``/api/query``, in its order.

    A document type is refused before parsing: an Atom feed has none, and refusing it
    keeps entity expansion out of the parser.
    """
    if b"<!DOCTYPE" in body or b"<!ENTITY" in body:
        raise BadReplyError("an XML reply with a document type")
    try:
        root = ET.fromstring(body)
    except ET.ParseError:
        raise BadReplyError("a reply that is not XML") from None
    if root.tag != f"{ATOM}feed":
        raise BadReplyError("a reply that is not an Atom feed")
    return [found for found in map(_entry, root.iter(f"{ATOM}entry")) if found is not None]


def title_query(title: str) -> str | None:
    """arXiv's ``search_query`` for a title: ``ti:"..."`` phrases joined by AND.

    TeX math (``$\\pi_0$``) is dropped and splits the title into phrases (the index
    holds it in some form of its own, so the words around it are searched, each run of
    them as a phrase); TeX commands, quotes and every character of the query syntax are
    dropped; words are lower-cased so that a title's "AND" or "OR" is a word, not an
    operator. None when no word is left.
    """
    text = unicodedata.normalize("NFKC", title).replace("\u2019", "'")
    phrases = []
    for segment in _MATH.split(text):
        words = _WORD.findall(_TEX_COMMAND.sub(" ", segment))
        if words:
            phrases.append(" ".join(words).lower())
    if not phrases:
        return None
    return " AND ".join(f'ti:"{phrase}"' for phrase in phrases)


class ArxivClient:
    """The two queries, through the shared fetcher (cache, 3 s spacing, retries)."""

    def __init__(self, fetcher: Fetcher, service: Service, endpoint: str, batch: int) -> None:
        self._fetcher = fetcher
        self._service = service
        self._url = f"{endpoint}/api/query"
        self._batch = max(1, batch)

    def by_ids(self, arxiv_ids: Sequence[str]) -> dict[str, Found]:
        """arXiv's record of each normalised id it knows, by id (one request per batch)."""
        unique = list(dict.fromkeys(arxiv_ids))
        known: dict[str, Found] = {}
        for start in range(0, len(unique), self._batch):
            batch = unique[start : start + self._batch]
            params = {"id_list": ",".join(batch), "max_results": str(len(batch))}
            for found in self._fetcher.get(self._service, self._url, params, parse_feed) or []:
                if found.arxiv_id is not None:
                    known.setdefault(found.arxiv_id, found)
        return known

    def by_title(self, title: str, max_results: int) -> list[Found]:
        """arXiv's best matches of a title search, best first."""
        query = title_query(title)
        if query is None:
            return []
        params = {"search_query": query, "max_results": str(max_results)}
        return self._fetcher.get(self._service, self._url, params, parse_feed) or []
