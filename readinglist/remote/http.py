"""Being a good client: one request at a time per service, retries that back off, a cache.

Every request to a lookup service goes through :class:`Fetcher`:

1. the :class:`ResponseCache` is asked first (key: the full URL), so a paper looked up
   twice costs one request;
2. the :class:`RateLimiter` waits until the service's spacing has passed since its last
   request (arXiv asks for 3 s);
3. a 429 or a 5xx is tried again after ``Retry-After`` or an exponential backoff, a few
   times, then :class:`LookupUnavailableError`; a reply slower than the timeout too;
4. an address that cannot be reached raises :class:`LookupOfflineError` at once: the
   caller queues the paper and resumes later, instead of a storm of retries into a
   missing network;
5. the body is parsed by the caller's function before it is cached, so a garbled reply
   is neither cached nor shown as a traceback: it becomes one line for the user.
"""

from __future__ import annotations

import email.utils
import json
import sqlite3
import threading
from collections.abc import Callable, Mapping
from contextlib import closing, suppress
from dataclasses import dataclass
from pathlib import Path
from typing import Final, TypeVar

import httpx

from readinglist.core.identity import LookupOfflineError, LookupUnavailableError
from readinglist.remote.config import RemoteConfig, ServicePolicy

T = TypeVar("T")

CACHE_FILE: Final = "lookups.sqlite3"
_BUSY: Final = frozenset({sqlite3.SQLITE_BUSY, sqlite3.SQLITE_LOCKED})


class BadReplyError(Exception):
    """A reply the service sent that cannot be read; the message completes
    "<host> sent ...", e.g. "a reply that is not JSON"."""


@dataclass(frozen=True, slots=True)
class Service:
    """One service as the fetcher knows it: a name for the limiter, the host for
    messages, and its policy."""

    name: str
    host: str
    policy: ServicePolicy

    @classmethod
    def at(cls, name: str, endpoint: str, policy: ServicePolicy) -> Service:
        url = httpx.URL(endpoint)
        host = url.host if url.port is None else f"{url.host}:{url.port}"
        return cls(name=name, host=host, policy=policy)


class RateLimiter:
    """The least spacing between the starts of two requests to one service.

    A caller reserves the next free slot under a lock and then sleeps outside it, so two
    threads asking at once are spaced too. The clock and the sleep are injected: tests
    pass a fake clock whose sleep only moves time forward.
    """

    def __init__(self, clock: Callable[[], float], sleep: Callable[[float], None]) -> None:
        self._clock = clock
        self._sleep = sleep
        self._next: dict[str, float] = {}
        self._lock = threading.Lock()

    def wait(self, name: str, interval: float) -> None:
        with self._lock:
            now = self._clock()
            slot = max(now, self._next.get(name, now))
            self._next[name] = slot + interval
        if slot > now:
            self._sleep(slot - now)


@dataclass(frozen=True, slots=True)
class CachedReply:
    status: int  # 200 or 404
    body: bytes


class ResponseCache:
    """Successful and "not found" replies on disk, in one small SQLite file, by URL.

    The cache is an optimisation, never a reason for a lookup to fail: a file that is not
    a database of ours is replaced by an empty one; a file another process holds locked
    past the busy timeout is left alone and this lookup caches in memory; a failed read
    is a miss and a failed write is ignored.
    """

    def __init__(
        self, folder: Path, wall_clock: Callable[[], float], *, busy_timeout: float = 5.0
    ) -> None:
        self._path = folder / CACHE_FILE
        self._now = wall_clock
        self._busy_timeout = busy_timeout
        self._lock = threading.Lock()
        folder.mkdir(parents=True, exist_ok=True)
        try:
            self._db = self._open(self._path)
        except sqlite3.DatabaseError as error:
            if getattr(error, "sqlite_errorcode", None) in _BUSY:
                self._db = self._open(":memory:")
            else:  # not a database, or a table of another shape
                self._path.unlink(missing_ok=True)
                self._db = self._open(self._path)

    def _open(self, where: Path | str) -> sqlite3.Connection:
        db = sqlite3.connect(
            where, timeout=self._busy_timeout, check_same_thread=False, isolation_level=None
        )
        try:
            db.execute(
                "CREATE TABLE IF NOT EXISTS replies (url TEXT PRIMARY KEY, status INTEGER"
                " NOT NULL, body BLOB NOT NULL, expires_at REAL NOT NULL)"
            )
            db.execute("SELECT url, status, body, expires_at FROM replies LIMIT 0").close()
            db.execute("DELETE FROM replies WHERE expires_at <= ?", (self._now(),))
        except sqlite3.DatabaseError:
            db.close()
            raise
        return db

    def get(self, url: str) -> CachedReply | None:
        with self._lock:
            try:
                with closing(
                    self._db.execute(
                        "SELECT status, body FROM replies WHERE url = ? AND expires_at > ?",
                        (url, self._now()),
                    )
                ) as cursor:
                    row = cursor.fetchone()
            except sqlite3.DatabaseError:
                return None
        if row is None:
            return None
        return CachedReply(status=int(row[0]), body=bytes(row[1]))

    def put(self, url: str, status: int, body: bytes, ttl: float) -> None:
        with self._lock, suppress(sqlite3.DatabaseError):
            self._db.execute(
                "INSERT OR REPLACE INTO replies (url, status, body, expires_at)"
                " VALUES (?, ?, ?, ?)",
                (url, status, body, self._now() + ttl),
            )

    def forget(self, url: str) -> None:
        with self._lock, suppress(sqlite3.DatabaseError):
            self._db.execute("DELETE FROM replies WHERE url = ?", (url,))

    def close(self) -> None:
        with self._lock:
            self._db.close()


