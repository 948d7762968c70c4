"""The top-level parser: every command's name and help, each command's arguments added
only when that command is parsed.

Why lazily: building all twenty subparsers means importing every command module and
what their arguments list (the domain's statuses, sort keys, export formats): tens of
milliseconds that ``readinglist --version`` and ``readinglist list`` would pay for
nothing. :class:`CommandParser` looks the same to argparse; it adds its arguments on
the first ``parse_known_args``, ``format_usage`` or ``format_help``, so usage, help and
error messages are those of a parser built in full. Only the standard library loads
here.
"""

from __future__ import annotations

import argparse
import functools
import importlib
from collections.abc import Callable, Sequence
from typing import Any, NamedTuple

from readinglist import __version__
from readinglist.cli.args import Parents, common_parent, json_parent
from readinglist.cli.output import PROG

ArgumentsAdder = Callable[[argparse.ArgumentParser, Parents], None]


class Command(NamedTuple):
    """A command: its name, its help line, whether it takes ``--json``, and the module
    (under readinglist.cli) holding ``cmd_NAME`` and ``NAME_arguments``."""

    name: str
    module: str
    help: str
    json_out: bool = False


# In the order ``readinglist --help`` lists them.
COMMANDS: tuple[Command, ...] = (
    Command("import", "exchange", "import digests (text, .eml, .html) or - for stdin", True),
    Command("list", "papers", "list papers", True),
    Command("show", "papers", "show one paper", True),
    Command("tag", "tags", "add and remove tags on papers"),
    Command("tags", "tags", "list tags with counts; rename or colour them", True),
    Command("status", "papers", "set the read status of papers"),
    Command("priority", "papers", "set the priority of papers"),
    Command("rate", "papers", "rate a paper from 0 to 5"),
    Command("spent", "papers", "record how long papers took to read (calibrates plan)"),
    Command("note", "notes", "print, set or edit a paper's Markdown notes"),
    Command("open", "papers", "open a paper's code repository in the browser"),
    Command(
        "resolve", "resolve", "find papers on arXiv and Hugging Face: authors, dates, links", True
    ),
    Command("search", "search", "search the library (see the query language)", True),
    Command("similar", "search", "papers like this one, and why", True),
    Command("triage", "triage", "a digest ranked for you, best first, and why", True),
    Command("groups", "triage", "a digest grouped by topic", True),
    Command("suggest-tags", "triage", "up to 3 of your tags that fit a paper", True),
    Command("reindex", "search", "rebuild the search index from the library"),
    Command("backup", "exchange", "copy the library's database (consistent while in use)"),
    Command(
        "restore", "exchange", "replace the library by a backup (the current one is kept aside)"
    ),
    Command("doctor", "doctor", "check the search index against the library and repair it", True),
    Command("delete", "papers", "delete papers (with their notes, tags and history)"),
    Command("lists", "lists", "reading lists and saved searches, with counts", True),
    Command("comment", "group", "comment on a paper for the reading group (--delete yours)"),
    Command("comments", "group", "a paper's comments, oldest first, with author and time", True),
    Command("assign", "group", "who presents a paper to the group, and when (--clear)"),
    Command("schedule", "group", "the group's upcoming presentations (--all: past ones too)", True),
    Command("member", "group", "show or set your name in the reading group (once per machine)"),
    Command("export", "exchange", "export papers (md, csv, bibtex, ris, csljson, json, html)"),
    Command("undo", "undo", "take back the last change made from the command line", True),
    Command("stats", "stats", "your reading: weeks, backlog, streak, queue waits", True),
    Command("plan", "stats", "plan my week: fill --hours N from the queue", True),
    Command("gui", "gui", "open the desktop window"),
)
BY_NAME = {command.name: command for command in COMMANDS}


def command_module(name: str) -> Any:
    """The module of a command (imported on first use)."""
    return importlib.import_module(f"readinglist.cli.{BY_NAME[name].module}")


class CommandParser(argparse.ArgumentParser):
    """A command's parser whose arguments are added when it is first used.

    What :meth:`defer` is given runs once, before the parser parses or formats
    anything. Nested parsers (``lists ACTION``) are of this class too (argparse makes
    them so) and have nothing deferred.
    """

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._add_arguments: Callable[[], None] | None = None

    def defer(self, add_arguments: Callable[[], None]) -> None:
        self._add_arguments = add_arguments

    def _complete(self) -> None:
        # Cleared only once added: a command module that failed to import (the command
        # server completes every parser up front) is tried again, and says why, when its
        # command is parsed.
        if self._add_arguments is not None:
            self._add_arguments()
            self._add_arguments = None

    def parse_known_args(  # type: ignore[override]
        self, args: Sequence[str] | None = None, namespace: argparse.Namespace | None = None
    ) -> tuple[argparse.Namespace, list[str]]:
        self._complete()
        return super().parse_known_args(args, namespace)

    def format_usage(self) -> str:
        self._complete()
        return super().format_usage()

    def format_help(self) -> str:
        self._complete()
        return super().format_help()


def _adder(sub: argparse.ArgumentParser, name: str, parents: Parents) -> Callable[[], None]:
    def add() -> None:
        arguments: ArgumentsAdder | None = getattr(command_module(name), f"{name}_arguments", None)
        if arguments is not None:
            arguments(sub, parents)

    return add


@functools.cache
def shared_parser() -> argparse.ArgumentParser:
    """The parser, built once per process and reused by every command it runs.

    Why: building it is about 12 ms of argparse work (gettext lookups, parents' actions
    copied into 33 subparsers), a sixth of a served command's whole time. Nothing in it
    depends on the environment or the working folder, and parsing does not change it, so
    the command server builds it before forking (:func:`complete`) and every child, like
    every in-process run of ``readinglist.cli.run``, parses with the same one.
    """
    return build_parser()


def complete(parser: argparse.ArgumentParser) -> None:
    """Every command's deferred arguments added now (their modules imported): what a
    process that will run many commands, such as the command server, does once."""
    for action in parser._actions:  # the subcommands' action maps names to parsers
        if isinstance(action.choices, dict):
            for sub in action.choices.values():
                if isinstance(sub, CommandParser):
                    sub._complete()


def build_parser() -> argparse.ArgumentParser:
    """A new parser (readinglist.cli.run uses :func:`shared_parser`)."""
    common = common_parent()
    parents = Parents(common, json_parent())
    parser = argparse.ArgumentParser(
        prog=PROG,
        description="A reading-list manager for machine-learning papers.",
        parents=[common],
    )
    parser.add_argument("--version", action="version", version=f"{PROG} {__version__}")
    # Any: typeshed wants the parents of the same class as the subparsers they build.
    commands: Any = parser.add_subparsers(
        dest="command", metavar="COMMAND", required=True, parser_class=CommandParser
    )
    for command in COMMANDS:
        sub: CommandParser = commands.add_parser(
            command.name,
            parents=list(parents) if command.json_out else [common],
            help=command.help,
            description=command.help,
        )
        sub.defer(_adder(sub, command.name, parents))
    return parser
