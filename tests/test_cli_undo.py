"""``readinglist undo``: each command's change is taken back by a later command (a later
process, in real use: the history is a file in the library folder), newest first, and
an undo never overwrites what changed since."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from readinglist.app_context import open_database
from readinglist.cli import main
from readinglist.core.digest_parser import render_digest
from readinglist.core.models import ParsedPaper, ReadStatus
from readinglist.core.undo_journal import KEEP

PAPERS = [ParsedPaper(f"Paper {n}: splatting {n}", f"We study {n} at length.", 0) for n in "abcdef"]


class Run:
    def __init__(self, folder: Path, capsys: pytest.CaptureFixture[str]) -> None:
        self.folder = folder
        self.capsys = capsys

    def __call__(self, *argv: str, code: int = 0) -> str:
        self.capsys.readouterr()
        assert main(["--library", str(self.folder), *argv]) == code
        out, err = self.capsys.readouterr()
        return out + err

    def papers(self) -> dict[int, dict[str, object]]:
        return {p["id"]: p for p in json.loads(self("list", "--json"))}


@pytest.fixture
def run(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> Run:
    digest = tmp_path / "digest.txt"
    digest.write_text(render_digest(PAPERS), encoding="utf-8")
    run = Run(tmp_path / "library", capsys)
    run("import", str(digest))
    return run


def test_each_command_is_undone_newest_first(run: Run) -> None:
    before = run.papers()
    run("status", "1", "2", "read")
    run("priority", "3", "high")
    run("rate", "4", "5")
    run("tag", "1", "5", "--add", "nerf", "--add", "3d")
    run("note", "6", "--set", "my own words")
    run("delete", "2", "--yes")
    assert 2 not in run.papers()
    listed = run("undo", "--list")
    assert listed.splitlines()[0].split(None, 1)[1] == "delete 1 paper"
    assert "undone: delete 1 paper" in run("undo")
    assert run.papers()[2]["status"] == "read"  # back with what it had
    run("undo")  # the notes
    assert run("note", "6").strip() == "paper 6 has no notes"
    run("undo")  # the tags
    assert run.papers()[1]["tags"] == [] and run.papers()[5]["tags"] == []
    run("undo")
    run("undo")
    run("undo")  # the status
    now = run.papers()
    assert {i: (p["status"], p["priority"], p["rating"]) for i, p in now.items()} == {
        i: (p["status"], p["priority"], p["rating"]) for i, p in before.items()
    }
    run("undo")  # the import itself
    assert run.papers() == {}
    assert "nothing to undo" in run("undo", code=1)


def test_an_undo_keeps_what_changed_since(run: Run) -> None:
    run("status", "1", "2", "3", "read")
    run("list", "--json")  # a read between changes: not in the history
    run("priority", "2", "low")
    run("status", "2", "dropped")
    run("undo")  # dropped -> read
    with open_database(run.folder) as opened:  # the window changes paper 3 meanwhile
        opened.library.set_status([3], ReadStatus.SKIMMED)
    undo = run("undo", "--json")  # the priority
    assert json.loads(undo)["undone"].startswith("set priority low")
    report = json.loads(run("undo", "--json"))  # the first status change
    assert report["kept"] == [3] and report["changed"] == 2
    statuses = {i: p["status"] for i, p in run.papers().items()}
    assert statuses[1] == statuses[2] == "unread"
    assert statuses[3] == "skimmed"


def test_lists_changes_are_undone(run: Run) -> None:
    run("lists", "create", "Group")
    run("lists", "add", "Group", "3", "1", "2")
    run("lists", "move", "Group", "2", "--to", "1")
    run("lists", "remove", "Group", "1")
    run("undo")
    run("undo")
    shown = json.loads(run("lists", "show", "Group", "--json"))
    assert [p["id"] for p in shown] == [3, 1, 2]
    run("undo")
    run("undo")
    assert json.loads(run("lists", "--json"))["lists"] == []


def test_bad_input_keeps_nothing_and_a_damaged_history_changes_nothing(run: Run) -> None:
    assert "no paper with id 99" in run("status", "99", "read", code=1)
    assert "a rating is a whole number" in run("rate", "1", "9", code=1)
    assert "cannot add and remove the same tag" in run(
        "tag", "1", "--add", "x", "--remove", "x", code=1
    )
    assert run("undo", "--list").split()[1] == "import"  # only the import is kept
    newest = max((run.folder / "undo-history").glob("*.json"), key=lambda p: int(p.stem))
    newest.write_text("{damaged", encoding="utf-8")
    before = run.papers()
    assert "damaged; nothing was undone" in run("undo", code=1)
    assert run.papers() == before
    run("status", "1", "read")  # a change starts a new history
    assert "undone: mark 1 paper read" in run("undo")


def test_the_history_keeps_the_last_changes_a_file_each(run: Run) -> None:
    for number in range(KEEP + 3):
        run("rate", "1", str(number % 6))
    files = sorted((run.folder / "undo-history").glob("*.json"), key=lambda p: int(p.stem))
    assert len(files) == KEEP  # the import and the oldest ratings are gone
    assert run("undo", "--list").splitlines()[0].split(None, 1)[1] == "rate 1 paper 4"
