"""``readinglist resolve``, ``import ID`` and ``open --paper`` against the replay server.

In process (the command line's own ``main``), with the services' real spacing replaced
by :func:`tests.replay_server.quick_config` (a fake clock: no test waits 3 s per arXiv
request). Nothing here reaches the network: the replay server answers on 127.0.0.1.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

import readinglist.remote
from tests.replay_server import (
    ARXIV_QUERY,
    ATTENTION,
    ATTENTION_NOT,
    PI0,
    ReplayServer,
    Reply,
    quick_config,
)
from tests.test_cli import Cli, digest_text, ok, user_error

ABSTRACT = "An abstract long enough to be an abstract, about sequence transduction models."


@pytest.fixture
def quick_services(monkeypatch: pytest.MonkeyPatch) -> None:
    """The command line's lookups without the real spacing (a fake clock)."""
    real = readinglist.remote.open_lookup

    def quick(cache_dir: Path, *, config: Any = None) -> Any:
        return real(cache_dir, config=quick_config())

    monkeypatch.setattr(readinglist.remote, "open_lookup", quick)


@pytest.fixture
def cli(tmp_path: Path) -> Iterator[Cli]:
    yield Cli(tmp_path, tmp_path / "library", in_process=True)


def _import(cli: Cli, *titles: str) -> None:
    ok(cli("import", "-", stdin=digest_text(*((t, ABSTRACT) for t in titles))))


def _papers(cli: Cli) -> dict[str, dict[str, Any]]:
    return {p["title"]: p for p in ok(cli("list", "--json")).json()}


def test_resolve_finds_exact_titles_and_refuses_near_misses(
    cli: Cli, replay: ReplayServer, quick_services: None
) -> None:
    _import(cli, ATTENTION, ATTENTION_NOT, PI0)
    # Hugging Face has both titles: arXiv is asked once, for their two ids.
    replay.route(
        ARXIV_QUERY,
        {"id_list": "1706.03762,2410.24164", "max_results": "2"},
        Reply("arxiv/id_list_batch.xml"),
    )
    result = ok(cli("resolve", "--json"))
    report = result.json()
    papers = _papers(cli)
    attention, near, pi0 = papers[ATTENTION], papers[ATTENTION_NOT], papers[PI0]
    assert sorted(report["matched"]) == sorted([attention["id"], pi0["id"]])
    assert report["unmatched"] == [near["id"]]
    assert attention["arxiv_id"] == "1706.03762"
    assert attention["published"] == "2017-06-12"
    assert attention["authors"][0] == "Ashish Vaswani"
    assert near["arxiv_id"] is None and near["published"] is None and near["authors"] == []
    assert pi0["arxiv_id"] == "2410.24164"
    details = ok(cli("show", str(attention["id"]), "--json")).json()
    stars = details["facts"]["github_stars"]
    assert stars["source"] == "huggingface" and int(stars["value"]) > 0
    assert details["facts"]["published"]["source"] == "arxiv"
    assert details["facts"]["primary_category"]["value"] == "cs.CL"
    page = ok(cli("show", str(attention["id"]))).out
    assert "published:   2017-06-12  (arxiv," in page
    # Nothing is pending now: a second run asks nobody.
    asked = len(replay.requests)
    again = ok(cli("resolve"))
    assert "nothing to look up" in again.err
    assert len(replay.requests) == asked


def test_offline_queues_the_papers_and_a_later_run_resumes(
    cli: Cli, replay: ReplayServer, quick_services: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    _import(cli, ATTENTION)
    closed = "http://127.0.0.1:9"
    offline = cli(
        "resolve",
        env={
            "READINGLIST_HF_ENDPOINT": closed,
            "READINGLIST_ARXIV_ENDPOINT": closed,
            "READINGLIST_S2_ENDPOINT": closed,
        },
    )
    user_error(offline)
    assert "1 queued for the next run" in offline.out
    assert len(offline.err.strip().splitlines()) <= 1
    assert _papers(cli)[ATTENTION]["arxiv_id"] is None
    ok(cli("resolve"))
    assert _papers(cli)[ATTENTION]["arxiv_id"] == "1706.03762"


def test_a_user_value_is_kept_against_a_lookup(
    cli: Cli, replay: ReplayServer, quick_services: None, tmp_path: Path
) -> None:
    bib = tmp_path / "mine.bib"
    bib.write_text(
        "@article{vaswani2017,\n  title = {Attention Is All You Need},\n"
        "  author = {Vaswani, Ashish and Shazeer, Noam},\n  year = {2016},\n}\n",
        encoding="utf-8",
    )
    ok(cli("import", str(bib)))
    result = ok(cli("resolve", "--json"))
    assert result.json()["kept"] >= 1
    paper = _papers(cli)[ATTENTION]
    assert paper["published"] == "2016"  # the user's (wrong) year stays the user's
    assert paper["authors"] == ["Ashish Vaswani", "Noam Shazeer"]
    assert paper["arxiv_id"] == "1706.03762"


def test_import_by_identifier_makes_one_paper_per_id(
    cli: Cli, replay: ReplayServer, quick_services: None
) -> None:
    result = ok(
        cli(
            "import",
            "1706.03762",
            "https://huggingface.co/papers/1706.03762",
            "https://arxiv.org/abs/1706.03762v5",
        )
    )
    assert "1 new" in result.out
    [paper] = ok(cli("list", "--json")).json()
    assert paper["title"] == ATTENTION
    assert paper["arxiv_id"] == "1706.03762"
    assert paper["published"] == "2017-06-12"
    assert paper["upvotes"] is not None
    # The same id again merges into the paper the library has.
    again = ok(cli("import", "arXiv:1706.03762"))
    assert "0 new, 1 already in the library" in again.out
    assert len(ok(cli("list", "--json")).json()) == 1
    # And it is undoable like any import.
    ok(cli("undo"))
    ok(cli("undo"))
    assert ok(cli("list", "--json")).json() == []


def test_import_by_an_unknown_identifier_changes_nothing(
    cli: Cli, replay: ReplayServer, quick_services: None
) -> None:
    _import(cli, ATTENTION)
    before = ok(cli("list", "--json")).json()
    replay.route(
        ARXIV_QUERY,
        {"id_list": "2410.99999", "max_results": "1"},
        Reply("arxiv/error_entry.xml"),
    )
    result = user_error(cli("import", "2410.99999"), "2410.99999")
    assert "neither arXiv nor Hugging Face knows" in result.err
    assert ok(cli("list", "--json")).json() == before


def test_open_paper_prints_the_abstract_page_or_the_pdf(
    cli: Cli, replay: ReplayServer, quick_services: None
) -> None:
    _import(cli, ATTENTION)
    paper_id = str(_papers(cli)[ATTENTION]["id"])
    user_error(cli("open", paper_id, "--paper", "--print"), "resolve")
    ok(cli("resolve"))
    assert ok(cli("open", paper_id, "--paper", "--print")).out.strip() == (
        "https://arxiv.org/abs/1706.03762"
    )
    assert ok(cli("open", paper_id, "--pdf", "--print")).out.strip() == (
        "https://arxiv.org/pdf/1706.03762"
    )
