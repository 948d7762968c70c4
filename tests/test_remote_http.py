"""readinglist.remote.http: the limiter, the retries, the errors and the cache, against
the local replay server (tests/replay_server.py); never the network, never a real wait
for a rate limit (a fake clock)."""

from __future__ import annotations

import socket
import sqlite3
import time
from pathlib import Path

import pytest

from readinglist.core.identity import LookupOfflineError, LookupUnavailableError
from readinglist.remote import RemoteConfig, open_lookup
from readinglist.remote.http import (
    CACHE_FILE,
    CachedReply,
    RateLimiter,
    ResponseCache,
    retry_after,
)
from tests.replay_server import HF_PAPERS, FakeClock, ReplayServer, Reply, quick_config


def _closed_port() -> int:
    """A local port nobody listens on (bound, then released)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


# --- the limiter ---


def test_the_limiter_spaces_the_starts_of_requests_by_the_interval() -> None:
    clock = FakeClock()
    limiter = RateLimiter(clock.time, clock.sleep)
    limiter.wait("arxiv", 3.0)
    limiter.wait("arxiv", 3.0)
    clock.now += 1.0  # a request that took 1 s: only the rest is waited
    limiter.wait("arxiv", 3.0)
    assert clock.sleeps == [3.0, 2.0]


def test_the_limiter_keeps_each_service_apart_and_does_not_wait_after_a_long_pause() -> None:
    clock = FakeClock()
    limiter = RateLimiter(clock.time, clock.sleep)
    limiter.wait("arxiv", 3.0)
    limiter.wait("huggingface", 0.6)  # another service: no wait for arXiv's spacing
    assert clock.sleeps == []
    clock.now += 10.0
    limiter.wait("arxiv", 3.0)
    assert clock.sleeps == []


def test_hugging_face_requests_are_spaced_by_its_interval(
    replay: ReplayServer, tmp_path: Path
) -> None:
    clock = FakeClock(replay)
    config = quick_config(clock, huggingface=RemoteConfig().huggingface)
    with open_lookup(tmp_path, config=config) as lookup:
        lookup.by_title("Attention Is All You Need")
        lookup.daily_papers()
    assert len(replay.requests_to(f"{HF_PAPERS}/search")) == 1
    assert len(replay.requests_to("/api/daily_papers")) == 1
    # Hugging Face had the title, so arXiv was not asked: one 0.6 s wait, taken after
    # the first Hugging Face request, before the second.
    [(waited, requests_before)] = clock.sleeps_after
    assert waited == pytest.approx(0.6)
    assert requests_before == 1


# --- Retry-After and backoff ---


def test_retry_after_reads_seconds_and_http_dates() -> None:
    now = 1_700_000_000.0
    assert retry_after("7", lambda: now) == 7.0
    assert retry_after(None, lambda: now) is None
    assert retry_after("soon", lambda: now) is None
    date = "Tue, 14 Nov 2023 22:14:20 GMT"  # 1_700_000_060
    assert retry_after(date, lambda: now) == pytest.approx(60.0)


def test_a_429_is_retried_after_its_retry_after_and_then_succeeds(
    replay: ReplayServer, tmp_path: Path
) -> None:
    clock = FakeClock(replay)
    replay.route("/api/query", None, Reply("arxiv/empty_feed.xml"))  # arXiv: unknown
    with open_lookup(tmp_path, config=quick_config(clock)) as lookup:
        found = lookup.by_arxiv_ids(["2305.14314"])
    assert [f.title for f in found["2305.14314"]] == [
        "QLoRA: Efficient Finetuning of Quantized LLMs"
    ]
    assert len(replay.requests_to(f"{HF_PAPERS}/2305.14314")) == 2
    assert clock.sleeps_after == [(2.0, 2)]  # the server's 2 s, after arXiv's and the 429


def test_a_503_is_retried_with_exponential_backoff_then_fails_with_one_line(
    replay: ReplayServer, tmp_path: Path
) -> None:
    clock = FakeClock(replay)
    with (
        open_lookup(tmp_path, config=quick_config(clock, max_attempts=4)) as lookup,
        pytest.raises(LookupUnavailableError) as raised,
    ):
        lookup.by_arxiv_ids(["2402.13616"])  # arXiv's 503 comes first
    message = str(raised.value)
    assert "\n" not in message
    assert message == (
        f"{replay.url.removeprefix('http://')} answered 503 Service Unavailable after 4 attempts"
    )
    assert len(replay.requests_to("/api/query")) == 4
    assert clock.sleeps == [5.0, 5.0, 5.0]  # arXiv's Retry-After: 5, between the attempts


def test_without_retry_after_the_waits_double(replay: ReplayServer, tmp_path: Path) -> None:
    clock = FakeClock(replay)
    replay.route("/api/query", None, Reply("arxiv/id_list_1706.03762.xml"))  # arXiv answers
    config = quick_config(clock, max_attempts=4, backoff_base=2.0)
    with open_lookup(tmp_path, config=config) as lookup, pytest.raises(LookupUnavailableError):
        lookup.by_arxiv_ids(["2402.13616"])  # Hugging Face: 503 without Retry-After
    assert len(replay.requests_to(f"{HF_PAPERS}/2402.13616")) == 4
    assert clock.sleeps == [2.0, 4.0, 8.0]


def test_a_retry_after_beyond_the_limit_fails_at_once(replay: ReplayServer, tmp_path: Path) -> None:
    clock = FakeClock(replay)
    replay.route("/api/query", None, Reply("arxiv/empty_feed.xml"))  # arXiv: unknown
    replay.route(f"{HF_PAPERS}/2106.09685", {}, Reply(status=429, headers={"Retry-After": "3600"}))
    with (
        open_lookup(tmp_path, config=quick_config(clock, max_retry_after=120)) as lookup,
        pytest.raises(LookupUnavailableError, match=r"answered 429 .* asks to wait 3600 s"),
    ):
        lookup.by_arxiv_ids(["2106.09685"])
    assert len(replay.requests_to(f"{HF_PAPERS}/2106.09685")) == 1
    assert clock.sleeps == []


@pytest.mark.parametrize("status", [500, 502, 504, 599])
def test_other_server_errors_are_retried(replay: ReplayServer, tmp_path: Path, status: int) -> None:
    clock = FakeClock(replay)
    replay.route("/api/query", None, Reply("arxiv/empty_feed.xml"))
    replay.route(
        f"{HF_PAPERS}/2106.09685",
        {},
        Reply(status=status),
        Reply("huggingface/paper_2106.09685.json"),
    )
    with open_lookup(tmp_path, config=quick_config(clock)) as lookup:
        assert "2106.09685" in lookup.by_arxiv_ids(["2106.09685"])
    assert len(replay.requests_to(f"{HF_PAPERS}/2106.09685")) == 2
    assert clock.sleeps == [2.0]


def test_a_client_error_is_not_retried(replay: ReplayServer, tmp_path: Path) -> None:
    replay.route("/api/query", None, Reply("arxiv/empty_feed.xml"))  # arXiv: unknown
    replay.route(f"{HF_PAPERS}/2106.09685", {}, Reply(status=403, body=b"forbidden"))
    with (
        open_lookup(tmp_path, config=quick_config()) as lookup,
        pytest.raises(LookupUnavailableError, match=r"answered 403 Forbidden$"),
    ):
        lookup.by_arxiv_ids(["2106.09685"])
    assert len(replay.requests_to(f"{HF_PAPERS}/2106.09685")) == 1


# --- offline, slow, malformed ---


def test_a_closed_port_is_offline_at_once_without_retries(tmp_path: Path) -> None:
    clock = FakeClock()
    url = f"http://127.0.0.1:{_closed_port()}"
    config = quick_config(clock, hf_endpoint=url, arxiv_endpoint=url, max_attempts=4)
    started = time.monotonic()
    with (
        open_lookup(tmp_path, config=config) as lookup,
        pytest.raises(LookupOfflineError) as raised,
    ):
        lookup.by_arxiv_ids(["1706.03762"])
    assert time.monotonic() - started < 2.0
    assert clock.sleeps == []
    assert str(raised.value).startswith(f"{url.removeprefix('http://')} cannot be reached (")
    assert "\n" not in str(raised.value)


def test_every_test_is_kept_off_the_network(tmp_path: Path) -> None:
    """The autouse fixture of conftest points every endpoint at a closed port."""
    with open_lookup(tmp_path, config=quick_config()) as lookup:
        with pytest.raises(LookupOfflineError, match=r"^127\.0\.0\.1:9 cannot be reached"):
            lookup.by_arxiv_ids(["1706.03762"])
        with pytest.raises(LookupOfflineError):
            lookup.by_title("Attention Is All You Need")


def test_a_reply_slower_than_the_timeout_is_retried_then_unavailable(
    replay: ReplayServer, tmp_path: Path
) -> None:
    replay.route("/api/query", None, Reply("arxiv/id_list_1706.03762.xml"))
    config = quick_config(timeout=0.2, max_attempts=2)
    with (
        open_lookup(tmp_path, config=config) as lookup,
        pytest.raises(LookupUnavailableError) as raised,
    ):
        lookup.by_arxiv_ids(["2304.08485"])  # Hugging Face answers after 1 s
    assert str(raised.value).endswith("did not answer within 0.2 s after 2 attempts")
    assert len(replay.requests_to(f"{HF_PAPERS}/2304.08485")) == 2


def test_malformed_json_is_unavailable_with_one_line_and_not_cached(
    replay: ReplayServer, tmp_path: Path
) -> None:
    replay.route("/api/query", None, Reply("arxiv/empty_feed.xml"))
    with open_lookup(tmp_path, config=quick_config()) as lookup:
        for _ in range(2):
            with pytest.raises(LookupUnavailableError) as raised:
                lookup.by_arxiv_ids(["2201.11903"])
            host = replay.url.removeprefix("http://")
            assert str(raised.value) == f"{host} sent a reply that is not JSON"
    assert len(replay.requests_to(f"{HF_PAPERS}/2201.11903")) == 2  # asked again


def test_malformed_xml_is_unavailable_with_one_line(replay: ReplayServer, tmp_path: Path) -> None:
    with (
        open_lookup(tmp_path, config=quick_config()) as lookup,
        pytest.raises(LookupUnavailableError) as raised,
    ):
        lookup.by_arxiv_ids(["2201.11903"])
    assert str(raised.value) == f"{replay.url.removeprefix('http://')} sent a reply that is not XML"
    assert replay.requests_to(f"{HF_PAPERS}/2201.11903") == []  # arXiv failed first


def test_a_json_reply_that_is_not_a_paper_is_unavailable(
    replay: ReplayServer, tmp_path: Path
) -> None:
    replay.route("/api/query", None, Reply("arxiv/empty_feed.xml"))
    replay.route(f"{HF_PAPERS}/2106.09685", {}, Reply(body=b'{"message": "hello"}'))
    with (
        open_lookup(tmp_path, config=quick_config()) as lookup,
        pytest.raises(LookupUnavailableError, match=r"sent a paper without an id or a title$"),
    ):
        lookup.by_arxiv_ids(["2106.09685"])


# --- the cache ---


def test_a_cached_reply_makes_no_second_request_even_after_reopening(
    replay: ReplayServer, tmp_path: Path
) -> None:
    for _ in range(2):
        with open_lookup(tmp_path, config=quick_config()) as lookup:
            found = lookup.by_arxiv_ids(["1706.03762"])
        assert [f.source.value for f in found["1706.03762"]] == ["arxiv", "huggingface"]
    assert len(replay.requests_to("/api/query")) == 1
    assert len(replay.requests_to(f"{HF_PAPERS}/1706.03762")) == 1
    assert (tmp_path / CACHE_FILE).is_file()


def test_a_not_found_answer_is_cached_too(replay: ReplayServer, tmp_path: Path) -> None:
    replay.route("/api/query", None, Reply("arxiv/empty_feed.xml"))
    with open_lookup(tmp_path, config=quick_config()) as lookup:
        assert lookup.by_arxiv_ids(["2410.99999"]) == {}
        assert lookup.by_arxiv_ids(["2410.99999"]) == {}
    assert len(replay.requests_to(f"{HF_PAPERS}/2410.99999")) == 1


def test_cached_replies_expire_after_their_time_to_live(
    replay: ReplayServer, tmp_path: Path
) -> None:
    wall = [1_700_000_000.0]
    config = quick_config(wall_clock=lambda: wall[0])
    with open_lookup(tmp_path, config=config) as lookup:
        lookup.by_arxiv_ids(["1706.03762"])
        wall[0] += 2 * 24 * 3600  # two days: Hugging Face's day is over, arXiv's week not
        lookup.by_arxiv_ids(["1706.03762"])
    assert len(replay.requests_to(f"{HF_PAPERS}/1706.03762")) == 2
    assert len(replay.requests_to("/api/query")) == 1


def test_a_not_found_answer_expires_sooner_than_a_found_paper(
    replay: ReplayServer, tmp_path: Path
) -> None:
    wall = [1_700_000_000.0]
    config = quick_config(wall_clock=lambda: wall[0])
    replay.route("/api/query", None, Reply("arxiv/empty_feed.xml"))  # arXiv: unknown
    with open_lookup(tmp_path, config=config) as lookup:
        lookup.by_arxiv_ids(["1207.0580", "2106.09685"])  # HF: 404, and a page
        wall[0] += 7 * 3600  # past the 6 h of a "not found", within the day of a page
        lookup.by_arxiv_ids(["1207.0580"])
        lookup.by_arxiv_ids(["2106.09685"])
    assert len(replay.requests_to(f"{HF_PAPERS}/1207.0580")) == 2
    assert len(replay.requests_to(f"{HF_PAPERS}/2106.09685")) == 1


def test_a_cache_file_that_is_not_a_database_is_replaced(tmp_path: Path) -> None:
    (tmp_path / CACHE_FILE).write_bytes(b"this is not SQLite" * 100)
    cache = ResponseCache(tmp_path, time.time)
    try:
        cache.put("https://example.org/a", 200, b"body", ttl=60)
        assert cache.get("https://example.org/a") is not None
    finally:
        cache.close()
    with sqlite3.connect(tmp_path / CACHE_FILE) as db:
        assert db.execute("SELECT count(*) FROM replies").fetchone() == (1,)
    db.close()


def test_a_cache_table_of_another_shape_is_replaced(tmp_path: Path) -> None:
    with sqlite3.connect(tmp_path / CACHE_FILE) as db:
        db.execute("CREATE TABLE replies (key TEXT, value TEXT)")
    db.close()
    cache = ResponseCache(tmp_path, time.time)
    try:
        cache.put("https://example.org/a", 404, b"", ttl=60)
        assert cache.get("https://example.org/a") == CachedReply(404, b"")
    finally:
        cache.close()


def test_a_cache_another_process_holds_locked_is_left_alone(tmp_path: Path) -> None:
    first = ResponseCache(tmp_path, time.time)
    first.put("https://example.org/kept", 200, b"kept", ttl=60)
    first.close()
    holder = sqlite3.connect(tmp_path / CACHE_FILE, isolation_level=None)
    try:
        holder.execute("BEGIN EXCLUSIVE")
        cache = ResponseCache(tmp_path, time.time, busy_timeout=0.05)
        try:  # a cache in memory for this session
            assert cache.get("https://example.org/kept") is None
            cache.put("https://example.org/a", 200, b"a", ttl=60)
            assert cache.get("https://example.org/a") == CachedReply(200, b"a")
        finally:
            cache.close()
        holder.execute("ROLLBACK")
    finally:
        holder.close()
    again = ResponseCache(tmp_path, time.time)
    try:
        assert again.get("https://example.org/kept") == CachedReply(200, b"kept")
    finally:
        again.close()


def test_requests_name_readinglist_as_their_user_agent(
    replay: ReplayServer, tmp_path: Path
) -> None:
    with open_lookup(tmp_path, config=quick_config()) as lookup:
        lookup.by_arxiv_ids(["1706.03762"])
    agents = {r.headers.get("User-Agent", "") for r in replay.requests}
    [agent] = agents
    assert agent.startswith("readinglist/")
