"""The learning triage on real libraries: the signals read through the Library API, the
real digest grouped and ranked, and ``readinglist triage``, ``groups`` and
``suggest-tags`` run in-process (JSON shapes, bad input)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from readinglist.app_context import OpenLibrary, open_library
from readinglist.core.digest_parser import render_digest
from readinglist.core.models import ParsedPaper, ReadStatus
from readinglist.triage.documents import NEGATIVE, POSITIVE, UNLABELLED, library_documents
from readinglist.triage.service import Triage, digest_groups
from tests.helpers import SHARED_DIGEST_PAPERS, copy_library
from tests.test_cli import Cli, Result

# Papers of the shared digest about 3D Gaussian splatting (by their place in it).
GAUSSIAN_READ = [14, 22, 23]


def ok(result: Result) -> Result:
    assert result.code == 0, result.err
    return result


@pytest.fixture
def lib(tmp_path: Path, digest_library: Path) -> Cli:
    """The command line on a copy of the library holding the shared digest."""
    return Cli(tmp_path, digest_library)


def titles(lib: Cli) -> dict[int, str]:
    return {row["id"]: row["title"] for row in ok(lib("list", "--json")).json()}


def test_signals_are_read_through_the_library(opened: OpenLibrary) -> None:
    papers = [ParsedPaper(f"Paper {n} on topic {n}", f"Abstract {n}.", n) for n in range(1, 7)]
    opened.library.import_bytes(render_digest(papers).encode(), "d.txt")
    library = opened.library
    library.set_status([1], ReadStatus.READ)
    library.set_status([2], ReadStatus.QUEUED)
    library.set_status([3], ReadStatus.DROPPED)
    library.set_status([4], ReadStatus.SKIMMED)
    library.rate([5], 4)
    library.tag([6], add=["mine"])
    labels = {doc.paper_id: doc.label for doc in library_documents(library)}
    assert labels == {1: POSITIVE, 2: POSITIVE, 3: NEGATIVE, 4: UNLABELLED, 5: POSITIVE,
                      6: UNLABELLED}  # fmt: skip
    docs = {doc.paper_id: doc for doc in library_documents(library)}
    assert docs[6].tags == ("mine",)
    assert docs[1].text.startswith("Paper 1 on topic 1\n")


@pytest.mark.slow
def test_the_real_digest_grouped_every_paper_once(digest_library: Path) -> None:
    with open_library(digest_library) as opened:
        ids = opened.library.digest_paper_ids([opened.library.digests()[-1].id])
        groups = digest_groups(opened.library, ids)
        again = digest_groups(opened.library, ids)
    assert groups == again
    every = [i for group in groups for i in group.paper_ids]
    assert sorted(every) == sorted(ids) and len(ids) == SHARED_DIGEST_PAPERS
    assert 4 <= len(groups) <= 12
    labels = [group.label for group in groups]
    assert len(set(labels)) == len(labels)
    assert any("gaussian" in group.words or "3dgs" in group.words for group in groups)


def test_the_real_digest_ranked_for_a_splatting_reader(digest_library: Path) -> None:
    with open_library(digest_library) as opened:
        library = opened.library
        library.set_status(GAUSSIAN_READ, ReadStatus.READ)
        ids = library.digest_paper_ids([library.digests()[-1].id])
        ranked = Triage.from_library(library).rank(ids)
        by_id = {p.id: p for p in library.papers()}
    assert ranked is not None
    unread = [r for r in ranked if r.paper_id not in GAUSSIAN_READ][:10]
    gaussian = [r for r in unread if "gaussian" in by_id[r.paper_id].abstract.lower()]
    assert len(gaussian) >= 7  # of the 10 best unread papers: about 1 in 10 in the digest
    assert all(set(r.why.papers) <= set(GAUSSIAN_READ) for r in ranked)


def test_triage_json_without_signals_keeps_the_digest_order(lib: Cli) -> None:
    result = ok(lib("triage", "--json"))
    rows = result.json()
    assert [row["position"] for row in rows] == list(range(1, SHARED_DIGEST_PAPERS + 1))
    assert all(row["interest"] is None and row["why"] is None for row in rows)
    assert "nothing learned yet" in result.err


def test_triage_json_ranks_best_first_with_why(lib: Cli) -> None:
    ok(lib("status", *map(str, GAUSSIAN_READ), "read"))
    ok(lib("status", "15", "dropped"))
    rows = ok(lib("triage", "--digest", "latest", "--json")).json()
    assert len(rows) == SHARED_DIGEST_PAPERS
    assert len({row["id"] for row in rows}) == SHARED_DIGEST_PAPERS
    assert set(rows[0]) == {"id", "title", "position", "interest", "why"}
    interests = [row["interest"] for row in rows]
    assert interests == sorted(interests, reverse=True)
    assert all(0 <= value <= 1 for value in interests)
    assert all(set(row["why"]) == {"words", "papers"} for row in rows)
    assert all(set(row["why"]["papers"]) <= set(GAUSSIAN_READ) for row in rows)
    assert "gaussian" in rows[3]["title"].lower() or "gs" in rows[3]["title"].lower()
    text = ok(lib("triage")).out  # the same ranking for people: ids in the same order
    shown = [int(line.split()[0]) for line in text.splitlines() if line[:6].strip().isdigit()]
    assert shown == [row["id"] for row in rows]


def test_groups_json_shape(lib: Cli) -> None:
    groups = ok(lib("groups", "--json")).json()
    assert all(set(group) == {"label", "words", "paper_ids"} for group in groups)
    every = [i for group in groups for i in group["paper_ids"]]
    assert sorted(every) == list(range(1, SHARED_DIGEST_PAPERS + 1))
    assert all(group["label"] and group["words"] for group in groups)


@pytest.mark.slow
def test_suggest_tags_uses_only_the_readers_tags(lib: Cli) -> None:
    first = ok(lib("suggest-tags", "24", "--json"))
    assert first.json() == []
    assert "no tags yet" in first.err
    ok(lib("tag", *map(str, GAUSSIAN_READ), "--add", "3d/gaussian-splatting"))
    ok(lib("tag", "13", "15", "21", "--add", "moe"))
    suggested = ok(lib("suggest-tags", "24", "--json")).json()
    assert [row["tag"] for row in suggested] == ["3d/gaussian-splatting"]
    assert 0 < suggested[0]["score"] <= 1
    every = {
        row["tag"]
        for paper in range(1, 60, 6)
        for row in ok(lib("suggest-tags", str(paper), "--json")).json()
    }
    assert every <= {"3d/gaussian-splatting", "moe"}


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("suggest-tags", "9999"), "no paper with id 9999"),
        (("triage", "--digest", "77"), "no digest with id 77"),
        (("groups", "--digest", "77"), "no digest with id 77"),
    ],
)
def test_bad_input_is_one_line(lib: Cli, args: tuple[str, ...], message: str) -> None:
    result = lib(*args)
    assert result.code == 1
    assert message in result.err and len(result.err.strip().splitlines()) == 1


def test_a_single_pasted_paper_is_one_group(cli_empty: Cli) -> None:
    ok(cli_empty("import", "-", stdin="Only title\nOnly abstract here.\n"))
    groups = ok(cli_empty("groups", "--json")).json()
    assert [g["paper_ids"] for g in groups] == [[1]]


def test_a_library_without_digests_says_so(tmp_path: Path, empty_library_template: Path) -> None:
    library = copy_library(empty_library_template, tmp_path / "library")
    empty = Cli(tmp_path, library)
    for command in ("triage", "groups"):
        result = empty(command, "--json")
        assert result.code == 1 and "no digest has been imported yet" in result.err


@pytest.fixture
def cli_empty(tmp_path: Path) -> Cli:
    return Cli(tmp_path, tmp_path / "library")


def test_usage_errors_exit_2(lib: Cli) -> None:
    assert lib("triage", "--digest", "newest").code == 2
    assert lib("suggest-tags", "zero").code == 2


@pytest.mark.real_process
def test_parsing_the_triage_commands_does_not_load_scikit_learn() -> None:
    code = (
        "import sys; from readinglist.cli.parser import build_parser;"
        " build_parser().parse_args(['triage', '--json']);"
        " build_parser().parse_args(['suggest-tags', '3']);"
        " print(sorted(m for m in sys.modules if m.split('.')[0] in ('sklearn', 'scipy')))"
    )
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, timeout=60
    )
    assert done.stdout.strip() == "[]"
