"""A local HTTP server that replays recorded answers of Hugging Face, arXiv and Semantic
Scholar, so the lookup tests never touch the network.

The recordings under ``tests/replay/`` are written in the services' real formats (from
their documentation and their official clients' parsers: huggingface_hub's
``PaperInfo``, arXiv's Atom feed, Semantic Scholar's graph API). :data:`ROUTES` says
which request gets which recording: a path and its exact query (or any query), and a
sequence of replies (status, headers, delay), the last one repeated; a request with no
route is answered 501 and kept in :attr:`ReplayServer.unrouted`. A test can change
a route (:meth:`ReplayServer.route`) and read the requests the server received
(:attr:`ReplayServer.requests`) to count them, check the cache or the spacing.

The ``replay`` fixture starts one server per test and points the three
``READINGLIST_*_ENDPOINT`` variables at it (all three services share it: their paths
differ).
"""

from __future__ import annotations

import socket
import sys
import threading
import time
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field, replace
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from types import TracebackType
from typing import TYPE_CHECKING, Any, Final
from urllib.parse import parse_qs, urlsplit

import pytest

if TYPE_CHECKING:
    from readinglist.remote.config import RemoteConfig

# conftest imports this module for every run: readinglist.remote (and httpx) are imported
# only by the tests that use them, so these names are repeated here (and checked against
# readinglist.remote by tests/test_remote_lookup.py).
ENDPOINT_VARIABLES: Final = (
    "READINGLIST_HF_ENDPOINT",
    "READINGLIST_ARXIV_ENDPOINT",
    "READINGLIST_S2_ENDPOINT",
)
S2_FIELDS: Final = "title,externalIds,authors,publicationDate,year"

RECORDINGS: Final = Path(__file__).parent / "replay"

Query = tuple[tuple[str, str], ...]


@dataclass(frozen=True)
class Reply:
    """One answer: a recording (a path under tests/replay) or a body, a status, headers,
    and a delay in seconds before the answer is sent."""

    file: str | None = None
    status: int = 200
    headers: Mapping[str, str] = field(default_factory=dict)
    delay: float = 0.0
    body: bytes | None = None

    def content(self) -> bytes:
        if self.body is not None:
            return self.body
        return (RECORDINGS / self.file).read_bytes() if self.file else b""

    def content_type(self) -> str:
        name = self.file or ""
        if name.endswith(".xml"):
            return "application/atom+xml; charset=UTF-8"
        if name.endswith(".json"):
            return "application/json; charset=utf-8"
        return "text/plain; charset=utf-8"


@dataclass(frozen=True)
class Received:
    """A request the server received: its path, its query (decoded), its headers, and
    when (time.monotonic)."""

    path: str
    query: dict[str, str]
    headers: dict[str, str]
    at: float


def _key(query: Mapping[str, str] | None) -> Query | None:
    return None if query is None else tuple(sorted(query.items()))


HF_PAPERS: Final = "/api/papers"
ARXIV_QUERY: Final = "/api/query"
S2_MATCH: Final = "/graph/v1/paper/search/match"

ATTENTION = "Attention Is All You Need"
ATTENTION_NOT = "Attention Is Not All You Need"
PI0 = "$\\pi_0$: A Vision-Language-Action Flow Model for General Robot Control"
NO_SUCH_TITLE = "Quantum Gardening with Self-Watering Transformers"
ALEXNET = "ImageNet Classification with Deep Convolutional Neural Networks"
BATCH_IDS: Final = (
    "1706.03762",
    "2106.09685",
    "2410.24164",
    "1207.0580",
    "1512.03385",
    "2410.99999",
)

_NOT_FOUND = Reply("huggingface/not_found.json", status=404)
_EMPTY_FEED = Reply("arxiv/empty_feed.xml")


def _ids(*ids: str) -> dict[str, str]:
    return {"id_list": ",".join(ids), "max_results": str(len(ids))}


def _title(phrase_query: str) -> dict[str, str]:
    return {"search_query": phrase_query, "max_results": "5"}


def _s2(query: str) -> dict[str, str]:
    return {"query": query, "fields": S2_FIELDS}


