"""The command line end to end, on a temporary library.

Every command runs as ``readinglist.cli.main(argv)`` in this process, with its own
environment, working directory, standard input and captured output, and ``--library``
(or ``$READINGLIST_HOME``) pointing into ``tmp_path``: milliseconds a command. Tests
marked ``real_process`` run ``python -m readinglist`` in a fresh interpreter, as a user
would: a pipe closed early and a browser handed a URL (slow: the full tier), and
``--version``/``--help``, the fast tier's smoke test of ``python -m readinglist``. The
real digest is imported once into a template library that each test copies. In fresh
interpreters, commands that only read run a few at a time (:meth:`Cli.many`); commands
that write always run one after the other.
"""

from __future__ import annotations

import contextlib
import io
import json
import os
import shutil
import stat
import subprocess
import sys
import textwrap
import traceback
from collections.abc import Callable, Iterator, Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

from readinglist import __version__
from readinglist.app_context import ENV_HOME
from readinglist.core.models import ReadStatus
from readinglist.core.normalize import title_key
from tests import helpers
from tests.helpers import (
    FIRST_TITLE,
    LAST_TITLE,
    SHARED_DIGEST_PAPERS,
    logger_restored,
    shared_digest_path,
)

# Tests that need fresh interpreters (a third of a second each) are marked real_process.

CODE_LINKS = 48
PROJECT_PAGES = 24
PAPER_KEYS = {
    "id",
    "title",
    "abstract",
    "status",
    "priority",
    "rating",
    "tags",
    "links",
    "notes",
    "added_at",
    "first_seen",
    "last_seen",
    "times_seen",
    "authors",
    "arxiv_id",
    "upvotes",
    "published",
}
DETAIL_KEYS = PAPER_KEYS | {
    "updated_at",
    "time_spent",  # the reader's own, in show only (tests/test_time_spent_cli.py)
    "status_history",
    "appearances",
    "facts",
    "author_names",
    "cite_key",
    # the reading group's, in show only (tests/test_group_cli.py)
    "comment_count",
    "presenter",
    "presented_on",
}
STATES = [s.value for s in ReadStatus]
TIMEOUT = 120
POSIX_ONLY = pytest.mark.skipif(sys.platform == "win32", reason="shebang scripts, pipes")

# Small digests of our own: a title line, then its abstract on one line.
ALPHA = (
    "Alpha Nets: Learning Everything at Once",
    "We study alpha nets. They learn everything at once. Code is at"
    " https://github.com/example/alpha-nets and the project page is https://alpha.example.org.",
)
BETA = (
    "Beta Transformers for Tiny Data",
    "Beta transformers fit tiny data sets. We show they do not overfit. No code yet.",
)
GAMMA = (
    "Gamma Diffusion Without Noise",
    "Gamma diffusion removes the noise. It is fast. Code: https://gitlab.com/example/gamma.",
)
DELTA = (
    "Delta Rules Revisited",
    "We revisit delta rules. They still work. Surprisingly, nobody noticed before.",
)


def digest_text(*papers: tuple[str, str]) -> str:
    return "".join(f"{title}\n{abstract}\n" for title, abstract in papers)


# --- running the command line -------------------------------------------------------


@dataclass(frozen=True)
class Result:
    args: tuple[str, ...]
    code: int
    out: str
    err: str

    def json(self) -> Any:
        return json.loads(self.out)

    def __str__(self) -> str:  # shown by pytest when an assertion fails
        return f"readinglist {' '.join(self.args)} -> {self.code}\n{self.out}\n{self.err}"


def base_env(home: Path, extra: Mapping[str, str] | None = None) -> dict[str, str]:
    """The current environment without anything that could reach the user's files."""
    env = dict(os.environ)
    for name in (ENV_HOME, "EDITOR", "VISUAL", "BROWSER"):
        env.pop(name, None)
    env.update(
        HOME=str(home),
        XDG_DATA_HOME=str(home / "data"),
        XDG_CONFIG_HOME=str(home / "config"),
        COLUMNS="300",  # wide enough that no title is shortened
        PYTHONIOENCODING="utf-8",
    )
    env.update(extra or {})
    return env


@dataclass
class Captured:
    out: bytes = b""
    err: bytes = b""


@contextlib.contextmanager
def _as_a_process(cwd: Path, env: Mapping[str, str], data: bytes | None) -> Iterator[Captured]:
    """This process made to look like a fresh one for one command: ``env`` its whole
    environment, ``cwd`` its working directory, ``data`` (or nothing) its standard input,
    its UTF-8 standard output and error captured (in the Captured, on leaving). The log
    handler the command adds is removed after, as a process's ends with it."""
    saved_env, saved_cwd = dict(os.environ), Path.cwd()
    streams = sys.stdin, sys.stdout, sys.stderr
    out, err, captured = io.BytesIO(), io.BytesIO(), Captured()
    sys.stdin = io.TextIOWrapper(io.BytesIO(data or b""), encoding="utf-8")
    sys.stdout = io.TextIOWrapper(out, encoding="utf-8")
    sys.stderr = io.TextIOWrapper(err, encoding="utf-8")
    os.environ.clear()
    os.environ.update(env)
    os.chdir(cwd)
    try:
        with logger_restored():
            yield captured
    finally:
        sys.stdout.flush()
        sys.stderr.flush()
        captured.out, captured.err = out.getvalue(), err.getvalue()
        sys.stdin, sys.stdout, sys.stderr = streams
        os.chdir(saved_cwd)
        os.environ.clear()
        os.environ.update(saved_env)


