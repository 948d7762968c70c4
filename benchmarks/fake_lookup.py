"""A stand-in for arXiv and Hugging Face that knows every paper and answers slowly.

The window's lookup tests and the window benchmark use it instead of the network: each
call waits ``delay`` seconds in ``time.sleep`` (the GIL released, as a socket read
releases it), then answers as the services would for a paper they know: a Hugging Face
search hit with an arXiv id, and arXiv's and Hugging Face's records for that id
(authors, dates, category, upvotes, a code repository). A test can make it fail after
some calls (:attr:`PatientLookup.error`), or hold it at a call until released or
stopped (:meth:`PatientLookup.hold_at`), to stop or close the window mid-run.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator, Sequence
from contextlib import AbstractContextManager, contextmanager

from readinglist.core.identity import Found, PaperLookup
from readinglist.core.metadata import PersonName, Source

AUTHORS = (PersonName("Ada Lovelace", "Lovelace", "Ada"), PersonName("Alan Turing"))
PUBLISHED = "2024-01-02"


class PatientLookup:
    """Every title is found (a made-up arXiv id per title); each call takes ``delay`` s."""

    def __init__(self, delay: float = 0.003) -> None:
        self.delay = delay
        self.calls = 0
        self.error: Exception | None = None  # raised by every call after fail_after
        self.fail_after = 0
        self.opened = 0
        self.closed = 0
        self.held = threading.Event()  # set while a call waits at hold_at
        self._hold_at: int | None = None
        self._release = threading.Event()
        self._stop: threading.Event | None = None
        self._lock = threading.Lock()
        self._titles: dict[str, str] = {}  # arXiv id -> title
        self._ids: dict[str, str] = {}  # title -> arXiv id

    def hold_at(self, call: int) -> threading.Event:
        """Call number ``call`` waits until the returned event or the lookup's stop is
        set (as the real lookup's waits wake on it); ``held`` says it is waiting."""
        self._hold_at = call
        self._release.clear()
        return self._release

    def factory(self, stop: threading.Event) -> AbstractContextManager[PaperLookup]:
        """A ``LookupFactory`` (readinglist.ui.resolve_thread) that opens this lookup."""
        self._stop = stop
        return self._opened()

    @contextmanager
    def _opened(self) -> Iterator[PaperLookup]:
        self.opened += 1
        try:
            yield self
        finally:
            self.closed += 1

    def _call(self) -> None:
        with self._lock:
            self.calls += 1
            number = self.calls
        if number == self._hold_at:
            self.held.set()
            stop = self._stop
            while not self._release.wait(0.005) and not (stop is not None and stop.is_set()):
                pass
        if self.error is not None and number > self.fail_after:
            raise self.error
        time.sleep(self.delay)

    def arxiv_id(self, title: str) -> str:
        """The made-up id of a title (the same on every call)."""
        with self._lock:
            if title not in self._ids:
                arxiv_id = f"2401.{len(self._ids) + 1:05d}"
                self._ids[title], self._titles[arxiv_id] = arxiv_id, title
            return self._ids[title]

    def by_title(self, title: str) -> list[Found]:
        self._call()
        arxiv_id = self.arxiv_id(title)
        page = f"https://huggingface.co/papers/{arxiv_id}"
        return [Found(Source.HUGGINGFACE, title, arxiv_id, hf_page=page, upvotes=7)]

    def by_arxiv_ids(self, arxiv_ids: Sequence[str]) -> dict[str, list[Found]]:
        self._call()
        answer = {}
        for arxiv_id in arxiv_ids:
            title = self._titles.get(arxiv_id, f"Paper {arxiv_id}")
            answer[arxiv_id] = [
                Found(
                    Source.ARXIV,
                    title,
                    arxiv_id,
                    authors=AUTHORS,
                    published=PUBLISHED,
                    primary_category="cs.LG",
                ),
                Found(
                    Source.HUGGINGFACE,
                    title,
                    arxiv_id,
                    upvotes=7,
                    github_repo=f"https://github.com/example/{arxiv_id.replace('.', '-')}",
                    github_stars=42,
                ),
            ]
        return answer