def json_body(body: bytes) -> object:
    """The JSON value of a reply; :class:`BadReplyError` for anything else."""
    try:
        return json.loads(body)
    except (ValueError, RecursionError):  # JSONDecodeError and bad UTF-8 are ValueErrors
        raise BadReplyError("a reply that is not JSON") from None


def retry_after(value: str | None, wall_clock: Callable[[], float]) -> float | None:
    """Seconds from a ``Retry-After`` header: a number of seconds or an HTTP date."""
    if not value:
        return None
    text = value.strip()
    if text.isdigit():
        return float(text)
    try:
        when = email.utils.parsedate_to_datetime(text)
    except (TypeError, ValueError):
        return None
    if when.tzinfo is None:
        return None
    return max(0.0, when.timestamp() - wall_clock())


class Fetcher:
    """GET with the cache, the limiter and the retries; answers parsed or None for 404."""

    def __init__(self, config: RemoteConfig, cache: ResponseCache) -> None:
        self._config = config
        self._cache = cache
        self._limiter = RateLimiter(config.clock, config.sleep)
        self._client = httpx.Client(
            timeout=httpx.Timeout(config.timeout),
            headers={"User-Agent": config.user_agent},
            follow_redirects=True,
        )

    def close(self) -> None:
        self._client.close()

    def get(
        self,
        service: Service,
        url: str,
        params: Mapping[str, str],
        parse: Callable[[bytes], T],
    ) -> T | None:
        """The parsed body of a 200, or None for a 404 (the service does not know it).

        Raises :class:`LookupOfflineError` or :class:`LookupUnavailableError`.
        """
        full = str(httpx.URL(url, params=dict(params)))
        cached = self._cache.get(full)
        if cached is not None:
            if cached.status == 404:
                return None
            try:
                return parse(cached.body)
            except BadReplyError:
                self._cache.forget(full)  # written by an older parser: ask again
        status, body = self._request(service, full)
        if status == 404:
            self._cache.put(full, 404, b"", service.policy.unknown_ttl)
            return None
        try:
            value = parse(body)
        except BadReplyError as error:
            raise LookupUnavailableError(f"{service.host} sent {error}") from error
        self._cache.put(full, status, body, service.policy.ttl)
        return value

    def _request(self, service: Service, url: str) -> tuple[int, bytes]:
        config = self._config
        attempts = max(1, config.max_attempts)
        problem = ""
        for attempt in range(1, attempts + 1):
            self._limiter.wait(service.name, service.policy.interval)
            delay: float | None = None
            try:
                response = self._client.get(url)
            except (httpx.ConnectError, httpx.ConnectTimeout, httpx.UnsupportedProtocol) as e:
                raise LookupOfflineError(f"{service.host} cannot be reached ({_reason(e)})") from e
            except httpx.TimeoutException:
                problem = f"did not answer within {config.timeout:g} s"
            except httpx.TransportError as error:
                problem = f"broke off its reply ({_reason(error)})"
            else:
                if response.status_code in (200, 404):
                    return response.status_code, response.content
                problem = f"answered {response.status_code} {response.reason_phrase}".rstrip()
                if not _retried(response.status_code):
                    break
                delay = retry_after(response.headers.get("Retry-After"), config.wall_clock)
                if delay is not None and delay > config.max_retry_after:
                    raise LookupUnavailableError(
                        f"{service.host} {problem} and asks to wait {delay:.0f} s"
                    )
            if attempt == attempts:
                break
            if delay is None:
                delay = min(config.backoff_max, config.backoff_base * 2 ** (attempt - 1))
            if delay > 0:
                config.sleep(delay)
        tries = f" after {attempts} attempts" if attempts > 1 and attempt == attempts else ""
        raise LookupUnavailableError(f"{service.host} {problem}{tries}")


def _retried(status: int) -> bool:
    """429 and the 5xx a server recovers from; 501 (Not Implemented) never changes."""
    return status == 429 or (500 <= status <= 599 and status != 501)


def _reason(error: Exception) -> str:
    """A short, one-line reason from an httpx error (its text, else its kind)."""
    text = " ".join(str(error).split())
    return text[:120] if text else type(error).__name__