def run_in_process(
    argv: Sequence[str], cwd: Path, env: Mapping[str, str], data: bytes | None
) -> tuple[int, str, str]:
    """``readinglist.cli.main(argv)`` as ``python -m readinglist`` runs it: the exit
    status, stdout and stderr (an uncaught exception: its traceback on stderr, status 1)."""
    from readinglist.cli import main

    traceback_text = ""
    with _as_a_process(cwd, env, data) as captured:
        try:
            code = main(list(argv))
        except SystemExit as exit_:  # argparse: usage errors, --help, --version
            if exit_.code is None or isinstance(exit_.code, int):
                code = exit_.code or 0
            else:
                print(exit_.code, file=sys.stderr)
                code = 1
        except Exception:
            traceback_text = traceback.format_exc()
            code = 1
    return code, captured.out.decode("utf-8"), captured.err.decode("utf-8") + traceback_text


@dataclass
class Cli:
    """``python -m readinglist [--library LIB] ...`` in ``cwd``: in this process through
    ``readinglist.cli.main(argv)``, or in a fresh interpreter for tests marked
    ``real_process`` (``in_process`` None: tests.helpers.CLI_IN_PROCESS decides)."""

    cwd: Path
    library: Path | None
    env: dict[str, str] = field(default_factory=dict)
    in_process: bool | None = None

    def argv(self, args: Sequence[str]) -> list[str]:
        library = ["--library", str(self.library)] if self.library is not None else []
        return [sys.executable, "-m", "readinglist", *library, *args]

    @property
    def runs_in_process(self) -> bool:
        return helpers.CLI_IN_PROCESS if self.in_process is None else self.in_process

    def __call__(
        self,
        *args: str,
        stdin: str | bytes | None = None,
        env: Mapping[str, str] | None = None,
        library: bool = True,
    ) -> Result:
        argv = self.argv(args) if library else [sys.executable, "-m", "readinglist", *args]
        data = stdin.encode() if isinstance(stdin, str) else stdin
        environment = base_env(self.cwd / "home", {**self.env, **(env or {})})
        if self.runs_in_process:
            code, out, err = run_in_process(argv[3:], self.cwd, environment, data)
            return Result(tuple(args), code, out, err)
        done = subprocess.run(
            argv,
            input=data,
            stdin=None if data is not None else subprocess.DEVNULL,
            capture_output=True,
            cwd=self.cwd,
            env=environment,
            timeout=TIMEOUT,
            check=False,
        )
        return Result(
            tuple(args),
            done.returncode,
            done.stdout.decode("utf-8"),
            done.stderr.decode("utf-8"),
        )

    def many(self, *commands: Sequence[str] | Callable[[], Result]) -> list[Result]:
        """Commands that do not write to the library, run side by side; results in order.

        A command is its arguments, or a call such as ``lambda: cli(..., env=...)``.
        Writers must not run side by side: SQLite may refuse a write that raced another.
        """

        def run(command: Sequence[str] | Callable[[], Result]) -> Result:
            return command() if callable(command) else self(*command)

        if self.runs_in_process:  # one process, one environment: one at a time
            return [run(command) for command in commands]
        with ThreadPoolExecutor(max_workers=max(os.cpu_count() or 2, 2)) as pool:
            return list(pool.map(run, commands))


def ok(result: Result) -> Result:
    assert result.code == 0, str(result)
    assert "Traceback" not in result.err, str(result)
    return result


def user_error(result: Result, *fragments: str) -> Result:
    """Exit 1 with exactly one line on stderr, naming what went wrong."""
    assert result.code == 1, str(result)
    lines = result.err.splitlines()
    assert len(lines) == 1, str(result)
    assert lines[0].startswith("readinglist: "), str(result)
    for fragment in fragments:
        assert fragment in lines[0], str(result)
    return result


def usage_error(result: Result, *fragments: str) -> Result:
    assert result.code == 2, str(result)
    assert "usage: readinglist" in result.err, str(result)
    assert "Traceback" not in result.err, str(result)
    for fragment in fragments:
        assert fragment in result.err, str(result)
    return result


def ids(papers: list[dict[str, Any]]) -> list[int]:
    return [paper["id"] for paper in papers]


def by_id(papers: list[dict[str, Any]]) -> dict[int, dict[str, Any]]:
    return {paper["id"]: paper for paper in papers}


def kinds(paper: dict[str, Any]) -> list[str]:
    return [link["kind"] for link in paper["links"]]


def first_url(paper: dict[str, Any], kind: str) -> str:
    return str(next(link["url"] for link in paper["links"] if link["kind"] == kind))


def write_script(path: Path, body: str) -> Path:
    """An executable Python script run through its ``#!`` line (as $EDITOR or $BROWSER)."""
    path.write_text(f"#!{sys.executable}\n" + textwrap.dedent(body), encoding="utf-8")
    path.chmod(path.stat().st_mode | stat.S_IXUSR | stat.S_IXGRP | stat.S_IXOTH)
    return path


# --- fixtures -----------------------------------------------------------------------


@dataclass(frozen=True)
class Template:
    library: Path
    digest: Path
    summary: dict[str, Any]
    papers: list[dict[str, Any]]  # `list --json` right after the import


@pytest.fixture(scope="module")
def template(tmp_path_factory: pytest.TempPathFactory) -> Template:
    """The real digest imported once (with --json); tests copy the library."""
    digest = shared_digest_path()
    root = tmp_path_factory.mktemp("template")
    library = root / "library"
    cli = Cli(root, library, in_process=True)
    imported = ok(cli("import", "--json", str(digest)))
    listed = ok(cli("list", "--json"))
    return Template(library, digest, imported.json()[0], listed.json())


