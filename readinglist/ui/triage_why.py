"""The detail pane's line about the triage: a paper's interest and why.

"Interest 0.87 · gaussian splatting, radiance · like “3D Gaussian Splatting for…” and
2 more": the words that pushed the paper up most and the papers the reader wanted that
are most like it, the nearest by its title, shortened (an id says nothing to a reader;
``readinglist triage`` prints the ids); the tooltip names every one of them.
Everything comes from the controller's last trained model, immutable and in memory, no
database read; still, a "why" measured 25 ms (median, 39 ms at most) on a 20k library
under load (benchmarks/triage.py ``why_one_paper_*``), so the window computes it on a
worker thread of its own (triage_window.TriageParts.show_paper). A paper the model does
not know, or a library with nothing learned yet, gets no line at all: nothing is
invented.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from readinglist.ui.triage_controller import TriageController, format_interest

# The nearest paper's title in the line is cut to this many characters ("…" added).
TITLE_CHARS = 40


@dataclass(frozen=True, slots=True)
class WhyLine:
    """What the detail pane shows: one line and its tooltip's lines ("" / (): none)."""

    line: str = ""
    tooltip: tuple[str, ...] = ()


def format_why(
    interest: float | None,
    words: Sequence[str],
    papers: Sequence[int],
    titles: dict[int, str],
) -> WhyLine:
    """The line for a paper: nothing without an interest (never a made-up reason)."""
    if interest is None:
        return WhyLine()
    parts = [f"Interest {format_interest(interest)}"]
    if words:
        parts.append(", ".join(words))
    if papers:
        parts.append(like(papers, titles))
    tooltip = ["How much this paper is like the ones you read (0-1), learned from you."]
    if words:
        tooltip.append("Words that pushed it up: " + ", ".join(words))
    for paper_id in papers:
        title = titles.get(paper_id)
        tooltip.append(f"Like paper {paper_id}" + (f": {title}" if title else ""))
    return WhyLine(" · ".join(parts), tuple(tooltip))


def like(papers: Sequence[int], titles: dict[int, str]) -> str:
    """'like “Title…” and 2 more': the nearest paper by its title (its id when the
    title is unknown), then how many others."""
    title = titles.get(papers[0], "").strip()
    if len(title) > TITLE_CHARS:
        title = title[: TITLE_CHARS - 1].rstrip() + "…"
    nearest = f"“{title}”" if title else f"paper {papers[0]}"
    others = len(papers) - 1
    return f"like {nearest}" + (f" and {others} more" if others else "")


def why_line(controller: TriageController, paper_id: int) -> WhyLine:
    """The line for ``paper_id`` from the controller's current model."""
    interest = controller.interest(paper_id)
    if interest is None:
        return WhyLine()
    why = controller.why(paper_id)
    words, papers = why if why is not None else ((), ())
    return format_why(interest, words, papers, controller.titles(papers))
