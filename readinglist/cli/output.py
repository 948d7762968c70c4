"""What every command prints: JSON, one-line errors, paper rows and a paper's page.

Kept apart from the commands so that each prints papers the same way; it imports only
the standard library and the domain's value types (no storage), so the parser and
``--version`` can load it for free.
"""

from __future__ import annotations

import io
import json
import re
import shutil
import sys
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any, TextIO

if TYPE_CHECKING:
    from readinglist.core.models import ImportSummary, Paper, PaperDetails

PROG = "readinglist"
# Facts that only record where a column's value came from (printed with the column).
_ECHOES = frozenset({"authors", "arxiv_id", "upvotes"})
MAX_WARNINGS_SHOWN = 20


# What a terminal would act on rather than show: C0 controls but newline and tab (ESC
# starts the sequences that set the title, write the clipboard (OSC 52) or move the
# cursor; a carriage return overwrites a line), DEL, the C1 controls (0x9b is a CSI of
# its own), the bidirectional overrides and isolates that reorder a line (U+202E makes
# "list" print a row backwards), and lone surrogates (bytes of a file name in another
# encoding, which a UTF-8 terminal cannot be sent).
_UNSAFE = re.compile(
    "[\x00-\x08\x0b-\x1f\x7f-\x9f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069\ud800-\udfff]"
)


def _shown(match: re.Match[str]) -> str:
    code = ord(match.group())
    if code < 0x20:
        return chr(0x2400 + code)  # a Control Picture: ESC shows as ␛
    return "\u2421" if code == 0x7F else "\ufffd"


def terminal_text(text: str, one_line: bool = False) -> str:
    """Text from the library made safe to print on a terminal: every character a
    terminal would act on is replaced by a visible one (see _UNSAFE); ``one_line``: tabs
    and line breaks too (a row of ``list``). JSON output is never passed through this:
    it stays exact."""
    safe = _UNSAFE.sub(_shown, text)
    return safe.replace("\n", " ").replace("\t", " ") if one_line else safe


class TerminalStream(io.TextIOBase):
    """A text stream writing through :func:`terminal_text`: what a command prints for
    people (rows, a paper's page, tag names) goes through it, whatever module prints."""

    def __init__(self, stream: TextIO) -> None:
        super().__init__()
        self._stream = stream

    def write(self, text: str) -> int:
        self._stream.write(terminal_text(text))
        return len(text)

    def flush(self) -> None:
        self._stream.flush()

    def isatty(self) -> bool:
        return self._stream.isatty()

    def fileno(self) -> int:
        return self._stream.fileno()

    @property
    def encoding(self) -> str:  # type: ignore[override]
        return getattr(self._stream, "encoding", "utf-8") or "utf-8"


def print_json(data: Any) -> None:
    json.dump(data, sys.stdout, ensure_ascii=False, indent=2)
    sys.stdout.write("\n")


def say(message: str) -> None:
    """A message on stderr: stdout stays for the answer, which may be piped."""
    print(terminal_text(message), file=sys.stderr)


def error(problem: object) -> None:
    """An error as exactly one line on stderr, whatever the message holds (file names,
    titles: their control characters shown, not acted on)."""
    say(f"{PROG}: {terminal_text(' '.join(str(problem).split()), one_line=True)}")


def plural(count: int, word: str) -> str:
    """``1 paper``, ``2 papers``: how every count in a message is written."""
    return f"{count} {word}{'s' if count != 1 else ''}"


def short(text: str, width: int) -> str:
    return text if len(text) <= width else text[: max(width - 1, 0)] + "…"


def format_row(paper: Paper, title_width: int) -> str:
    code = "code" if paper.has_code else ""
    tags = f"  [{', '.join(paper.tags)}]" if paper.tags else ""
    tags = terminal_text(tags, one_line=True)
    title = short(terminal_text(paper.title, one_line=True), title_width)
    return f"{paper.id:>5}  {paper.status.value:<8} {code:<4}  {title}{tags}"


def print_papers(papers: Sequence[Paper], positions: dict[int, int] | None = None) -> None:
    """One row a paper; ``positions``: a ``#`` column first (places in a digest)."""
    width = shutil.get_terminal_size((120, 24)).columns
    title_width = max(width - 23 - (6 if positions is not None else 0), 30)
    for paper in papers:
        row = format_row(paper, title_width)
        if positions is not None:
            row = f"#{positions.get(paper.id, 0):<4} {row}"
        print(row)


def print_details(details: PaperDetails) -> None:
    paper = details.paper
    print(f"[{paper.id}] {paper.title}")
    stars = "★" * paper.rating + "☆" * (5 - paper.rating)
    print(f"status: {paper.status.value}   priority: {paper.priority.value}   rating: {stars}")
    print(f"tags: {', '.join(paper.tags) if paper.tags else '-'}")
    if paper.time_spent is not None:
        from readinglist.core.time_spent import duration_text

        spent = paper.time_spent
        print(f"time spent: {duration_text(spent.minutes)} (recorded {spent.recorded_at:%Y-%m-%d})")
    seen = "never in a digest"
    if paper.first_seen and paper.last_seen:
        seen = (
            f"{paper.times_seen} time{'s' if paper.times_seen != 1 else ''}, first"
            f" {paper.first_seen:%Y-%m-%d %H:%M}, last {paper.last_seen:%Y-%m-%d %H:%M} UTC"
        )
    print(f"seen: {seen}")
    if paper.authors:
        print(f"authors: {', '.join(paper.authors)}")
    if paper.arxiv_id:
        print(f"arxiv: {paper.arxiv_id}")
    for fact in paper.meta:
        if fact.name.value in _ECHOES:
            continue
        label = fact.name.value.replace("_", " ") + ":"
        print(f"{label:<13}{fact.value}  ({fact.source.value}, {fact.recorded_at:%Y-%m-%d})")
    for link in paper.links:
        print(f"{link.kind.value + ':':<13}{link.url}")
    print()
    print(paper.abstract or "(no abstract)")
    if paper.notes:
        print("\nnotes:")
        print(paper.notes)
    history = ", ".join(
        f"{change.status.value} {change.changed_at:%Y-%m-%d %H:%M}"
        for change in details.status_history
    )
    print(f"\nstatus history: {history}")


def print_summary(summary: ImportSummary) -> None:
    """An import's one line on stdout; its warnings on stderr, at most 20 of them."""
    print(f"{summary.source_name}: {summary.describe()}")
    for warning in summary.warnings[:MAX_WARNINGS_SHOWN]:
        say(f"{summary.source_name}: warning: {warning}")
    hidden = len(summary.warnings) - MAX_WARNINGS_SHOWN
    if hidden > 0:
        say(f"{summary.source_name}: … and {hidden} more warnings")
    for paper_id in summary.abstracts_changed:
        say(f"{summary.source_name}: paper {paper_id}: the abstract changed; kept the new one")