@pytest.fixture
def cli(tmp_path: Path) -> Cli:
    """The command line on a new, empty library."""
    return Cli(tmp_path, tmp_path / "library")


@pytest.fixture
def lib(tmp_path: Path, template: Template) -> Cli:
    """The command line on a copy of the library holding the real digest."""
    library = tmp_path / "library"
    shutil.copytree(template.library, library)
    return Cli(tmp_path, library)


# --- import -------------------------------------------------------------------------


def test_template_import_json_summary(template: Template) -> None:
    summary = template.summary
    assert summary["source"] == template.digest.name
    assert summary["new"] == SHARED_DIGEST_PAPERS
    assert summary["already_present"] == 0
    assert summary["code_links"] == CODE_LINKS
    assert summary["project_pages"] == PROJECT_PAGES
    assert summary["new_ids"] == list(range(1, SHARED_DIGEST_PAPERS + 1))
    assert template.papers[0]["title"] == FIRST_TITLE
    assert template.papers[-1]["title"] == LAST_TITLE


@pytest.mark.slow
def test_import_real_digest_twice_counts_and_keeps_user_fields(
    cli: Cli, shared_digest: Path, template: Template
) -> None:
    first = ok(cli("import", str(shared_digest)))
    assert first.out.splitlines() == [
        f"{shared_digest.name}: {SHARED_DIGEST_PAPERS} new, 0 already in the library,"
        f" 0 warnings, {CODE_LINKS} code links, {PROJECT_PAGES} project pages"
    ]
    assert first.err == ""

    # Paper 1 (the first of the digest) has a code link: it shows up in --has-code.
    ok(cli("status", "1", "reading"))
    ok(cli("tag", "1", "--add", "Keep/This", "later"))
    ok(cli("note", "1", "--set", "my *own* notes"))
    ok(cli("rate", "1", "4"))

    second = ok(cli("import", str(shared_digest)))
    assert second.out.startswith(
        f"{shared_digest.name}: 0 new, {SHARED_DIGEST_PAPERS} already in the library,"
    )
    assert len(second.out.splitlines()) == 1

    coded = ok(cli("list", "--has-code", "--json")).json()
    assert isinstance(coded, list)
    assert len(coded) == CODE_LINKS
    # Exactly the papers with a code link (the same digest gives the template the same ids).
    assert ids(coded) == [p["id"] for p in template.papers if "code" in kinds(p)]
    for paper in coded:
        assert set(paper) == PAPER_KEYS
        assert paper["times_seen"] == 2
        assert "code" in kinds(paper)
        for link in paper["links"]:
            assert set(link) == {"url", "kind"}
            assert link["url"].startswith("http")

    kept = coded[0]
    assert (kept["id"], kept["title"]) == (1, FIRST_TITLE)
    assert kept["status"] == "reading"
    assert kept["tags"] == ["keep/this", "later"]
    assert kept["notes"] == "my *own* notes"
    assert kept["rating"] == 4
    assert kept["priority"] == "none"


def test_import_from_stdin_and_several_files(cli: Cli, tmp_path: Path) -> None:
    none = user_error(cli("list"), "no library in", "readinglist import")
    assert none.out == ""

    pasted = ok(cli("import", "-", stdin=digest_text(ALPHA, BETA)))
    assert pasted.out.splitlines() == [
        "pasted digest: 2 new, 0 already in the library, 0 warnings, 1 code link, 1 project page"
    ]

    (tmp_path / "b.txt").write_text(digest_text(GAMMA), encoding="utf-8")
    (tmp_path / "c.txt").write_text(digest_text(BETA, DELTA), encoding="utf-8")
    several = ok(cli("import", "b.txt", "c.txt"))  # relative to the working directory
    lines = several.out.splitlines()
    assert len(lines) == 2
    assert lines[0].startswith("b.txt: 1 new, 0 already in the library")
    assert lines[1].startswith("c.txt: 1 new, 1 already in the library")

    # One bad file among good ones: the good ones are imported, the exit code says 1.
    (tmp_path / "d.txt").write_text(digest_text(ALPHA, DELTA), encoding="utf-8")
    partly = user_error(cli("import", "d.txt", "missing.txt"), "missing.txt", "no such file")
    assert partly.out.startswith("d.txt: 0 new, 2 already in the library")

    papers = ok(cli("list", "--json")).json()
    # Newest first; one import's papers in their digest's order.
    assert [p["title"] for p in papers] == [DELTA[0], GAMMA[0], ALPHA[0], BETA[0]]
    assert [p["times_seen"] for p in papers] == [2, 1, 2, 2]
    assert kinds(papers[2]) == ["code", "project"]
    assert papers[2]["links"][0]["url"] == "https://github.com/example/alpha-nets"


