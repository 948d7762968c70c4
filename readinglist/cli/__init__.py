"""The ``readinglist`` command line. Qt-free: ``readinglist gui`` loads the window lazily.

Exit codes: 0 ok, 1 an error the user can act on (one line on stderr), 2 bad usage.

One module per group of commands, each command's arguments next to its handler:
papers (list, show, status, priority, rate, open, delete), notes, tags (tag, tags),
lists, search (search, similar, reindex), exchange (import, export, backup, restore),
doctor and gui; output prints, args holds what the parsers share, parser is the
top-level parser.

Why it is split so, and imports so little: a command costs what it imports. Parsing
``argv`` loads only the standard library and the chosen command's module; SQLAlchemy
loads when a library is opened, Whoosh and NumPy only for the commands that read the
search index, the export formats only for ``export``. ``readinglist --version`` loads
none of them.
"""

from __future__ import annotations

import contextlib
import errno
import os
import sys
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from readinglist.cli.args import UsageError
from readinglist.cli.output import PROG, TerminalStream, error, plural, say
from readinglist.cli.parser import BY_NAME, build_parser, command_module, shared_parser
from readinglist.core.errors import IndexDamagedError, ReadingListError

if TYPE_CHECKING:
    import argparse

    from readinglist.app_context import OpenDatabase

__all__ = ["EXIT_BUG", "PROG", "UsageError", "build_parser", "main", "run"]

# Exit status of an unexpected error (a bug): EX_SOFTWARE from sysexits.h.
EXIT_BUG = 70
# Failures of the machine, not of readinglist: a full disk, a read-only or forbidden
# file or folder, a failing device. One line the user can act on, not a bug report.
_ENVIRONMENT_ERRORS = frozenset(
    {
        errno.ENOSPC,
        errno.EDQUOT,
        errno.EROFS,
        errno.EACCES,
        errno.EPERM,
        errno.EIO,
        errno.EFBIG,
        errno.ENAMETOOLONG,
        errno.EMFILE,
        errno.ENFILE,
    }
)
Handler = Callable[["argparse.Namespace", "OpenDatabase"], int]
BUILD_PROGRESS_EVERY_S = 1.0

# Commands that never read the search index open the database alone (no Whoosh, no
# NumPy: a third of a second less); their changes wait in the search outbox, which
# the next command that opens the index drains first.
_DATABASE_ONLY = frozenset(
    {"list", "show", "tag", "tags", "status", "priority", "rate", "note", "open", "delete",
     "backup", "undo", "resolve", "stats", "plan", "triage", "groups", "suggest-tags",
     "comment", "comments", "assign", "schedule", "spent"}
)  # fmt: skip
# Commands that open the index but never wait for it to be built: a library whose index
# is missing or being built opens for them at once (its changes wait in the outbox).
_INDEX_FREE = frozenset({"import", "reindex"})
# Commands that may make a new library; the others refuse a folder that holds none.
_MAY_CREATE = frozenset({"import"})
# Commands that run before (or instead of) opening a library.
_NO_LIBRARY = frozenset({"gui", "restore", "member"})
# Commands whose output is data, printed exactly unless it goes to a terminal.
_RAW_OUTPUT = frozenset({"export", "note"})


