"""readinglist.remote.RemoteLookup as core.identity.PaperLookup: what each service said
per id, title candidates best first (the caller applies the title rule), Semantic
Scholar as the last resort, the endpoints from the environment, and closing."""

from __future__ import annotations

import socket
from pathlib import Path

import pytest

from readinglist.core.identity import (
    LookupOfflineError,
    PaperLookup,
    best_match,
    same_title,
)
from readinglist.core.metadata import Source
from readinglist.remote import RemoteConfig, RemoteLookup, open_lookup
from readinglist.remote.config import (
    DEFAULT_ARXIV_ENDPOINT,
    DEFAULT_HF_ENDPOINT,
    DEFAULT_S2_ENDPOINT,
    ENV_ARXIV_ENDPOINT,
    ENV_HF_ENDPOINT,
    ENV_S2_ENDPOINT,
)
from readinglist.remote.semantic_scholar import FIELDS, match_query, parse_match
from tests.replay_server import (
    ALEXNET,
    ARXIV_QUERY,
    ATTENTION,
    ATTENTION_NOT,
    BATCH_IDS,
    ENDPOINT_VARIABLES,
    HF_PAPERS,
    NO_SUCH_TITLE,
    PI0,
    RECORDINGS,
    S2_FIELDS,
    S2_MATCH,
    ReplayServer,
    Reply,
    quick_config,
)


def test_a_remote_lookup_is_a_paper_lookup(tmp_path: Path) -> None:
    with open_lookup(tmp_path, config=quick_config()) as lookup:
        port: PaperLookup = lookup  # checked by mypy: the protocol core.identity asks for
        assert isinstance(port, RemoteLookup)


# --- by_arxiv_ids ---


def test_each_id_gets_what_arxiv_and_hugging_face_each_said(
    replay: ReplayServer, tmp_path: Path
) -> None:
    with open_lookup(tmp_path, config=quick_config()) as lookup:
        found = lookup.by_arxiv_ids(list(BATCH_IDS))
    sources = {key: [f.source for f in said] for key, said in found.items()}
    assert sources == {
        "1706.03762": [Source.ARXIV, Source.HUGGINGFACE],
        "2106.09685": [Source.ARXIV, Source.HUGGINGFACE],
        "2410.24164": [Source.ARXIV, Source.HUGGINGFACE],
        "1207.0580": [Source.ARXIV],  # Hugging Face: 404
        "1512.03385": [Source.ARXIV],
        # 2410.99999: arXiv's Error entry and Hugging Face's 404: absent
    }
    arxiv, hf = found["2410.24164"]
    assert arxiv.title == hf.title == PI0
    assert arxiv.primary_category == "cs.LG" and arxiv.updated == "2024-11-13"
    assert hf.upvotes == 12 and hf.hf_page == "https://huggingface.co/papers/2410.24164"
    assert replay.unrouted == []


def test_an_id_only_hugging_face_knows_gets_only_its_record(
    replay: ReplayServer, tmp_path: Path
) -> None:
    replay.route(ARXIV_QUERY, None, Reply("arxiv/empty_feed.xml"))
    with open_lookup(tmp_path, config=quick_config()) as lookup:
        found = lookup.by_arxiv_ids(["2106.09685"])
    assert [f.source for f in found["2106.09685"]] == [Source.HUGGINGFACE]


def test_ids_are_answered_under_the_form_they_were_given(
    replay: ReplayServer, tmp_path: Path
) -> None:
    given = ["arXiv:1706.03762v5", "https://arxiv.org/abs/1706.03762", "not an id"]
    with open_lookup(tmp_path, config=quick_config()) as lookup:
        found = lookup.by_arxiv_ids(given)
    assert set(found) == {"arXiv:1706.03762v5", "https://arxiv.org/abs/1706.03762"}
    assert found["arXiv:1706.03762v5"] == found["https://arxiv.org/abs/1706.03762"]
    [request] = replay.requests_to(ARXIV_QUERY)
    assert request.query["id_list"] == "1706.03762"  # asked once, normalised
    assert len(replay.requests_to(f"{HF_PAPERS}/1706.03762")) == 1


def test_no_id_asks_nothing(replay: ReplayServer, tmp_path: Path) -> None:
    with open_lookup(tmp_path, config=quick_config()) as lookup:
        assert lookup.by_arxiv_ids([]) == {}
        assert lookup.by_arxiv_ids(["nonsense", ""]) == {}
    assert replay.requests == []


