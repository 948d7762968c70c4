"""What the command modules share to declare their arguments: argument types and the
``--library``/``--json`` parent parsers.

Each command module adds its own arguments next to its handler (readinglist.cli.parser
says when); this module keeps them alike without importing any of them.
"""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import NamedTuple

# The same name as readinglist.app_context.ENV_HOME, repeated so that the parser does
# not import the storage layer: --help, --version and usage errors answer at once.
ENV_HOME = "READINGLIST_HOME"
# SQLite integers are signed 64-bit: a larger id or limit would overflow in the driver.
MAX_SQL_INT = 2**63 - 1


class UsageError(Exception):
    """Wrong arguments that argparse cannot see (exit code 2)."""


def paper_id(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a paper id") from None
    if not 1 <= value <= MAX_SQL_INT:
        raise argparse.ArgumentTypeError(f"{text!r} is not a paper id")
    return value


def digest_arg(text: str) -> str:
    if text == "latest" or (text.isdigit() and 1 <= int(text) <= MAX_SQL_INT):
        return text
    raise argparse.ArgumentTypeError(f"{text!r} is not a digest: use latest or a digest id")


def limit(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a whole number") from None
    if not 1 <= value <= MAX_SQL_INT:
        raise argparse.ArgumentTypeError(f"the limit is a number of papers from 1, not {text}")
    return value


def library_location(text: str) -> Path | str:
    """A library folder, or a shared library's ``postgresql://`` URL kept as text (a
    Path would fold its "//"); readinglist.app_context opens either."""
    if text.lower().startswith(("postgresql:", "postgresql+", "postgres:", "postgres+")):
        return text
    return Path(text)


def common_parent() -> argparse.ArgumentParser:
    """``--library``, accepted before the command and after it."""
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument(
        "--library",
        metavar="DIR",
        type=library_location,
        default=argparse.SUPPRESS,
        help=f"the library folder, or postgresql://user@host/db for a shared library"
        f" (default: ${ENV_HOME}, else the user data folder)",
    )
    return common


def json_parent() -> argparse.ArgumentParser:
    json_flag = argparse.ArgumentParser(add_help=False)
    json_flag.add_argument("--json", action="store_true", help="print JSON")
    return json_flag


class Parents(NamedTuple):
    """The parent parsers a command's actions take too (``lists add``, ``tags rename``)."""

    common: argparse.ArgumentParser  # --library
    json_flag: argparse.ArgumentParser  # --json