# (path, query or None for any query) -> the replies, in order; the last one repeats.
ROUTES: Final[dict[tuple[str, Query | None], tuple[Reply, ...]]] = {
    # --- Hugging Face: one paper ---
    # A normal page: githubRepo, githubStars, upvotes, authors, publishedAt, summary.
    (f"{HF_PAPERS}/1706.03762", ()): (Reply("huggingface/paper_1706.03762.json"),),
    # A TeX title, verbatim: $\pi_0$: ...
    (f"{HF_PAPERS}/2410.24164", ()): (Reply("huggingface/paper_2410.24164.json"),),
    (f"{HF_PAPERS}/2106.09685", ()): (Reply("huggingface/paper_2106.09685.json"),),
    # No Hugging Face page (404): arXiv knows 1207.0580 and 1512.03385, nobody 2410.99999.
    (f"{HF_PAPERS}/1207.0580", ()): (_NOT_FOUND,),
    (f"{HF_PAPERS}/1512.03385", ()): (_NOT_FOUND,),
    (f"{HF_PAPERS}/2410.99999", ()): (_NOT_FOUND,),
    # Rate limited once (429, Retry-After: 2), then the paper.
    (f"{HF_PAPERS}/2305.14314", ()): (
        Reply("huggingface/rate_limited.json", status=429, headers={"Retry-After": "2"}),
        Reply("huggingface/paper_2305.14314.json"),
    ),
    # Down for maintenance, every time (503, no Retry-After).
    (f"{HF_PAPERS}/2402.13616", ()): (Reply(status=503, body=b"Service Unavailable"),),
    # Slow: the page after 1 s (tests use a 0.2 s timeout).
    (f"{HF_PAPERS}/2304.08485", ()): (Reply("huggingface/paper_2304.08485.json", delay=1.0),),
    # Malformed: the JSON breaks off in the middle.
    (f"{HF_PAPERS}/2201.11903", ()): (Reply("huggingface/paper_2201.11903_truncated.json"),),
    # --- Hugging Face: title search and daily papers ---
    (f"{HF_PAPERS}/search", _key({"q": ATTENTION})): (
        Reply("huggingface/search_attention_is_all_you_need.json"),
    ),
    # A near miss: the search ranks "Attention Is All You Need" first.
    (f"{HF_PAPERS}/search", _key({"q": ATTENTION_NOT})): (
        Reply("huggingface/search_attention_is_not_all_you_need.json"),
    ),
    (f"{HF_PAPERS}/search", _key({"q": PI0})): (Reply("huggingface/search_pi0.json"),),
    # No match: an empty list.
    (f"{HF_PAPERS}/search", _key({"q": NO_SUCH_TITLE})): (
        Reply("huggingface/search_no_match.json"),
    ),
    (f"{HF_PAPERS}/search", _key({"q": ALEXNET})): (Reply("huggingface/search_no_match.json"),),
    ("/api/daily_papers", ()): (Reply("huggingface/daily_papers.json"),),
    ("/api/daily_papers", _key({"date": "2024-11-01"})): (Reply("huggingface/daily_papers.json"),),
    # --- arXiv ---
    (ARXIV_QUERY, _key(_ids("1706.03762"))): (Reply("arxiv/id_list_1706.03762.xml"),),
    # A batch: five papers and an "Error" entry for 2410.99999.
    (ARXIV_QUERY, _key(_ids(*BATCH_IDS))): (Reply("arxiv/id_list_batch.xml"),),
    (ARXIV_QUERY, _key(_ids("2410.99999"))): (Reply("arxiv/error_entry.xml"),),
    # Malformed: the XML breaks off in the middle.
    (ARXIV_QUERY, _key(_ids("2201.11903"))): (Reply("arxiv/id_list_truncated.xml"),),
    # Overloaded: 503 with Retry-After: 5, every time.
    (ARXIV_QUERY, _key(_ids("2402.13616"))): (
        Reply(status=503, headers={"Retry-After": "5"}, body=b"<html>503</html>"),
    ),
    (ARXIV_QUERY, _key(_title('ti:"attention is all you need"'))): (
        Reply("arxiv/title_attention_is_all_you_need.xml"),
    ),
    (ARXIV_QUERY, _key(_title('ti:"attention is not all you need"'))): (
        Reply("arxiv/title_attention_is_not_all_you_need.xml"),
    ),
    # The TeX math is dropped from the phrase.
    (
        ARXIV_QUERY,
        _key(_title('ti:"a vision language action flow model for general robot control"')),
    ): (Reply("arxiv/title_pi0.xml"),),
    (ARXIV_QUERY, _key(_title('ti:"quantum gardening with self watering transformers"'))): (
        _EMPTY_FEED,
    ),
    (
        ARXIV_QUERY,
        _key(_title('ti:"imagenet classification with deep convolutional neural networks"')),
    ): (_EMPTY_FEED,),
    # --- Semantic Scholar: title match ---
    (S2_MATCH, _key(_s2(ATTENTION_NOT))): (Reply("s2/match_attention_is_not_all_you_need.json"),),
    (S2_MATCH, _key(_s2("Quantum Gardening with Self Watering Transformers"))): (
        Reply("s2/match_not_found.json", status=404),
    ),
    (S2_MATCH, _key(_s2(ALEXNET))): (Reply("s2/match_alexnet.json"),),
}


class _HttpServer(ThreadingHTTPServer):
    replay: ReplayServer

    def handle_error(self, request: object, client_address: object) -> None:
        """Quiet about a connection the client closed first (the timeout tests do); any
        other error is printed as usual."""
        error = sys.exc_info()[1]
        if not isinstance(error, OSError):
            super().handle_error(request, client_address)  # type: ignore[arg-type]


