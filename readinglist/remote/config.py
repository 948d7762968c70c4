"""How the lookup services are reached: endpoints, spacing, timeouts, retries, cache life.

Everything a test needs to change is here, in one frozen value: the endpoints (so the
tests' local replay server stands in for the real services), the spacing between two
requests to one service (0 in tests), and the clock and sleep function the limiter and
the retries use (a fake clock in tests, so no test waits for real).
"""

from __future__ import annotations

import os
import time
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from typing import Final

from readinglist import __version__

ENV_HF_ENDPOINT: Final = "READINGLIST_HF_ENDPOINT"
ENV_ARXIV_ENDPOINT: Final = "READINGLIST_ARXIV_ENDPOINT"
ENV_S2_ENDPOINT: Final = "READINGLIST_S2_ENDPOINT"

DEFAULT_HF_ENDPOINT: Final = "https://huggingface.co"
DEFAULT_ARXIV_ENDPOINT: Final = "https://export.arxiv.org"
DEFAULT_S2_ENDPOINT: Final = "https://api.semanticscholar.org"

_HOUR: Final = 3600.0
_DAY: Final = 24 * _HOUR


@dataclass(frozen=True, slots=True)
class ServicePolicy:
    """How one service is treated: the spacing it asks for and how long answers keep.

    ``interval`` is the least time in seconds between the starts of two requests to the
    service. ``ttl`` is how long a found paper is served from the cache; ``unknown_ttl``
    how long a "not found" (404) is, shorter because a service learns new papers.
    """

    interval: float
    ttl: float
    unknown_ttl: float


# arXiv's API terms: no more than one request every three seconds. Its metadata of a
# version never changes, so a week in the cache costs nothing.
ARXIV_POLICY: Final = ServicePolicy(interval=3.0, ttl=7 * _DAY, unknown_ttl=_DAY)
# The Hub allows about 500 API requests per 5 minutes to an anonymous client: 0.6 s
# apart stays within it. Upvotes and stars change daily, so a day in the cache.
HUGGINGFACE_POLICY: Final = ServicePolicy(interval=0.6, ttl=_DAY, unknown_ttl=6 * _HOUR)
# Semantic Scholar asks anonymous clients for one request per second.
SEMANTIC_SCHOLAR_POLICY: Final = ServicePolicy(interval=1.0, ttl=7 * _DAY, unknown_ttl=_DAY)


@dataclass(frozen=True, slots=True)
class RemoteConfig:
    """The settings of :func:`readinglist.remote.open_lookup`.

    An endpoint left None is read from its environment variable when the lookup opens
    (``READINGLIST_HF_ENDPOINT``, ``READINGLIST_ARXIV_ENDPOINT``,
    ``READINGLIST_S2_ENDPOINT``), else the public service.
    """

    hf_endpoint: str | None = None
    arxiv_endpoint: str | None = None
    s2_endpoint: str | None = None
    arxiv: ServicePolicy = ARXIV_POLICY
    huggingface: ServicePolicy = HUGGINGFACE_POLICY
    semantic_scholar: ServicePolicy = SEMANTIC_SCHOLAR_POLICY
    # Seconds to connect and seconds between two reads of one reply.
    timeout: float = 20.0
    # Attempts of one request on 429, 5xx or a slow reply (the first one included).
    max_attempts: int = 4
    # Waits between attempts without a Retry-After: base, 2*base, 4*base... up to max.
    backoff_base: float = 2.0
    backoff_max: float = 60.0
    # A Retry-After longer than this is not waited for: the lookup fails and the caller
    # tries again later, instead of a window hanging for an hour.
    max_retry_after: float = 120.0
    # arXiv's API takes up to 100 ids in one id_list without paging.
    arxiv_batch: int = 100
    # How many candidates a title search asks arXiv and keeps from Hugging Face.
    title_results: int = 5
    # Semantic Scholar as the last resort of a title search (see RemoteLookup.by_title).
    use_semantic_scholar: bool = True
    user_agent: str = f"readinglist/{__version__} (reading-list manager; metadata lookups)"
    # The limiter's and the retries' time (monotonic) and sleep; the cache's wall clock.
    clock: Callable[[], float] = field(default=time.monotonic)
    sleep: Callable[[float], None] = field(default=time.sleep)
    wall_clock: Callable[[], float] = field(default=time.time)

    def endpoint_hf(self) -> str:
        return _endpoint(self.hf_endpoint, ENV_HF_ENDPOINT, DEFAULT_HF_ENDPOINT)

    def endpoint_arxiv(self) -> str:
        return _endpoint(self.arxiv_endpoint, ENV_ARXIV_ENDPOINT, DEFAULT_ARXIV_ENDPOINT)

    def endpoint_s2(self) -> str:
        return _endpoint(self.s2_endpoint, ENV_S2_ENDPOINT, DEFAULT_S2_ENDPOINT)

    def without_spacing(self) -> RemoteConfig:
        """The same settings with no spacing between requests (for tests)."""
        return replace(
            self,
            arxiv=replace(self.arxiv, interval=0.0),
            huggingface=replace(self.huggingface, interval=0.0),
            semantic_scholar=replace(self.semantic_scholar, interval=0.0),
        )


def _endpoint(given: str | None, variable: str, default: str) -> str:
    value = given or os.environ.get(variable, "").strip() or default
    return value.rstrip("/")
