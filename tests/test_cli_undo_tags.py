"""``readinglist undo`` for the tag edits, "add to a new list" and the saved week plan:
each kept in the journal and taken back exactly, on more than one page of papers."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from readinglist.app_context import open_database
from readinglist.cli import main
from readinglist.cli.undo import run_undoable
from readinglist.core.digest_parser import render_digest
from readinglist.core.list_cases import new_list_change
from readinglist.core.models import ParsedPaper
from readinglist.core.tag_cases import TagSnapshot
from readinglist.core.undo_journal import dumps, loads
from tests import test_cli_undo
from tests.helpers import logger_restored

COUNT = 250  # more than one page of rows
PAPERS = [
    ParsedPaper(f"Paper {n}: splatting {n}", f"We study case {n} at length.", 0)
    for n in range(COUNT)
]
TAGS = ["nerf", "3d", "3d/gs", "scenes"]


class Run(test_cli_undo.Run):
    """The undo tests' in-process command runner, and the tags as the library has them."""

    def tags(self) -> TagSnapshot:
        with open_database(self.folder) as opened:
            return opened.library.tag_edits.snapshot(TAGS)


@pytest.fixture(scope="module")
def template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One imported, tagged library the tests copy (an import of 250 takes a while)."""
    folder = tmp_path_factory.mktemp("template")
    digest = folder / "digest.txt"
    digest.write_text(render_digest(PAPERS), encoding="utf-8")
    with logger_restored():  # the import's log handler must not outlive the module fixture
        assert main(["--library", str(folder / "library"), "import", str(digest)]) == 0
    with open_database(folder / "library") as opened:
        opened.library.require_papers(range(1, COUNT + 1))  # ids 1..250, as the tests use
    return folder / "library"


@pytest.fixture
def run(template: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> Run:
    import shutil

    shutil.copytree(template, tmp_path / "library")
    run = Run(tmp_path / "library", capsys)
    run("tag", *map(str, range(1, 221)), "--add", "nerf")  # 220 papers
    run("tag", *map(str, range(150, COUNT + 1)), "--add", "3d")  # overlaps nerf
    run("tag", *map(str, range(200, 231)), "--add", "3d/gs")
    run("tags", "colour", "nerf", "#ff0000")
    run("tags", "colour", "3d", "#0000ff")
    return run


@pytest.mark.slow
def test_merge_is_undone_onto_exactly_its_papers_with_colours(run: Run) -> None:
    before = run.tags()
    assert before["nerf"] is not None and len(before["nerf"].ids) == 220
    assert before["scenes"] is None
    printed = run("tags", "merge", "nerf", "3d")
    assert printed.strip() == "nerf -> 3d"
    after = run.tags()
    assert after["nerf"] is None and after["3d"] is not None
    assert len(after["3d"].ids) == COUNT
    assert "undone: merge the tag nerf into 3d" in run("undo")
    assert run.tags() == before  # 3d lost exactly the papers it had only from nerf


@pytest.mark.slow
def test_delete_rename_and_colour_are_undone_newest_first(run: Run) -> None:
    before = run.tags()
    assert "101 papers lost the tag" in run("tags", "delete", "3d")  # 3d and 3d/gs go
    assert run.tags()["3d/gs"] is None
    run("tags", "rename", "nerf", "scenes")
    run("tags", "colour", "scenes", "#00ff00")
    listed = run("undo", "--list").splitlines()
    assert [line.split(None, 1)[1] for line in listed[:3]] == [
        "recolour the tag scenes",
        "rename the tag nerf to scenes",
        "delete the tag 3d",
    ]
    run("undo")
    state = run.tags()["scenes"]
    assert state is not None and state.colour != "#00ff00"
    run("undo")
    run("undo")
    assert run.tags() == before


@pytest.mark.slow
def test_bad_tag_edits_keep_nothing(run: Run) -> None:
    newest = run("undo", "--list").splitlines()[0]
    assert "no tag named 'scenes' to merge into" in run("tags", "merge", "nerf", "scenes", code=1)
    assert "cannot be merged into itself" in run("tags", "merge", "3d", "3d", code=1)
    assert run("undo", "--list").splitlines()[0] == newest
    assert run.tags()["nerf"] is not None


@pytest.mark.slow
def test_a_new_list_and_a_saved_plan_are_deleted_by_undo(run: Run) -> None:
    with open_database(run.folder) as opened:
        run_undoable(opened, new_list_change("Fresh", list(range(1, COUNT + 1))))
    shown = json.loads(run("lists", "show", "Fresh", "--json"))
    assert len(shown) == COUNT
    run("status", *map(str, range(1, 40)), "queued")
    run("plan", "--hours", "100", "--save-list", "Week")
    names = [item["name"] for item in json.loads(run("lists", "--json"))["lists"]]
    assert sorted(names) == ["Fresh", "Week"]
    assert "undone: save the plan as the list Week" in run("undo")
    run("undo")  # the statuses
    assert "undone: add 250 papers to the new list Fresh" in run("undo")
    assert json.loads(run("lists", "--json"))["lists"] == []


@pytest.mark.slow
def test_adding_to_a_list_made_meanwhile_takes_back_only_those_papers(run: Run) -> None:
    run("lists", "create", "Mine")
    run("lists", "add", "Mine", "1", "2")
    with open_database(run.folder) as opened:  # the window thought "Mine" was new
        run_undoable(opened, new_list_change("Mine", list(range(2, COUNT + 1))))
    assert len(json.loads(run("lists", "show", "Mine", "--json"))) == COUNT
    run("undo")
    assert [p["id"] for p in json.loads(run("lists", "show", "Mine", "--json"))] == [1, 2]


def test_the_new_changes_round_trip_through_the_journal() -> None:
    from readinglist.core.stats_cases import SavePlanChange
    from readinglist.core.tag_cases import TagRenameChange, TagState

    rename = TagRenameChange("merge", "a", "b", {"a": TagState("#ff0000", (1, 2)), "b": None})
    plan = SavePlanChange("Week", (3, 1, 2))
    listed = new_list_change("Fresh", [5, 4])
    assert loads(dumps([rename, plan, listed])) == [rename, plan, listed]