def test_import_rejects_what_is_not_a_digest(lib: Cli, tmp_path: Path, template: Template) -> None:
    (tmp_path / "folder").mkdir()
    (tmp_path / "empty.txt").write_bytes(b"")
    (tmp_path / "paper.pdf").write_bytes(b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<< >>\nendobj\n")
    (tmp_path / "blob.bin").write_bytes(bytes(range(256)) * 8)
    results = lib.many(
        ("import", "missing.txt"),
        ("import", "folder"),
        ("import", "empty.txt"),
        ("import", "paper.pdf"),
        ("import", "blob.bin"),
    )
    expected = [
        ("missing.txt", "no such file"),
        ("folder", "folder"),
        ("empty.txt", "empty"),
        ("paper.pdf", "PDF"),
        ("blob.bin", "binary"),
    ]
    for result, fragments in zip(results, expected, strict=True):
        user_error(result, *fragments)
    assert ok(lib("list", "--json")).json() == template.papers


# --- list ---------------------------------------------------------------------------


def test_list_filters_sorting_and_text_output(lib: Cli, tmp_path: Path, template: Template) -> None:
    papers = by_id(template.papers)
    ok(lib("tag", "1", "2", "--add", "3D/Gaussian-Splatting"))
    ok(lib("tag", "3", "--add", "3dgs"))
    ok(lib("status", "2", "3", "reading"))
    # Papers 10 and 20 seen a second time, and a new paper 212.
    again = [(papers[n]["title"], papers[n]["abstract"]) for n in (10, 20)]
    (tmp_path / "again.txt").write_text(digest_text(*again, DELTA), encoding="utf-8")
    assert ok(lib("import", "again.txt")).out.startswith("again.txt: 1 new, 2 already")
    new_id = SHARED_DIGEST_PAPERS + 1

    (
        tag_3d,
        reading_text,
        by_title,
        by_status,
        by_seen,
        newest,
        nothing,
        bad_status,
        zero,
        negative,
        bad_sort,
    ) = lib.many(
        ("list", "--tag", "3d", "--json"),
        ("list", "--status", "reading", "--tag", "3d/gaussian-splatting"),
        ("list", "--sort", "title", "--json"),
        ("list", "--sort", "status", "--json"),
        ("list", "--sort", "seen", "--limit", "3", "--json"),
        ("list", "--sort", "added", "--limit", "2", "--json"),
        ("list", "--tag", "nothing-here"),
        ("list", "--status", "someday"),
        ("list", "--limit", "0"),
        ("list", "--limit", "-1"),
        ("list", "--sort", "colour"),
    )
    # --tag 3d matches 3d/gaussian-splatting, not 3dgs.
    assert ids(ok(tag_3d).json()) == [1, 2]
    assert [p["tags"] for p in tag_3d.json()] == [["3d/gaussian-splatting"]] * 2

    rows = ok(reading_text).out.splitlines()
    assert len(rows) == 1
    assert rows[0].split()[:2] == ["2", "reading"]
    assert papers[2]["title"] in rows[0]
    assert rows[0].endswith("[3d/gaussian-splatting]")

    titles = [p["title"] for p in ok(by_title).json()]
    assert len(titles) == new_id
    assert titles == sorted(titles, key=title_key)
    assert titles != [p["title"] for p in template.papers]  # not merely the import order

    by_status_papers = ok(by_status).json()
    statuses = [STATES.index(p["status"]) for p in by_status_papers]
    assert statuses == sorted(statuses)
    assert ids(by_status_papers[-2:]) == [2, 3]  # reading comes after unread
    assert ids(by_status_papers[:3]) == [1, 4, 5]

    # Seen most often first; ties: seen most recently first.
    assert ids(ok(by_seen).json()) == [10, 20, new_id]
    assert [p["times_seen"] for p in by_seen.json()] == [2, 2, 1]
    # Newest first: the last import, then the first one from its top (the digest's order).
    assert ids(ok(newest).json()) == [new_id, 1]

    assert ok(nothing).out == ""
    assert "no papers match" in nothing.err
    user_error(bad_status, "someday", *STATES)
    usage_error(zero, "--limit")
    usage_error(negative, "--limit")
    usage_error(bad_sort, "--sort")


def test_list_a_digest_in_its_own_order(lib: Cli, tmp_path: Path, template: Template) -> None:
    """A digest lists its papers in its ranking (# = place in it), not by id."""
    papers = by_id(template.papers)
    again = [(papers[n]["title"], papers[n]["abstract"]) for n in (20, 10)]
    (tmp_path / "again.txt").write_text(digest_text(*again, DELTA), encoding="utf-8")
    ok(lib("import", "again.txt"))
    new_id = SHARED_DIGEST_PAPERS + 1
    latest, text, backwards, first, by_title, alone, bad, missing = lib.many(
        ("list", "--digest", "latest", "--json"),
        ("list", "--digest", "latest"),
        ("list", "--digest", "latest", "--reverse", "--json"),
        ("list", "--digest", "1", "--limit", "3", "--json"),
        ("list", "--digest", "latest", "--sort", "title", "--json"),
        ("list", "--sort", "position"),
        ("list", "--digest", "newest"),
        ("list", "--digest", "99"),
    )
    assert ids(ok(latest).json()) == [20, 10, new_id]
    assert [p["position"] for p in latest.json()] == [1, 2, 3]
    rows = [row.split()[:2] for row in ok(text).out.splitlines()]
    assert rows == [["#1", "20"], ["#2", "10"], ["#3", str(new_id)]]
    assert ids(ok(backwards).json()) == [new_id, 10, 20]
    assert ids(ok(first).json()) == [1, 2, 3]
    titles = [p["title"] for p in ok(by_title).json()]
    assert titles == sorted(titles, key=title_key) and len(titles) == 3
    usage_error(alone, "--digest")
    usage_error(bad, "--digest")
    user_error(missing, "99")


# --- show ---------------------------------------------------------------------------


def test_show_text_json_and_bad_ids(lib: Cli, template: Template) -> None:
    paper = template.papers[0]
    text, as_json, unknown, word, zero, huge = lib.many(
        ("show", "1"),
        ("show", "1", "--json"),
        ("show", "999"),
        ("show", "one"),
        ("show", "0"),
        ("show", "99999999999999999999"),
    )
    out = ok(text).out
    assert out.startswith(f"[1] {FIRST_TITLE}\n")
    assert "status: unread" in out
    assert f"code:        {first_url(paper, 'code')}" in out
    assert paper["abstract"] in out
    assert "status history: unread" in out

    details = ok(as_json).json()
    assert set(details) == DETAIL_KEYS
    assert {k: details[k] for k in PAPER_KEYS} == paper
    assert [h["status"] for h in details["status_history"]] == ["unread"]
    assert [(a["source_name"], a["position"]) for a in details["appearances"]] == [
        (template.digest.name, 1)
    ]

    user_error(unknown, "no paper with id 999")
    usage_error(word, "'one' is not a paper id")
    usage_error(zero, "is not a paper id")
    usage_error(huge, "is not a paper id")


# --- tags ---------------------------------------------------------------------------


def test_tag_tags_rename_merge_and_colour(lib: Cli) -> None:
    added = ok(lib("tag", "1", "2", "3", "--add", "3D", "ML/Vision"))
    assert added.out.strip() == "3 papers changed"
    ok(lib("tag", "2", "3", "4", "--add", "3d-vision"))
    ok(lib("tag", "4", "5", "--add", "3d/gaussian-splatting"))
    removed = ok(lib("tag", "1", "--remove", "ml/vision", "--add", "later"))
    assert removed.out.strip() == "1 paper changed"
    # 3d merges into the existing 3d-vision (papers 2 and 3 had both); 3d/… moves along.
    renamed = ok(lib("tags", "rename", "3d", "3d-vision"))
    assert renamed.out.splitlines() == [
        "3d -> 3d-vision",
        "3d/gaussian-splatting -> 3d-vision/gaussian-splatting",
    ]
    assert ok(lib("tags", "colour", "3D-Vision", "#FF8800")).out == ""

    as_json, text, tagged, bad_colour, unknown, add_and_remove = lib.many(
        ("tags", "--json"),
        ("tags",),
        ("list", "--tag", "3d-vision", "--json"),
        ("tags", "colour", "3d-vision", "orange"),
        ("tags", "rename", "no-such-tag", "x"),
        ("tag", "1", "--add", "x", "--remove", "X"),
    )
    assert ok(as_json).json() == [
        {"name": "3d-vision", "count": 4, "colour": "#ff8800"},
        {"name": "3d-vision/gaussian-splatting", "count": 2, "colour": None},
        {"name": "later", "count": 1, "colour": None},
        {"name": "ml/vision", "count": 2, "colour": None},
    ]
    assert [line.split() for line in ok(text).out.splitlines()] == [
        ["3d-vision", "4", "#ff8800"],
        ["3d-vision/gaussian-splatting", "2"],
        ["later", "1"],
        ["ml/vision", "2"],
    ]
    papers = ok(tagged).json()
    assert ids(papers) == [1, 2, 3, 4, 5]
    assert [p["tags"] for p in papers] == [
        ["3d-vision", "later"],
        ["3d-vision", "ml/vision"],  # had 3d and 3d-vision: merged, not duplicated
        ["3d-vision", "ml/vision"],
        ["3d-vision", "3d-vision/gaussian-splatting"],
        ["3d-vision/gaussian-splatting"],
    ]
    user_error(bad_colour, "'orange' is not a colour")
    user_error(unknown, "no tag named 'no-such-tag'")
    user_error(add_and_remove, "cannot add and remove the same tag")


# --- status, rating, priority -------------------------------------------------------


def test_status_all_states_and_history(lib: Cli) -> None:
    order = ["queued", "reading", "READ", "Skimmed", "dropped", "unread"]
    for state in order:
        result = ok(lib("status", "1", "2", state))
        assert result.out.strip() == f"2 papers now {state.lower()}"
    assert set(STATES) == {s.lower() for s in order}

    unknown, missing_state, missing_paper = lib.many(
        ("status", "1", "later"),
        ("status", "1"),
        ("status", "1", "999", "read"),  # all or nothing: paper 1 stays unread
    )
    user_error(unknown, "unknown status 'later'", ", ".join(STATES))
    usage_error(missing_state, "STATE")
    user_error(missing_paper, "no paper with id 999")

    details = ok(lib("show", "1", "--json")).json()
    history = [h["status"] for h in details["status_history"]]
    assert history == ["unread", "queued", "reading", "read", "skimmed", "dropped", "unread"]
    assert details["status"] == "unread"


def test_rate_and_priority(lib: Cli) -> None:
    assert ok(lib("rate", "1", "5")).out == ""
    assert ok(lib("rate", "2", "0")).out == ""
    assert ok(lib("priority", "1", "3", "HIGH")).out.strip() == "2 papers changed"

    too_high, negative, word, bad_level = lib.many(
        ("rate", "1", "6"),
        ("rate", "1", "-1"),
        ("rate", "1", "five"),
        ("priority", "1", "urgent"),
    )
    user_error(too_high, "from 0 to 5", "not 6")
    user_error(negative, "from 0 to 5", "not -1")
    usage_error(word, "'five'")
    user_error(bad_level, "unknown priority 'urgent'", "none, low, medium, high")

    papers = ok(lib("list", "--limit", "3", "--json")).json()
    assert [(p["rating"], p["priority"]) for p in papers] == [
        (5, "high"),
        (0, "none"),
        (0, "high"),
    ]


# --- notes --------------------------------------------------------------------------


@POSIX_ONLY
def test_notes_set_print_stdin_and_editor(lib: Cli, tmp_path: Path) -> None:
    seen = tmp_path / "editor-saw.txt"
    editor = write_script(
        tmp_path / "editor.py",
        f"""
        import sys
        from pathlib import Path
        notes = Path(sys.argv[1])
        text = notes.read_text(encoding="utf-8")
        Path({str(seen)!r}).write_text(text, encoding="utf-8")
        notes.write_text(text.upper() + "\\n- edited ✓\\n", encoding="utf-8")
        """,
    )
    failing = write_script(
        tmp_path / "failing-editor.py",
        """
        import sys
        from pathlib import Path
        Path(sys.argv[1]).write_text("should not be kept", encoding="utf-8")
        sys.exit(3)
        """,
    )
    latin1 = write_script(
        tmp_path / "latin1-editor.py",
        """
        import sys
        from pathlib import Path
        Path(sys.argv[1]).write_bytes(b"caf\\xe9")
        """,
    )

    no_notes = ok(lib("note", "1"))
    assert no_notes.out == ""
    assert "paper 1 has no notes" in no_notes.err

    assert ok(lib("note", "1", "--set", "First *draft*")).out == ""
    assert ok(lib("note", "2", "--set", "-", stdin="from stdin\nline two\n")).out == ""
    ok(lib("note", "1", "--edit", env={"EDITOR": str(editor)}))
    assert seen.read_text(encoding="utf-8") == "First *draft*"

    def edit_1(editor: str) -> Callable[[], Result]:
        return lambda: lib("note", "1", "--edit", env={"EDITOR": editor})

    failed, not_utf8, unbalanced, from_stdin = lib.many(
        edit_1(str(failing)),
        edit_1(str(latin1)),
        edit_1('"unbalanced'),
        lambda: lib("note", "1", "--set", "-", stdin=b"caf\xe9"),
    )
    user_error(failed, "status 3", "notes unchanged")
    user_error(not_utf8, "not UTF-8", "notes unchanged")
    user_error(unbalanced, "editor")
    user_error(from_stdin, "not UTF-8", "notes unchanged")

    first, second = lib.many(("note", "1"), ("note", "2"))
    assert ok(first).out == "FIRST *DRAFT*\n- edited ✓\n"
    assert ok(second).out == "from stdin\nline two\n"


# --- open ---------------------------------------------------------------------------


@pytest.mark.slow
@pytest.mark.real_process
@POSIX_ONLY
def test_open_prints_or_hands_the_url_to_the_browser(
    lib: Cli, tmp_path: Path, template: Template
) -> None:
    both = next(p for p in template.papers if {"code", "project"} <= set(kinds(p)))
    neither = next(p for p in template.papers if not {"code", "project"} & set(kinds(p)))
    opened = tmp_path / "opened.txt"
    browser = write_script(
        tmp_path / "browser.py",
        f"""
        import sys
        with open({str(opened)!r}, "a", encoding="utf-8") as log:
            log.write(sys.argv[1] + "\\n")
        """,
    )
    code_url, project_url = first_url(both, "code"), first_url(both, "project")
    printed_code, printed_project, no_code, no_project = lib.many(
        ("open", str(both["id"]), "--print"),
        ("open", str(both["id"]), "--project", "--print"),
        ("open", str(neither["id"]), "--print"),
        ("open", str(neither["id"]), "--project"),
    )
    assert ok(printed_code).out == code_url + "\n"
    assert ok(printed_project).out == project_url + "\n"
    user_error(no_code, f"paper {neither['id']} has no code repository link")
    user_error(no_project, f"paper {neither['id']} has no project page link")
    assert not opened.exists()

    assert ok(lib("open", str(both["id"]), env={"BROWSER": str(browser)})).out == ""
    assert opened.read_text(encoding="utf-8").splitlines() == [code_url]


@pytest.mark.slow
@pytest.mark.real_process
@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="other browsers may open")
def test_open_reports_a_browser_that_fails(lib: Cli, tmp_path: Path, template: Template) -> None:
    coded = next(p for p in template.papers if "code" in kinds(p))
    failing = write_script(tmp_path / "browser.py", "import sys\nsys.exit(1)\n")
    empty_bin = tmp_path / "bin"
    empty_bin.mkdir()
    # No display and an empty PATH: webbrowser has nothing to fall back on.
    env = {"BROWSER": str(failing), "PATH": str(empty_bin), "DISPLAY": "", "WAYLAND_DISPLAY": ""}
    failed = lib("open", str(coded["id"]), env=env)
    user_error(failed, "no web browser", first_url(coded, "code"))


