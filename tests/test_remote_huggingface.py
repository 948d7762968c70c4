"""readinglist.remote.huggingface: the recordings of Hugging Face's papers API parsed
(one flat paper, the search's and the daily list's nested entries), and the page link
always the public one, against the local replay server."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from readinglist.core.identity import same_title
from readinglist.core.metadata import PersonName, Source
from readinglist.remote import open_lookup
from readinglist.remote.http import BadReplyError
from readinglist.remote.huggingface import parse_paper, parse_paper_list, parse_paper_reply
from tests.replay_server import (
    ATTENTION,
    ATTENTION_NOT,
    HF_PAPERS,
    NO_SUCH_TITLE,
    PI0,
    RECORDINGS,
    ReplayServer,
    Reply,
    quick_config,
)


def _recording(name: str) -> bytes:
    return (RECORDINGS / "huggingface" / name).read_bytes()


def test_a_paper_gives_every_field_hugging_face_sends() -> None:
    found = parse_paper_reply(_recording("paper_1706.03762.json"))
    assert found.source is Source.HUGGINGFACE
    assert found.title == "Attention Is All You Need"
    assert found.arxiv_id == "1706.03762"
    assert found.published == "2017-06-12"  # the date of publishedAt
    assert found.abstract is not None and found.abstract.startswith("The dominant sequence")
    assert found.upvotes == 94
    assert found.github_repo == "https://github.com/tensorflow/tensor2tensor"
    assert found.github_stars == 16871
    assert found.hf_page == "https://huggingface.co/papers/1706.03762"
    assert found.authors[:2] == (PersonName("Ashish Vaswani"), PersonName("Noam Shazeer"))
    assert all(not author.structured for author in found.authors)
    assert found.updated is None and found.primary_category is None and found.doi is None


def test_a_claimed_author_is_read_like_any_other() -> None:
    found = parse_paper_reply(_recording("paper_2410.24164.json"))
    assert PersonName("Karl Pertsch") in found.authors
    assert len(found.authors) == 24


def test_a_tex_title_is_kept_verbatim() -> None:
    found = parse_paper_reply(_recording("paper_2410.24164.json"))
    assert found.title == PI0
    assert same_title(PI0, found.title)
    assert found.github_repo == "https://github.com/Physical-Intelligence/openpi"


def test_search_entries_hold_the_paper_inside_and_the_code_link_beside_it() -> None:
    found = parse_paper_list(_recording("search_attention_is_all_you_need.json"))
    assert [f.arxiv_id for f in found] == ["1706.03762", "2103.03404"]
    first = found[0]
    assert first.github_stars == 16871  # beside "paper" in a list entry
    assert first.published == "2017-06-12"  # the paper's date, not the entry's
    assert found[1].github_repo is None and found[1].github_stars is None


def test_daily_papers_give_the_papers_date_not_the_day_they_were_picked() -> None:
    found = parse_paper_list(_recording("daily_papers.json"))
    assert [f.arxiv_id for f in found] == ["2410.24164", "2305.14314"]
    assert found[0].published == "2024-10-31"  # submittedOnDailyAt was 2024-11-01


def test_an_empty_search_is_no_candidate() -> None:
    assert parse_paper_list(_recording("search_no_match.json")) == []


@pytest.mark.parametrize(
    "record",
    [
        {"title": "No id"},
        {"id": "2401.00001", "title": "   "},
        {"paper": {"id": "2401.00001"}},
        ["not", "a", "paper"],
        None,
    ],
)
def test_a_record_without_an_id_or_a_title_is_skipped(record: object) -> None:
    assert parse_paper(record) is None


def test_values_of_the_wrong_type_are_left_out_not_guessed() -> None:
    found = parse_paper(
        {
            "id": "2401.00001",
            "title": "A  Title\nOn Two Lines",
            "upvotes": True,
            "githubStars": "many",
            "githubRepo": "javascript:alert(1)",
            "publishedAt": "yesterday",
            "authors": [{"name": "  Ada   Lovelace "}, {"name": ""}, "Charles Babbage", {}],
        }
    )
    assert found is not None
    assert found.title == "A Title On Two Lines"
    assert found.upvotes is None and found.github_stars is None and found.github_repo is None
    assert found.published is None
    assert found.authors == (PersonName("Ada Lovelace"),)


@pytest.mark.parametrize(
    ("body", "reason"),
    [
        (_recording("paper_2201.11903_truncated.json"), "a reply that is not JSON"),
        (b"<!doctype html><title>502</title>", "a reply that is not JSON"),
        (b"\xff\xfe\x00", "a reply that is not JSON"),
        (b'{"error": "Paper not found"}', "a paper without an id or a title"),
    ],
)
def test_a_paper_reply_that_cannot_be_read_is_a_bad_reply(body: bytes, reason: str) -> None:
    with pytest.raises(BadReplyError) as raised:
        parse_paper_reply(body)
    assert str(raised.value) == reason


def test_a_list_reply_that_is_not_a_list_is_a_bad_reply() -> None:
    with pytest.raises(BadReplyError, match="not a list of papers"):
        parse_paper_list(json.dumps({"papers": []}).encode())


# --- against the replay server ---


def test_the_page_link_is_the_public_one_whatever_endpoint_answered(
    replay: ReplayServer, tmp_path: Path
) -> None:
    with open_lookup(tmp_path, config=quick_config()) as lookup:
        found = lookup.by_arxiv_ids(["1706.03762"])["1706.03762"]
    [from_hf] = [f for f in found if f.source is Source.HUGGINGFACE]
    assert from_hf.hf_page == "https://huggingface.co/papers/1706.03762"
    assert replay.url not in (from_hf.hf_page or "")
    [request] = replay.requests_to(f"{HF_PAPERS}/1706.03762")
    assert request.query == {}


def test_a_404_means_hugging_face_has_no_page(replay: ReplayServer, tmp_path: Path) -> None:
    replay.route("/api/query", None, Reply("arxiv/id_list_batch.xml"))  # arXiv knows it
    with open_lookup(tmp_path, config=quick_config()) as lookup:
        found = lookup.by_arxiv_ids(["1207.0580"])
    assert [f.source for f in found["1207.0580"]] == [Source.ARXIV]
    assert len(replay.requests_to(f"{HF_PAPERS}/1207.0580")) == 1


def test_the_search_sends_the_title_as_q_and_keeps_the_order(
    replay: ReplayServer, tmp_path: Path
) -> None:
    with open_lookup(tmp_path, config=quick_config()) as lookup:
        found = lookup.by_title(ATTENTION_NOT)
    [request] = replay.requests_to(f"{HF_PAPERS}/search")
    assert request.query == {"q": ATTENTION_NOT}
    from_hf = [f.title for f in found if f.source is Source.HUGGINGFACE]
    assert from_hf[0] == ATTENTION  # the near miss ranks first: the caller's rule rejects it
    assert not same_title(ATTENTION_NOT, from_hf[0])


def test_a_search_without_results_gives_no_hugging_face_candidate(
    replay: ReplayServer, tmp_path: Path
) -> None:
    with open_lookup(tmp_path, config=quick_config()) as lookup:
        found = lookup.by_title(NO_SUCH_TITLE)
    assert found == []
    assert len(replay.requests_to(f"{HF_PAPERS}/search")) == 1


def test_the_daily_papers_of_a_day(replay: ReplayServer, tmp_path: Path) -> None:
    with open_lookup(tmp_path, config=quick_config()) as lookup:
        latest = lookup.daily_papers()
        of_a_day = lookup.daily_papers("2024-11-01")
    assert (
        [f.arxiv_id for f in latest]
        == ["2410.24164", "2305.14314"]
        == [f.arxiv_id for f in of_a_day]
    )
    assert [r.query for r in replay.requests_to("/api/daily_papers")] == [
        {},
        {"date": "2024-11-01"},
    ]


def test_old_style_ids_are_not_asked_of_hugging_face(replay: ReplayServer, tmp_path: Path) -> None:
    replay.route("/api/query", None, Reply("arxiv/empty_feed.xml"))
    with open_lookup(tmp_path, config=quick_config()) as lookup:
        assert lookup.by_arxiv_ids(["hep-th/9901001"]) == {}
    assert replay.requests_to("/api/papers/") == []
    [request] = replay.requests_to("/api/query")
    assert request.query["id_list"] == "hep-th/9901001"
