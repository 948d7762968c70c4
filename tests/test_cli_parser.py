"""The command line's parser is built once per process and shared by every command it
runs (readinglist.cli.parser.shared_parser): one command's arguments never reach the
next, and a command module that failed to load is loaded again when its command runs."""

from __future__ import annotations

import pytest

from readinglist.cli import parser as parser_module
from readinglist.cli.parser import build_parser, complete, shared_parser


def test_one_parser_serves_every_command_without_carrying_arguments_over() -> None:
    parser = shared_parser()
    assert shared_parser() is parser
    tagged = parser.parse_args(["--library", "elsewhere", "list", "--tag", "x", "--limit", "3"])
    assert (tagged.tag, tagged.limit, str(tagged.library)) == ("x", 3, "elsewhere")
    plain = parser.parse_args(["list"])
    assert plain.tag is None
    assert plain.limit != 3
    assert not hasattr(plain, "library")  # not given: the default library is chosen later
    shown = parser.parse_args(["show", "7"])
    assert (shown.command, shown.id) == ("show", 7)


def test_a_completed_parser_parses_as_a_lazy_one_does() -> None:
    lazy, eager = build_parser(), build_parser()
    complete(eager)
    for argv in (["list", "--sort", "title", "--limit", "2"], ["tag", "3", "--add", "x"]):
        assert vars(eager.parse_args(argv)) == vars(lazy.parse_args(argv))
    assert eager.format_help() == lazy.format_help()


def test_arguments_that_failed_to_load_are_loaded_when_their_command_runs(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    real = parser_module.command_module
    failing = {"on": True}

    def flaky(name: str) -> object:
        if failing["on"]:
            raise ImportError(f"cannot load {name}")
        return real(name)

    monkeypatch.setattr(parser_module, "command_module", flaky)
    parser = build_parser()
    with pytest.raises(ImportError):
        complete(parser)  # as the command server's preload would meet it
    failing["on"] = False
    args = parser.parse_args(["show", "5"])
    assert args.id == 5
