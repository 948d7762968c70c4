"""Hugging Face's papers API: a paper by arXiv id, a title search, the daily papers.

The field names are those huggingface_hub's ``PaperInfo`` reads (``hf_api.py``):
``id``, ``title``, ``summary``, ``publishedAt``, ``authors[].name``, ``upvotes``,
``githubRepo``, ``githubStars``. ``GET /api/papers/{id}`` answers one flat paper (404
when Hugging Face has no page for it); the search and the daily list answer a list of
entries holding the paper under ``paper`` with some fields beside it, so both shapes are
read, the inner paper's values first.

The page link is always the public ``https://huggingface.co/papers/{id}``, whatever
endpoint answered (the tests' replay server is not where a user should be sent).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Final

from readinglist.core.arxiv import normalize_arxiv_id
from readinglist.core.identity import Found
from readinglist.core.metadata import PersonName, Source, partial_date
from readinglist.remote.http import BadReplyError, Fetcher, Service, json_body

PUBLIC_PAPERS: Final = "https://huggingface.co/papers/"
# A title search keeps this many results: the answer is one request, whatever its length.
_SEARCH_KEEP: Final = 10


def _text(value: object) -> str | None:
    """A string with its whitespace collapsed, or None when empty or not a string."""
    if not isinstance(value, str):
        return None
    return " ".join(value.split()) or None


def _count(value: object) -> int | None:
    # bool is an int in Python; a JSON true is not a count
    if isinstance(value, int) and not isinstance(value, bool) and value >= 0:
        return value
    return None


def _authors(value: object) -> tuple[PersonName, ...]:
    if not isinstance(value, list):
        return ()
    names = (_text(item.get("name")) for item in value if isinstance(item, dict))
    # Hugging Face gives a name as one string: never guess its family and given parts.
    return tuple(PersonName(name) for name in names if name)


def parse_paper(record: object) -> Found | None:
    """One paper of any Hugging Face reply (flat, or nested under ``paper``); None when
    it holds no id or no title."""
    if not isinstance(record, Mapping):
        return None
    fields: dict[str, object] = {str(key): value for key, value in record.items()}
    inner = record.get("paper")
    if isinstance(inner, Mapping):
        fields.update({str(key): value for key, value in inner.items()})
    page_id = _text(fields.get("id"))
    title = _text(fields.get("title"))
    if page_id is None or title is None:
        return None
    published = _text(fields.get("publishedAt"))
    repo = _text(fields.get("githubRepo"))
    return Found(
        source=Source.HUGGINGFACE,
        title=title,
        arxiv_id=normalize_arxiv_id(page_id),
        authors=_authors(fields.get("authors")),
        published=partial_date(published[:10]) if published else None,
        abstract=_text(fields.get("summary")),
        hf_page=PUBLIC_PAPERS + page_id,
        upvotes=_count(fields.get("upvotes")),
        github_repo=repo if repo and repo.startswith(("https://", "http://")) else None,
        github_stars=_count(fields.get("githubStars")),
    )


def parse_paper_reply(body: bytes) -> Found:
    """The reply of ``/api/papers/{id}``."""
    found = parse_paper(json_body(body))
    if found is None:
        raise BadReplyError("a paper without an id or a title")
    return found


def parse_paper_list(body: bytes) -> list[Found]:
    """The reply of ``/api/papers/search`` or ``/api/daily_papers``: entries without an id
    or a title are skipped."""
    value = json_body(body)
    if not isinstance(value, list):
        raise BadReplyError("a reply that is not a list of papers")
    return [found for found in map(parse_paper, value) if found is not None]


class HuggingFaceClient:
    """The three endpoints, through the shared fetcher (cache, limiter, retries)."""

    def __init__(self, fetcher: Fetcher, service: Service, endpoint: str) -> None:
        self._fetcher = fetcher
        self._service = service
        self._api = f"{endpoint}/api"

    def paper(self, arxiv_id: str) -> Found | None:
        """Hugging Face's page of a normalised arXiv id; None when it has none.

        Old-style ids (``hep-th/9901001``) are not asked: Hugging Face has pages only for
        new-style ids.
        """
        if "/" in arxiv_id:
            return None
        url = f"{self._api}/papers/{arxiv_id}"
        return self._fetcher.get(self._service, url, {}, parse_paper_reply)

    def search(self, title: str) -> list[Found]:
        """Hugging Face's search for a title, its order kept (best first)."""
        url = f"{self._api}/papers/search"
        found = self._fetcher.get(self._service, url, {"q": title}, parse_paper_list)
        return (found or [])[:_SEARCH_KEEP]

    def daily_papers(self, date: str | None = None) -> list[Found]:
        """The daily papers of ``date`` (``YYYY-MM-DD``), or of the latest day."""
        params = {"date": date} if date else {}
        url = f"{self._api}/daily_papers"
        return self._fetcher.get(self._service, url, params, parse_paper_list) or []