def __getattr__(name: str) -> Any:
    """``cmd_list`` and the other handlers, from their modules on first use (PEP 562),
    so that importing this package does not import every command."""
    command = name.removeprefix("cmd_")
    if name.startswith("cmd_") and command in BY_NAME:
        return getattr(command_module(command), name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def _handler(command: str) -> Callable[..., int]:
    """A command's handler, looked up by name on this package each time it runs, so a
    test can replace one (``monkeypatch.setattr(cli, "cmd_list", ...)``)."""
    handler: Callable[..., int] = getattr(sys.modules[__name__], f"cmd_{command}")
    return handler


def main(argv: Sequence[str] | None = None) -> int:
    """The command's exit status. Called as a program (no ``argv``), the command goes to
    a command server where one runs (``readinglist.command_server``: the same command
    without the imports' cost), else runs here and starts one for the next command."""
    if argv is None:
        from readinglist.launch import main as launch

        return launch()
    return run(argv)


def run(argv: Sequence[str]) -> int:
    """The command in this process."""
    try:
        try:
            code = _run(argv)
        finally:
            # Flush now rather than at interpreter exit, where a closed pipe would print
            # "Exception ignored ... BrokenPipeError" and exit with status 120.
            sys.stdout.flush()
    except BrokenPipeError:
        # Output piped into `head` and closed early: not an error of ours.
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        return 0
    except KeyboardInterrupt:
        return 130
    except OSError as problem:  # the answer could not be written (> /dev/full)
        _drop_unwritten_output()
        error(f"cannot write the output: {problem.strerror or problem}")
        return 1
    return code


def _drop_unwritten_output() -> None:
    """What stdout still buffers would fail again at exit ("Exception ignored")."""
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
    except (OSError, ValueError):  # no real file behind stdout (a test's capture)
        pass


def _run(argv: Sequence[str] | None) -> int:
    parser = shared_parser()
    args = parser.parse_args(argv)
    from readinglist.app_logging import configure_logging

    log_file = configure_logging()
    args.library = getattr(args, "library", None)
    args.json = getattr(args, "json", False)
    try:
        _check_usage(args)
        if args.command in _NO_LIBRARY:
            return _handler(args.command)(args)
        with _open(args.library, args.command, _needs_index(args)) as opened:
            if opened.upgrade_copy:
                say(
                    f"{PROG}: library upgraded; the previous database was copied to"
                    f" {opened.upgrade_copy}"
                )
            handler: Handler = _handler(args.command)
            with _terminal_safe(args):
                try:
                    return handler(args, opened)
                except IndexDamagedError:
                    if not _rebuild_damaged(opened):
                        raise
                    return handler(args, opened)  # once: a second failure is not damage
    except UsageError as problem:
        parser.error(str(problem))  # exits with status 2
    except ReadingListError as problem:
        error(problem)
        return 1
    except BrokenPipeError:
        raise  # output closed early (| head): main() handles it quietly
    except OSError as problem:
        if problem.errno not in _ENVIRONMENT_ERRORS:
            return _bug(args.command, problem, log_file)
        try:  # the failed write may be stdout's (> /dev/full): it would fail again at exit
            sys.stdout.flush()
        except OSError:
            _drop_unwritten_output()
        where = f" ({problem.filename})" if problem.filename else ""
        error(f"{problem.strerror or problem}{where}")
        return 1
    except UnicodeEncodeError as problem:
        if "surrogates not allowed" not in str(problem):
            return _bug(args.command, problem, log_file)
        # Bytes of another encoding in an argument (a file name, a tag), which Python
        # carries as lone surrogates and neither SQLite nor a UTF-8 file can take.
        text = problem.object if isinstance(problem.object, str) else ""
        shown = text.encode("utf-8", "surrogateescape").decode("utf-8", "replace")
        error(f"{shown!r} is not UTF-8 text; give it in UTF-8 (or rename the file)")
        return 1
    except Exception as problem:
        return _bug(args.command, problem, log_file)


def _bug(command: str, problem: BaseException, log_file: Path | None) -> int:
    """An unexpected error: the details go to the log, one line to the user."""
    import logging

    logging.getLogger(__name__).exception("unexpected error in %r", command, exc_info=problem)
    where = f"; details are in {log_file}" if log_file else ""
    error(f"unexpected error ({type(problem).__name__}: {problem}){where}")
    return EXIT_BUG


def _check_usage(args: argparse.Namespace) -> None:
    """Usage errors argparse cannot see, caught before any library is opened or created."""
    if args.command == "import" and args.files.count("-") > 1:
        raise UsageError("standard input (-) can be read only once")
    if args.command == "export" and args.include_private:
        from readinglist.core.exchange import FORMATS

        takes = [name for name, fmt in FORMATS.items() if fmt.private_on_request]
        if args.format not in takes:
            raise UsageError(
                f"--include-private is for --format {' or '.join(takes)}"
                " (the json backup always holds everything)"
            )


def _terminal_safe(args: argparse.Namespace) -> contextlib.AbstractContextManager[object]:
    """Human output through output.TerminalStream: titles, abstracts and tags come from
    digests and backups of anyone's making, and may carry escape sequences. JSON, and
    an export or notes going to a file or pipe, stay exact."""
    if args.json or (args.command in _RAW_OUTPUT and not sys.stdout.isatty()):
        return contextlib.nullcontext()
    return contextlib.redirect_stdout(TerminalStream(sys.stdout))


def _rebuild_damaged(opened: OpenDatabase) -> bool:
    """The search index failed to read (and distrusted itself): it is only a cache of
    the library, so it is rebuilt now (True) for the command to run again on the new
    one. False without an index to rebuild."""
    from readinglist.app_context import OpenLibrary

    if not isinstance(opened, OpenLibrary):
        return False
    say(f"{PROG}: the search index is damaged; rebuilding it from the library")
    count = opened.library.indexing.rebuild(_BuildProgress())
    say(f"{PROG}: rebuilt the search index ({plural(count, 'paper')})")
    return True


def _needs_index(args: argparse.Namespace) -> bool:
    """Whether the command waits for a missing index to be built before it runs."""
    if args.command == "export":
        return getattr(args, "search", None) is not None
    return args.command not in _INDEX_FREE


class _BuildProgress:
    """The index build's progress on stderr: a line a second at most, none at all for
    a build that ends sooner (the line saying it was rebuilt comes last)."""

    def __init__(self) -> None:
        self._last = time.monotonic()

    def __call__(self, done: int, total: int) -> None:
        now = time.monotonic()
        if done < total and now - self._last >= BUILD_PROGRESS_EVERY_S:
            self._last = now
            say(f"{PROG}: building the search index: {done}/{total} papers…")


def _open(library_dir: Path | None, command: str, build_index: bool) -> OpenDatabase:
    """The library a command runs on; SQLAlchemy (and for most commands nothing more
    of the storage and search stack) loads only from here."""
    from readinglist import app_context

    def on_message(text: str) -> None:
        say(f"{PROG}: {text}")

    if command not in _MAY_CREATE and not app_context.library_exists(library_dir):
        # A mistyped --library must not become a new, empty library (and an export of
        # nothing that exits 0).
        folder = app_context.describe_library(library_dir)
        raise ReadingListError(
            f"no library in {folder} yet: import a digest with '{PROG} import FILE'"
            " (or '-' for a paste)"
        )
    try:
        if command in _DATABASE_ONLY:
            return app_context.open_database(library_dir, on_message=on_message)
        return app_context.open_library(
            library_dir, on_message=on_message, progress=_BuildProgress(), build_index=build_index
        )
    except OSError as problem:  # e.g. the folder cannot be created
        where = f"{problem.filename}: " if problem.filename else ""
        raise ReadingListError(
            f"cannot open the library: {where}{problem.strerror or problem}"
        ) from None
