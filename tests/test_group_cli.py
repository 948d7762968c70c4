"""``readinglist member``, ``comment``, ``comments``, ``assign`` and ``schedule``, run as a
user runs them (in this process: tests.test_cli.Cli), with good and bad input."""

from __future__ import annotations

import json
from datetime import date, datetime, timedelta
from pathlib import Path

import pytest

from tests.test_cli import Cli, ok, usage_error, user_error

TODAY = date.today()


@pytest.fixture
def cli(tmp_path: Path, digest_library: Path) -> Cli:
    return Cli(tmp_path, digest_library)


@pytest.fixture
def alice(cli: Cli) -> Cli:
    ok(cli("member", "  Alice Liddell  ", library=False))
    return cli


def member_file(cli: Cli) -> Path:
    return cli.cwd / "home" / "config" / "readinglist" / "member-name"


def one_line_exit_2(result, *fragments: str) -> None:
    assert result.code == 2, str(result)
    lines = result.err.splitlines()
    assert len(lines) == 1 and lines[0].startswith("readinglist: "), str(result)
    for fragment in fragments:
        assert fragment in lines[0], str(result)


def test_the_member_name_is_set_once_per_machine_and_shown(cli: Cli):
    user_error(cli("member", library=False), "no member name set", "readinglist member NAME")
    assert not member_file(cli).exists()
    result = ok(cli("member", "  Alice Liddell  ", library=False))
    assert "Alice Liddell" in result.err
    assert member_file(cli).read_text(encoding="utf-8") == "Alice Liddell\n"
    assert ok(cli("member", library=False)).out == "Alice Liddell\n"
    assert ok(cli("member")).out == "Alice Liddell\n"  # with --library too


@pytest.mark.parametrize(
    ("name", "fragment"),
    [("", "empty"), ("   ", "empty"), ("x" * 81, "at most 80"), ("Al\x1bice", "U+001B")],
)
def test_a_bad_member_name_is_one_line_exit_2_and_keeps_the_old(alice: Cli, name, fragment):
    one_line_exit_2(alice("member", name, library=False), fragment)
    assert ok(alice("member", library=False)).out == "Alice Liddell\n"


def test_writing_a_comment_without_a_name_says_how_to_set_it(cli: Cli):
    user_error(cli("comment", "1", "hello"), "readinglist member NAME")
    user_error(cli("assign", "1", "Bob", "2030-01-01"), "readinglist member NAME")
    assert json.loads(ok(cli("comments", "1", "--json")).out) == []


def test_comments_are_added_listed_and_deleted(alice: Cli):
    assert "paper 1" in ok(alice("comment", "1", "Read section 4 first")).err
    ok(alice("comment", "1", "-", stdin="From stdin,\nover two lines\n"))
    ok(alice("member", "Bob", library=False))
    ok(alice("comment", "1", "Agreed"))
    listed = json.loads(ok(alice("comments", "1", "--json")).out)
    assert [(c["author"], c["body"]) for c in listed] == [
        ("Alice Liddell", "Read section 4 first"),
        ("Alice Liddell", "From stdin,\nover two lines"),
        ("Bob", "Agreed"),
    ]
    assert all(datetime.fromisoformat(c["created_at"]).tzinfo for c in listed)
    text = ok(alice("comments", "1")).out
    first = listed[0]
    local = datetime.fromisoformat(first["created_at"]).astimezone().strftime("%Y-%m-%d %H:%M")
    assert f"#{first['id']}  {local}  Alice Liddell\n    Read section 4 first\n" in text
    assert "    over two lines\n" in text
    # Bob may not delete Alice's comment; Alice may.
    user_error(alice("comment", "--delete", str(first["id"])), "only its author", "Alice")
    assert len(json.loads(ok(alice("comments", "1", "--json")).out)) == 3
    ok(alice("member", "Alice Liddell", library=False))
    ok(alice("comment", "--delete", str(first["id"])))
    assert [c["id"] for c in json.loads(ok(alice("comments", "1", "--json")).out)] == [
        c["id"] for c in listed[1:]
    ]
    user_error(alice("comment", "--delete", str(first["id"])), f"no comment with id {first['id']}")
    assert "no comments yet" in ok(alice("comments", "2")).err


