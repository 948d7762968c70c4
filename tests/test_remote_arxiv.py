"""readinglist.remote.arxiv_api: the Atom recordings parsed, the title query quoted, the
id batches and the 3 s spacing (a fake clock), against the local replay server."""

from __future__ import annotations

from pathlib import Path

import pytest

from readinglist.core.identity import LookupUnavailableError, same_title
from readinglist.core.metadata import PersonName, Source
from readinglist.remote import RemoteConfig, open_lookup
from readinglist.remote.arxiv_api import parse_feed, title_query
from readinglist.remote.http import BadReplyError
from tests.replay_server import (
    ARXIV_QUERY,
    BATCH_IDS,
    HF_PAPERS,
    PI0,
    RECORDINGS,
    FakeClock,
    ReplayServer,
    Reply,
    quick_config,
)


def _feed(name: str) -> bytes:
    return (RECORDINGS / "arxiv" / name).read_bytes()


# --- parsing the recordings ---


def test_an_entry_gives_every_field_arxiv_sends() -> None:
    [found] = parse_feed(_feed("id_list_1706.03762.xml"))
    assert found.source is Source.ARXIV
    assert found.arxiv_id == "1706.03762"  # the URL and the version dropped
    assert found.title == "Attention Is All You Need"
    assert found.published == "2017-06-12"
    assert found.updated == "2023-08-02"
    assert found.primary_category == "cs.CL"
    assert found.abstract is not None
    assert found.abstract.startswith("The dominant sequence transduction models are based on")
    assert "\n" not in found.abstract and "  " not in found.abstract
    assert found.authors[0] == PersonName("Ashish Vaswani")
    assert len(found.authors) == 8
    assert found.doi is None and found.hf_page is None and found.upvotes is None


def test_author_names_are_kept_whole_never_split() -> None:
    [found] = parse_feed(_feed("id_list_1706.03762.xml"))
    gomez = found.authors[5]
    assert gomez.name == "Aidan N. Gomez"
    assert gomez.family is None and gomez.given is None
    assert not gomez.structured


def test_a_batch_skips_the_error_entry_of_a_bad_id() -> None:
    found = parse_feed(_feed("id_list_batch.xml"))
    assert [f.arxiv_id for f in found] == [
        "1706.03762",
        "2106.09685",
        "2410.24164",
        "1207.0580",
        "1512.03385",
    ]
    assert all(f.title != "Error" for f in found)
    assert parse_feed(_feed("error_entry.xml")) == []


def test_a_journal_doi_is_kept() -> None:
    by_id = {f.arxiv_id: f for f in parse_feed(_feed("id_list_batch.xml"))}
    assert by_id["1512.03385"].doi == "10.1109/CVPR.2016.90"
    assert by_id["1207.0580"].doi is None


def test_arxivs_own_doi_is_not_a_journals() -> None:
    body = _feed("id_list_1706.03762.xml").replace(
        b"<arxiv:comment",
        b'<arxiv:doi xmlns:arxiv="http://arxiv.org/schemas/atom">10.48550/arXiv.1706.03762'
        b"</arxiv:doi><arxiv:comment",
    )
    [found] = parse_feed(body)
    assert found.doi is None


def test_a_tex_title_wrapped_over_two_lines_is_one_line_verbatim() -> None:
    by_id = {f.arxiv_id: f for f in parse_feed(_feed("id_list_batch.xml"))}
    pi0 = by_id["2410.24164"]
    assert pi0.title == PI0
    assert same_title(PI0, pi0.title)
    assert same_title(
        "pi0: A Vision-Language-Action Flow Model for General Robot Control", pi0.title
    )
    assert by_id["1207.0580"].title == (
        "Improving neural networks by preventing co-adaptation of feature detectors"
    )


def test_an_empty_feed_is_no_paper() -> None:
    assert parse_feed(_feed("empty_feed.xml")) == []


@pytest.mark.parametrize(
    ("body", "reason"),
    [
        (_feed("id_list_truncated.xml"), "a reply that is not XML"),
        (b"<html><body>Rate exceeded.</body></html>", "a reply that is not an Atom feed"),
        (b"", "a reply that is not XML"),
        (
            b'<?xml version="1.0"?><!DOCTYPE feed [<!ENTITY a "aaaa">]>'
            b'<feed xmlns="http://www.w3.org/2005/Atom">&a;</feed>',
            "an XML reply with a document type",
        ),
    ],
)
def test_what_is_not_a_feed_is_a_bad_reply(body: bytes, reason: str) -> None:
    with pytest.raises(BadReplyError) as raised:
        parse_feed(body)
    assert str(raised.value) == reason


# --- the title query ---