def test_one_service_failing_fails_the_call_and_the_others_reply_stays_cached(
    replay: ReplayServer, tmp_path: Path
) -> None:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        closed = f"http://127.0.0.1:{probe.getsockname()[1]}"
    offline_hf = quick_config(hf_endpoint=closed)
    with open_lookup(tmp_path, config=offline_hf) as lookup, pytest.raises(LookupOfflineError):
        lookup.by_arxiv_ids(["1706.03762"])
    with open_lookup(tmp_path, config=quick_config()) as lookup:
        found = lookup.by_arxiv_ids(["1706.03762"])
    assert [f.source for f in found["1706.03762"]] == [Source.ARXIV, Source.HUGGINGFACE]
    assert len(replay.requests_to(ARXIV_QUERY)) == 1  # the second call read arXiv's cache


# --- by_title ---


def test_title_candidates_come_hugging_face_first_then_arxiv(
    replay: ReplayServer, tmp_path: Path
) -> None:
    with open_lookup(tmp_path, config=quick_config()) as lookup:
        found = lookup.by_title(ATTENTION)
    assert [(f.source, f.arxiv_id) for f in found] == [
        (Source.HUGGINGFACE, "1706.03762"),
        (Source.HUGGINGFACE, "2103.03404"),
    ]
    # nothing filtered: the caller's rule picks
    matched = best_match(ATTENTION, found)
    assert matched is not None and matched.source is Source.HUGGINGFACE
    # Hugging Face had the same title: neither arXiv (3 s a request) nor S2 was asked
    assert replay.requests_to(ARXIV_QUERY) == []
    assert replay.requests_to(S2_MATCH) == []


def test_arxiv_is_asked_when_hugging_face_has_no_such_title(
    replay: ReplayServer, tmp_path: Path
) -> None:
    replay.route(f"{HF_PAPERS}/search", {"q": ATTENTION}, Reply("huggingface/search_no_match.json"))
    with open_lookup(tmp_path, config=quick_config()) as lookup:
        found = lookup.by_title(ATTENTION)
    assert [(f.source, f.arxiv_id) for f in found] == [
        (Source.ARXIV, "1706.03762"),
        (Source.ARXIV, "2010.13154"),
    ]
    assert replay.requests_to(S2_MATCH) == []


def test_a_near_miss_is_a_candidate_the_title_rule_rejects(
    replay: ReplayServer, tmp_path: Path
) -> None:
    with open_lookup(tmp_path, config=quick_config()) as lookup:
        found = lookup.by_title(ATTENTION_NOT)
    assert found[0].title == ATTENTION
    assert [f.source for f in found] == [
        Source.HUGGINGFACE,
        Source.HUGGINGFACE,
        Source.ARXIV,
        Source.SEMANTIC_SCHOLAR,  # no candidate had the same title: the last resort
    ]
    assert best_match(ATTENTION_NOT, found) is None
    [request] = replay.requests_to(S2_MATCH)
    assert request.query == {
        "query": ATTENTION_NOT,
        "fields": "title,externalIds,authors,publicationDate,year",
    }


def test_a_tex_title_is_found_by_both_services(replay: ReplayServer, tmp_path: Path) -> None:
    with open_lookup(tmp_path, config=quick_config()) as lookup:
        [hf] = lookup.by_title(PI0)
    assert (hf.source, hf.arxiv_id) == (Source.HUGGINGFACE, "2410.24164")
    assert same_title(PI0, hf.title)
    replay.route(f"{HF_PAPERS}/search", {"q": PI0}, Reply("huggingface/search_no_match.json"))
    with open_lookup(tmp_path / "other-cache", config=quick_config()) as lookup:
        [arxiv] = lookup.by_title(PI0)
    assert (arxiv.source, arxiv.arxiv_id) == (Source.ARXIV, "2410.24164")
    assert same_title(PI0, arxiv.title)
    [request] = replay.requests_to(ARXIV_QUERY)
    assert request.query["search_query"] == (
        'ti:"a vision language action flow model for general robot control"'
    )


def test_semantic_scholar_finds_a_paper_that_is_not_on_arxiv(
    replay: ReplayServer, tmp_path: Path
) -> None:
    with open_lookup(tmp_path, config=quick_config()) as lookup:
        found = lookup.by_title(ALEXNET)
    [alexnet] = found
    assert alexnet.source is Source.SEMANTIC_SCHOLAR
    assert alexnet.arxiv_id is None
    assert alexnet.doi == "10.1145/3065386"
    assert alexnet.published == "2012-12-03"
    assert [a.name for a in alexnet.authors] == [
        "A. Krizhevsky",
        "Ilya Sutskever",
        "Geoffrey E. Hinton",
    ]
    assert same_title(ALEXNET, alexnet.title)  # the case differs; the rule ignores it