# --- where the library is -----------------------------------------------------------


def test_library_option_before_or_after_the_command_and_env_home(lib: Cli, tmp_path: Path) -> None:
    library = str(lib.library)
    other = tmp_path / "other-library"
    use_library, use_other = {ENV_HOME: library}, {ENV_HOME: str(other)}
    first = ("list", "--limit", "1", "--json")
    bare = Cli(tmp_path, None)  # no --library of its own
    from_env, before, after = bare.many(
        lambda: bare(*first, env=use_library),
        # --library wins over $READINGLIST_HOME, before or after the command.
        lambda: bare("--library", library, *first, env=use_other),
        lambda: bare(*first, "--library", library, env=use_other),
    )
    assert ids(ok(from_env).json()) == [1]
    assert ids(ok(before).json()) == [1]
    assert ids(ok(after).json()) == [1]
    assert not other.exists()


def test_exit_codes_for_bad_usage_and_bad_library_folders(cli: Cli, tmp_path: Path) -> None:
    a_file = tmp_path / "a-file"
    a_file.write_text("not a folder", encoding="utf-8")
    results = cli.many(
        ("frobnicate",),
        (),
        ("tag",),
        ("show",),
        ("note", "1", "--set", "x", "--edit"),
        ("import",),
        ("import", "-", "-"),
    )
    for result in results:
        usage_error(result)
    usage_error(results[0], "invalid choice: 'frobnicate'")
    assert cli.library is not None
    assert not cli.library.exists()  # usage errors never create a library

    is_file = cli("list", env={ENV_HOME: str(a_file)}, library=False)
    user_error(is_file, "is a file, not a library folder")
    below_file = Cli(tmp_path, a_file / "library")("import", "-", stdin=digest_text(ALPHA))
    user_error(below_file, "cannot open the library")
    # Only import makes a library: a mistyped folder is refused, and stays absent.
    typo = tmp_path / "no-such-library"
    for command in (("list",), ("export", "--format", "bibtex"), ("status", "1", "read")):
        user_error(Cli(tmp_path, typo)(*command), f"no library in {typo}")
    assert not typo.exists()


