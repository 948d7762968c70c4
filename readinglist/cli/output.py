"""What every command prints: JSON, one-line errors, paper rows and a paper's page.

Kept apart from the commands so that each prints papers the same way; it imports only
the standard library and the domain's value types (no storage), so the parser and
``--version`` can load it for free.
"""

from __future__ import annotations

import json
import shutil
import sys
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from readinglist.core.models import ImportSummary, Paper, PaperDetails

PROG = "readinglist"
MAX_WARNINGS_SHOWN = 20


def print_json(data: Any) -> None:
    json.dump(data, sys.stdout, ensure_ascii=False, indent=2)
    sys.stdout.write("\n")


def say(message: str) -> None:
    """A message on stderr: stdout stays for the answer, which may be piped."""
    print(message, file=sys.stderr)


def error(problem: object) -> None:
    """An error as exactly one line on stderr, whatever the message holds (file names...)."""
    say(f"{PROG}: {' '.join(str(problem).split())}")


def plural(count: int, word: str) -> str:
    """``1 paper``, ``2 papers``: how every count in a message is written."""
    return f"{count} {word}{'s' if count != 1 else ''}"


def short(text: str, width: int) -> str:
    return text if len(text) <= width else text[: max(width - 1, 0)] + "…"


def format_row(paper: Paper, title_width: int) -> str:
    code = "code" if paper.has_code else ""
    tags = f"  [{', '.join(paper.tags)}]" if paper.tags else ""
    title = short(paper.title, title_width)
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
    seen = "never in a digest"
    if paper.first_seen and paper.last_seen:
        seen = (
            f"{paper.times_seen} time{'s' if paper.times_seen != 1 else ''}, first"
            f" {paper.first_seen:%Y-%m-%d %H:%M}, last {paper.last_seen:%Y-%m-%d %H:%M} UTC"
        )
    print(f"seen: {seen}")
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
