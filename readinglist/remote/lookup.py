"""The lookup services together, as ``core.identity.PaperLookup`` asks for them.

``by_arxiv_ids`` asks arXiv once per 100 ids and Hugging Face once per id (it has no
batch endpoint), and returns per id what each said: arXiv's record first, then Hugging
Face's. ``by_title`` returns the candidates, best first: Hugging Face's search, then (only
when it had no paper of the same title) arXiv's title search, then (when neither had)
Semantic Scholar's closest title. Which candidate, if any, is the paper is the caller's
decision (``core.identity.same_title``); nothing is filtered here.

A failure of any service fails the whole call: an answer missing one service's record
would look like "that service does not know the paper" and would never be asked again,
while a failed call is tried again later and finds the other services' replies cached.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from types import TracebackType

from readinglist.core.arxiv import normalize_arxiv_id
from readinglist.core.identity import Found, same_title
from readinglist.remote.arxiv_api import ArxivClient
from readinglist.remote.config import RemoteConfig
from readinglist.remote.http import Fetcher, ResponseCache, Service
from readinglist.remote.huggingface import HuggingFaceClient
from readinglist.remote.semantic_scholar import SemanticScholarClient


class RemoteLookup:
    """arXiv, Hugging Face and Semantic Scholar behind one cache and one HTTP client.

    Close it (or use it as a context manager): it holds an open HTTP client and the
    cache's SQLite file. It may be used from one worker thread or several.
    """

    def __init__(self, cache_dir: Path, config: RemoteConfig) -> None:
        self._config = config
        self._cache = ResponseCache(cache_dir, config.wall_clock)
        try:
            self._fetcher = Fetcher(config, self._cache)
        except BaseException:
            self._cache.close()
            raise
        hf, arxiv, s2 = config.endpoint_hf(), config.endpoint_arxiv(), config.endpoint_s2()
        self._hf = HuggingFaceClient(
            self._fetcher, Service.at("huggingface", hf, config.huggingface), hf
        )
        self._arxiv = ArxivClient(
            self._fetcher, Service.at("arxiv", arxiv, config.arxiv), arxiv, config.arxiv_batch
        )
        self._s2 = SemanticScholarClient(
            self._fetcher, Service.at("semantic_scholar", s2, config.semantic_scholar), s2
        )
        self._closed = False

    def by_arxiv_ids(self, arxiv_ids: Sequence[str]) -> dict[str, list[Found]]:
        """Per id as given, arXiv's and Hugging Face's records; an id neither knows (or
        that is no arXiv id) is absent."""
        self._check_open()
        wanted = {given: normalize_arxiv_id(given) for given in arxiv_ids}
        ids = list(dict.fromkeys(n for n in wanted.values() if n is not None))
        from_arxiv = self._arxiv.by_ids(ids)
        from_hf = {arxiv_id: self._hf.paper(arxiv_id) for arxiv_id in ids}
        answer: dict[str, list[Found]] = {}
        for given, arxiv_id in wanted.items():
            if arxiv_id is None:
                continue
            said = [f for f in (from_arxiv.get(arxiv_id), from_hf[arxiv_id]) if f is not None]
            if said:
                answer[given] = said
        return answer

    def by_title(self, title: str) -> list[Found]:
        """Candidates for a title, best first (see the module docstring)."""
        self._check_open()
        if not title.strip():
            return []
        # Each service is asked only when those before it had no paper of the same
        # title: at arXiv's one request every 3 s, asking it about every title of a
        # 211-paper digest would cost ten minutes for answers Hugging Face already gave.
        # The rule decides whom to ask next, not the answer: the caller applies it.
        candidates = self._hf.search(title)
        if not self._has_same(title, candidates):
            candidates += self._arxiv.by_title(title, self._config.title_results)
        if self._config.use_semantic_scholar and not self._has_same(title, candidates):
            candidates += self._s2.match(title)
        return candidates

    @staticmethod
    def _has_same(title: str, candidates: list[Found]) -> bool:
        return any(same_title(title, found.title) for found in candidates)

    def daily_papers(self, date: str | None = None) -> list[Found]:
        """Hugging Face's daily papers of ``date`` (``YYYY-MM-DD``) or of the latest day."""
        self._check_open()
        return self._hf.daily_papers(date)

    def _check_open(self) -> None:
        if self._closed:
            raise RuntimeError("the lookup services were closed")

    def close(self) -> None:
        if self._closed:
            return
        self._closed = True
        try:
            self._fetcher.close()
        finally:
            self._cache.close()

    def __enter__(self) -> RemoteLookup:
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.close()


def open_lookup(cache_dir: Path, *, config: RemoteConfig | None = None) -> RemoteLookup:
    """The lookup services, caching under ``cache_dir``; endpoints from the environment
    unless ``config`` gives them. Close it when done (it is a context manager)."""
    return RemoteLookup(cache_dir, config if config is not None else RemoteConfig())