@pytest.mark.real_process  # fast: the smoke test of `python -m readinglist`
def test_version_and_help(cli: Cli) -> None:
    version, help_text, import_help = cli.many(("--version",), ("--help",), ("import", "--help"))
    assert ok(version).out.strip() == f"readinglist {__version__}"
    out = ok(help_text).out
    assert out.startswith("usage: readinglist")
    for command in ("import", "list", "show", "tag", "tags", "status", "rate", "note", "open"):
        assert f"\n    {command} " in out
    assert f"${ENV_HOME}" in out
    assert "FILE" in ok(import_help).out


@pytest.mark.slow
@pytest.mark.real_process
@POSIX_ONLY
def test_output_into_a_closed_pipe_is_not_an_error(lib: Cli) -> None:
    read_end, write_end = os.pipe()
    os.close(read_end)  # like `readinglist list | head` once head has gone
    try:
        env = base_env(lib.cwd / "home")
        env.pop("PYTHONUNBUFFERED", None)  # buffered output fails at the final flush
        done = subprocess.run(
            lib.argv(["list", "--limit", "3"]),
            stdin=subprocess.DEVNULL,
            stdout=write_end,
            stderr=subprocess.PIPE,
            cwd=lib.cwd,
            env=env,
            timeout=TIMEOUT,
            check=False,
        )
    finally:
        os.close(write_end)
    assert done.returncode == 0
    assert done.stderr == b""