def test_no_service_knows_the_title(replay: ReplayServer, tmp_path: Path) -> None:
    with open_lookup(tmp_path, config=quick_config()) as lookup:
        assert lookup.by_title(NO_SUCH_TITLE) == []
    [request] = replay.requests_to(S2_MATCH)  # 404: no match, cached like any answer
    assert request.query["query"] == "Quantum Gardening with Self Watering Transformers"


def test_semantic_scholar_can_be_left_out(replay: ReplayServer, tmp_path: Path) -> None:
    config = quick_config(use_semantic_scholar=False)
    with open_lookup(tmp_path, config=config) as lookup:
        assert lookup.by_title(ALEXNET) == []
    assert replay.requests_to(S2_MATCH) == []


def test_a_blank_title_asks_nothing(replay: ReplayServer, tmp_path: Path) -> None:
    replay.route(f"{HF_PAPERS}/search", None, Reply("huggingface/search_no_match.json"))
    replay.route(S2_MATCH, None, Reply("s2/match_not_found.json", status=404))
    with open_lookup(tmp_path, config=quick_config()) as lookup:
        assert lookup.by_title("   ") == []
        # only TeX math: Hugging Face is asked, arXiv has no words to search for
        assert lookup.by_title("$\\alpha$") == []
    assert replay.requests_to(ARXIV_QUERY) == []
    assert [r.query for r in replay.requests_to(f"{HF_PAPERS}/search")] == [{"q": "$\\alpha$"}]


def test_the_semantic_scholar_recording_parses() -> None:
    body = (RECORDINGS / "s2" / "match_attention_is_not_all_you_need.json").read_bytes()
    [found] = parse_match(body)
    assert found.arxiv_id == "2103.03404"
    assert found.published == "2021-03-05"
    assert found.source is Source.SEMANTIC_SCHOLAR
    assert match_query("Self-Watering  Transformers") == "Self Watering Transformers"


# --- configuration and lifetime ---


def test_endpoints_come_from_the_environment_else_the_public_services(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv(ENV_HF_ENDPOINT, "http://127.0.0.1:8080/")
    monkeypatch.delenv(ENV_ARXIV_ENDPOINT)
    monkeypatch.delenv(ENV_S2_ENDPOINT)
    config = RemoteConfig()
    assert config.endpoint_hf() == "http://127.0.0.1:8080"
    assert config.endpoint_arxiv() == DEFAULT_ARXIV_ENDPOINT == "https://export.arxiv.org"
    assert config.endpoint_s2() == DEFAULT_S2_ENDPOINT == "https://api.semanticscholar.org"
    monkeypatch.delenv(ENV_HF_ENDPOINT)
    assert config.endpoint_hf() == DEFAULT_HF_ENDPOINT == "https://huggingface.co"
    given = RemoteConfig(hf_endpoint="http://127.0.0.1:1")
    assert given.endpoint_hf() == "http://127.0.0.1:1"


def test_the_replay_fixture_and_conftest_name_the_real_variables_and_fields() -> None:
    assert (ENV_HF_ENDPOINT, ENV_ARXIV_ENDPOINT, ENV_S2_ENDPOINT) == ENDPOINT_VARIABLES
    assert S2_FIELDS == FIELDS


def test_the_default_etiquette() -> None:
    config = RemoteConfig()
    assert config.arxiv.interval == 3.0
    assert config.huggingface.interval * 500 <= 5 * 60  # 500 requests per 5 minutes
    assert config.semantic_scholar.interval == 1.0
    assert config.huggingface.ttl < config.arxiv.ttl  # upvotes and stars change
    assert config.huggingface.unknown_ttl < config.huggingface.ttl
    assert config.arxiv_batch == 100
    assert config.timeout == 20.0
    quiet = config.without_spacing()
    assert (quiet.arxiv.interval, quiet.huggingface.interval) == (0.0, 0.0)
    assert quiet.semantic_scholar.interval == 0.0


def test_the_lookup_uses_the_endpoints_of_the_replay_fixture(
    replay: ReplayServer, tmp_path: Path
) -> None:
    with open_lookup(tmp_path) as lookup:  # the default configuration: real spacing
        found = lookup.by_arxiv_ids(["1706.03762"])  # one request each: no wait
    assert "1706.03762" in found
    assert len(replay.requests) == 2


def test_closing_twice_is_harmless_and_a_closed_lookup_asks_nothing(
    replay: ReplayServer, tmp_path: Path
) -> None:
    lookup = open_lookup(tmp_path, config=quick_config())
    lookup.close()
    lookup.close()
    with pytest.raises(RuntimeError, match="closed"):
        lookup.by_arxiv_ids(["1706.03762"])
    assert replay.requests == []
