"""Turn the plain text of a trending-papers digest into papers.

A digest is a title line followed by its abstract on one line, repeated, with a few
header lines. Titles and abstracts are told apart by their content rather than by strict
alternation, so one missing abstract does not shift every later pair. The parser never
raises: anything odd becomes a :class:`ParseWarning` with its line number.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from enum import Enum, auto

from readinglist.core.models import ParsedPaper, ParseResult, ParseWarning
from readinglist.core.normalize import clean_text, title_key
from readinglist.core.text_lines import iter_lines

_HEADER = re.compile(
    r"^(get trending papers in your e-?mail inbox|subscribe$|unsubscribe$)", re.IGNORECASE
)
# "Subscribe" glued to the first title: "SubscribeView-Consistent Hierarchical ...".
_GLUED_SUBSCRIBE = re.compile(r"^Subscribe(?=[A-Z0-9\"'“‘(\[])")
_BULLET = re.compile(r"^[•·▪◦*\-–—]\s+")
# A sentence ends and another starts: "... fields. We learn ...".
_SENTENCE_BREAK = re.compile(r"[\w)\]%\"'”][.!?][\"'”)]?\s+[A-Z(\"“]")
_ENDS_SENTENCE = re.compile(r"[.!?][\"'”)\]]*$")
_LETTER = re.compile(r"[^\W\d_]")

TITLE_MAX_CHARS = 250
TITLE_MAX_WORDS = 35
WARNING_PREVIEW_CHARS = 60


class _Kind(Enum):
    TITLE = auto()
    ABSTRACT = auto()
    EITHER = auto()


def _classify(line: str) -> _Kind:
    words = len(line.split())
    breaks = len(_SENTENCE_BREAK.findall(line))
    if len(line) >= 300 or words >= 45 or breaks >= 2 or (breaks == 1 and words >= 20):
        return _Kind.ABSTRACT
    if (
        len(line) <= TITLE_MAX_CHARS
        and words <= TITLE_MAX_WORDS
        and breaks == 0
        and not line.endswith(".")
    ):
        return _Kind.TITLE
    return _Kind.EITHER


def _preview(text: str) -> str:
    if len(text) <= WARNING_PREVIEW_CHARS:
        return repr(text)
    return repr(text[: WARNING_PREVIEW_CHARS - 1] + "…")


def _content_lines(text: str) -> Iterable[tuple[int, str]]:
    """(line number, cleaned line) for each line that may be a title or an abstract."""
    at_header = True
    for number, raw in enumerate(iter_lines(text), start=1):
        line = _BULLET.sub("", clean_text(raw.replace("\ufeff", "").replace("\u200b", "")))
        if at_header:
            line = _GLUED_SUBSCRIBE.sub("", line, count=1)
        if not line:
            continue
        if _HEADER.match(line):
            at_header = True
            continue
        at_header = False
        if _LETTER.search(line):  # counts, dates and rules carry no paper
            yield number, line


def parse_digest(text: str) -> ParseResult:
    """Papers and warnings from a digest's text. Never raises."""
    papers: list[ParsedPaper] = []
    warnings: list[ParseWarning] = []
    pending: tuple[int, str] | None = None

    def flush_without_abstract() -> None:
        if pending is not None:
            number, title = pending
            papers.append(ParsedPaper(title=title, abstract="", line=number))
            warnings.append(
                ParseWarning(number, f"title {_preview(title)} has no abstract; imported without")
            )

    lines = list(_content_lines(text))
    kinds = [_classify(line) for _, line in lines]
    for index, (number, line) in enumerate(lines):
        kind = kinds[index]
        if kind is _Kind.EITHER and pending is not None and _abstract_follows(kinds, index):
            # A short line with a sentence break ("(GG) MoE vs. MLP on Tabular Data") right
            # before a certain abstract is that abstract's title: taking it as the pending
            # title's abstract would orphan the real abstract and shift the pairs.
            kind = _Kind.TITLE
        elif kind is _Kind.EITHER and pending is None and _is_stray_sentence(line, kinds, index):
            # A sentence with no title before it and no abstract after it ("No papers yet.
            # Check back tomorrow.") is page text or an orphaned abstract, not a title.
            kind = _Kind.ABSTRACT
        elif (
            kind is _Kind.TITLE
            and pending is not None
            and _alternation_holds(line, kinds, index, papers)
        ):
            # A one-sentence abstract without a full stop reads like a title; where the
            # digest keeps alternating around it, it is the pending title's abstract.
            kind = _Kind.ABSTRACT
        if kind is _Kind.TITLE or (kind is _Kind.EITHER and pending is None):
            flush_without_abstract()
            pending = (number, line)
        elif pending is not None:
            papers.append(ParsedPaper(title=pending[1], abstract=line, line=pending[0]))
            pending = None
        else:
            warnings.append(ParseWarning(number, f"text without a title skipped: {_preview(line)}"))
    flush_without_abstract()
    unique, repeat_warnings = _drop_repeats(papers)
    return ParseResult(papers=tuple(unique), warnings=tuple(warnings + repeat_warnings))


# An abstract is a sentence: a title-like line this short is a title whatever follows.
ABSTRACT_MIN_WORDS = 12


def _alternation_holds(
    line: str, kinds: list[_Kind], index: int, papers: list[ParsedPaper]
) -> bool:
    """Whether taking this title-like line as the pending title's abstract keeps the
    digest's title/abstract alternation: the paper before had its abstract (the file
    was alternating), the next line can be a title and the one after it an abstract.
    Content decides only where the alternation breaks (a certain abstract next: this
    line is its title, and the pending one has none)."""
    if len(line.split()) < ABSTRACT_MIN_WORDS or (papers and not papers[-1].abstract):
        return False
    following = kinds[index + 1 : index + 3]
    if not following:
        return True  # the last line: the alternation ends with it
    if following[0] is _Kind.ABSTRACT:
        return False
    return len(following) < 2 or following[1] is not _Kind.TITLE


def _abstract_follows(kinds: list[_Kind], index: int) -> bool:
    return index + 1 < len(kinds) and kinds[index + 1] is _Kind.ABSTRACT


def _is_stray_sentence(line: str, kinds: list[_Kind], index: int) -> bool:
    following = kinds[index + 1] if index + 1 < len(kinds) else None
    return _ENDS_SENTENCE.search(line) is not None and following in (None, _Kind.TITLE)


def _drop_repeats(papers: list[ParsedPaper]) -> tuple[list[ParsedPaper], list[ParseWarning]]:
    """Keep each paper once (a digest pasted twice); a later copy may fill a missing abstract."""
    by_key: dict[str, int] = {}
    unique: list[ParsedPaper] = []
    repeats: list[ParsedPaper] = []
    for paper in papers:
        key = title_key(paper.title)
        index = by_key.get(key)
        if index is None:
            by_key[key] = len(unique)
            unique.append(paper)
            continue
        repeats.append(paper)
        kept = unique[index]
        if not kept.abstract and paper.abstract:
            unique[index] = ParsedPaper(kept.title, paper.abstract, kept.line)
    if not repeats:
        return unique, []
    first = repeats[0]
    message = (
        f"{len(repeats)} paper{'s' if len(repeats) != 1 else ''} repeat earlier ones"
        f" (first: {_preview(first.title)}); each is imported once"
    )
    return unique, [ParseWarning(first.line, message)]


def render_digest(papers: Iterable[ParsedPaper]) -> str:
    """The digest text for papers: the inverse of :func:`parse_digest`."""
    return "".join(f"{paper.title}\n{paper.abstract}\n" for paper in papers)
