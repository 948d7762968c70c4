"""Small surprises and hostile text on the command line (issue 17, items 6, 9, 10).

Every case is one line on stderr and exit 1 (or a plain success), never exit 70, and the
library is left as it was when the input is refused.
"""

from __future__ import annotations

import os
import stat
import sys
from pathlib import Path

import pytest

from readinglist.atomic_write import NotRegularFileError, write_atomically
from readinglist.cli.output import terminal_text
from tests.helpers import database_dump
from tests.test_cli import Cli, ok, user_error

ESC = "\x1b"
OSC52 = f"{ESC}]52;c;cm0gLXJmIH4K\x07"  # writes "rm -rf ~" to the clipboard
RLO = "\u202e"


@pytest.fixture
def cli(digest_library: Path, tmp_path: Path) -> Cli:
    return Cli(tmp_path, digest_library)


# --- tags -----------------------------------------------------------------------------


def test_add_given_twice_adds_both(cli: Cli):
    ok(cli("tag", "6", "--add", "a", "--add", "b", "c", "--remove", "x", "--remove", "y"))
    assert ok(cli("show", "6", "--json")).json()["tags"] == ["a", "b", "c"]


def test_a_paper_named_twice_is_tagged_once(cli: Cli):
    assert ok(cli("tag", "5", "5", "--add", "foo")).out.strip() == "1 paper changed"
    assert ok(cli("show", "5", "--json")).json()["tags"] == ["foo"]
    ok(cli("undo"))
    assert ok(cli("show", "5", "--json")).json()["tags"] == []


# --- arguments that are not UTF-8 -----------------------------------------------------


@pytest.mark.skipif(sys.platform == "win32", reason="POSIX file names are bytes")
def test_arguments_that_are_not_utf8_are_one_line(cli: Cli, tmp_path: Path):
    assert cli.library is not None
    before = database_dump(cli.library)
    bad = os.fsdecode(b"\xff\xfe")
    user_error(cli("tag", "3", "--add", bad), "is not UTF-8 text")
    user_error(cli("lists", "create", bad), "is not UTF-8 text")
    named = tmp_path / os.fsdecode(b"\xff\xfe.txt")
    named.write_bytes(b"Weird Name Paper Here\nIt has a name. It is weird.\n")
    user_error(cli("import", str(named)), "is not UTF-8 text")
    assert database_dump(cli.library) == before


# --- what the terminal is sent -----------------------------------------------------------


def test_terminal_text_shows_controls_instead_of_sending_them():
    assert terminal_text(f"a{OSC52}b") == "a␛]52;c;cm0gLXJmIH4K␇b"
    assert terminal_text(f"{RLO}txet\u2066x\u2069") == "\ufffdtxet\ufffdx\ufffd"
    assert terminal_text("line\nnext\tcell\r") == "line\nnext\tcell␍"
    assert terminal_text("line\nnext\tcell", one_line=True) == "line next cell"
    assert terminal_text("\x9b31m\x7f") == "\ufffd31m\u2421"
    assert terminal_text(os.fsdecode(b"\xff")) == "\ufffd"
    assert terminal_text("Ünïcödé — “quotes” 日本語 ∑") == "Ünïcödé — “quotes” 日本語 ∑"


def test_titles_abstracts_and_tags_reach_the_terminal_inert(cli: Cli, tmp_path: Path):
    abstract = f"An abstract that clears the screen{ESC}[2J. " + "It is long enough. " * 8
    digest = tmp_path / "evil.txt"
    digest.write_text(f"Evil {OSC52}Title {RLO}desrever\n{abstract}\n", encoding="utf-8")
    ok(cli("import", str(digest)))
    listed = ok(cli("list", "--json")).json()
    evil = next(paper for paper in listed if paper["title"].startswith("Evil"))
    assert OSC52 in evil["title"] and RLO in evil["title"]  # JSON stays exact
    paper_id = str(evil["id"])
    ok(cli("tag", paper_id, "--add", f"tag{RLO}x"))
    outputs = [
        cli("list"),
        cli("show", paper_id),
        cli("search", "evil"),
        cli("tags"),
        cli("similar", paper_id),
    ]
    for result in outputs:
        ok(result)
        for unsafe in (ESC, "\x07", RLO):
            assert unsafe not in result.out and unsafe not in result.err, str(result)
    assert "␛]52;c;" in outputs[0].out


# --- export targets --------------------------------------------------------------------


@pytest.mark.skipif(sys.platform == "win32", reason="FIFOs, device nodes")
@pytest.mark.parametrize("kind", ["fifo", "symlink", "device"])
def test_export_never_replaces_what_is_not_a_regular_file(cli: Cli, tmp_path: Path, kind: str):
    mine = tmp_path / "mine.txt"
    mine.write_text("someone's file")
    if kind == "fifo":
        target = tmp_path / "pipe"
        os.mkfifo(target)
    elif kind == "symlink":
        target = tmp_path / "link.csv"
        target.symlink_to(mine)
    else:
        target = Path(os.devnull)
    before = target.lstat()
    user_error(cli("export", "--format", "csv", "-o", str(target), "--force"), "regular file")
    after = target.lstat()
    assert (stat.S_IFMT(after.st_mode), after.st_ino) == (
        stat.S_IFMT(before.st_mode),
        before.st_ino,
    )
    assert mine.read_text() == "someone's file"


def test_write_atomically_refuses_a_symlink_and_a_folder(tmp_path: Path):
    (tmp_path / "folder").mkdir()
    (tmp_path / "link").symlink_to(tmp_path / "nowhere")
    for name in ("folder", "link"):
        with pytest.raises(NotRegularFileError):
            write_atomically(tmp_path / name, "x")


def test_an_export_killed_before_it_renamed_leaves_nothing_for_long(tmp_path: Path):
    """A dead writer's hidden file (its process id in the name) goes with the next
    export to the same name; a live writer's stays."""
    target = tmp_path / "papers.csv"
    dead = tmp_path / ".papers.csv.999999999.abcd"  # no such process
    alive = tmp_path / f".papers.csv.{os.getppid()}.efgh"
    dead.write_text("half")
    alive.write_text("in progress")
    write_atomically(target, "done\n")
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted([target.name, alive.name])


# --- search values ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("query", "matches"),
    [
        ("rating:300", False),
        ("rating:<0", False),
        ("rating:0..300", True),
        ("seen:70000", False),
        ("seen:<70000", True),
        ("seen:>99999999999999999999", False),
        ("added:<0001-01-01", False),
        ("added:>=1900", True),
        ("added:>9999-12-31", False),
    ],
)
def test_numbers_and_dates_past_the_index_range_match_what_they_say(
    cli: Cli, query: str, matches: bool
):
    total = ok(cli("search", query, "--json")).json()["total"]
    assert (total > 0) == matches, total