# --- search -------------------------------------------------------------------------


def test_search_similar_doctor_reindex_and_delete(lib: Cli) -> None:
    hits, limited, typo, bad, similar, similar_text = lib.many(
        ("search", '"gaussian splatting"', "--json"),
        ("search", "gaussian", "--limit", "3"),
        ("search", "gausian splating", "--json"),
        ("search", "(unbalanced title:", "--json"),
        ("similar", "1", "--json", "--limit", "4"),
        ("similar", "1"),
    )
    found = ok(hits).json()
    assert found["total"] > 10
    first = found["hits"][0]
    assert set(first) == {"id", "title", "score", "highlights"}
    assert "[Gaussian]" in first["highlights"]["title"] or "[gaussian]" in (
        first["highlights"]["abstract"].lower()
    )
    assert first["score"] > 0

    assert len(ok(limited).out.splitlines()) == 6  # title and fragment per hit
    assert "(showing 3)" in limited.err

    assert ok(typo).json()["suggestion"] == "gaussian splatting"
    parsed = ok(bad).json()
    assert "words instead" in parsed["message"]
    assert "words instead" in bad.err

    near = ok(similar).json()
    assert len(near) == 4 and 1 not in [n["id"] for n in near]
    assert all(n["terms"] for n in near)
    assert ok(similar_text).out.count("\n") == 10

    assert ok(lib("doctor", "--check")).out.strip() == "the search index matches the library"
    rebuilt = ok(lib("reindex"))
    assert rebuilt.out.strip() == "rebuilt the search index: 211 papers"

    user_error(lib("delete", "7"), "add --yes to confirm")
    ok(lib("delete", "7", "--yes"))
    user_error(lib("show", "7"), "no paper with id 7")
    assert ok(lib("doctor", "--json")).json() == {
        "missing": [],
        "stale": [],
        "extra": [],
        "damaged": None,
        "repaired": True,
        "notice": None,
    }


def test_a_missing_index_is_rebuilt_with_a_message(lib: Cli) -> None:
    assert lib.library is not None
    for folder in lib.library.glob("index-v*"):
        shutil.rmtree(folder)
    result = ok(lib("search", "transformer", "--json"))
    assert result.json()["total"] > 0
    assert "rebuilt it from the library (211 papers)" in result.err


# --- lists, saved searches, export and backup ---------------------------------------


def test_lists_and_saved_searches(lib: Cli) -> None:
    empty = ok(lib("lists"))
    assert empty.out == "" and "lists create NAME" in empty.err
    assert ok(lib("lists", "create", "To Read")).out.strip() == "created the list 'To Read'"
    assert ok(lib("lists", "add", "to read", "5", "3", "9")).out.strip() == (
        "3 papers added to 'to read'"
    )
    assert ok(lib("lists", "remove", "To Read", "3")).out.strip() == (
        "1 paper removed from 'To Read'"
    )
    ok(lib("lists", "move", "to read", "9", "--to", "1"))
    saved = ok(lib("lists", "save-search", "Splats", "gaussian splatting has:code"))
    assert saved.out.startswith("saved the search 'Splats': ")

    as_json, text, shown, missing, duplicate, bad_query, bad_id = lib.many(
        ("lists", "--json"),
        ("lists",),
        ("lists", "show", "to read", "--json"),
        ("lists", "add", "nope", "1"),
        ("lists", "create", "TO READ"),
        ("lists", "save-search", "broken", "(unbalanced"),
        ("lists", "add", "to read", "999"),
    )
    data = ok(as_json).json()
    assert data["lists"] == [{"name": "To Read", "count": 2, "paper_ids": [9, 5]}]
    [search] = data["saved_searches"]
    assert search["name"] == "Splats" and search["query"] == "gaussian splatting has:code"
    hits = ok(lib("search", "gaussian splatting has:code", "--json", "--limit", "100")).json()
    assert search["count"] == hits["total"] > 0
    lines = ok(text).out.splitlines()
    assert lines[0].split() == ["list", "To", "Read", "2"]
    assert lines[1].split()[:3] == ["search", "Splats", str(search["count"])]
    assert ids(ok(shown).json()) == [9, 5]
    user_error(missing, "no list named 'nope'")
    user_error(duplicate, "already exists")
    user_error(bad_query, "cannot be saved", "unbalanced parenthesis")
    user_error(bad_id, "no paper with id 999")
    assert ok(lib("lists", "show", "to read", "--json")).json() == shown.json()


