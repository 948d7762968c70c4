"""Fuzzing the command line's arguments: whatever is typed, never exit 70 (issue 17).

Hypothesis draws a command and arguments for it: paper ids of any size and sign, query
values past every range (``rating:300``, ``added:<0001-01-01``), text with control
characters, bidirectional overrides and bytes that are not UTF-8, repeated options.
Each run is ``readinglist.cli.main(argv)`` in this process, on one library copied per
test (commands may change it, which is part of the exploration). Left out: what reaches
beyond the library (the window, a browser, an editor, the network).
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.helpers import robustness_examples
from tests.test_cli import Cli

pytestmark = pytest.mark.slow

EXIT_BUG = 70

# Text a user (or a script) might pass: words, field values, and the worst characters.
_NASTY = st.sampled_from(
    ["\x1b[2J", "\x1b]52;c;eA==\x07", "\u202e", "\x00", "\r", "\n", "\t", "\x9b", "\ufeff",
     "\u200b", "≠", "💥", os.fsdecode(b"\xff\xfe"), "'", '"', "\\", "*", "~", "..", "-"]
)  # fmt: skip
_WORD = st.text(
    st.characters(codec="utf-8", categories=("L", "N", "P", "S", "Zs")), min_size=1, max_size=12
)
TEXT = st.lists(st.one_of(_WORD, _NASTY), min_size=1, max_size=4).map("".join)
NUMBER = st.one_of(
    st.integers(-5, 400),
    st.sampled_from([0, 65535, 65536, 2**31, 2**63, 10**30, -(10**30)]),
).map(str)
DATE = st.sampled_from(
    ["0001-01-01", "1969-12-31", "1970-01-01", "2026-11", "9999-12-31", "today", "7d", "99999y"]
)
VALUE = st.one_of(
    st.tuples(st.sampled_from(["rating:", "seen:"]), st.sampled_from(["", ">", ">=", "<", "<="]),
              NUMBER).map("".join),
    st.tuples(st.just("added:"), st.sampled_from(["", ">", "<", ">="]), DATE).map("".join),
    st.tuples(st.sampled_from(["rating:", "seen:", "added:"]), NUMBER, st.just(".."),
              NUMBER).map("".join),
    st.tuples(st.sampled_from(["tag:", "status:", "has:", "arxiv:", "title:", "author:"]),
              TEXT).map("".join),
    TEXT,
)  # fmt: skip
QUERY = st.lists(VALUE, min_size=1, max_size=4).map(" ".join)
IDS = st.lists(NUMBER, min_size=1, max_size=4)


def _command(folder: Path) -> st.SearchStrategy[list[str]]:
    out = str(folder / "out")
    return st.one_of(
        st.tuples(st.just(["list"]), st.lists(st.sampled_from(
            ["--json", "--limit", "3", "--tag", "x", "--status", "read", "--sort", "title"]
        ), max_size=4)).map(lambda t: t[0] + t[1]),
        IDS.map(lambda ids: ["show", *ids]),
        st.tuples(IDS, st.lists(TEXT, min_size=1, max_size=3), st.lists(TEXT, max_size=2)).map(
            lambda t: ["tag", *t[0], *[a for tag in t[1] for a in ("--add", tag)],
                       *[a for tag in t[2] for a in ("--remove", tag)]]
        ),
        st.tuples(st.sampled_from(["status", "priority"]), IDS, TEXT).map(
            lambda t: [t[0], *t[1], t[2]]
        ),
        st.tuples(NUMBER, NUMBER).map(lambda t: ["rate", *t]),
        st.tuples(NUMBER, TEXT).map(lambda t: ["note", t[0], "--set", t[1]]),
        NUMBER.map(lambda i: ["open", i, "--print"]),
        st.tuples(QUERY, st.lists(st.sampled_from(
            ["--json", "--limit", "2", "--sort", "title", "--sort", "added", "--desc"]
        ), max_size=3)).map(lambda t: ["search", t[0], *t[1]]),
        NUMBER.map(lambda i: ["similar", i]),
        st.sampled_from([["tags"], ["tags", "--json"], ["lists"], ["doctor", "--check"],
                         ["undo", "--list"], ["undo"]]),
        st.tuples(TEXT, TEXT).map(lambda t: ["tags", "rename", *t]),
        st.tuples(TEXT, TEXT).map(lambda t: ["tags", "colour", *t]),
        st.tuples(TEXT, IDS).map(lambda t: ["lists", "add", t[0], *t[1]]),
        TEXT.map(lambda name: ["lists", "create", name]),
        st.tuples(st.sampled_from(["md", "csv", "bibtex", "ris", "csljson", "json", "html"]),
                  QUERY).map(lambda t: ["export", "--format", t[0], "--search", t[1], "-o",
                                        out, "--force"]),
        TEXT.map(lambda name: ["restore", str(folder / name)]),
        IDS.map(lambda ids: ["delete", *ids, "--yes"]),
    )  # fmt: skip


@pytest.fixture
def cli(digest_library: Path, tmp_path: Path) -> Cli:
    return Cli(tmp_path, digest_library, in_process=True)


def test_no_arguments_crash_the_command_line(cli: Cli, tmp_path: Path):
    @settings(
        max_examples=max(robustness_examples() // 2, 60),
        deadline=None,
        derandomize=True,  # the same examples every run: a failure is reproducible
        suppress_health_check=[HealthCheck.too_slow],
    )
    @given(st.data())
    def run(data: st.DataObject) -> None:
        args = data.draw(_command(tmp_path), label="argv")
        result = cli(*args, env={"READINGLIST_BUSY_TIMEOUT_MS": "200"})
        assert result.code != EXIT_BUG, str(result)
        assert "Traceback" not in result.err, str(result)
        if result.code == 1:
            assert len(result.err.splitlines()) == 1, str(result)

    run()


def test_stdin_of_any_bytes_is_imported_or_refused_in_one_line(cli: Cli):
    @settings(
        max_examples=60,
        deadline=None,
        derandomize=True,
        suppress_health_check=[HealthCheck.too_slow],
    )
    @given(
        st.binary(max_size=600)
        | TEXT.map(lambda t: (t + "\n" + t + ". More.\n").encode("utf-8", "surrogateescape"))
    )
    def run(data: bytes) -> None:
        result = cli("import", "-", stdin=data)
        assert result.code in (0, 1), str(result)
        assert "Traceback" not in result.err, str(result)

    run()