@pytest.mark.parametrize(
    ("title", "query"),
    [
        ("Attention Is All You Need", 'ti:"attention is all you need"'),
        # a colon, a hyphen, quotes, parentheses and brackets are query syntax
        (
            'LoRA: "Low-Rank" Adaptation (of) [Large] Language Models?',
            'ti:"lora low rank adaptation of large language models"',
        ),
        # TeX math is dropped and splits the phrase; the words around it stay phrases
        (PI0, 'ti:"a vision language action flow model for general robot control"'),
        (
            "Scaling $k$-means to $10^9$ Points",
            'ti:"scaling" AND ti:"means to" AND ti:"points"',
        ),
        # AND/OR in a title are words, not operators
        ("Search AND Rescue OR Not", 'ti:"search and rescue or not"'),
        ("Don’t Stop Pretraining", 'ti:"don\'t stop pretraining"'),
        ("\\textbf{Bold} Claims", 'ti:"bold claims"'),
        ("$\\alpha$", None),
        ("  ", None),
    ],
)
def test_a_title_becomes_a_quoted_phrase_arxiv_can_parse(title: str, query: str | None) -> None:
    assert title_query(title) == query


# --- against the replay server ---


def test_ids_are_asked_in_one_batch(replay: ReplayServer, tmp_path: Path) -> None:
    with open_lookup(tmp_path, config=quick_config()) as lookup:
        found = lookup.by_arxiv_ids(list(BATCH_IDS))
    [request] = replay.requests_to(ARXIV_QUERY)
    assert request.query == {"id_list": ",".join(BATCH_IDS), "max_results": "6"}
    assert "2410.99999" not in found  # the Error entry, and no Hugging Face page either


def test_150_ids_make_two_arxiv_requests_of_100_and_50(
    replay: ReplayServer, tmp_path: Path
) -> None:
    replay.route(ARXIV_QUERY, None, Reply("arxiv/empty_feed.xml"))
    replay.route("/api/papers/", None, Reply("huggingface/not_found.json", status=404))
    ids = [f"2401.{n:05d}" for n in range(150)]
    with open_lookup(tmp_path, config=quick_config()) as lookup:
        assert lookup.by_arxiv_ids(ids) == {}
    assert len(replay.requests_to("/api/papers/")) == 150  # Hugging Face: one per id
    requests = replay.requests_to(ARXIV_QUERY)
    assert [len(r.query["id_list"].split(",")) for r in requests] == [100, 50]
    assert [r.query["max_results"] for r in requests] == ["100", "50"]
    assert requests[0].query["id_list"].split(",") + requests[1].query["id_list"].split(",") == ids


def test_arxiv_requests_are_three_seconds_apart(replay: ReplayServer, tmp_path: Path) -> None:
    replay.route(ARXIV_QUERY, None, Reply("arxiv/empty_feed.xml"))
    replay.route("/api/papers/", None, Reply("huggingface/not_found.json", status=404))
    clock = FakeClock(replay)
    config = quick_config(clock, arxiv=RemoteConfig().arxiv, arxiv_batch=2)
    ids = [f"2401.0000{n}" for n in range(1, 6)]
    with open_lookup(tmp_path, config=config) as lookup:
        lookup.by_arxiv_ids(ids)
    assert len(replay.requests_to(ARXIV_QUERY)) == 3
    # the three arXiv requests come first; no wait before the first, 3 s before the others
    assert clock.sleeps_after == [(3.0, 1), (3.0, 2)]


def test_the_spacing_holds_across_calls_and_titles(replay: ReplayServer, tmp_path: Path) -> None:
    # Hugging Face knows neither title, so arXiv is asked about both.
    replay.route(f"{HF_PAPERS}/search", None, Reply("huggingface/search_no_match.json"))
    clock = FakeClock(replay)
    config = quick_config(clock, arxiv=RemoteConfig().arxiv, use_semantic_scholar=False)
    with open_lookup(tmp_path, config=config) as lookup:
        lookup.by_title("Attention Is All You Need")
        lookup.by_title(PI0)
    assert len(replay.requests_to(ARXIV_QUERY)) == 2
    assert clock.sleeps == [3.0]


def test_a_title_search_returns_arxivs_order(replay: ReplayServer, tmp_path: Path) -> None:
    replay.route(f"{HF_PAPERS}/search", None, Reply("huggingface/search_no_match.json"))
    with open_lookup(tmp_path, config=quick_config()) as lookup:
        found = lookup.by_title("Attention Is All You Need")
    from_arxiv = [f.arxiv_id for f in found if f.source is Source.ARXIV]
    assert from_arxiv == ["1706.03762", "2010.13154"]
    [request] = replay.requests_to(ARXIV_QUERY)
    assert request.query == {"search_query": 'ti:"attention is all you need"', "max_results": "5"}


def test_an_overloaded_arxiv_is_unavailable_after_its_retry_afters(
    replay: ReplayServer, tmp_path: Path
) -> None:
    clock = FakeClock(replay)
    with (
        open_lookup(tmp_path, config=quick_config(clock, max_attempts=3)) as lookup,
        pytest.raises(LookupUnavailableError, match="answered 503 Service Unavailable after 3"),
    ):
        lookup.by_arxiv_ids(["2402.13616"])
    assert clock.sleeps_after == [(5.0, 1), (5.0, 2)]