FORMAT_NAMES = ("md", "csv", "bibtex", "ris", "csljson", "json", "html")


def test_export_every_format_scope_and_file(lib: Cli, tmp_path: Path, template: Template) -> None:
    import bibtexparser
    import rispy

    ok(lib("tag", "1", "2", "--add", "3d"))
    ok(lib("lists", "create", "L"))
    ok(lib("lists", "add", "L", "7", "4"))
    ok(lib("status", "4", "read"))
    results = lib.many(
        *[("export", "--format", name) for name in FORMAT_NAMES],
        ("export", "--format", "json", "--list", "L"),
        ("export", "--format", "json", "--tag", "3d"),
        ("export", "--format", "json", "--status", "read"),
        ("export", "--format", "json", "--search", "gaussian splatting"),
        ("export", "--format", "docx"),
        ("export", "--format", "csv", "--tag", "3d", "--status", "read"),
        ("export", "--format", "csv", "--list", "nope"),
    )
    md, csv_text, bib, ris, csl, full, html, in_list, tagged, read, searched, fmt, two, nope = (
        results
    )
    assert ok(md).out.startswith("# Reading list: the whole library")
    assert ok(csv_text).out.count("\r\n") >= SHARED_DIGEST_PAPERS + 1
    parsed = bibtexparser.parse_string(ok(bib).out)
    assert len(parsed.entries) == SHARED_DIGEST_PAPERS and not parsed.failed_blocks
    assert len(rispy.loads(ok(ris).out)) == SHARED_DIGEST_PAPERS
    assert len(json.loads(ok(csl).out)) == SHARED_DIGEST_PAPERS
    assert [p["title"] for p in ok(full).json()["papers"]] == [p["title"] for p in template.papers]
    assert ok(html).out.startswith("<!DOCTYPE html>") and html.err == ""
    assert [p["id"] for p in ok(in_list).json()["papers"]] == [7, 4]
    assert [p["id"] for p in ok(tagged).json()["papers"]] == [1, 2]
    assert [p["id"] for p in ok(read).json()["papers"]] == [4]
    assert len(ok(searched).json()["papers"]) > 5
    usage_error(fmt, "--format")
    usage_error(two, "not allowed with argument")
    user_error(nope, "no list named 'nope'")

    target = tmp_path / "out.bib"
    written = ok(lib("export", "--format", "bibtex", "--tag", "3d", "-o", str(target)))
    assert written.out == "" and str(target) in written.err
    assert target.read_text(encoding="utf-8").count("@misc{") == 2
    refused = user_error(lib("export", "--format", "md", "-o", str(target)), "already exists")
    assert "--force" in refused.err
    assert target.read_text(encoding="utf-8").count("@misc{") == 2  # not overwritten
    ok(lib("export", "--format", "md", "-o", str(target), "--force"))
    assert target.read_text(encoding="utf-8").startswith("# Reading list")
    assert sorted(p.name for p in tmp_path.iterdir() if p.name.startswith(".out")) == []


@pytest.mark.slow
def test_backup_and_restore_through_the_command_line(lib: Cli, tmp_path: Path) -> None:
    ok(lib("status", "3", "reading"))
    ok(lib("status", "3", "read"))
    ok(lib("tag", "3", "--add", "keep"))
    ok(lib("tags", "colour", "keep", "#abc"))
    ok(lib("note", "3", "--set", "=1+1 <b>notes</b>"))
    ok(lib("rate", "3", "5"))
    ok(lib("lists", "create", "Week"))
    ok(lib("lists", "add", "Week", "3", "1"))
    ok(lib("lists", "save-search", "Mine", "tag:keep"))
    ok(lib("export", "--format", "json", "-o", "backup.json"))

    fresh = Cli(tmp_path, tmp_path / "restored")
    restored = ok(fresh("import", "backup.json"))
    assert restored.out.startswith(f"backup.json: {SHARED_DIGEST_PAPERS} new, 0 already")
    assert "restored: 1 digest, 1 list, 1 saved search" in restored.out
    for args in (("list", "--json"), ("tags", "--json"), ("lists", "--json"),
                 ("show", "3", "--json"), ("show", "211", "--json")):  # fmt: skip
        assert ok(fresh(*args)).json() == ok(lib(*args)).json(), args
    again = ok(fresh("import", "backup.json"))
    assert again.out.startswith(f"backup.json: 0 new, {SHARED_DIGEST_PAPERS} already")
    (tmp_path / "bad.json").write_text('{"format": "readinglist-backup", "version": 1}')
    user_error(fresh("import", "bad.json"), "bad.json: not a valid backup: papers: missing")