def test_bad_comments_are_refused_in_one_line(alice: Cli):
    user_error(alice("comment", "1", "   "), "cannot be empty")
    user_error(alice("comment", "99999", "text"), "no paper with id 99999")
    user_error(alice("comments", "99999"), "no paper with id 99999")
    user_error(alice("comment", "1", "bell\x07"), "U+0007")
    usage_error(alice("comment", "1"), "comment ID")
    usage_error(alice("comment", "--delete", "1", "1"), "--delete")
    usage_error(alice("comment", "--delete", "x"), "not a comment id")
    assert json.loads(ok(alice("comments", "1", "--json")).out) == []


def test_assign_clear_and_the_schedule(alice: Cli):
    soon, later, past = TODAY, TODAY + timedelta(days=9), TODAY - timedelta(days=2)
    assert f"presented by Bob on {later}" in ok(alice("assign", "3", "Bob", str(later))).err
    ok(alice("assign", "1", "Carol Ann", str(soon)))
    ok(alice("assign", "2", "Dan", str(past)))
    rows = ok(alice("schedule")).out.splitlines()
    assert len(rows) == 2
    assert rows[0].startswith(f"{soon}  Carol Ann  1  ")
    assert rows[1].startswith(f"{later}  Bob        3  ")
    everything = json.loads(ok(alice("schedule", "--all", "--json")).out)
    assert [(s["date"], s["presenter"], s["paper_id"]) for s in everything] == [
        (str(past), "Dan", 2),
        (str(soon), "Carol Ann", 1),
        (str(later), "Bob", 3),
    ]
    assert everything[0]["assigned_by"] == "Alice Liddell" and everything[0]["title"]
    ok(alice("assign", "3", "--clear"))
    assert "it had none" in ok(alice("assign", "3", "--clear")).err
    assert [s["paper_id"] for s in json.loads(ok(alice("schedule", "--json")).out)] == [1]


def test_bad_assignments_are_refused_and_change_nothing(alice: Cli):
    for bad in ("2030-13-01", "30-01-2030", "tomorrow", "2030-02-30"):
        user_error(alice("assign", "1", "Bob", bad), "YYYY-MM-DD")
    user_error(alice("assign", "99999", "Bob", "2030-01-01"), "no paper with id 99999")
    user_error(alice("assign", "1", "   ", "2030-01-01"), "presenter")
    usage_error(alice("assign", "1", "Bob"), "PRESENTER YYYY-MM-DD")
    usage_error(alice("assign", "1", "Bob", "2030-01-01", "--clear"), "--clear")
    assert json.loads(ok(alice("schedule", "--all", "--json")).out) == []
    assert "no presentations" in ok(alice("schedule", "--all")).err


def test_a_deleted_paper_takes_its_comments_and_undo_brings_them_back(alice: Cli):
    ok(alice("comment", "5", "Worth a session"))
    ok(alice("assign", "5", "Bob", "2030-01-01"))
    ok(alice("delete", "5", "--yes"))
    user_error(alice("comments", "5"), "no paper with id 5")
    assert json.loads(ok(alice("schedule", "--all", "--json")).out) == []
    ok(alice("undo"))
    back = json.loads(ok(alice("comments", "5", "--json")).out)
    assert [(c["author"], c["body"]) for c in back] == [("Alice Liddell", "Worth a session")]
    assert [s["paper_id"] for s in json.loads(ok(alice("schedule", "--all", "--json")).out)] == [5]


def test_show_names_the_presenter_and_the_comments(alice: Cli):
    plain = ok(alice("show", "2"))
    assert "Presented by" not in plain.out and "comment" not in plain.out
    assert ok(alice("show", "2", "--json")).json()["comment_count"] == 0
    when = (TODAY + timedelta(days=3)).isoformat()
    ok(alice("assign", "2", "Bob", when))
    ok(alice("comment", "2", "first"))
    ok(alice("comment", "2", "second"))
    shown = ok(alice("show", "2")).out
    assert f"Presented by Bob on {when}" in shown
    assert "2 comments: readinglist comments 2" in shown
    data = ok(alice("show", "2", "--json")).json()
    assert (data["comment_count"], data["presenter"], data["presented_on"]) == (2, "Bob", when)
