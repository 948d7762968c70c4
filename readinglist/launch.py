"""The ``readinglist`` program's entry point: as little as possible before the command.

A command handed to a command server (``readinglist.command_server``) costs this
process only what it takes to hand it over, so nothing of the command line itself is
imported here unless the command runs in this process after all.
"""

from __future__ import annotations

import sys
from collections.abc import Sequence


def main() -> int:
    from readinglist.command_server import wanted

    argv = sys.argv[1:]
    if not wanted(argv):
        return _run_here(argv)
    from readinglist.command_server.client import serve_or_run

    try:
        return serve_or_run(argv, _run_here)
    except KeyboardInterrupt:  # Ctrl+C before the command began, here or in a server
        return 130


def _run_here(argv: Sequence[str]) -> int:
    from readinglist import cli

    return cli.run(argv)
