"""What a lookup run leaves to do outlives the process: papers queued while offline and
papers whose lookup failed (with a retry time) are still pending when the library is
opened again, and are looked up then. Two openings of one library folder, the replay
server answering with failures first, then with the services' real replies."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from readinglist.app_context import open_library
from readinglist.core.digest_parser import render_digest
from readinglist.core.metadata import ResolveStatus
from readinglist.core.models import ParsedPaper
from readinglist.core.resolve_cases import resolve
from readinglist.remote import open_lookup
from tests.helpers import copy_library
from tests.replay_server import ATTENTION, ReplayServer, Reply, quick_config

ABSTRACT = "An abstract long enough to be an abstract, about sequence transduction models."
SEARCH = "/api/papers/search"
QUERY = {"q": ATTENTION}
CLOSED = "http://127.0.0.1:9"  # nothing listens: the services cannot be reached


@pytest.fixture
def folder(library_dir: Path, empty_library_template: Path) -> Path:
    """A library holding one paper the replay server knows, never looked up."""
    copy_library(empty_library_template, library_dir)
    with open_library(library_dir) as opened:
        digest = render_digest([ParsedPaper(ATTENTION, ABSTRACT, 1)]).encode()
        opened.library.import_bytes(digest, "digest.txt")
    return library_dir


def test_papers_queued_offline_are_pending_after_a_restart(
    folder: Path, tmp_path: Path, replay: ReplayServer
):
    offline = quick_config(hf_endpoint=CLOSED, arxiv_endpoint=CLOSED, s2_endpoint=CLOSED)
    with open_library(folder) as first, open_lookup(tmp_path / "c1", config=offline) as lookup:
        identity = first.library.identity
        ids = identity.pending()
        report = resolve(identity, lookup, ids)
        assert report.queued == tuple(ids) and report.message
    assert replay.requests == []  # nothing asked of the (reachable) server yet

    with open_library(folder) as second:  # a later process
        identity = second.library.identity
        assert identity.counts() == {ResolveStatus.QUEUED: 1}
        assert identity.resumable() == (ids, None)
        assert identity.pending() == ids
        with open_lookup(tmp_path / "c2", config=quick_config()) as lookup:
            report = resolve(identity, lookup, identity.resumable()[0])
        assert report.matched == tuple(ids)
        assert second.library.details(ids[0]).paper.arxiv_id == "1706.03762"
        assert identity.resumable() == ([], None)


def test_a_failed_lookup_is_retried_after_a_restart_once_due(
    folder: Path, tmp_path: Path, replay: ReplayServer
):
    replay.route(SEARCH, QUERY, Reply(body=b"busy", status=503))
    with (
        open_library(folder) as first,
        open_lookup(tmp_path / "c1", config=quick_config()) as lookup,
    ):
        identity = first.library.identity
        ids = identity.pending()
        report = resolve(identity, lookup, ids)
        assert report.failed == tuple(ids)
    assert len(replay.requests_to(SEARCH)) == 4  # the retries, then it gave up

    with open_library(folder) as second:
        identity = second.library.identity
        (state,) = identity.states(ids).values()
        assert state.status is ResolveStatus.FAILED and state.next_try_at is not None
        waiting, wait = identity.resumable()
        assert waiting == [] and identity.pending() == []  # not due yet
        assert wait is not None and timedelta(minutes=5) < wait <= timedelta(minutes=10)
        # Time passes (the retry time moved back instead of the clock forward).
        with second.store.unit_of_work(write=True) as uow:
            past = datetime.now(UTC) - timedelta(seconds=1)
            uow.set_resolve_states([replace(state, next_try_at=past)])
        assert identity.resumable() == (ids, None)

    replay.route(SEARCH, QUERY, Reply("huggingface/search_attention_is_all_you_need.json"))
    with open_library(folder) as third:
        identity = third.library.identity
        with open_lookup(tmp_path / "c3", config=quick_config()) as lookup:
            report = resolve(identity, lookup, identity.resumable()[0])
        assert report.matched == tuple(ids)
        assert identity.counts() == {ResolveStatus.MATCHED: 1}