class _Handler(BaseHTTPRequestHandler):
    server: _HttpServer
    protocol_version = "HTTP/1.1"  # keep-alive, like the real services
    timeout = 10  # an idle kept-alive connection ends its thread after this

    def setup(self) -> None:
        super().setup()
        # Headers and body go out in two writes: without this, Nagle's algorithm and the
        # client's delayed ACK hold every reply back by some 40 ms.
        self.connection.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)

    def do_GET(self) -> None:
        split = urlsplit(self.path)
        query = {
            name: values[-1]
            for name, values in parse_qs(split.query, keep_blank_values=True).items()
        }
        replay = self.server.replay
        reply = replay.answer(split.path, query, dict(self.headers.items()))
        if reply.delay:
            replay.stopping.wait(reply.delay)
        body = reply.content()
        try:
            self.send_response(reply.status)
            headers = {"Content-Type": reply.content_type(), **reply.headers}
            for name, value in headers.items():
                self.send_header(name, value)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)
        except OSError:  # the client gave up (a timeout test): nothing to answer
            self.close_connection = True

    def log_message(self, format: str, *args: object) -> None:
        """Quiet: the tests read :attr:`ReplayServer.requests` instead."""


class ReplayServer:
    """The server, on 127.0.0.1 and a free port, serving from its own thread."""

    def __init__(self) -> None:
        self.requests: list[Received] = []
        self.unrouted: list[Received] = []
        self.stopping = threading.Event()
        self._routes = dict(ROUTES)
        self._served: dict[tuple[str, Query | None], int] = {}
        self._lock = threading.Lock()
        self._http = _HttpServer(("127.0.0.1", 0), _Handler)
        self._http.replay = self
        self._thread = threading.Thread(
            target=self._http.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
        )
        self._thread.start()

    @property
    def url(self) -> str:
        host, port = self._http.server_address[:2]
        return f"http://{host!s}:{port}"

    def route(self, path: str, query: Mapping[str, str] | None, *replies: Reply) -> None:
        """Answer ``path`` with ``query`` with ``replies`` from now on; a ``query`` of
        None answers every query of ``path`` (its routes for exact queries are dropped),
        and a ``path`` ending with "/" every path under it that has no route of its own."""
        with self._lock:
            key = (path, _key(query))
            if query is None:
                for exact in [k for k in self._routes if k[0] == path and k[1] is not None]:
                    del self._routes[exact]
            self._routes[key] = replies
            self._served[key] = 0

    def requests_to(self, path: str) -> list[Received]:
        """The requests received for ``path`` (or under it, when it ends with '/')."""
        with self._lock:
            if path.endswith("/"):
                return [r for r in self.requests if r.path.startswith(path)]
            return [r for r in self.requests if r.path == path]

    def answer(self, path: str, query: dict[str, str], headers: dict[str, str]) -> Reply:
        received = Received(path, query, headers, time.monotonic())
        with self._lock:
            self.requests.append(received)
            key: tuple[str, Query | None] = (path, _key(query))
            if key not in self._routes:
                key = (path, None)
            if key not in self._routes:  # a route for a folder ("/api/papers/"), any query
                folders = [k for k in self._routes if k[1] is None and k[0].endswith("/")]
                under = [k for k in folders if path.startswith(k[0])]
                key = max(under, key=lambda k: len(k[0]), default=key)
            replies = self._routes.get(key)
            if not replies:
                self.unrouted.append(received)
                return Reply(status=501, body=f"replay: no route for {path} {query}".encode())
            served = self._served.get(key, 0)
            self._served[key] = served + 1
            return replies[min(served, len(replies) - 1)]

    def close(self) -> None:
        self.stopping.set()
        self._http.shutdown()
        self._http.server_close()
        self._thread.join(timeout=10)

    def __enter__(self) -> ReplayServer:
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.close()


@pytest.fixture
def replay(monkeypatch: pytest.MonkeyPatch) -> Iterator[ReplayServer]:
    """A replay server for the test, the three services' endpoints pointing at it."""
    with ReplayServer() as server:
        for variable in ENDPOINT_VARIABLES:
            monkeypatch.setenv(variable, server.url)
        # A proxy from the environment must not stand between the client and 127.0.0.1.
        monkeypatch.setenv("NO_PROXY", "127.0.0.1,localhost")
        monkeypatch.setenv("no_proxy", "127.0.0.1,localhost")
        yield server


class FakeClock:
    """A monotonic clock whose sleep only moves time forward, recording each sleep with
    the number of requests the server had received by then (so a test can tell a wait
    *between* two requests from one before the first)."""

    def __init__(self, server: ReplayServer | None = None, start: float = 1000.0) -> None:
        self.now = start
        self.sleeps: list[float] = []
        self.sleeps_after: list[tuple[float, int]] = []
        self._server = server

    def time(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.sleeps.append(seconds)
        count = len(self._server.requests) if self._server is not None else -1
        self.sleeps_after.append((seconds, count))
        self.now += seconds


def quick_config(clock: FakeClock | None = None, **changes: Any) -> RemoteConfig:
    """A configuration for tests: no spacing, a fake clock (never a real sleep), a short
    timeout, and any ``changes`` (RemoteConfig's fields)."""
    from readinglist.remote.config import RemoteConfig

    fake = clock if clock is not None else FakeClock()
    base = RemoteConfig(clock=fake.time, sleep=fake.sleep, timeout=2.0).without_spacing()
    return replace(base, **changes)
